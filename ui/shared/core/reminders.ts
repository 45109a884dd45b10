// homeplay-core `reminders`: which reminders are due. For each child's time of day (a family moment or a clock
// time) that has come today and is not all logged, one reminder, then one gentle repeat if still nothing was
// logged; never in quiet hours, nothing when switched off, nothing more than two hours late. Pure: the caller
// gives today's moments, what was already sent and the wall clock, and keeps what was sent (the device keeps
// it in its `reminders_sent` setting, as JSON of `SentReminder[]`).
//
// The device builds the moments in `Engine::take_due_reminders` (device/src/reminders.rs): for every child's
// today list, every group with a clock time (not "any time"), with the child's local date and clock now, the
// group's item count as `expected` and the items with a standing log as `logged`.
import { addDays } from '../dates';
import type { SlotTime } from './types';

// These are the device's own encodings (its `prefs` and `reminders_sent` settings, serde's shapes of the core
// types), not protocol types: times of day are chrono's "HH:MM:SS" with an optional fraction.

/** `ReminderPrefs`: quiet hours may cross midnight (20:30–07:00); equal ends mean no quiet hours. */
export interface ReminderPrefs {
  enabled: boolean;
  quiet_start: string;
  quiet_end: string;
  /** One gentle repeat this long after the first reminder; 0 turns the repeat off. */
  repeat_after_minutes: number;
}

/** `MomentDue`: one time of day on one child's list today. */
export interface MomentDue {
  child_id: string;
  child_name: string;
  /** The child's local date and clock now. */
  date: string;
  local_now: string;
  slot: SlotTime;
  /** The family's clock time for the slot. */
  clock: string;
  expected: number;
  logged: number;
}

/** `SentReminder`: what was sent for one child's time of day on one date. */
export interface SentReminder {
  child_id: string;
  date: string;
  slot: SlotTime;
  first_ms: number;
  repeated: boolean;
}

/** `Reminder`: one to show now ("Bedtime: 2 activities for Lea"). */
export interface Reminder {
  child_id: string;
  child_name: string;
  date: string;
  slot: SlotTime;
  /** Activities of that time not logged yet. */
  remaining: number;
  repeat: boolean;
}

/** `ReminderPrefs::default()`. */
export const DEFAULT_REMINDER_PREFS: ReminderPrefs = {
  enabled: true,
  quiet_start: '20:30:00',
  quiet_end: '07:00:00',
  repeat_after_minutes: 30,
};

/** `STALE_AFTER`: a reminder older than this is not worth sending. */
export const STALE_AFTER_MS = 2 * 60 * 60 * 1000;

/** Milliseconds since midnight of a clock time "HH:MM", "HH:MM:SS" or "HH:MM:SS.fff…". */
export function timeOfDayMs(t: string): number {
  const [h = '0', m = '0', s = '0'] = t.split(':');
  return (Number(h) * 60 + Number(m)) * 60_000 + Math.round(Number(s) * 1000);
}

/** `ReminderPrefs::is_quiet`: the start of quiet hours is quiet, the end is not. */
export function isQuiet(prefs: ReminderPrefs, localNow: string): boolean {
  const [start, end, t] = [timeOfDayMs(prefs.quiet_start), timeOfDayMs(prefs.quiet_end), timeOfDayMs(localNow)];
  if (start === end) return false;
  return start < end ? start <= t && t < end : t >= start || t < end;
}

export function sameSlot(a: SlotTime, b: SlotTime): boolean {
  if (a.kind === 'moment' && b.kind === 'moment') return a.moment === b.moment;
  if (a.kind === 'at' && b.kind === 'at') return timeOfDayMs(a.time) === timeOfDayMs(b.time);
  return a.kind === b.kind;
}

function isFor(s: SentReminder, childId: string, date: string, slot: SlotTime): boolean {
  return s.child_id === childId && s.date === date && sameSlot(s.slot, slot);
}

/** `due_reminders`: the reminders due at `nowMs` (wall clock), given what was already `sent`. */
export function dueReminders(moments: MomentDue[], prefs: ReminderPrefs, sent: SentReminder[], nowMs: number): Reminder[] {
  if (!prefs.enabled) return [];
  const out: Reminder[] = [];
  for (const m of moments) {
    if (m.logged >= m.expected || isQuiet(prefs, m.local_now)) continue;
    const remind = (repeat: boolean): Reminder => ({
      child_id: m.child_id,
      child_name: m.child_name,
      date: m.date,
      slot: m.slot,
      remaining: m.expected - m.logged,
      repeat,
    });
    const s = sent.find((x) => isFor(x, m.child_id, m.date, m.slot));
    if (!s) {
      // Times of day never wrap here: a moment belongs to the date it is on.
      const since = timeOfDayMs(m.local_now) - timeOfDayMs(m.clock);
      if (since >= 0 && since < STALE_AFTER_MS) out.push(remind(false));
    } else if (!s.repeated && prefs.repeat_after_minutes > 0 && m.logged === 0) {
      const at = s.first_ms + prefs.repeat_after_minutes * 60_000;
      if (nowMs >= at && nowMs - at < STALE_AFTER_MS) out.push(remind(true));
    }
  }
  return out;
}

/** `note_sent`: records that `due` were sent at `nowMs`, forgetting entries older than yesterday. Returns the
 *  new list; `sent` is left as it was. */
export function noteSent(sent: SentReminder[], due: Reminder[], nowMs: number): SentReminder[] {
  const next = sent.map((s) => ({ ...s }));
  for (const r of due) {
    const s = next.find((x) => isFor(x, r.child_id, r.date, r.slot));
    if (s) s.repeated = true;
    else next.push({ child_id: r.child_id, date: r.date, slot: r.slot, first_ms: nowMs, repeated: false });
  }
  const newest = next.reduce<string | null>((max, s) => (max === null || s.date > max ? s.date : max), null);
  if (newest === null) return next;
  const yesterday = addDays(newest, -1);
  return next.filter((s) => s.date >= yesterday);
}
