// The family app's screens: their own Vite root (this folder) and output (src-tauri/dist, embedded by Tauri).
//   npx vite build --config family/vite.config.ts      (from ui/)
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [svelte({ configFile: here('../svelte.config.js') })],
  build: { outDir: here('../../src-tauri/dist'), emptyOutDir: true, sourcemap: false },
  // Tauri's dev server: `cargo tauri dev` is not used; the app embeds the build.
  server: { port: 5174, strictPort: true },
});
