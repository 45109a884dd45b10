// The service-worker registration that vite-plugin-pwa builds for the phone app (`virtual:pwa-register`).
/// <reference types="vite-plugin-pwa/vanillajs" />
