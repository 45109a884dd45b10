// The web engine in Debian's chromium (CHROMIUM, default /usr/bin/chromium) with its real IndexedDB, fetch and
// gzip, against the real clinic server: Vite serves the engine's TypeScript as modules on a localhost page (a
// secure context, like the clinic's https) and forwards /api to the server, so the page talks to its own origin
// as the installed app does. A tick survives a reload of the page; the clinic receives it once.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import type { components } from '../../dashboard/lib/api/schema';
import { api, childWithProgram, pairingCode, startServer, stopServer } from './serverkit';
import { fileURLToPath } from 'node:url';

type Schemas = components['schemas'];
/** What the test page puts on `window`: the engine's entry, served by Vite from backend.ts. */
type Engine = { createWebBackend: typeof import('./backend').createWebBackend };

const browserBin = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ui = fileURLToPath(new URL('../..', import.meta.url));

let vite: ViteDevServer | null = null;
let browser: Browser | null = null;
let page = '';

beforeAll(async () => {
  if (!existsSync(browserBin)) throw new Error(`no chromium at ${browserBin}: set CHROMIUM`);
  const clinic = await startServer();
  vite = await createServer({
    root: ui,
    configFile: false,
    logLevel: 'silent',
    server: { host: '127.0.0.1', port: 0, strictPort: false, proxy: { '/api': clinic }, hmr: false },
    optimizeDeps: { include: ['idb'], noDiscovery: true },
    plugins: [
      {
        name: 'engine-page',
        configureServer(server) {
          server.middlewares.use('/engine.html', (_req, res) => {
            res.setHeader('Content-Type', 'text/html');
            res.end(
              '<!doctype html><title>engine</title><body><script type="module">' +
                "import { createWebBackend } from '/phone/engine/backend.ts'; window.createWebBackend = createWebBackend;" +
                '</script></body>',
            );
          });
        },
      },
    ],
  });
  await vite.listen();
  const address = vite.httpServer!.address();
  if (!address || typeof address === 'string') throw new Error('vite did not listen');
  page = `http://localhost:${address.port}/engine.html`;
  browser = await chromium.launch({ executablePath: browserBin, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await vite?.close();
  stopServer();
});

describe('the web engine in chromium', () => {
  it('pairs, records durably across a reload, syncs, and shows a downloaded picture', async () => {
    const { childId, today } = await childWithProgram('Bea');
    const code = await pairingCode(childId);
    const context = await browser!.newContext();
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(`${page}#pair=${code}`);
    await tab.waitForFunction(() => 'createWebBackend' in window);

    const first = await tab.evaluate(async (childId) => {
      const b = await (window as unknown as Engine).createWebBackend({ syncIntervalMs: 0 });
      const hint = b.pairingHint();
      const paired = await b.pair({ server_url: hint.server_url ?? '', code: hint.code ?? '', device_name: 'Bea’s phone', caregiver: 'Mum' });
      const child = (await b.today()).find((c) => c.child_id === childId)!;
      const item = child.groups[0]!.items[0]!;
      const log = await b.record({ key: item.key, outcome: { status: 'done' }, details: { actual_reps: null, actual_seconds: null, difficulty: null, mood: null, pain: false, pain_score: 2, note: 'in the browser' }, by_kid: false });
      const status = await b.status();
      return { hint, paired: paired.sync.state, log, waiting: status.sync, url: location.href, picture: item.steps[0]!.picture };
    }, childId);
    expect(first.hint.code).toBe(code);
    expect(first.url.endsWith('/engine.html')).toBe(true);
    expect(first.paired).toBe('synced');
    expect(first.waiting).toEqual({ state: 'waiting', count: 1 });

    // The page goes away before the tick is sent: it is still there, still waiting, after a reload.
    await tab.reload();
    await tab.waitForFunction(() => 'createWebBackend' in window);
    const second = await tab.evaluate(
      async ({ childId, picture }) => {
        const b = await (window as unknown as Engine).createWebBackend({ syncIntervalMs: 0 });
        const before = await b.status();
        const child = (await b.today()).find((c) => c.child_id === childId)!;
        const logged = child.groups[0]!.items[0]!.log;
        const after = await b.syncNow();
        const url = await b.picture(picture);
        const img = document.createElement('img');
        document.body.append(img);
        const loaded = await new Promise<boolean>((resolve) => {
          img.onload = () => resolve(img.naturalWidth > 0);
          img.onerror = () => resolve(false);
          img.src = url;
        });
        return { before: before.sync, logged, after: after.sync, url, loaded };
      },
      { childId, picture: first.picture },
    );
    expect(second.before).toEqual({ state: 'waiting', count: 1 });
    expect(second.logged).toMatchObject({ id: first.log.id, details: { pain: true, pain_score: 2, note: 'in the browser' } });
    expect(second.after).toMatchObject({ state: 'synced' });
    expect(second.url).toMatch(/^blob:/);
    expect(second.loaded).toBe(true);
    expect(errors).toEqual([]);

    const adherence = await api<Schemas['ChildAdherence']>('GET', `/children/${childId}/adherence?from=${today}&to=${today}`);
    expect(adherence.timeline.map((e) => e.log_id)).toEqual([first.log.id]);
    expect(adherence.timeline[0]).toMatchObject({ pain_score: 2, note: 'in the browser', recorded_by: { kind: 'caregiver', name: 'Mum' } });
    await context.close();
  }, 120_000);
});
