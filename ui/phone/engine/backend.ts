// The phone web app's `FamilyBackend`: the family's data in IndexedDB (db.ts), synced with the clinic over the
// protocol (sync.ts), the screens' answers from the pure views over one snapshot (views.ts). It does what
// homeplay-device's `Engine` and src-tauri/src/api.rs do for the desktop app, with the same answers and the
// same `CommandError` kinds, so the same Svelte screens run on both.
import { RECORD_MEASURE, markDurable, markReady } from './ready';
import { momentsDue, takeDue } from './reminders';
import type { Reminder, SentReminder } from '../../shared/core/reminders';
import { checkInWeek, ownAnswer } from '../../shared/core/checkin';
import type { FamilyBackend, PairingHint, StorageInfo, Unsubscribe } from '../../family/api';
import type {
  AppSettings,
  AppStatus,
  CaregiverView,
  CheckInFace,
  ChildGoalsView,
  DetailsView,
  EditInput,
  LogView,
  PairInput,
  ProgressView,
  RecordInput,
  ThreadView,
  TodayChildView,
  UnreadView,
  WeekProgramView,
} from '../../family/bindings';
import type { components } from '../../dashboard/lib/api/schema';
import type { CompletionLog, Hlc } from '../../shared/core/types';
import { HlcClock, compareHlc } from '../../shared/core/hlc';
import { exercisesOf } from '../../shared/core/schedule';
import { Client, ClientError, type Fetch } from './client';
import { FamilyDb, RECORDS_VERSION, Rollback, TOKEN_KEY, entityRange, together, type MediaRow, type StoredSnapshot } from './db';
import { TickCache, stillKnown } from './tickCache';
import { commandError, isCommandError, storageError } from './errors';
import { parseUuid, uuidv7 } from './ids';
import { SyncLoop } from './loop';
import { counts, queue } from './outbox';
import type { Snapshot } from './snapshot';
import { ATTEMPT, Sync, SyncStopped } from './sync';
import * as views from './views';

type Schemas = components['schemas'];
type GoalCheckIn = Schemas['GoalCheckIn'];
type FamilyMessage = Schemas['FamilyMessage'];
type MessageRead = Schemas['MessageRead'];
type Child = Schemas['Child'];
type FamilyGoal = Schemas['FamilyGoal'];

export interface WebBackendOptions {
  /** `globalThis.fetch` by default. */
  fetch?: Fetch;
  /** `globalThis.indexedDB` by default. */
  indexedDB?: IDBFactory;
  /** The database's name (tests open several phones in one process). */
  dbName?: string;
  /** The wall clock. */
  now?: () => Date;
  /** The clinic server a pairing link points at: the page's own origin on the web. */
  origin?: string;
  /** How often to sync while the app is open; 0 turns the background loop off (tests sync by hand). */
  syncIntervalMs?: number;
  /** The page's location and history, for the pairing link's `#pair=` fragment; absent outside a page. */
  location?: Pick<Location, 'hash' | 'pathname' | 'search' | 'origin'> | null;
  history?: Pick<History, 'replaceState'> | null;
  /** `navigator.storage`, for persistence and the storage estimate. */
  storage?: Pick<StorageManager, 'persist' | 'persisted' | 'estimate'> | null;
  /** The window whose `online`/`focus`/`visibilitychange` wake sync. */
  events?: Pick<Window, 'addEventListener' | 'removeEventListener'> | null;
  visible?: () => boolean;
  /** `navigator.onLine`. */
  online?: () => boolean;
  random?: () => number;
}

export interface WebBackend extends FamilyBackend {
  /** A write is in flight, or a screen holds the page (kid mode's timer): an app update should wait. */
  hasUnsaved(): boolean;
  hold(): Unsubscribe;
  /** The reminders due now (none while they are off), remembered as sent: the page shows them. */
  takeDueReminders(): Promise<Reminder[]>;
  pairingHint(): PairingHint;
  storage(): Promise<StorageInfo>;
  /** Stops background sync and closes the database. */
  close(): void;
}

/** The default sync interval while the app is open. */
export const SYNC_EVERY_MS = 5 * 60_000;
/** The first sync starts after the first screen has painted, or after this long at the latest. */
const FIRST_SYNC_LATEST_MS = 3_000;
const MAX_NOTE_CHARS = 500;
const MAX_MESSAGE_CHARS = 1000;
const MAX_REPEAT_MINUTES = 240;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

function chars(s: string): number {
  return [...s].length;
}

/** `Name::new`: 1–60 characters after trimming, no control characters; the error names the field. */
function checkName(field: string, s: string): string {
  const t = s.trim();
  if (t.length === 0) throw commandError('invalid', `${field}: must not be empty`);
  if (chars(t) > 60) throw commandError('invalid', `${field}: must be at most 60 characters`);
  if (CONTROL.test(t) || /[\n\t]/.test(t)) throw commandError('invalid', `${field}: must not contain control characters`);
  return t;
}

function id(what: string, s: string): string {
  const u = parseUuid(s);
  if (!u) throw commandError('invalid', `${what}: not a valid id`);
  return u;
}

function date(s: string): string {
  const t = s.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(t) || Number.isNaN(Date.parse(`${t}T00:00:00Z`))) {
    throw commandError('invalid', 'date: expected YYYY-MM-DD');
  }
  return t;
}

/** The fields of a log a tick or an edit sets (`api::details` + `Details::pain`). */
type LogDetails = Pick<CompletionLog, 'actual_reps' | 'actual_seconds' | 'difficulty' | 'mood' | 'pain' | 'pain_score' | 'note'>;

function details(d: DetailsView): LogDetails {
  const note = d.note?.trim() ? d.note.trim() : null;
  if (note !== null && chars(note) > MAX_NOTE_CHARS) throw commandError('invalid', `Note: must be at most ${MAX_NOTE_CHARS} characters`);
  if (note !== null && CONTROL.test(note)) throw commandError('invalid', 'Note: must not contain control characters');
  const score = d.pain_score;
  if (score !== null && score !== undefined && (!Number.isInteger(score) || score < 0 || score > 10)) {
    throw commandError('invalid', 'pain_score: a pain score is a whole number from 0 to 10');
  }
  const out: LogDetails = {
    pain: score !== null && score !== undefined ? score > 0 : d.pain,
  };
  if (d.actual_reps !== null) out.actual_reps = d.actual_reps;
  if (d.actual_seconds !== null) out.actual_seconds = d.actual_seconds;
  if (d.difficulty !== null) out.difficulty = d.difficulty;
  if (d.mood !== null) out.mood = d.mood;
  if (score !== null && score !== undefined) out.pain_score = score;
  if (note !== null) out.note = note;
  return out;
}

function same(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** A failure to talk to the server, in the desktop app's kinds (`From<DeviceError> for CommandError`). */
function clientError(e: unknown): never {
  if (isCommandError(e)) throw e;
  if (e instanceof ClientError) {
    if (e.kind === 'offline') throw commandError('offline', e.message);
    if (e.kind === 'not_homeplay') throw commandError('not_homeplay', e.message);
    if (e.kind === 'protocol') throw commandError('wrong_version', e.message);
    switch (e.api?.error) {
      case 'not_found':
      case 'unauthorized':
        throw commandError('code_wrong', e.message);
      case 'gone':
        throw commandError('code_expired', e.message);
      case 'protocol_unsupported':
        throw commandError('wrong_version', e.message);
      case 'rate_limited':
        throw commandError('rate_limited', e.message);
      case 'invalid':
      case 'bad_request':
        throw commandError('invalid', e.message);
      case 'internal':
      case 'unavailable':
        throw commandError('offline', e.message);
      default:
        throw commandError('refused', e.message);
    }
  }
  throw storageError(e);
}

function parseTime(field: string, s: string): string {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw commandError('invalid', `${field}: type a time like 07:30 (got '${s.trim()}')`);
  return `${m[1]!.padStart(2, '0')}:${m[2]}:00`;
}

class WebEngine implements WebBackend {
  private readonly sync: Sync;
  private readonly loop: SyncLoop | null;
  private readonly listeners = new Set<(status: AppStatus) => void>();
  private writing = 0;
  private holds = 0;
  private askedPersist = false;
  private hint: PairingHint | null = null;
  private readonly urls = new Map<string, string>();
  private readonly ticks: TickCache;
  private reading: Promise<StoredSnapshot> | null = null;
  /** `db.writesBegun` when `opened` was read: a write since makes it stale. */
  private readonly openedAfter: number;
  private loopStarted = false;
  private firstSync: ReturnType<typeof setTimeout> | null;
  private mediaBatch: { refs: Set<string>; rows: Promise<Map<string, MediaRow | undefined>> } | null = null;

  constructor(
    private readonly db: FamilyDb,
    private readonly clock: HlcClock,
    private readonly o: WebBackendOptions & { fetch: Fetch; now: () => Date },
    private opened: StoredSnapshot | null = null,
  ) {
    this.sync = new Sync({ db, fetch: o.fetch, now: () => o.now().getTime(), clock });
    this.ticks = new TickCache(db);
    this.openedAfter = db.writesBegun;
    // Only for the views asked for as the app starts (the screens ask in the same turn of the event loop): after
    // that, another tab may have written, and this tab would not know.
    if (opened) setTimeout(() => (this.opened = null), 0);
    const every = o.syncIntervalMs ?? SYNC_EVERY_MS;
    this.loop =
      every > 0
        ? new SyncLoop({
            sync: () => this.sync.syncOnce(),
            after: () => void this.announce(),
            intervalMs: every,
            random: o.random,
            target: o.events,
            visible: o.visible,
            online: o.online,
          })
        : null;
    // The first sync waits for the first screen (`appReady`), so that it does not slow it down; at most a few
    // seconds, should the screen never say so.
    this.firstSync = this.loop ? setTimeout(() => this.startLoop(), FIRST_SYNC_LATEST_MS) : null;
  }

  private startLoop(): void {
    if (this.loopStarted) return;
    this.loopStarted = true;
    if (this.firstSync) clearTimeout(this.firstSync);
    this.loop?.start();
  }

  close(): void {
    // Closed before the first sync began: it never will.
    this.loopStarted = true;
    if (this.firstSync) clearTimeout(this.firstSync);
    this.loop?.stop();
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.db.close();
  }

  hasUnsaved(): boolean {
    return this.writing > 0 || this.holds > 0;
  }

  hold(): () => void {
    this.holds += 1;
    let released = false;
    return () => {
      if (!released) this.holds -= 1;
      released = true;
    };
  }

  /** One snapshot for every screen that asks while it is being read: the first screen asks for four views at
   *  once, and each full read costs the main thread the structured-clone copy of every record and log. A read
   *  already under way began after any write this tab has finished, so it is as fresh as a new one. The first
   *  views of all are served from the snapshot the app opened with (`opened`), asked for as it starts, unless
   *  this tab has begun a write since. */
  private read(): Promise<StoredSnapshot> {
    if (this.opened && this.db.writesBegun === this.openedAfter) {
      try {
        this.db.check();
      } catch (e) {
        return Promise.reject(e);
      }
      const first = Promise.resolve(this.opened);
      // Shared by the calls made together with this one (the first screen's), then dropped.
      queueMicrotask(() => (this.opened = null));
      return first;
    }
    if (!this.reading) {
      const reading = this.db.readSnapshot().finally(() => {
        if (this.reading === reading) this.reading = null;
      });
      this.reading = reading;
    }
    return this.reading;
  }

  private async snap(): Promise<Snapshot> {
    return (await this.read()).snapshot;
  }

  /** A write the screen waits on: counted for `hasUnsaved` until its transaction has completed. */
  private async saving<T>(job: () => Promise<T>): Promise<T> {
    this.writing += 1;
    try {
      return await job();
    } finally {
      this.writing -= 1;
    }
  }

  /** Something the family recorded: saved, then sent soon after. */
  private async recording<T>(job: () => Promise<T>): Promise<T> {
    try {
      return await this.saving(job);
    } finally {
      this.loop?.nudge();
    }
  }

  private async announce(): Promise<void> {
    if (this.listeners.size === 0) return;
    const status = await this.status().catch(() => null);
    if (status) for (const l of this.listeners) l(status);
  }

  private now(): Date {
    return this.o.now();
  }

  private tick(): Hlc {
    return this.clock.tick(this.now().getTime());
  }

  async status(): Promise<AppStatus> {
    const { snapshot, corrupt } = await this.read();
    // An unreadable note of the last attempt: as if none was made; the next sync writes a new one.
    const last = views.jsonSetting<views.SyncAttempt>(snapshot, ATTEMPT) ?? null;
    let sync = views.syncView(snapshot, last);
    // Rows this phone cannot read are kept; the family should know, as with anything else that needs a person.
    if (corrupt.length > 0 && (sync.state === 'synced' || sync.state === 'waiting' || sync.state === 'offline')) {
      const waiting = counts(snapshot.outbox).waiting;
      sync = {
        state: 'needs_attention',
        problem: `${corrupt.length} saved ${corrupt.length === 1 ? 'entry' : 'entries'} on this phone could not be read; ${corrupt.length === 1 ? 'it is' : 'they are'} kept as ${corrupt.length === 1 ? 'it is' : 'they are'}`,
        waiting,
        rejected: [],
      };
    }
    return views.status(snapshot, sync);
  }

  async pair(input: PairInput): Promise<AppStatus> {
    const caregiver = checkName('Your name', input.caregiver);
    const device = checkName('Device name', input.device_name);
    if (!input.code.trim()) throw commandError('invalid', 'Pairing code: type the code your therapist gave you');
    if (!input.server_url.trim()) throw commandError('invalid', 'Clinic address: type the address your therapist gave you');
    if (views.pairing(await this.snap())) throw commandError('already_paired', 'this device is already paired; unpair it first');
    await this.sync.pair(input.server_url.trim(), input.code.trim(), device).catch(clientError);
    await this.chooseCaregiver(caregiver);
    // The first pull; if the network drops now, background sync finishes it later.
    await this.sync.syncOnce().catch(() => undefined);
    this.loop?.nudge();
    return this.status();
  }

  private async chooseCaregiver(name: string): Promise<void> {
    await this.db.write(['settings'], async (tx) => {
      await tx.objectStore('settings').put({ key: 'caregiver', value: name });
      const row = await tx.objectStore('settings').get('caregivers');
      let parsed: unknown = null;
      try {
        parsed = row ? JSON.parse(row.value) : null;
      } catch {
        // A value a newer app wrote: read as no names chosen here yet.
      }
      const known = Array.isArray(parsed) ? parsed.filter((n): n is string => typeof n === 'string') : [];
      if (!known.some((k) => same(k, name))) {
        known.push(name);
        await tx.objectStore('settings').put({ key: 'caregivers', value: JSON.stringify(known) });
      }
    });
    // The pairing and the name a tick stamps changed here: the next tick reads them again.
    this.ticks.forget();
  }

  async setCaregiver(name: string): Promise<AppStatus> {
    const checked = checkName('Your name', name);
    await this.saving(() => this.chooseCaregiver(checked));
    return this.status();
  }

  async caregivers(): Promise<CaregiverView[]> {
    return views.caregivers(await this.snap());
  }

  async today(): Promise<TodayChildView[]> {
    return views.today(await this.snap(), this.now());
  }

  async day(childId: string, onDate: string): Promise<TodayChildView> {
    const child = id('child', childId);
    const d = date(onDate);
    const answer = views.day(await this.snap(), child, d);
    if (!answer) throw commandError('not_found', 'no such child on this device');
    return answer;
  }

  async record(input: RecordInput): Promise<LogView> {
    const key = input.key;
    const childId = id('child', key.child_id);
    const assignmentId = id('assignment', key.assignment_id);
    const exerciseId = id('exercise', key.exercise_id);
    const occurrence = { date: date(key.date), slot: key.slot };
    const set = details(input.details);
    const started = performance.now();
    const log = await this.recording(async () => {
      for (let attempt = 1; ; attempt++) {
        const known = await this.ticks.get();
        if (!known.deviceId || !known.paired) throw commandError('not_paired', 'this device is not paired with a clinic yet');
        const assignment = known.assignments.get(assignmentId);
        if (!assignment) throw commandError('not_found', 'no such assignment on this device');
        if (assignment.child_id !== childId) throw commandError('not_found', 'no such assignment for this child on this device');
        // The server would refuse these for good; refuse them now, while the family is still looking.
        if (!exercisesOf(assignment, known.routines).includes(exerciseId)) throw commandError('not_found', 'no such exercise in this assignment on this device');
        if (!Number.isInteger(occurrence.slot) || occurrence.slot < 0 || occurrence.slot >= assignment.slots.length) {
          throw commandError('not_found', 'no such time of day in this assignment on this device');
        }
        const log: CompletionLog = {
          id: uuidv7(this.now().getTime()),
          child_id: childId,
          assignment_id: assignmentId,
          exercise_id: exerciseId,
          occurrence,
          outcome: input.outcome,
          ...set,
          recorded_by: input.by_kid ? { kind: 'kid_mode' } : { kind: 'caregiver', name: known.caregiver ?? 'Caregiver' },
          device_id: known.deviceId,
          hlc: this.tick(),
          undone: false,
        };
        try {
          return await this.db.write(['settings', 'logs', 'outbox'], async (tx) => {
            const settings = tx.objectStore('settings');
            const [version, device, server, caregiver] = await together(
              () => settings.get(RECORDS_VERSION),
              () => settings.get('device_id'),
              () => settings.get('server_url'),
              () => settings.get('caregiver'),
              () => queue(tx.objectStore('outbox'), 'logs', log),
              () => tx.objectStore('logs').put(log),
            );
            // Another tab changed what the checks used (a pulled program, an unpairing, a new caregiver name).
            if (!stillKnown(known, { version, device, server, caregiver })) throw new Rollback('stale');
            return log;
          });
        } catch (e) {
          if (!(e instanceof Rollback)) throw e;
          this.ticks.forget();
          // Each round reads afresh; only a tab rewriting the program without pause could keep this going.
          if (attempt >= 5) throw commandError('internal', 'homeplay is busy updating the program in another tab: try again.');
        }
      }
    });
    // From the call to the strict commit: the phone benchmark's "tick durable" (bench/phone/phone.mjs).
    markDurable(RECORD_MEASURE, started);
    this.askPersistence();
    return views.logView(log);
  }

  /** After the first tick: ask the browser to keep the family's data (it may clear it when space runs low). */
  private askPersistence(): void {
    const storage = this.o.storage;
    if (this.askedPersist || !storage) return;
    this.askedPersist = true;
    // Granted before (an earlier visit): asking again could show Firefox's prompt for nothing.
    void storage
      .persisted()
      .then((kept) => kept || storage.persist())
      .catch(() => false);
  }

  /** A new version of a log, stamped after everything this phone has seen (`Engine::change`). */
  private async change(logId: string, apply: (log: CompletionLog) => void): Promise<LogView> {
    const idOk = id('log', logId);
    const log = await this.recording(() =>
      this.db.write(['settings', 'logs', 'outbox'], async (tx) => {
        const settings = tx.objectStore('settings');
        const deviceId = (await settings.get('device_id'))?.value;
        if (!deviceId || !(await settings.get('server_url'))) throw commandError('not_paired', 'this device is not paired with a clinic yet');
        const stored = await tx.objectStore('logs').get(idOk);
        if (!stored) throw commandError('not_found', 'no such log on this device');
        const log: CompletionLog = structuredClone(stored);
        // Another tab (its own clock) may have stored this version: the new one must still order after it.
        try {
          if (compareHlc(stored.hlc, this.clock.last()) > 0) this.clock.observe(stored.hlc, this.now().getTime());
        } catch {
          // A stamp a day ahead is not taken in; the server would refuse such a version anyway.
        }
        apply(log);
        const caregiver = (await settings.get('caregiver'))?.value;
        if (!(log.recorded_by.kind === 'kid_mode' && caregiver === undefined)) {
          log.recorded_by = { kind: 'caregiver', name: caregiver ?? 'Caregiver' };
        }
        log.device_id = deviceId;
        log.hlc = this.tick();
        await queue(tx.objectStore('outbox'), 'logs', log);
        await tx.objectStore('logs').put(log);
        return log;
      }),
    );
    return views.logView(log);
  }

  async undo(logId: string): Promise<LogView> {
    return this.change(logId, (log) => {
      log.undone = true;
    });
  }

  async edit(input: EditInput): Promise<LogView> {
    const set = details(input.details);
    return this.change(input.log_id, (log) => {
      for (const k of ['actual_reps', 'actual_seconds', 'difficulty', 'mood', 'pain_score', 'note'] as const) delete log[k];
      Object.assign(log, set);
      log.outcome = input.outcome;
      log.undone = false;
    });
  }

  async syncNow(): Promise<AppStatus> {
    await this.sync.syncOnce().catch(() => undefined);
    const status = await this.status();
    for (const l of this.listeners) l(status);
    return status;
  }

  /** `Engine::take_due_reminders`: the reminders due now, remembered as sent before they are answered. */
  async takeDueReminders(): Promise<Reminder[]> {
    const snap = await this.snap();
    const now = this.now();
    const zones = new Map(views.program(snap).children.map((c) => [c.id, c.time_zone] as const));
    // An unreadable list is a newer app's or a broken one: start again rather than never remind.
    const sent = views.jsonSetting<SentReminder[]>(snap, 'reminders_sent') ?? [];
    const taken = takeDue(momentsDue(views.today(snap, now), zones, now), views.prefs(snap).reminders, sent, now.getTime());
    if (taken.due.length) await this.db.putSettings({ reminders_sent: JSON.stringify(taken.sent) });
    return taken.due;
  }

  async settings(): Promise<AppSettings> {
    return views.settings(await this.snap());
  }

  /** Checks every field before saving any, so a mistake leaves the settings as they were. */
  async saveSettings(input: AppSettings): Promise<AppSettings> {
    const r = input.reminders;
    const moments: Record<string, string> = {};
    for (const m of r.moments) {
      if (!(views.MOMENTS as string[]).includes(m.moment)) throw commandError('invalid', `moment: '${m.moment}' is not a moment of the day`);
      moments[m.moment] = parseTime(m.moment, m.time);
    }
    if (!Number.isInteger(r.repeat_after_minutes) || r.repeat_after_minutes < 0 || r.repeat_after_minutes > MAX_REPEAT_MINUTES) {
      throw commandError('invalid', `repeat_after_minutes: at most ${MAX_REPEAT_MINUTES} minutes (0 for no repeat)`);
    }
    const prefs: views.Prefs = {
      language: input.language,
      sound: input.sound,
      reminders: {
        enabled: r.enabled,
        quiet_start: parseTime('quiet_start', r.quiet_start),
        quiet_end: parseTime('quiet_end', r.quiet_end),
        repeat_after_minutes: r.repeat_after_minutes,
      },
      pain_scale: input.pain_scale,
    };
    const caregiver = input.caregiver === null ? null : checkName('Your name', input.caregiver);
    // Reminders show as the browser's notifications: ask while the parent's tap still counts as theirs (before
    // any wait), once; a refusal leaves reminders saved as chosen, shown only if the browser allows it later.
    if (r.enabled && typeof Notification !== 'undefined' && Notification.permission === 'default') {
      void Notification.requestPermission().catch(() => undefined);
    }
    await this.saving(async () => {
      await this.db.putSettings({ moments: JSON.stringify(moments), prefs: JSON.stringify(prefs) });
      if (caregiver !== null) await this.chooseCaregiver(caregiver);
    });
    return this.settings();
  }

  async progress(childId: string): Promise<ProgressView> {
    const answer = views.progress(await this.snap(), id('child', childId), this.now());
    if (!answer) throw commandError('not_found', 'no such child on this device');
    return answer;
  }

  async weekProgram(childId: string): Promise<WeekProgramView> {
    const answer = views.weekProgram(await this.snap(), id('child', childId), this.now());
    if (!answer) throw commandError('not_found', 'no such child on this device');
    return answer;
  }

  async goals(): Promise<ChildGoalsView[]> {
    return views.goals(await this.snap(), this.now());
  }

  /** This week's answer about a goal (`Engine::check_in`): a changed answer is a new version of the same id. */
  async checkIn(goalId: string, face: CheckInFace): Promise<ChildGoalsView[]> {
    const goal = id('goal', goalId);
    await this.recording(() =>
      this.db.write(['settings', 'records', 'outbox'], async (tx) => {
        const settings = tx.objectStore('settings');
        const deviceId = (await settings.get('device_id'))?.value;
        if (!deviceId || !(await settings.get('server_url'))) throw commandError('not_paired', 'this device is not paired with a clinic yet');
        const records = tx.objectStore('records');
        const g = (await records.get(['goal', goal]))?.doc as FamilyGoal | undefined;
        if (!g) throw commandError('not_found', 'no such goal on this device');
        if (g.status !== 'active') throw commandError('not_found', 'no such active goal on this device');
        const child = (await records.get(['child', g.child_id]))?.doc as Child | undefined;
        if (!child) throw commandError('not_found', 'no such child on this device');
        const week = checkInWeek(child.time_zone, this.now());
        const answers = (await records.getAll(entityRange('check_in'))).map((r) => r.doc as GoalCheckIn);
        const previous = ownAnswer(answers, goal, week, deviceId);
        const checkIn: GoalCheckIn = {
          id: previous?.id ?? uuidv7(this.now().getTime()),
          goal_id: goal,
          child_id: g.child_id,
          week,
          face,
          answered_by: (await settings.get('caregiver'))?.value ?? 'Caregiver',
          device_id: deviceId,
          hlc: this.tick(),
          undone: false,
        };
        await queue(tx.objectStore('outbox'), 'check_ins', checkIn);
        await records.put({ entity: 'check_in', id: checkIn.id, doc: checkIn });
      }),
    );
    return this.goals();
  }

  async messages(childId: string): Promise<ThreadView> {
    return views.thread(await this.snap(), id('child', childId));
  }

  /** A caregiver writes to the clinic: stored at once, sent on the next sync; too long is refused, never cut. */
  async sendMessage(childId: string, text: string): Promise<ThreadView> {
    const child = id('child', childId);
    const t = text.trim();
    if (t.length === 0) throw commandError('invalid', 'text: must not be empty');
    if (chars(t) > MAX_MESSAGE_CHARS) throw commandError('invalid', `text: must be at most ${MAX_MESSAGE_CHARS} characters`);
    if (CONTROL.test(t)) throw commandError('invalid', 'text: must not contain control characters');
    await this.recording(() =>
      this.db.write(['settings', 'records', 'messages', 'outbox'], async (tx) => {
        const settings = tx.objectStore('settings');
        const deviceId = (await settings.get('device_id'))?.value;
        if (!deviceId || !(await settings.get('server_url'))) throw commandError('not_paired', 'this device is not paired with a clinic yet');
        if (!(await tx.objectStore('records').get(['child', child]))) throw commandError('not_found', 'no such child on this device');
        const hlc = this.tick();
        const message: FamilyMessage = {
          id: uuidv7(this.now().getTime()),
          child_id: child,
          text: t,
          written_by: (await settings.get('caregiver'))?.value ?? 'Caregiver',
          device_id: deviceId,
          hlc,
        };
        await queue(tx.objectStore('outbox'), 'messages', message);
        await tx.objectStore('messages').put({
          id: message.id,
          child_id: child,
          doc: {
            id: message.id,
            child_id: child,
            side: 'family',
            from: message.written_by,
            device_id: deviceId,
            text: t,
            sent_at: new Date(hlc.wall_ms).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          },
        });
      }),
    );
    return this.messages(child);
  }

  /** The family's read mark moves to the thread's newest message (pushed on the next sync). */
  async markMessagesRead(childId: string): Promise<ThreadView> {
    const child = id('child', childId);
    const thread = views.thread(await this.snap(), child);
    const newest = thread.messages.at(-1)?.message_id;
    if (newest) {
      await this.recording(() =>
        this.db.write(['settings', 'thread_reads', 'outbox'], async (tx) => {
          const reads = tx.objectStore('thread_reads');
          const current = await reads.get([child, 'family']);
          if (current && current.up_to >= newest) return;
          const settings = tx.objectStore('settings');
          const deviceId = (await settings.get('device_id'))?.value;
          if (!deviceId) throw commandError('not_paired', 'this device is not paired with a clinic yet');
          const by = (await settings.get('caregiver'))?.value ?? 'Caregiver';
          const read: MessageRead = { id: uuidv7(this.now().getTime()), child_id: child, up_to: newest, read_by: by, device_id: deviceId, hlc: this.tick() };
          await queue(tx.objectStore('outbox'), 'message_reads', read);
          const at = this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
          await reads.put({ child_id: child, side: 'family', up_to: newest, doc: { child_id: child, side: 'family', up_to: newest, by, at } });
        }),
      );
    }
    return this.messages(child);
  }

  async unreadMessages(): Promise<UnreadView[]> {
    return views.unread(await this.snap());
  }

  async unpair(discardUnsent: boolean): Promise<AppStatus> {
    const waiting = counts((await this.snap()).outbox).waiting;
    if (waiting > 0 && !discardUnsent) {
      throw commandError(
        'unsent_logs',
        `${waiting} ${waiting === 1 ? 'activity has' : 'activities have'} not reached the clinic yet. Sync first, or unpair anyway and lose ${waiting === 1 ? 'it' : 'them'}.`,
      );
    }
    await this.db.forgetEverything();
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
    return this.status();
  }

  async appReady(): Promise<void> {
    markReady();
    // After the first screen, not before it: what a tick checks against, read while the family looks.
    this.ticks.warm();
    this.startLoop();
  }

  async picture(mediaRef: string): Promise<string> {
    const cached = this.urls.get(mediaRef);
    if (cached) return cached;
    if (!/^(builtin:[a-z0-9-]+|sha256:[0-9a-f]{64})$/.test(mediaRef)) throw commandError('invalid', `picture: '${mediaRef}' is not a media reference`);
    let row = await this.mediaRow(mediaRef);
    if (!row) {
      // Not downloaded yet (a sync is under way, or this is the first view): try once now, while online.
      const [url, token] = await Promise.all([this.db.setting('server_url'), this.db.setting(TOKEN_KEY)]);
      if (url && token) {
        const got = await new Client(url, this.o.fetch).media(token, mediaRef).catch(() => null);
        if (got) {
          row = { media: mediaRef, content_type: got.contentType, blob: got.blob };
          await this.db.putMedia(row).catch(() => undefined);
        }
      }
    }
    if (!row) throw commandError('not_found', 'no such picture on this device yet: it arrives with the next sync');
    const objectUrl = URL.createObjectURL(row.blob);
    this.urls.set(mediaRef, objectUrl);
    return objectUrl;
  }

  /** A picture's stored row, read together with every other picture asked for in the same turn (the cards of a
   *  screen render together): one transaction for the lot instead of one each. */
  private mediaRow(ref: string): Promise<MediaRow | undefined> {
    if (!this.mediaBatch) {
      const refs = new Set<string>();
      const rows = Promise.resolve().then(async () => {
        // Closed to newcomers from here: they start the next batch.
        this.mediaBatch = null;
        const list = [...refs];
        const got = await this.db.media(list);
        return new Map(list.map((r, i) => [r, got[i]]));
      });
      this.mediaBatch = { refs, rows };
    }
    this.mediaBatch.refs.add(ref);
    return this.mediaBatch.rows.then((rows) => rows.get(ref));
  }

  async onSyncState(listener: (status: AppStatus) => void): Promise<Unsubscribe> {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  pairingHint(): PairingHint {
    if (this.hint) return this.hint;
    const loc = this.o.location;
    const origin = this.o.origin ?? loc?.origin ?? null;
    let code: string | null = null;
    const m = loc ? /(?:^#|&)pair=([^&]*)/.exec(loc.hash) : null;
    if (m && loc) {
      code = decodeURIComponent(m[1]!).trim() || null;
      // Read once: the code leaves the address bar (and so the history and any bookmark) at once.
      this.o.history?.replaceState(null, '', `${loc.pathname}${loc.search}`);
    }
    this.hint = { server_url: origin, code };
    return this.hint;
  }

  async storage(): Promise<StorageInfo> {
    const s = this.o.storage;
    if (!s) return { persisted: false, usage_bytes: null, quota_bytes: null };
    const [persisted, estimate] = await Promise.all([s.persisted().catch(() => false), s.estimate().catch(() => null)]);
    return { persisted, usage_bytes: estimate?.usage ?? null, quota_bytes: estimate?.quota ?? null };
  }
}

/** The greatest stamp this phone has made or seen, so its clock resumes above it (`Db::last_hlc`). */
function lastHlc(snap: Snapshot): Hlc {
  let last: Hlc = { wall_ms: 0, counter: 0 };
  const consider = (h: Hlc | null | undefined) => {
    if (h && compareHlc(h, last) > 0) last = h;
  };
  for (const l of snap.logs) consider(l.hlc);
  for (const o of snap.outbox) consider({ wall_ms: o.hlc_wall, counter: o.hlc_counter });
  try {
    if (snap.settings.observed_hlc) consider(JSON.parse(snap.settings.observed_hlc) as Hlc);
  } catch {
    // An unreadable observation is as if none was made; the logs still bound the clock.
  }
  return last;
}

export async function createWebBackend(options: WebBackendOptions = {}): Promise<WebBackend> {
  const g = globalThis as typeof globalThis & { window?: Window; document?: Document; navigator?: Navigator };
  const db = await FamilyDb.open({ factory: options.indexedDB, name: options.dbName });
  const opened = await db.readSnapshot();
  const clock = new HlcClock(lastHlc(opened.snapshot));
  const fetchFn = options.fetch ?? ((input, init) => g.fetch(input, init));
  return new WebEngine(db, clock, {
    location: g.window ? g.window.location : null,
    history: g.window ? g.window.history : null,
    storage: g.navigator?.storage ?? null,
    events: g.window ?? null,
    visible: g.document ? () => g.document!.visibilityState === 'visible' : undefined,
    online: g.navigator ? () => g.navigator!.onLine : undefined,
    ...options,
    fetch: fetchFn,
    now: options.now ?? (() => new Date()),
  }, opened);
}

export { SyncStopped };
