// End to end, the family web app on phones (issue #15): the real server binary serving the built phone app at
// /family/, Debian's chromium in phone emulation (playwright-core, persistent profiles), the therapist on the clinic
// API, and the desktop device engine on the command line. Screenshots go to artifacts/phone-*.png.
//
//   npm run build && npm run e2e:phone
//   HOMEPLAY_SERVER_BIN=…  (default: ../target/debug/homeplay-server)   CHROMIUM=…  (default: /usr/bin/chromium)
//   HOMEPLAY_DEVICE_BIN=…  (default: ../target/debug/family_device)
//
// The story's parts (e2e/phone/*.mjs) build on each other, so their order is part of the test: each is one test
// in the closing `test result:` line, and a part whose earlier part failed is counted failed, not skipped.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, axeFindings, browserBin, currentStepName, deviceBin, dist, failures, measures, requireFiles, serverBin, step, work } from './phone/harness.mjs';
import { Server } from './phone/clinic.mjs';
import { corruptedRecord, newerDatabase } from './phone/bad-input.mjs';
import { caregivers } from './phone/caregivers.mjs';
import { installable } from './phone/install.mjs';
import { arabic, chinese } from './phone/languages.mjs';
import { offline } from './phone/offline.mjs';
import { pairing } from './phone/pairing.mjs';
import { kidMode, ticks } from './phone/ticks.mjs';
import { sizes } from './phone/sizes.mjs';
import { update } from './phone/update.mjs';

/** name, what it needs to have passed first, the part, and what it expects. */
const parts = [
  ['pairing by the QR link', [], pairing],
  ['tick, undo, not done', ['pairing by the QR link'], ticks],
  ['kid mode and the gate', ['tick, undo, not done'], kidMode],
  ['offline, reload, relaunch, one sync', ['kid mode and the gate'], offline],
  ['a second phone and the desktop device count once', ['pairing by the QR link'], caregivers],
  ['installable', ['pairing by the QR link'], installable],
  // The app may log what it found in bad storage (console errors); an uncaught exception still fails.
  ['a newer database', ['pairing by the QR link'], newerDatabase, { badInput: true }],
  ['a corrupted record', ['a second phone and the desktop device count once'], corruptedRecord, { badInput: true }],
  ['phone sizes', ['pairing by the QR link'], sizes],
  ['a new version prompt', ['pairing by the QR link'], update],
  // Two more families, each on its own phone with its own child: one in Arabic (right to left), one in Chinese.
  ['in Arabic, right to left, end to end', [], arabic],
  ['in Chinese, end to end', [], chinese],
];

const started = Date.now();
const server = new Server();
const ctx = { server };
const results = new Map();
let passed = 0;
let failed = 0;

function report(name, ok, lines = []) {
  results.set(name, ok);
  if (ok) passed += 1;
  else failed += 1;
  console.log(`phone: ${name} ... ${ok ? 'ok' : 'FAILED'}`);
  for (const l of lines) console.log(`    ${l}`);
}

try {
  requireFiles([
    ['server binary', serverBin],
    ['chromium', browserBin],
    ['desktop device engine (cargo build -p homeplay-tests --bin family_device)', deviceBin],
    ['built dashboard (npm run build)', join(dist, 'index.html')],
    ['built phone app (npm run build builds ui/phone into dist/family)', join(dist, 'family/index.html')],
  ]);
  step('server');
  await server.start();
  console.log(`phone e2e: server on ${server.base}, phone app from ${join(dist, 'family')}`);
} catch (e) {
  console.error(`phone e2e: cannot start: ${e instanceof Error ? e.message : e}`);
  for (const [name] of parts) report(name, false, ['not run: the suite could not start']);
  console.log(`test result: FAILED. 0 passed; ${parts.length} failed; 0 ignored (phone E2E)`);
  await server.stop();
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
}

for (const [name, needs, run, expects = {}] of parts) {
  const missing = needs.filter((n) => !results.get(n));
  if (missing.length) {
    report(name, false, [`not run: needs "${missing.join('", "')}"`]);
    continue;
  }
  const t0 = Date.now();
  const before = failures.length;
  const errorsBefore = phoneErrors().length;
  ctx.current = null;
  try {
    await run(ctx);
  } catch (e) {
    // Playwright's own errors carry a call log: the first line and the step say enough.
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    failures.push(message.startsWith(currentStepName()) ? message : `${currentStepName()}: ${message}`);
    const page = [ctx.current, ctx.mum, ctx.dad].find((p) => p?.page)?.page;
    await page?.screenshot({ path: join(artifacts, `phone-failure-${name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {});
  }
  // Every console error and uncaught exception in the phones is a failure of the part that caused it.
  for (const err of phoneErrors().slice(errorsBefore)) {
    if (!expects.badInput || err.includes(': uncaught: ')) failures.push(err);
  }
  const mine = failures.slice(before);
  report(name, mine.length === 0, [...mine, `(${((Date.now() - t0) / 1000).toFixed(1)} s, last step: ${currentStepName()})`]);
}

function phones() {
  return [ctx.mum, ctx.dad, ...(ctx.more ?? [])].filter(Boolean);
}

function phoneErrors() {
  return phones().flatMap((p) => p.errors);
}

for (const p of phones()) await p.close().catch(() => {});
await server.stop();
rmSync(work, { recursive: true, force: true });

if (measures.length) console.log(`measured:\n  ${measures.join('\n  ')}`);
if (axeFindings.length) console.log(`axe findings (minor/moderate are reported, not failed):\n  ${axeFindings.join('\n  ')}`);
console.log(`phone e2e: ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${artifacts}/phone-*.png`);
console.log(`test result: ${failed ? 'FAILED' : 'ok'}. ${passed} passed; ${failed} failed; 0 ignored (phone E2E)`);
process.exit(failed ? 1 : 0);
