// What the end-to-end suites share: the real server binary with a fresh demo clinic, the built dashboard,
// Debian's chromium driven by playwright-core, axe-core, and screenshots into artifacts/dashboard/ at the
// repository's root.
//
//   HOMEPLAY_SERVER_BIN=…  (default: ../target/debug/homeplay-server)   CHROMIUM=…  (default: /usr/bin/chromium)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ui = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const root = resolve(ui, '..');
export const serverBin = process.env.HOMEPLAY_SERVER_BIN ?? join(root, 'target/debug/homeplay-server');
export const browserBin = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const dist = join(ui, 'dist');
export const artifacts = join(root, 'artifacts/dashboard');
const axeSource = readFileSync(join(ui, 'node_modules/axe-core/axe.min.js'), 'utf8');

for (const [what, path] of [['server binary', serverBin], ['chromium', browserBin], ['built dashboard', join(dist, 'index.html')]]) {
  if (!existsSync(path)) {
    console.error(`e2e: no ${what} at ${path}`);
    process.exit(2);
  }
}
mkdirSync(artifacts, { recursive: true });

/** The server's data directory, removed when the suite ends. */
export const work = mkdtempSync(join(tmpdir(), 'homeplay-e2e-'));
const serverEnv = { ...process.env, RUST_LOG: 'warn' };
for (const k of ['DATABASE_URL', 'HOMEPLAY_CONFIG', 'HOMEPLAY_DATA_DIR', 'HOMEPLAY_UI_DIR', 'HOMEPLAY_BIND']) delete serverEnv[k];

/** Everything that failed (axe's serious and critical findings among them), and every axe finding. */
export const failures = [];
export const axeFindings = [];
export let server;
export let browser;

let currentStep = 'start';

/** Names what the suite does now: a failed check, and the FAILED line, say where it was. */
export function step(name) {
  currentStep = name;
}

export function check(ok, message) {
  if (!ok) throw new Error(`${currentStep}: ${message}`);
}

/** Makes the demo clinic and serves it with the built dashboard; resolves to the server's URL. */
export async function startServer() {
  const demo = spawnSync(serverBin, ['--data-dir', work, 'demo'], { env: serverEnv, encoding: 'utf8' });
  if (demo.status !== 0) throw new Error(`demo failed: ${demo.stderr}`);
  // Discharged records may be erased at once here (the lifecycle section erases one).
  const config = join(work, 'homeplay.toml');
  writeFileSync(config, '[limits]\nretention_days = 0\n');
  server = spawn(serverBin, ['--data-dir', work, '--config', config, 'serve', '--bind', '127.0.0.1:0', '--ui-dir', dist], { env: serverEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolveUrl, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 20_000);
    server.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /listening on (http:\/\/[\d.]+:\d+)\s/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited (${code}): ${log}`)));
  });
}

export async function launchBrowser() {
  browser = await chromium.launch({
    executablePath: browserBin,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return browser;
}

/** Two animation frames, so a screenshot shows the DOM as it is now. */
export async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export async function shot(page, name) {
  await settle(page);
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

export async function axe(page, name) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  for (const v of violations) {
    const line = `${name}: [${v.impact}] ${v.id}: ${v.help} (${v.nodes.join(', ')})`;
    axeFindings.push(line);
    if (v.impact === 'serious' || v.impact === 'critical') failures.push(`axe ${line}`);
  }
}

/** Runs a suite, then stops the browser and the server and says how it went (exit 1 on any failure). */
export async function runSuite(name, run) {
  const started = Date.now();
  try {
    await run();
  } catch (e) {
    failures.push(e instanceof Error ? e.message : String(e));
    try {
      const pages = browser?.contexts().flatMap((c) => c.pages()) ?? [];
      if (pages[0]) await pages[0].screenshot({ path: join(artifacts, `failure${name === 'dashboard' ? '' : `-${name}`}.png`), fullPage: true });
    } catch {
      // The failure itself is what matters.
    }
  } finally {
    await browser?.close().catch(() => {});
    server?.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }

  if (axeFindings.length) console.log(`axe findings (minor/moderate are reported, not failed):\n  ${axeFindings.join('\n  ')}`);
  if (failures.length) {
    console.error(`e2e: FAILED at ${currentStep}\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`e2e: ${name} suite passed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${artifacts}`);
}
