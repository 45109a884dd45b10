// Who uses the device, its preferences and how sync stands: `Engine::caregivers` (device/src/caregivers.rs),
// `prefs` (device/src/prefs.rs), `status` (device/src/sync.rs) shaped as `CaregiverView`, `AppSettings` and
// `AppStatus` (src-tauri/src/{api,dto}.rs).
import type { AppSettings, AppStatus, CaregiverView, FamilyMoment, Language, SyncView } from '../../../family/bindings';
import { isLanguage } from '../../../family/languages';
import { DEFAULT_ADVICE_AT } from '../../../shared/core/pain';
import type { Snapshot } from '../snapshot';
import { type Caregiver, type FamilyClinicSettings, hhmm, jsonSetting, momentTimes, records, timeOf, validName } from './read';

/** `FamilyMoment::ALL`: every moment, in the order of the day. */
export const MOMENTS: FamilyMoment[] = ['wake_up', 'breakfast', 'lunch', 'after_school', 'dinner', 'bath', 'bedtime'];

/** `prefs::Prefs` as the device stores it (setting `prefs`). */
export interface Prefs {
  language: Language;
  sound: boolean;
  reminders: { enabled: boolean; quiet_start: string; quiet_end: string; repeat_after_minutes: number };
  pain_scale: 'faces' | 'numbers';
}

export const DEFAULT_PREFS: Prefs = {
  language: 'en',
  sound: true,
  reminders: { enabled: true, quiet_start: '20:30:00', quiet_end: '07:00:00', repeat_after_minutes: 30 },
  pain_scale: 'faces',
};

const isTime = (v: unknown): v is string => typeof v === 'string' && /^\d{2}:\d{2}:\d{2}/.test(v);

/**
 * `Engine::prefs`: the stored preferences, or the defaults when absent or unreadable (a newer app's value). A
 * language a newer app added reads as English and keeps the rest (`Language::known_or_default`).
 */
export function prefs(snap: Snapshot): Prefs {
  const p = jsonSetting<Partial<Prefs>>(snap, 'prefs');
  const r = p?.reminders;
  const readable =
    p &&
    typeof p.language === 'string' &&
    typeof p.sound === 'boolean' &&
    r &&
    typeof r.enabled === 'boolean' &&
    isTime(r.quiet_start) &&
    isTime(r.quiet_end) &&
    Number.isInteger(r.repeat_after_minutes) &&
    (p.pain_scale === undefined || p.pain_scale === 'faces' || p.pain_scale === 'numbers');
  if (!readable) return DEFAULT_PREFS;
  // Saved before the pain scale: it reads as faces.
  return { language: isLanguage(p.language) ? p.language : DEFAULT_PREFS.language, sound: p.sound!, reminders: r, pain_scale: p.pain_scale ?? 'faces' };
}

/** `Db::caregiver`: who uses the device now, when it is a valid name. */
export function caregiver(snap: Snapshot): string | null {
  const raw = snap.settings['caregiver'];
  return raw === undefined ? null : validName(raw);
}

/** `settings`. */
export function settings(snap: Snapshot): AppSettings {
  const p = prefs(snap);
  const moments = momentTimes(snap);
  return {
    caregiver: caregiver(snap),
    language: p.language,
    sound: p.sound,
    reminders: {
      enabled: p.reminders.enabled,
      moments: MOMENTS.map((moment) => ({ moment, time: hhmm(timeOf(moments, moment)) })),
      quiet_start: hhmm(p.reminders.quiet_start),
      quiet_end: hhmm(p.reminders.quiet_end),
      repeat_after_minutes: p.reminders.repeat_after_minutes,
    },
    pain_scale: p.pain_scale,
  };
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** `Db::caregiver_names_on_logs`: caregivers' names on the family's logs, each exact name once, by its first log id. */
function namesOnLogs(snap: Snapshot): string[] {
  const first = new Map<string, string>();
  for (const l of snap.logs) {
    if (l.recorded_by.kind !== 'caregiver') continue;
    const name = l.recorded_by.name;
    const seen = first.get(name);
    if (seen === undefined || l.id < seen) first.set(name, l.id);
  }
  return [...first.entries()].sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name]) => name);
}

/**
 * `caregivers`: the names chosen here, then the caregivers on the clinic's record of the family, then the names
 * on the family's logs, each once whatever its case.
 */
export function caregivers(snap: Snapshot): CaregiverView[] {
  const here = jsonSetting<unknown>(snap, 'caregivers');
  const chosen = Array.isArray(here) && here.every((n) => typeof n === 'string') ? (here as string[]) : [];
  const candidates: [string, boolean][] = [
    ...chosen.map((n): [string, boolean] => [n, true]),
    ...records<Caregiver>(snap, 'caregiver').map((c): [string, boolean] => [c.name, false]),
    ...namesOnLogs(snap).map((n): [string, boolean] => [n, false]),
  ];
  const out: CaregiverView[] = [];
  for (const [n, chosenHere] of candidates) {
    if (out.some((k) => same(k.name, n))) continue;
    const name = validName(n);
    if (name !== null) out.push({ name, chosen_here: chosenHere });
  }
  return out;
}

/** `Db::pairing`: paired once the server, the device id and the clinic's name are all kept. */
export function pairing(snap: Snapshot): { server_url: string; device_id: string; clinic_name: string } | null {
  const { server_url, device_id, clinic_name } = snap.settings;
  if (server_url === undefined || device_id === undefined || clinic_name === undefined) return null;
  return { server_url, device_id, clinic_name };
}

/** `Db::clinic_settings`: the clinic's pain advice and contact as last pulled, the defaults before. */
export function clinicSettings(snap: Snapshot): FamilyClinicSettings {
  const saved = jsonSetting<FamilyClinicSettings>(snap, 'clinic_settings');
  if (saved && typeof saved === 'object' && Number.isInteger(saved.pain_advice_at)) return saved;
  return { pain_advice_at: DEFAULT_ADVICE_AT };
}

/** The last sync attempt as the device notes it (`sync_attempts`): when, how it ended, and what it said. */
export interface SyncAttempt {
  at_ms: number;
  outcome: 'ok' | 'offline' | 'error' | string;
  detail: string;
}

/**
 * `Engine::status` as `SyncView`: not paired; ended by the clinic (setting `ended`); needs attention after an
 * error a person must fix or while the clinic refused something; offline after a failed attempt; waiting;
 * synced.
 */
export function syncView(snap: Snapshot, last: SyncAttempt | null): SyncView {
  if (!pairing(snap)) return { state: 'not_paired' };
  const waiting = snap.outbox.filter((o) => o.rejected_reason === null).length;
  const rejected = snap.outbox
    .filter((o) => o.rejected_reason !== null)
    .sort((a, b) => a.hlc_wall - b.hlc_wall || a.hlc_counter - b.hlc_counter)
    .map((o) => o.rejected_message ?? '');
  const ended = snap.settings['ended'];
  if (ended !== undefined) return { state: 'ended', message: ended, waiting };
  if (last?.outcome === 'error') return { state: 'needs_attention', problem: last.detail, waiting, rejected };
  if (rejected.length > 0) {
    const problem = `${rejected.length} entries were not accepted by the clinic`;
    return { state: 'needs_attention', problem, waiting, rejected };
  }
  if (last?.outcome === 'offline') return { state: 'offline', waiting, since_ms: last.at_ms };
  if (waiting > 0) return { state: 'waiting', count: waiting };
  return { state: 'synced', last_sync_ms: last?.at_ms ?? null };
}

/** `status`: the header's state around a sync state already known (see `syncView`). */
export function status(snap: Snapshot, sync: SyncView): AppStatus {
  const p = pairing(snap);
  return {
    paired: p !== null,
    clinic_name: p?.clinic_name ?? null,
    server_url: p?.server_url ?? null,
    caregiver: caregiver(snap),
    sync,
    clinic: clinicSettings(snap),
  };
}
