// The phone scenario's browser side (bench/src/scenarios/phone.rs runs it): Debian's chromium in phone emulation
// with 4× CPU throttling, driving the family web app served by a bench server at /family/. Prints one JSON line:
//   cold_ms / bare_ms   — browser start to the page's own "ready" mark (the family app after today's list is
//                         painted; the bare page served by the same service worker after its first paint), offline;
//   durable_ms / put_ms — a tick from the engine's record() call until IndexedDB's strict commit (the engine's
//                         own performance measure) against a bare strict IndexedDB put in the same page;
//   tick_ms             — the same ticks from the tap until the card shows them recorded (shown only once durable);
//   family_gz / dashboard_gz — the JS + CSS of each build, gzipped, in bytes.
// Env: BASE (server URL), CODE (pairing code), DIST (ui/dist), UI (ui/, whose node_modules has playwright-core),
// CHROMIUM, STARTS, TICKS; TRACE (a file: one more cold start of the app, traced through the DevTools protocol, for
// reading where its time goes; not a reported figure).
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const env = (k, d) => process.env[k] ?? d ?? (() => { throw new Error(`${k} is not set`); })();
// ES modules ignore NODE_PATH: take playwright-core from ui/'s dependencies.
const { chromium } = createRequire(join(env('UI'), 'package.json'))('playwright-core');
const BASE = env('BASE');
const CODE = env('CODE');
const DIST = env('DIST');
const STARTS = Number(env('STARTS', '5'));
const TICKS = Number(env('TICKS', '20'));
const TRACE = process.env.TRACE;
const READY = 'homeplay-ready';

// This machine's closed network: no background connections (see ../shared/MACHINE.md).
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const phone = {
  executablePath: env('CHROMIUM', '/usr/bin/chromium'), headless: true, args,
  viewport: { width: 412, height: 915 }, deviceScaleFactor: 2.625, isMobile: true, hasTouch: true,
  serviceWorkers: 'allow',
};

const profile = mkdtempSync(join(tmpdir(), 'homeplay-phone-bench-'));
const until = async (what, page, fn, arg, timeout = 60_000) => {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 50 });
  } catch (e) {
    throw new Error(`${what}: ${e.message.split('\n')[0]}`);
  }
};

async function open() {
  const ctx = await chromium.launchPersistentContext(profile, phone);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  return { ctx, page };
}

/** A browser as every measured start and the ticks see it: 4× CPU throttling, offline. */
async function openPhone() {
  const { ctx, page } = await open();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await ctx.setOffline(true);
  return { ctx, page, cdp };
}

/** The first visit: pair through the link, wait for the program and for the service worker to control the page. */
async function install() {
  const { ctx, page } = await open();
  await page.goto(`${BASE}/family/#pair=${CODE}`);
  await page.locator('input[name=code]').waitFor();
  for (const [name, value] of [['device_name', 'Bench phone'], ['caregiver', 'Bench']]) {
    const field = page.locator(`input[name=${name}]`);
    if (await field.count()) await field.fill(value);
  }
  await page.locator('form button[type=submit]').click();
  await until('the program after pairing', page, () => document.querySelectorAll('[data-testid=activity]').length > 0);
  // A page loaded before the worker is active is never controlled by it: wait for the active worker, then reload.
  await until('an active service worker', page, async () => !!(await navigator.serviceWorker.getRegistration())?.active);
  // Under a loaded machine Chromium has been seen to load the reload without the just-activated worker: reload
  // again (at most three times) until the page is under it, then say what the worker was doing if it never is.
  for (let attempt = 1; ; attempt++) {
    await page.reload();
    try {
      await until('the service worker controls the page', page, () => !!navigator.serviceWorker.controller, undefined, 15_000);
      break;
    } catch (e) {
      if (attempt === 3) {
        const state = await page.evaluate(async () => {
          const r = await navigator.serviceWorker.getRegistration();
          return { scope: r?.scope, active: r?.active?.state, waiting: r?.waiting?.state, installing: r?.installing?.state };
        });
        throw new Error(`${e.message} (registration: ${JSON.stringify(state)})`);
      }
    }
  }
  await until('today after reload', page, () => document.querySelectorAll('[data-testid=activity]').length > 0);
  await ctx.close();
}

/** One cold start of a page, offline and throttled: ms from navigation start to the page's own ready mark. */
async function coldStart(path) {
  const { ctx, page, cdp } = await openPhone();
  await page.goto(`${BASE}${path}`);
  const ms = await readyAt(cdp, path);
  await ctx.close();
  return ms;
}

/** The page's ready mark, awaited in the page by one small script over the DevTools protocol. Not Playwright's
 *  `waitForFunction`: its first call injects Playwright's own script into the page (a 36 ms task of the main
 *  thread under 4× throttling, seen in a trace of the app's start) and then polls every 50 ms, work that ran
 *  inside the start being measured. */
async function readyAt(cdp, path) {
  const expression = `new Promise((resolve) => {
    const mark = () => performance.getEntriesByName(${JSON.stringify(READY)})[0];
    if (mark()) return resolve(mark().startTime);
    new PerformanceObserver((_, observer) => {
      if (mark()) { observer.disconnect(); resolve(mark().startTime); }
    }).observe({ type: 'mark' });
  })`;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the ready mark of ${path}: not within 60 s`)), 60_000);
  });
  try {
    const answer = await Promise.race([cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }), timeout]);
    if (answer.exceptionDetails) throw new Error(`the ready mark of ${path}: ${answer.exceptionDetails.text}`);
    return answer.result.value;
  } finally {
    clearTimeout(timer);
  }
}

/** One more cold start of `path` as `coldStart` makes it, with a DevTools trace of it written to `file`. */
async function traced(path, file) {
  const { ctx, page, cdp } = await openPhone();
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  const categories = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'loading',
    'v8.execute', 'disabled-by-default-v8.cpu_profiler', 'toplevel', 'blink'];
  await cdp.send('Tracing.start', { transferMode: 'ReturnAsStream', traceConfig: { includedCategories: categories } });
  await page.goto(`${BASE}${path}`);
  await readyAt(cdp, path);
  await cdp.send('Tracing.end');
  const { stream } = await complete;
  const parts = [];
  for (;;) {
    const r = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
    parts.push(r.base64Encoded ? Buffer.from(r.data, 'base64') : Buffer.from(r.data));
    if (r.eof) break;
  }
  writeFileSync(file, Buffer.concat(parts));
  // What the start read: rows and JSON size per table and entity, beside the trace.
  const sizes = await page.evaluate(async () => {
    const db = await new Promise((ok, no) => { const r = indexedDB.open('homeplay-family'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
    const out = {};
    for (const table of db.objectStoreNames) {
      const rows = await new Promise((ok, no) => { const r = db.transaction(table).objectStore(table).getAll(); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
      for (const row of rows) {
        const k = `${table}${row.entity ? `:${row.entity}` : ''}`;
        const o = (out[k] ??= { rows: 0, bytes: 0 });
        o.rows += 1;
        o.bytes += row instanceof Object && !(row.blob instanceof Blob) ? JSON.stringify(row).length : 0;
      }
    }
    db.close();
    return out;
  });
  writeFileSync(`${file}.sizes.json`, JSON.stringify(sizes, null, 1));
  await ctx.close();
}

/** Ticks the first card with a Done button and times it until the card shows the record; then clears it. Before
 *  each tick, one bare put (the baseline). */
async function ticks(page) {
  const out = [];
  // A parent taps an idle screen: wait until the last round's re-read of the day is over (no button disabled).
  const idle = () => until('the screen idle', page, () => ![...document.querySelectorAll('[data-testid=activity] button')].some((b) => b.disabled));
  const puts = [];
  for (let i = 0; i < TICKS; i++) {
    await idle();
    // The baseline in the same page, between the ticks: the machine's other work weighs on both alike.
    puts.push(await bareput(page, i));
    out.push(await page.evaluate(() => new Promise((resolve, reject) => {
      const cards = [...document.querySelectorAll('[data-testid=activity]')];
      const index = cards.findIndex((c) => c.querySelector('button.primary'));
      if (index < 0) return reject(new Error('no card to tick'));
      const logged = () => document.querySelectorAll('[data-testid=activity]')[index]?.querySelector('[data-testid=logged]');
      const t0 = performance.now();
      const seen = new MutationObserver(() => {
        if (logged()) { seen.disconnect(); resolve(performance.now() - t0); }
      });
      seen.observe(document.body, { subtree: true, childList: true, attributes: true });
      cards[index].querySelector('button.primary').click();
    })));
    // Back to not-yet for the next round (not timed).
    await idle();
    await page.locator('[data-testid=activity]').filter({ has: page.locator('[data-testid=logged]') }).first()
      .getByRole('button', { name: /undo|didn.t/i }).first().click();
    await until('the tick undone', page, () => [...document.querySelectorAll('[data-testid=activity]')]
      .every((c) => !c.querySelector('[data-testid=logged]')));
  }
  return { shown: out, puts };
}

/** One bare IndexedDB put with the same durability, in the same page, timed like a tick's commit. */
async function bareput(page, i) {
  return page.evaluate(async (n) => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('bench-bare', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('s');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const t0 = performance.now();
    await new Promise((resolve, reject) => {
      const tx = db.transaction('s', 'readwrite', { durability: 'strict' });
      tx.objectStore('s').put({ i: n, at: Date.now(), note: 'x'.repeat(200) }, n);
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    const ms = performance.now() - t0;
    db.close();
    return ms;
  }, i);
}

function gzipped(dir) {
  let bytes = 0;
  for (const f of readdirSync(dir)) {
    if (/\.(js|css)$/.test(f)) bytes += gzipSync(readFileSync(join(dir, f)), { level: 9 }).length;
  }
  return bytes;
}

try {
  await install();
  const cold = [];
  const bare = [];
  for (let i = 0; i < STARTS; i++) {
    // Alternate which goes first, so the machine's other work weighs on both alike.
    if (i % 2 === 0) { cold.push(await coldStart('/family/')); bare.push(await coldStart('/family/bare.html')); }
    else { bare.push(await coldStart('/family/bare.html')); cold.push(await coldStart('/family/')); }
  }
  if (TRACE) await traced('/family/', TRACE);
  const { ctx, page } = await openPhone();
  await page.goto(`${BASE}/family/`);
  await until('today offline', page, () => document.querySelectorAll('[data-testid=activity]').length > 0);
  const { shown: tick, puts: put } = await ticks(page);
  // The engine's own measure of each of those ticks: from record()'s call to the strict commit.
  const durable = await page.evaluate(() => performance.getEntriesByName('homeplay-record').map((e) => e.duration));
  await ctx.close();
  console.log(JSON.stringify({
    cold_ms: cold, bare_ms: bare, tick_ms: tick, durable_ms: durable, put_ms: put,
    family_gz: gzipped(join(DIST, 'family', 'assets')), dashboard_gz: gzipped(join(DIST, 'assets')),
  }));
} finally {
  rmSync(profile, { recursive: true, force: true });
}
