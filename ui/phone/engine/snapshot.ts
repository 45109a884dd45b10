// What the web engine keeps, as the views read it: the same tables as the desktop app's SQLite store
// (device/migrations/*.sql), one IndexedDB object store each, so the views can follow device/src line by line.
// db.ts writes these; views.ts reads a whole `Snapshot` and never touches IndexedDB.
import type { components } from '../../dashboard/lib/api/schema';

type Schemas = components['schemas'];
export type Change = Schemas['Change'];
export type CompletionLog = Schemas['CompletionLog'];

/** `settings`: small named values, the device's keys (`device_id`, `server_url`, `clinic_name`, `cursor`,
 *  `observed_hlc`, `caregiver`, `caregivers`, `moments`, `prefs`, `clinic_settings`, `reminders_sent`, …), each a
 *  JSON or plain string exactly as the device stores it. */
export type Settings = Record<string, string>;

/** `records`: the family's program as pulled, one row per `(entity, id)` of `Change::key`. */
export interface RecordRow {
  entity: string;
  id: string;
  doc: unknown;
}

/** `outbox`: what this device recorded and the server has not acknowledged yet, keyed by the push request's
 *  array (`kind`: `logs`, `check_ins`, … — `Recorded::FIELD` in shared/src/recorded.rs) and id; `doc` is the very version to send. */
export interface OutboxRow {
  kind: string;
  id: string;
  hlc_wall: number;
  hlc_counter: number;
  doc: unknown;
  rejected_reason: string | null;
  rejected_field: string | null;
  rejected_message: string | null;
}

/** `messages`: both sides' messages of each child's thread (ids are UUIDv7: id order is time order). */
export interface MessageRow {
  id: string;
  child_id: string;
  doc: Schemas['Message'];
}

/** `thread_reads`: the furthest read mark of each side per child. */
export interface ThreadReadRow {
  child_id: string;
  side: string;
  up_to: string;
  doc: Schemas['ThreadRead'];
}

/** Everything the screens' answers are made from, read in one IndexedDB transaction. */
export interface Snapshot {
  settings: Settings;
  records: RecordRow[];
  /** The current version of every log the device knows (its own and other caregivers'). */
  logs: CompletionLog[];
  outbox: OutboxRow[];
  messages: MessageRow[];
  threadReads: ThreadReadRow[];
}
