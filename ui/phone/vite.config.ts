// The family app for phones: the family screens (../family) over the web engine (./engine), an installable offline
// web app served by the clinic server at /family/ from ui/dist/family. Built after the dashboard, whose own build
// empties ui/dist first:   npm run build   (or, from ui/: npx vite build --config phone/vite.config.ts)
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The app's scope on the clinic server (server/src/phone.rs serves it). */
const BASE = '/family/';

export default defineConfig({
  root: here('.'),
  base: BASE,
  publicDir: here('public'),
  plugins: [
    svelte({ configFile: here('../svelte.config.js') }),
    VitePWA({
      // A new version waits for the parent's yes (UpdatePrompt.svelte), and only once nothing is unsaved:
      // `autoUpdate` would reload under a half-made record.
      registerType: 'prompt',
      // main.ts registers the worker itself (virtual:pwa-register): no script is injected, inline or not (CSP).
      injectRegister: false,
      includeAssets: ['icon.svg', 'apple-touch-icon.png'],
      manifest: {
        id: BASE,
        name: 'homeplay — home exercises',
        short_name: 'homeplay',
        description: "A child's home exercises from their clinic: tick them off, offline too.",
        lang: 'en',
        start_url: BASE,
        scope: BASE,
        display: 'standalone',
        // family.css: --accent and --paper.
        theme_color: '#2f7d6d',
        background_color: '#fbf8f2',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The whole shell, so the app starts with no network at all after its first visit (the manifest, its icons and
        // includeAssets are added by the plugin).
        globPatterns: ['**/*.{js,css,html,woff,woff2}'],
        // Any page address in the app's scope starts the app offline; nothing outside it (the dashboard, the API).
        navigateFallback: `${BASE}index.html`,
        navigateFallbackAllowlist: [new RegExp(`^${BASE}`)],
        navigateFallbackDenylist: [/^\/api\//],
        // Nothing of the API is ever cached by the worker: the engine keeps the family's data in IndexedDB and
        // the answers of a clinic server must never come from a stale cache.
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        skipWaiting: false,
        clientsClaim: false,
      },
    }),
  ],
  build: {
    outDir: here('../dist/family'),
    emptyOutDir: true,
    sourcemap: false,
    // bare.html: the phone benchmark's baseline page, precached by the same worker.
    rollupOptions: { input: { main: here('index.html'), bare: here('bare.html') } },
  },
  server: { port: 5175, strictPort: true },
});
