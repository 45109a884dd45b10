import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The clinic dashboard: its Vite root is dashboard/, its output ui/dist (served by homeplay-server --ui-dir).
// `npm run dev` proxies the API to a server started separately (scripts/run.sh, or HOMEPLAY_API).
const api = process.env.HOMEPLAY_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: here('dashboard'),
  plugins: [svelte({ configFile: here('svelte.config.js') })],
  server: { proxy: { '/api': api, '/healthz': api } },
  build: { outDir: here('dist'), emptyOutDir: true, sourcemap: false },
  // The unit tests of both apps (dashboard/, family/ and what they share, shared/) run from ui/.
  test: { root: here('.'), include: ['dashboard/**/*.test.ts', 'family/**/*.test.ts', 'shared/**/*.test.ts', 'phone/**/*.test.ts'], exclude: ['**/node_modules/**', '**/*.server.test.ts', '**/*.browser.test.ts'], environment: 'node' },
});
