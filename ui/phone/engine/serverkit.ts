// The real clinic server for the engine's suites against it (`npm run test:engine`): the binary from
// HOMEPLAY_SERVER_BIN on a fresh demo clinic and port 0, the therapist's side of its API, the desktop engine
// (target/debug/family_device), and a child with a three-times-a-day program.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { components } from '../../dashboard/lib/api/schema';

type Schemas = components['schemas'];

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const serverBin = process.env.HOMEPLAY_SERVER_BIN;
const deviceBin = process.env.HOMEPLAY_DEVICE_BIN ?? join(root, 'target/debug/family_device');

let server: ChildProcess | null = null;
export let base = '';
export let work = '';
let cookie = '';
let csrf = '';

function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RUST_LOG: 'warn' };
  for (const k of ['DATABASE_URL', 'HOMEPLAY_CONFIG', 'HOMEPLAY_DATA_DIR', 'HOMEPLAY_UI_DIR', 'HOMEPLAY_BIND']) delete env[k];
  return env;
}

/** Serves the database in `dataDir` on `bind`, signs the therapist in, and resolves to the server's URL. */
async function serve(dataDir: string, bind: string): Promise<string> {
  const child = spawn(serverBin!, ['--data-dir', dataDir, 'serve', '--bind', bind], { env: serverEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  server = child;
  base = await new Promise((resolveUrl, reject) => {
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)\s/.exec(log);
      if (m) resolveUrl(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${log}`)));
  });
  cookie = '';
  csrf = '';
  const me = await api<Schemas['Me']>('POST', '/auth/login', { email: 'maya@demo.homeplay', password: 'homeplay-demo' });
  csrf = me.csrf_token;
  return base;
}

/** Starts the server on a fresh demo clinic and signs the therapist in; resolves to the server's URL. */
export async function startServer(): Promise<string> {
  if (!serverBin) throw new Error('HOMEPLAY_SERVER_BIN is not set: build the server (cargo build -p homeplay-server) and point it at the binary');
  if (!existsSync(serverBin)) throw new Error(`no server binary at ${serverBin}`);
  work = mkdtempSync(join(tmpdir(), 'homeplay-engine-'));
  const demo = spawnSync(serverBin, ['--data-dir', work, 'demo'], { env: serverEnv(), encoding: 'utf8' });
  if (demo.status !== 0) throw new Error(`demo failed: ${demo.stderr}`);
  return serve(work, '127.0.0.1:0');
}

/** `backup --to` while the server serves; the backup file's path. */
export function backupServer(): string {
  const run = spawnSync(serverBin!, ['--data-dir', work, 'backup', '--to', join(work, 'backups')], { env: serverEnv(), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`backup failed: ${run.stderr}`);
  return run.stdout.trim();
}

/** The clinic's machine is lost: the server stops, `file` is restored into a fresh data folder, and a server on
 *  it takes the old address (the phones' pairings name it). Resolves once the therapist is signed in again. */
export async function restoreServer(file: string): Promise<string> {
  const bind = new URL(base).host;
  const old = server;
  await new Promise<void>((done) => {
    if (!old || old.exitCode !== null) return done();
    old.removeAllListeners('exit');
    old.once('exit', () => done());
    old.kill();
  });
  const fresh = mkdtempSync(join(work, 'restored-'));
  const run = spawnSync(serverBin!, ['--data-dir', fresh, 'restore', '--from', file], { env: serverEnv(), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`restore failed: ${run.stderr}`);
  return serve(fresh, bind);
}

export function stopServer(): void {
  server?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
}

/** The therapist's side, as the dashboard calls it: a session cookie, and the CSRF token on writes. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (cookie) headers.Cookie = cookie;
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  const set = res.headers.get('set-cookie');
  if (set) cookie = set.split(';')[0]!;
  return (text ? JSON.parse(text) : null) as T;
}

/** The desktop app's engine, one step per run (tests/src/bin/family_device.rs). */
export function desktop(dir: string, ...args: string[]): Record<string, unknown> {
  const run = spawnSync(deviceBin, [dir, ...args], { encoding: 'utf8', env: { ...process.env, RUST_LOG: 'warn' } });
  const out = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
  if (run.status !== 0) throw new Error(`family_device ${args[0]}: ${JSON.stringify(out)} ${run.stderr}`);
  return out;
}

export async function pairingCode(childId: string): Promise<string> {
  return (await api<Schemas['NewPairingCode']>('POST', `/children/${childId}/pairing-codes`)).code;
}

/** A new child in a new family with one library exercise at wake-up, dinner and bedtime every day from today. */
export async function childWithProgram(name: string): Promise<{ childId: string; today: string }> {
  const today = new Date().toISOString().slice(0, 10);
  const created = await api<Schemas['ChildDetail']>('POST', '/children', { display_name: name, time_zone: 'UTC', caregivers: ['Mum', 'Dad'] });
  const childId = created.child.id;
  const library = await api<unknown>('GET', '/library/exercises');
  const list = (Array.isArray(library) ? library : ((library as { items?: unknown[] }).items ?? [])) as { id?: string; exercise?: { id: string } }[];
  const exerciseId = list[0]!.id ?? list[0]!.exercise!.id;
  await api('POST', `/children/${childId}/assignments`, {
    target: { kind: 'exercise', exercise_id: exerciseId },
    start_date: today,
    days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    slots: [{ kind: 'moment', moment: 'wake_up' }, { kind: 'moment', moment: 'dinner' }, { kind: 'moment', moment: 'bedtime' }],
  });
  return { childId, today };
}
