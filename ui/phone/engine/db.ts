// The phone's copy of the family's data in IndexedDB: one object store per table of the desktop device's SQLite
// database (device/migrations/*.sql), plus downloaded media as blobs. Everything that records something is one
// `strict` readwrite transaction, and a write resolves only once the transaction has completed: a tick the screen
// shows as done is on disk as far as the browser can promise it, together with its outbox row.
import { wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { CompletionLog, MessageRow, OutboxRow, RecordRow, Snapshot, ThreadReadRow } from './snapshot';
import { commandError, storageError } from './errors';

export const DB_NAME = 'homeplay-family';
/** Bumped with each change of the stores; a database a newer app has upgraded refuses to open here. */
export const DB_VERSION = 1;

/** The setting holding the device token: never handed to the views, never in a URL or a log line. */
export const TOKEN_KEY = 'device_token';

export interface SettingRow {
  key: string;
  value: string;
}

export interface MediaRow {
  media: string;
  content_type: string;
  blob: Blob;
}

export interface FamilySchema extends DBSchema {
  settings: { key: string; value: SettingRow };
  records: { key: [string, string]; value: RecordRow };
  logs: { key: string; value: CompletionLog };
  outbox: { key: [string, string]; value: OutboxRow };
  messages: { key: string; value: MessageRow };
  thread_reads: { key: [string, string]; value: ThreadReadRow };
  media: { key: string; value: MediaRow };
}

export type Store = StoreNames<FamilySchema>;
export type WriteTx<S extends Store[]> = IDBPTransaction<FamilySchema, S, 'readwrite'>;

const TABLES: Store[] = ['settings', 'records', 'logs', 'outbox', 'messages', 'thread_reads'];

/** A stored row the views cannot read (a doc that does not parse or lacks what every version has). It stays
 *  stored as it is: deleting it could lose what a family recorded, and a newer app may read it. */
export interface CorruptRow {
  table: string;
  key: string;
}

export interface StoredSnapshot {
  snapshot: Snapshot;
  corrupt: CorruptRow[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isHlc(v: unknown): boolean {
  return isObject(v) && typeof v.wall_ms === 'number' && typeof v.counter === 'number';
}

function isLog(v: unknown): v is CompletionLog {
  return (
    isObject(v) &&
    ['id', 'child_id', 'assignment_id', 'exercise_id', 'device_id'].every((k) => typeof v[k] === 'string') &&
    isObject(v.occurrence) &&
    typeof v.occurrence.date === 'string' &&
    typeof v.occurrence.slot === 'number' &&
    isObject(v.outcome) &&
    typeof v.outcome.status === 'string' &&
    isObject(v.recorded_by) &&
    isHlc(v.hlc)
  );
}

const strings = (doc: Record<string, unknown>, keys: string[]) => keys.every((k) => typeof doc[k] === 'string');
const arrays = (doc: Record<string, unknown>, keys: string[]) => keys.every((k) => Array.isArray(doc[k]));

/** What every version of each kind of record has, so the views can read it without guarding every field. */
const RECORD_SHAPES: Record<string, (doc: Record<string, unknown>) => boolean> = {
  family: (d) => strings(d, ['id']),
  child: (d) => strings(d, ['id', 'display_name', 'time_zone']),
  caregiver: (d) => strings(d, ['id', 'name']),
  exercise: (d) => strings(d, ['id', 'title', 'kid_title']) && arrays(d, ['steps']),
  routine: (d) => strings(d, ['id', 'title']) && arrays(d, ['items']),
  assignment: (d) => strings(d, ['id', 'child_id', 'start_date', 'status']) && arrays(d, ['days', 'slots']) && isObject(d.target),
  feedback: (d) => strings(d, ['id', 'child_id', 'date']),
  goal: (d) => strings(d, ['id', 'child_id', 'text', 'status']),
  media: (d) => strings(d, ['media', 'content_type']),
  check_in: (d) => strings(d, ['id', 'goal_id', 'child_id', 'week', 'face', 'device_id']) && isHlc(d.hlc),
};

function isRecord(v: unknown): v is RecordRow {
  if (!isObject(v) || typeof v.entity !== 'string' || typeof v.id !== 'string' || !isObject(v.doc)) return false;
  const shape = RECORD_SHAPES[v.entity];
  // A kind this app does not know yet (a newer server's) is kept and passed on; the views ignore it.
  return shape ? shape(v.doc) : true;
}

function isOutbox(v: unknown): v is OutboxRow {
  return isObject(v) && typeof v.kind === 'string' && typeof v.id === 'string' && typeof v.hlc_wall === 'number' && isObject(v.doc);
}

function isMessage(v: unknown): v is MessageRow {
  return isObject(v) && typeof v.id === 'string' && typeof v.child_id === 'string' && isObject(v.doc) && typeof v.doc.side === 'string';
}

function isThreadRead(v: unknown): v is ThreadReadRow {
  return isObject(v) && typeof v.child_id === 'string' && typeof v.side === 'string' && typeof v.up_to === 'string' && isObject(v.doc);
}

function keyOf(v: unknown): string {
  if (!isObject(v)) return String(v);
  return ['entity', 'kind', 'id', 'child_id', 'side'].filter((k) => typeof v[k] === 'string').map((k) => v[k]).join('/');
}

export interface OpenOptions {
  /** `indexedDB` by default; tests pass fake-indexeddb's. */
  factory?: IDBFactory;
  name?: string;
}

/** Starts several requests of one transaction at once and waits for them all (one round trip, not one each).
 *  A request can throw as it is made (a full disk, a bad key): the ones already started still get a handler, so
 *  their abort when the transaction rolls back is not an unhandled rejection. */
export async function together<T extends unknown[]>(...starts: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const started: Promise<unknown>[] = [];
  try {
    for (const start of starts) started.push(start());
  } catch (e) {
    for (const p of started) p.catch(() => undefined);
    throw e;
  }
  return (await Promise.all(started)) as T;
}

/** Every `records` row of one entity (their keys are `[entity, id]`). */
export function entityRange(entity: string): IDBKeyRange {
  return IDBKeyRange.bound([entity, ''], [entity, '\uffff']);
}

/** Thrown by a write's body to roll it back and hand the caller this very value (not a storage error). */
export class Rollback extends Error {}

/** A setting that changes whenever the program records (assignments, routines, exercises…) change, in any tab:
 *  what a tick checked in memory is still true while it is unchanged (tickCache.ts). */
export const RECORDS_VERSION = 'records_version';

export class FamilyDb {
  /** Set when a newer homeplay in another tab asked to upgrade the database and this connection let it. */
  private upgradedElsewhere = false;
  private readonly recordsChanged = new Set<() => void>();
  /** How many writes this connection has begun: a snapshot read before the last one may be stale. */
  writesBegun = 0;

  private constructor(private readonly db: IDBPDatabase<FamilySchema>) {
    // Another tab with a newer app wants to upgrade: let it rather than block it; this tab must reload.
    db.addEventListener('versionchange', () => {
      this.upgradedElsewhere = true;
      db.close();
    });
  }

  /** Throws `wrong_version` once another tab's newer app has taken the database over. */
  check(): void {
    if (this.upgradedElsewhere) throw commandError('wrong_version', 'homeplay was updated in another tab: reload this page to go on.');
  }

  /** Opens (creating or upgrading) the family's database. A database a newer homeplay upgraded is refused with
   *  kind `wrong_version` and left as it is. */
  static async open(options: OpenOptions = {}): Promise<FamilyDb> {
    const factory = options.factory ?? globalThis.indexedDB;
    let db: IDBPDatabase<FamilySchema>;
    try {
      const request = factory.open(options.name ?? DB_NAME, DB_VERSION);
      request.addEventListener('upgradeneeded', (event) => {
        upgrade(wrap(request.result) as unknown as IDBPDatabase<FamilySchema>, event.oldVersion);
      });
      db = (await wrap(request)) as unknown as IDBPDatabase<FamilySchema>;
    } catch (e) {
      throw storageError(e);
    }
    return new FamilyDb(db);
  }

  close(): void {
    this.db.close();
  }

  /** Every table in one readonly transaction, so the views see one consistent moment. Rows that cannot be read
   *  are left out and listed. */
  async readSnapshot(): Promise<StoredSnapshot> {
    this.check();
    try {
      const tx = this.db.transaction(TABLES, 'readonly');
      const [settings, records, logs, outbox, messages, threadReads] = await together(
        () => tx.objectStore('settings').getAll(),
        () => tx.objectStore('records').getAll(),
        () => tx.objectStore('logs').getAll(),
        () => tx.objectStore('outbox').getAll(),
        () => tx.objectStore('messages').getAll(),
        () => tx.objectStore('thread_reads').getAll(),
      );
      await tx.done;
      const corrupt: CorruptRow[] = [];
      const keep = <T>(table: string, rows: unknown[], ok: (v: unknown) => v is T): T[] =>
        rows.filter((row): row is T => {
          if (ok(row)) return true;
          corrupt.push({ table, key: keyOf(row) });
          return false;
        });
      const settingsMap: Record<string, string> = {};
      for (const row of settings) {
        if (row.key !== TOKEN_KEY && typeof row.value === 'string') settingsMap[row.key] = row.value;
      }
      return {
        snapshot: {
          settings: settingsMap,
          records: keep('records', records, isRecord),
          logs: keep('logs', logs, isLog),
          outbox: keep('outbox', outbox, isOutbox),
          messages: keep('messages', messages, isMessage),
          threadReads: keep('thread_reads', threadReads, isThreadRead),
        },
        corrupt,
      };
    } catch (e) {
      throw storageError(e);
    }
  }

  async setting(key: string): Promise<string | null> {
    this.check();
    try {
      return (await this.db.get('settings', key))?.value ?? null;
    } catch (e) {
      throw storageError(e);
    }
  }

  /** Runs `body` in one strict readwrite transaction and resolves once it has completed. Anything `body` throws
   *  aborts the transaction, so nothing of it is stored. `body` may await only this transaction's requests. */
  async write<S extends Store[], T>(stores: S, body: (tx: WriteTx<S>) => Promise<T>): Promise<T> {
    this.check();
    this.writesBegun += 1;
    let tx: WriteTx<S>;
    try {
      tx = this.db.transaction(stores, 'readwrite', { durability: 'strict' });
    } catch (e) {
      throw storageError(e);
    }
    let result: T;
    try {
      result = await body(tx);
    } catch (e) {
      try {
        tx.abort();
      } catch {
        // Already finished or aborted by the browser (a quota error aborts it): nothing was committed either way.
      }
      await tx.done.catch(() => undefined);
      throw e instanceof Rollback ? e : storageError(e);
    }
    try {
      await tx.done;
    } catch (e) {
      throw storageError(tx.error ?? e);
    }
    return result;
  }

  /** The outbox alone (what a push round sends): far less to read than the whole snapshot after every tick.
   *  Rows that cannot be read stay stored and are listed by `readSnapshot`. */
  async outbox(): Promise<OutboxRow[]> {
    this.check();
    try {
      return (await this.db.getAll('outbox')).filter(isOutbox);
    } catch (e) {
      throw storageError(e);
    }
  }

  /** Runs `body` in one readonly transaction. `body` may await only this transaction's requests. */
  async read<S extends Store[], T>(stores: S, body: (tx: IDBPTransaction<FamilySchema, S, 'readonly'>) => Promise<T>): Promise<T> {
    this.check();
    try {
      const tx = this.db.transaction(stores, 'readonly');
      const result = await body(tx);
      await tx.done;
      return result;
    } catch (e) {
      throw storageError(e);
    }
  }

  /** Marks, inside a write that changed the program records, that they changed: a new `RECORDS_VERSION` for
   *  every tab, and this tab's listeners told once the write has committed. */
  bumpRecords(tx: { objectStore(name: 'settings'): { put(row: SettingRow): Promise<unknown> }; done: Promise<void> }): void {
    // A failed put aborts the transaction, which `write` reports: nothing more to handle here.
    tx.objectStore('settings')
      .put({ key: RECORDS_VERSION, value: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}` })
      .catch(() => undefined);
    tx.done.then(
      () => {
        for (const f of this.recordsChanged) f();
      },
      () => undefined,
    );
  }

  /** Called after each committed write of this tab that changed the program records. */
  onRecordsChanged(f: () => void): () => void {
    this.recordsChanged.add(f);
    return () => this.recordsChanged.delete(f);
  }

  async putSettings(values: Record<string, string>): Promise<void> {
    await this.write(['settings'], async (tx) => {
      for (const [key, value] of Object.entries(values)) await tx.objectStore('settings').put({ key, value });
    });
  }

  /** Several pictures' rows in one readonly transaction, in the order asked (`undefined` where there is none):
   *  a screen's cards ask for theirs together, and each transaction of a cold start costs the main thread. */
  async media(refs: string[]): Promise<(MediaRow | undefined)[]> {
    this.check();
    try {
      const tx = this.db.transaction('media', 'readonly');
      const [rows] = await together(() => Promise.all(refs.map((ref) => tx.store.get(ref))), () => tx.done);
      return rows;
    } catch (e) {
      throw storageError(e);
    }
  }

  async hasMedia(ref: string): Promise<boolean> {
    this.check();
    try {
      return (await this.db.getKey('media', ref)) !== undefined;
    } catch (e) {
      throw storageError(e);
    }
  }

  async putMedia(row: MediaRow): Promise<void> {
    await this.write(['media'], async (tx) => {
      await tx.objectStore('media').put(row);
    });
  }

  /** Forgets the family (pairing, token, program, logs, outbox, media) but keeps the device's own `prefs`. */
  async forgetEverything(): Promise<void> {
    const all: Store[] = [...TABLES, 'media'];
    await this.write(all, async (tx) => {
      const prefs = await tx.objectStore('settings').get('prefs');
      for (const store of all) await tx.objectStore(store).clear();
      if (prefs) await tx.objectStore('settings').put(prefs);
      this.bumpRecords(tx);
    });
  }
}

function upgrade(db: IDBPDatabase<FamilySchema>, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore('settings', { keyPath: 'key' });
    db.createObjectStore('records', { keyPath: ['entity', 'id'] });
    db.createObjectStore('logs', { keyPath: 'id' });
    db.createObjectStore('outbox', { keyPath: ['kind', 'id'] });
    db.createObjectStore('messages', { keyPath: 'id' });
    db.createObjectStore('thread_reads', { keyPath: ['child_id', 'side'] });
    db.createObjectStore('media', { keyPath: 'media' });
  }
}
