import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// `npm run dev` proxies the API to a server started separately (scripts/run.sh, or HOMEPLAY_API).
const api = process.env.HOMEPLAY_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [svelte()],
  server: { proxy: { '/api': api, '/healthz': api } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
