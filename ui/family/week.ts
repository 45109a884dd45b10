// What the week, print and settings screens compute, apart from the components so vitest checks it.
import { STICKER_EMOJI } from '../shared/stickers';
import type { AppSettings, DayStatusView, ProgramTimeView, Sticker, SyncView } from './bindings';
import { t } from './i18n.svelte';
import { slotLabel } from './logic';

/** Each day status has an icon and a word, so it reads without colour. */
const DAY_ICONS: Record<DayStatusView, string> = {
  done: '✔',
  partly: '◐',
  not_done: '✖',
  not_logged: '?',
  nothing_scheduled: '–',
  today: '●',
  future: '○',
};

export function dayStatus(s: DayStatusView): { icon: string; text: string } {
  return { icon: DAY_ICONS[s], text: t(`week.status.${s}`) };
}

/** "75 %" in the current language; an em dash when nothing was due yet. */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  return t('week.rate_value', { percent: Math.round(rate * 100) });
}

// Typed here, so a sticker missing from the shared pictures fails the type check.
const STICKERS: Record<Sticker, string> = STICKER_EMOJI;

/** A therapist's sticker as a picture and its name (the name is what a screen reader says). */
export function sticker(name: string): { icon: string; text: string } {
  const known = name in STICKERS ? (name as Sticker) : 'star';
  return { icon: STICKERS[known], text: t(`sticker.${known}`) };
}

/** "Bedtime (19:30)", "At 08:15", for the printed program. */
export function timeLabel(time: ProgramTimeView): string {
  const label = slotLabel(time.slot);
  return time.clock && time.slot.kind === 'moment' ? `${label} (${time.clock})` : label;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function isTime(s: string): boolean {
  return HHMM.test(s.trim());
}

/** The fields of the settings form that need fixing, keyed like the form's inputs, each with what to do. */
export function settingsErrors(s: AppSettings): Record<string, string> {
  const errors: Record<string, string> = {};
  if (s.caregiver !== null && s.caregiver.trim() === '') errors.caregiver = t('settings.error.caregiver');
  for (const m of s.reminders.moments) {
    if (!isTime(m.time)) errors[`moment.${m.moment}`] = t('settings.error.time');
  }
  if (!isTime(s.reminders.quiet_start)) errors.quiet_start = t('settings.error.time');
  if (!isTime(s.reminders.quiet_end)) errors.quiet_end = t('settings.error.time');
  const r = s.reminders.repeat_after_minutes;
  if (!Number.isInteger(r) || r < 0 || r > 240) errors.repeat = t('settings.error.repeat');
  return errors;
}

/** Whether these settings differ from the saved ones. */
export function settingsChanged(a: AppSettings, b: AppSettings): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}

/** Logs on this device not yet with the clinic, as the sync line knows them. */
export function waitingCount(sync: SyncView): number {
  switch (sync.state) {
    case 'waiting':
      return sync.count;
    case 'offline':
    case 'needs_attention':
      return sync.waiting;
    default:
      return 0;
  }
}
