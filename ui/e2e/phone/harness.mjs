// What every part of the phone story shares: where things are, the suite's scratch folder, and how a part says
// what it is doing, checks, and waits (never a fixed sleep). The clinic's side is clinic.mjs, the phones are
// phones.mjs, what is on their screens is screens.mjs.
//
//   HOMEPLAY_SERVER_BIN=…  (default: ../target/debug/homeplay-server)   CHROMIUM=…  (default: /usr/bin/chromium)
//   HOMEPLAY_DEVICE_BIN=…  (default: ../target/debug/family_device)
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ui = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const root = resolve(ui, '..');
export const serverBin = process.env.HOMEPLAY_SERVER_BIN ?? join(root, 'target/debug/homeplay-server');
export const browserBin = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const deviceBin = process.env.HOMEPLAY_DEVICE_BIN ?? join(root, 'target/debug/family_device');
export const dist = join(ui, 'dist');
export const artifacts = join(root, 'artifacts');

/** Everything the suite makes on disk (the server's data, the phones' profiles, a second build), removed at the end. */
export const work = mkdtempSync(join(tmpdir(), 'homeplay-phone-e2e-'));

/** The machine's headless flags (MACHINE.md). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
export const PIXEL = {
  viewport: { width: 412, height: 915 },
  deviceScaleFactor: 2.625,
  isMobile: true,
  hasTouch: true,
  userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
};
/** The child's time zone is the family's: the phone lives there too. */
export const TIME_ZONE = 'Europe/London';

let currentStep = 'start';
/** While the clinic server is stopped (`serverDown`), failed fetches are the expected sound of it, as offline. */
export const network = { serverDown: false };
/** Failures found without stopping the part (axe's serious findings, a second problem after the first). */
export const failures = [];
export const axeFindings = [];
/** What each measured screen measured, for the report. */
export const measures = [];

export function step(name) {
  currentStep = name;
}
export function currentStepName() {
  return currentStep;
}

export function check(ok, message) {
  if (!ok) throw new Error(`${currentStep}: ${message}`);
}

/** A problem that fails the part at its end, while the part goes on to check the rest. */
export function soft(ok, message) {
  if (!ok) failures.push(`${currentStep}: ${message}`);
  return ok;
}

/** Polls `probe` until it answers something truthy; fails naming `what` after `timeoutMs`. No fixed sleeps. */
export async function until(what, probe, timeoutMs = 15_000) {
  const started = Date.now();
  let last;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${currentStep}: timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

export function requireFiles(list) {
  for (const [what, path] of list) {
    if (!existsSync(path)) throw new Error(`no ${what} at ${path}`);
  }
}
