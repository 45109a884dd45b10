// The clinic's side of the phone story: the real server binary (restartable on the same port, so the phone's
// origin, its IndexedDB and its service worker stay the same), the therapist on the clinic API, and the family's
// desktop device engine on the command line.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceEngine } from '../device.mjs';
import { TIME_ZONE, deviceBin, dist, network, serverBin, work } from './harness.mjs';

// ---------------------------------------------------------------------------------------------------------------
// The clinic server

/** Terminal colour codes (ESC [ … m). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

const serverEnv = { ...process.env, RUST_LOG: 'info,tower_http=debug' };
for (const k of ['DATABASE_URL', 'HOMEPLAY_CONFIG', 'HOMEPLAY_DATA_DIR', 'HOMEPLAY_UI_DIR', 'HOMEPLAY_BIND']) delete serverEnv[k];

/**
 * The real server on a demo clinic in its own data folder. Its whole log (requests at debug level, with their
 * URIs) is kept in `log`, so the suite can say what it never contains.
 */
export class Server {
  constructor() {
    this.data = join(work, 'server');
    this.log = '';
    this.proc = null;
    this.port = 0;
    this.uiDir = dist;
  }

  async start(uiDir = dist) {
    this.uiDir = uiDir;
    network.serverDown = false;
    if (!this.proc && this.port === 0) {
      const demo = spawnSync(serverBin, ['--data-dir', this.data, 'demo'], { env: serverEnv, encoding: 'utf8' });
      if (demo.status !== 0) throw new Error(`demo failed: ${demo.stderr}`);
      writeFileSync(join(this.data, 'homeplay.toml'), '[limits]\nretention_days = 0\n');
    }
    const config = join(this.data, 'homeplay.toml');
    // The same port every time after the first: the phone's origin (and so its storage and worker) is host:port.
    const bind = `127.0.0.1:${this.port}`;
    const proc = spawn(serverBin, ['--data-dir', this.data, '--config', config, 'serve', '--bind', bind, '--ui-dir', uiDir], {
      env: serverEnv,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.proc = proc;
    let mine = '';
    const base = await new Promise((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${mine}`)), 20_000);
      proc.stderr.on('data', (chunk) => {
        // Colours off, so that the log reads (and is searched) as its words.
        const text = String(chunk).replace(ANSI, '');
        this.log += text;
        mine += text;
        const m = /listening on (http:\/\/[\d.]+:(\d+))\s/.exec(mine);
        if (m) {
          clearTimeout(timer);
          this.port = Number(m[2]);
          resolveUrl(m[1]);
        }
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code}): ${mine}`));
      });
    });
    this.base = base;
    return base;
  }

  /** Stops it and waits until the process is gone: the clinic is unreachable. */
  /** How many requests to `path` the server has started so far (its request log lines). */
  requests(path) {
    const field = new RegExp(`\\b(uri|path)=${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ }]`);
    return this.log.split('\n').filter((l) => field.test(l) && l.includes('started processing request')).length;
  }

  async stop() {
    const proc = this.proc;
    if (!proc) return;
    this.proc = null;
    network.serverDown = true;
    if (proc.exitCode !== null) return;
    await new Promise((done) => {
      proc.once('exit', done);
      proc.kill('SIGTERM');
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The therapist, on the clinic API (cookie session + CSRF header), as the dashboard talks to it

export class Therapist {
  constructor(base) {
    this.base = base;
    this.cookie = '';
    this.csrf = '';
  }

  static async login(base, email = 'maya@demo.homeplay', password = 'homeplay-demo') {
    const t = new Therapist(base);
    const resp = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (!resp.ok) throw new Error(`login: ${resp.status} ${await resp.text()}`);
    t.cookie = resp.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    t.csrf = (await resp.json()).csrf_token;
    return t;
  }

  async send(method, path, body) {
    const resp = await fetch(`${this.base}${path}`, {
      method,
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await resp.text();
    if (!resp.ok) throw new Error(`${method} ${path}: ${resp.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  get(path) {
    return this.send('GET', path);
  }

  post(path, body) {
    return this.send('POST', path, body);
  }

  async pairingCode(childId) {
    return (await this.post(`/api/v1/children/${childId}/pairing-codes`, {})).code;
  }

  /** Every log the clinic holds for the child today, by occurrence (`title@slot`): `outcome[ undone] by who`. */
  async logsToday(childId, titles) {
    const report = await this.get(`/api/v1/children/${childId}/adherence?from=${todayIn(TIME_ZONE)}`);
    const ids = new Set();
    const out = {};
    const twice = [];
    for (const e of report.timeline) {
      if (e.date !== report.today) continue;
      if (ids.has(e.log_id)) twice.push(e.log_id);
      ids.add(e.log_id);
      const key = `${titles[e.assignment_id] ?? e.assignment_id}#${e.slot}`;
      const outcome = e.outcome.reason ? `${e.outcome.status}:${e.outcome.reason}` : e.outcome.status;
      const by = e.recorded_by.name ?? e.recorded_by.kind;
      (out[key] ??= []).push(`${outcome}${e.undone ? ' undone' : ''} by ${by}`);
    }
    for (const v of Object.values(out)) v.sort();
    const day = report.days.find((d) => d.date === report.today);
    return { byOccurrence: out, twice, tally: day?.tally, report };
  }
}

/** `YYYY-MM-DD` now in `zone`. */
export function todayIn(zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

// ---------------------------------------------------------------------------------------------------------------
// The desktop device engine (tests/src/bin/family_device.rs), one step per run

export class Device extends DeviceEngine {
  constructor(dir) {
    super(deviceBin, dir);
  }
}
