// The web engine's suite against the real server binary (`npm run test:engine`): kept out of `npm test`, which
// needs no server.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['phone/engine/*.server.test.ts', 'phone/engine/*.browser.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
  },
});
