// Pairing and sync, as device/src/sync.rs does them: push the outbox in rounds (every kind in one request, each
// up to its protocol maximum) until nothing waits, pull pages until caught up (each page and its cursor in one
// transaction), then download the media the program shows so it works offline. One sync at a time.
import type { CompletionLog, Hlc } from '../../shared/core/types';
import { HlcClock, compareHlc } from '../../shared/core/hlc';
import { compareVersions, mergeLogs } from '../../shared/core/merge';
import { Client, ClientError, PROTOCOL_VERSION, type Fetch, type PullResponse, type PushRequest, type PushResponse } from './client';
import { TOKEN_KEY, type FamilyDb } from './db';
import { isCommandError } from './errors';
import { noteEpoch } from './epoch';
import { pullIn, screenLanguage } from './language';
import { KINDS, pending, settle, type Refusal } from './outbox';
import type { ThreadReadRow } from './snapshot';

/** The clinic's words once it has disconnected this phone (forgotten on unpairing). */
export const ENDED = 'ended';
/** The last sync attempt, `{at_ms, outcome, detail}`: the device keeps it in `sync_attempts`. */
export const ATTEMPT = 'sync_attempt';

export interface Attempt {
  at_ms: number;
  outcome: 'ok' | 'offline' | 'ended' | 'error';
  detail: string;
}

export interface SyncReport {
  pushed: number;
  rejected: number;
  pulled: number;
  media: number;
}

export interface SyncDeps {
  db: FamilyDb;
  fetch: Fetch;
  now: () => number;
  clock: HlcClock;
}

/** Something a person must deal with (a revoked device, an app too old for the server): no quick retry. */
export class SyncStopped extends Error {}

const CHANGE_TYPES = new Set([
  'family', 'child', 'caregiver', 'exercise', 'routine', 'assignment', 'log', 'feedback', 'goal', 'media',
  'message', 'thread_read', 'check_in', 'removed',
]);

function answers(kind: string, reply: PushResponse): { accepted: { id: string; hlc: Hlc }[]; rejected: { id: string; reason: string; field?: string | null; message: string }[] } {
  switch (kind) {
    case 'logs':
      return { accepted: reply.accepted, rejected: reply.rejected };
    case 'check_ins':
      return { accepted: reply.check_ins_accepted ?? [], rejected: reply.check_ins_rejected ?? [] };
    case 'messages':
      return { accepted: reply.messages_accepted ?? [], rejected: reply.messages_rejected ?? [] };
    default:
      return { accepted: reply.message_reads_accepted ?? [], rejected: reply.message_reads_rejected ?? [] };
  }
}

/** Exponential backoff from one second, capped, with jitter in [½, 1] of the step so phones do not retry in step. */
export function backoff(failures: number, capMs: number, random: () => number = Math.random): number {
  const step = Math.min(1000 * 2 ** Math.min(failures, 16), Math.max(capMs, 1000));
  return step * (0.5 + random() * 0.5);
}

export class Sync {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SyncDeps) {}

  private client(serverUrl: string): Client {
    return new Client(serverUrl, this.deps.fetch);
  }

  /** Runs `job` after every sync or pairing already under way: one at a time. */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.chain.then(job, job);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private observe(hlc: Hlc): void {
    try {
      this.deps.clock.observe(hlc, this.deps.now());
    } catch {
      // A stamp far ahead of our clock is not taken in (the server refuses such versions anyway).
    }
  }

  /** Checks the server speaks our protocol, trades the code for a token and keeps it with the pairing. */
  pair(serverUrl: string, code: string, deviceLabel: string): Promise<void> {
    return this.exclusive(async () => {
      const client = this.client(serverUrl);
      const info = await client.info();
      if (info.protocol_min > PROTOCOL_VERSION || info.protocol_max < PROTOCOL_VERSION) {
        throw new ClientError('server', `this server speaks protocol ${info.protocol_min}–${info.protocol_max}, this app ${PROTOCOL_VERSION}: ${info.protocol_min > PROTOCOL_VERSION ? 'update the app' : 'the server needs an update'}`, {
          error: 'protocol_unsupported',
          message: 'protocol',
        });
      }
      const answer = await client.pair({ protocol: PROTOCOL_VERSION, code, device_label: deviceLabel });
      await this.deps.db.putSettings({
        [TOKEN_KEY]: answer.token,
        server_url: client.base,
        device_id: answer.device_id,
        clinic_name: answer.clinic_name,
      });
      // The first epoch is only remembered: everything this phone will record is new to this server.
      if (answer.epoch) await noteEpoch(this.deps.db, answer.epoch, answer.device_id);
    });
  }

  /** One full sync; the attempt is remembered for the status line. */
  syncOnce(): Promise<SyncReport> {
    return this.exclusive(async () => {
      let outcome: Attempt['outcome'];
      let detail: string;
      try {
        const report = await this.syncInner();
        await this.note({ at_ms: this.deps.now(), outcome: 'ok', detail: `pushed ${report.pushed} pulled ${report.pulled}` });
        return report;
      } catch (e) {
        if (e instanceof SyncStopped && e.message === 'not paired') throw e;
        if (e instanceof ClientError && e.transient) outcome = 'offline';
        else if (e instanceof SyncStopped) outcome = 'ended';
        else outcome = 'error';
        detail = e instanceof Error ? e.message : isCommandError(e) ? e.message : String(e);
        await this.note({ at_ms: this.deps.now(), outcome, detail }).catch(() => undefined);
        throw e;
      }
    });
  }

  private async note(attempt: Attempt): Promise<void> {
    await this.deps.db.putSettings({ [ATTEMPT]: JSON.stringify(attempt) });
  }

  private async syncInner(): Promise<SyncReport> {
    const db = this.deps.db;
    const [serverUrl, token, ended, me] = await Promise.all([db.setting('server_url'), db.setting(TOKEN_KEY), db.setting(ENDED), db.setting('device_id')]);
    if (!serverUrl || !token) throw new SyncStopped('not paired');
    // Disconnected by the clinic: asking again would only be refused again.
    if (ended !== null) throw new SyncStopped(ended);
    try {
      return await this.withServer(this.client(serverUrl), token, me ?? '');
    } catch (e) {
      if (e instanceof ClientError && e.api?.error === 'device_revoked') {
        await db.putSettings({ [ENDED]: e.api.message });
        throw new SyncStopped(e.api.message);
      }
      throw e;
    }
  }

  private async withServer(client: Client, token: string, me: string): Promise<SyncReport> {
    const report: SyncReport = { pushed: 0, rejected: 0, pulled: 0, media: 0 };
    // Push, then pull until caught up. An answer with a new server epoch (a restore) queues again what this phone
    // made and restarts the pull from the beginning: a pull that sees it starts over with a push. Bounded, in case
    // a broken server changes its epoch on every answer; what is left then waits for the next sync.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      // Each round answers for every item it sent (or throws), so the loop ends.
      for (;;) {
        const round = await this.pushRound(client, token, me);
        if (!round) break;
        report.pushed += round.accepted;
        report.rejected += round.rejected;
      }
      if (await this.pullAll(client, token, me, report)) break;
    }
    report.media = await this.fetchMedia(client, token);
    return report;
  }

  /** Pulls until caught up; `false` if an answer carried a new server epoch: its page is not applied (it answered
   *  the old cursor, which is forgotten now), and the sync pushes what was queued again, then pulls afresh. */
  private async pullAll(client: Client, token: string, me: string, report: SyncReport): Promise<boolean> {
    const language = await screenLanguage(this.deps.db);
    await pullIn(this.deps.db, language);
    for (;;) {
      const cursor = await this.deps.db.setting('cursor');
      const page = await client.pull(token, cursor ? { protocol: PROTOCOL_VERSION, cursor, language } : { protocol: PROTOCOL_VERSION, language });
      if (page.epoch && (await noteEpoch(this.deps.db, page.epoch, me))) return false;
      await this.applyPage(page);
      report.pulled += page.changes.length;
      if (!page.more) return true;
    }
  }

  /** One push round: the oldest waiting versions of every kind, each up to its maximum, in one request. */
  private async pushRound(client: Client, token: string, me: string): Promise<{ accepted: number; rejected: number } | null> {
    const outbox = await this.deps.db.outbox();
    const request: PushRequest = { protocol: PROTOCOL_VERSION, logs: [] };
    const sent = new Map<string, { id: string; hlc: Hlc }[]>();
    let total = 0;
    for (const { kind, max } of KINDS) {
      const rows = pending(outbox, kind, max);
      if (rows.length === 0) continue;
      const docs = rows.map((r) => r.doc) as never[];
      (request as Record<string, unknown>)[kind] = docs;
      sent.set(kind, rows.map((r) => ({ id: r.id, hlc: { wall_ms: r.hlc_wall, counter: r.hlc_counter } })));
      total += rows.length;
    }
    if (total === 0) return null;
    const reply = await client.push(token, request);
    this.observe(reply.server_hlc);
    await this.rememberObserved(reply.server_hlc);
    // Before the answers are settled: what the restored server acknowledges now leaves the outbox again.
    if (reply.epoch) await noteEpoch(this.deps.db, reply.epoch, me);
    let accepted = 0;
    let rejected = 0;
    for (const [kind, items] of sent) {
      const answer = answers(kind, reply);
      const refusals: Refusal[] = [];
      for (const r of answer.rejected) {
        // The server names the item; the request holds the stamp of the version it refused.
        const item = items.find((i) => i.id === r.id);
        if (item) refusals.push({ id: r.id, hlc: item.hlc, reason: r.reason, field: r.field ?? null, message: r.message });
      }
      await settle(this.deps.db, kind, answer.accepted, refusals);
      if (answer.accepted.length + answer.rejected.length < items.length) {
        throw new ClientError('protocol', `the server answered for fewer ${kind} than were sent`);
      }
      accepted += answer.accepted.length;
      rejected += answer.rejected.length;
    }
    return { accepted, rejected };
  }

  private async rememberObserved(hlc: Hlc): Promise<void> {
    await this.deps.db.write(['settings'], async (tx) => {
      const current = await tx.objectStore('settings').get('observed_hlc');
      const known = current ? (JSON.parse(current.value) as Hlc) : null;
      if (!known || compareHlc(hlc, known) > 0) await tx.objectStore('settings').put({ key: 'observed_hlc', value: JSON.stringify(hlc) });
    });
  }

  /** A page of changes and its cursor in one transaction (`Db::apply_page`), so a crash repeats at most a page. */
  async applyPage(page: PullResponse): Promise<void> {
    for (const change of page.changes) {
      // Unknown kinds of change mean the server is newer than this app: stop before storing any of the page.
      if (!CHANGE_TYPES.has((change as { type: string }).type)) {
        throw new ClientError('protocol', 'the clinic server is newer than this app: reload to update homeplay');
      }
      if (change.type === 'log') this.observe(change.data.hlc);
    }
    this.observe(page.server_hlc);
    await this.deps.db.write(['settings', 'records', 'logs', 'outbox', 'messages', 'thread_reads'], async (tx) => {
      const settings = tx.objectStore('settings');
      await settings.put({ key: 'cursor', value: page.cursor });
      const observed = await settings.get('observed_hlc');
      const known = observed ? (JSON.parse(observed.value) as Hlc) : null;
      if (!known || compareHlc(page.server_hlc, known) > 0) await settings.put({ key: 'observed_hlc', value: JSON.stringify(page.server_hlc) });
      if (page.clinic) await settings.put({ key: 'clinic_settings', value: JSON.stringify(page.clinic) });
      const records = tx.objectStore('records');
      const logs = tx.objectStore('logs');
      const outbox = tx.objectStore('outbox');
      // Logs, messages and read marks are not what a tick checks against; anything else in the page is.
      if (page.changes.some((c) => !['log', 'message', 'thread_read'].includes(c.type))) this.deps.db.bumpRecords(tx);
      for (const change of page.changes) {
        switch (change.type) {
          case 'log': {
            const remote: CompletionLog = change.data;
            const local = await logs.get(remote.id);
            const merged = local ? mergeLogs(local, remote) : remote;
            if (!local || compareVersions(local, merged) !== 0) await logs.put(merged);
            // The server has the merged version when it is the one pulled. Then an older local version no longer
            // needs sending, nor one with the same stamp: that is this very version (its ack was lost) or one
            // that lost the tie on its device id.
            const serverHasIt = compareVersions(merged, remote) === 0;
            const queued = await outbox.get(['logs', remote.id]);
            if (queued) {
              const cmp = compareHlc({ wall_ms: queued.hlc_wall, counter: queued.hlc_counter }, merged.hlc);
              if (cmp < 0 || (cmp === 0 && serverHasIt)) await outbox.delete(['logs', remote.id]);
            }
            break;
          }
          case 'message':
            await tx.objectStore('messages').put({ id: change.data.id, child_id: change.data.child_id, doc: change.data });
            // Pulled, so the server has it: a copy still waiting here needs no sending.
            await outbox.delete(['messages', change.data.id]);
            break;
          case 'thread_read': {
            const mark = change.data;
            const reads = tx.objectStore('thread_reads');
            const current = await reads.get([mark.child_id, mark.side]);
            // Keep the furthest mark of each side: an older pulled mark does not undo one made here.
            if (!current || current.up_to < mark.up_to) {
              const row: ThreadReadRow = { child_id: mark.child_id, side: mark.side, up_to: mark.up_to, doc: mark };
              await reads.put(row);
            }
            break;
          }
          case 'removed':
            await records.delete([change.data.entity, change.data.id]);
            break;
          case 'media':
            await records.put({ entity: 'media', id: change.data.media, doc: change.data });
            break;
          default:
            await records.put({ entity: change.type, id: change.data.id, doc: change.data });
        }
      }
    });
  }

  /** Media the program uses that are not on the phone yet: uploads the feed lists, and the built-in pictures
   *  the exercises show (the desktop app carries those; a web page fetches them once). */
  private async fetchMedia(client: Client, token: string): Promise<number> {
    const { snapshot } = await this.deps.db.readSnapshot();
    const wanted = new Set<string>();
    for (const r of snapshot.records) {
      if (r.entity === 'media') wanted.add(r.id);
      if (r.entity === 'exercise') {
        const steps = (r.doc as { steps?: { picture?: string; voice_prompt?: string | null; video?: string | null }[] }).steps ?? [];
        for (const s of steps) for (const m of [s.picture, s.voice_prompt, s.video]) if (m) wanted.add(m);
      }
    }
    let fetched = 0;
    for (const ref of wanted) {
      if (await this.deps.db.hasMedia(ref)) continue;
      try {
        const { contentType, blob } = await client.media(token, ref);
        await this.deps.db.putMedia({ media: ref, content_type: contentType, blob });
        fetched += 1;
      } catch (e) {
        // One missing or damaged file does not stop the rest; network trouble does (the next sync retries).
        if (e instanceof ClientError && e.transient) throw e;
      }
    }
    return fetched;
  }
}
