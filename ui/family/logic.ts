// The family screens' logic, kept apart from the components so vitest checks it without a window.
import type { CommandError, DosageView, ErrorKind, Outcome, PairInput, NotDoneReason, SlotView, SyncView } from './bindings';
import { t } from './i18n.svelte';

const MOMENTS = new Set(['wake_up', 'breakfast', 'lunch', 'after_school', 'dinner', 'bath', 'bedtime']);

export function slotLabel(slot: SlotView): string {
  switch (slot.kind) {
    case 'moment':
      return MOMENTS.has(slot.moment) ? t(`moment.${slot.moment}`) : slot.moment.replaceAll('_', ' ');
    case 'at':
      return t('slot.at', { time: slot.time });
    case 'anytime':
      return t('slot.anytime');
  }
}

function seconds(s: number): string {
  if (s >= 60 && s % 60 === 0) return t('unit.minutes', { count: s / 60 });
  return t('unit.seconds', { count: s });
}

/** "10 times · 2 rounds", "hold 10 s", "2 min". Empty when the therapist set no dosage. */
export function formatDosage(d: DosageView): string {
  const parts: string[] = [];
  if (d.reps != null) parts.push(t('dosage.reps', { count: d.reps }));
  if (d.hold_seconds != null) parts.push(t('dosage.hold', { time: seconds(d.hold_seconds) }));
  if (d.duration_seconds != null) parts.push(seconds(d.duration_seconds));
  if (d.sets != null && d.sets > 1) parts.push(t('dosage.rounds', { count: d.sets }));
  return parts.join(' · ');
}

export type Tone = 'ok' | 'waiting' | 'offline' | 'attention';

/** The always-visible sync line: honest about what has and has not reached the clinic. */
export function syncLine(sync: SyncView): { tone: Tone; text: string } {
  switch (sync.state) {
    case 'not_paired':
      return { tone: 'attention', text: t('sync.not_paired') };
    case 'synced':
      return { tone: 'ok', text: t('sync.synced') };
    case 'waiting':
      return { tone: 'waiting', text: t('sync.waiting', { count: sync.count }) };
    case 'offline':
      return {
        tone: 'offline',
        text: sync.waiting > 0 ? t('sync.offline_waiting', { count: sync.waiting }) : t('sync.offline'),
      };
    case 'needs_attention':
      return { tone: 'attention', text: t('sync.attention', { problem: sync.problem }) };
    case 'ended':
      // In the family's language: the server's own words (`sync.message`) are in the clinic's.
      return { tone: 'attention', text: t('sync.ended') };
  }
}

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

/** Failures a parent can act on get a sentence of their own; the rest carry the engine's message. */
const HINTED: ReadonlySet<ErrorKind> = new Set(['offline', 'not_homeplay', 'code_wrong', 'code_expired', 'wrong_version', 'rate_limited', 'already_paired']);

/** A sentence a parent can act on, for any failure a command reports. */
export function errorMessage(e: unknown): string {
  if (isCommandError(e)) return HINTED.has(e.kind) ? t(`error.${e.kind}`) : e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export type PairForm = PairInput;
export type PairErrors = Partial<Record<keyof PairForm, string>>;

/** Checks the first-run form before anything is sent; names each empty or odd field. */
export function checkPairForm(f: PairForm): PairErrors {
  const errors: PairErrors = {};
  const url = f.server_url.trim();
  if (!url) errors.server_url = t('pair.error.server_url');
  else if (!/^https?:\/\/[^\s/]+/.test(normalizeServerUrl(url))) errors.server_url = t('pair.error.server_url_odd');
  if (!f.code.trim()) errors.code = t('pair.error.code');
  if (!f.device_name.trim()) errors.device_name = t('pair.error.device_name');
  if (!f.caregiver.trim()) errors.caregiver = t('pair.error.caregiver');
  return errors;
}

/** "clinic.example:8080/" → "http://clinic.example:8080". */
export function normalizeServerUrl(url: string): string {
  let u = url.trim().replace(/\/+$/, '');
  if (u && !/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) u = `http://${u}`;
  return u;
}

export function outcomeLabel(o: Outcome): string {
  switch (o.status) {
    case 'done':
      return t('outcome.done');
    case 'partly':
      return t('outcome.partly');
    case 'not_done':
      return t('outcome.not_done', { reason: reasonLabel(o.reason) });
  }
}

/** The reasons a parent can give for "not done", in the order the card offers them. */
export const REASONS: readonly NotDoneReason[] = ['sick', 'refused', 'no_time', 'other'];

export function reasonLabel(r: NotDoneReason): string {
  return t(`reason.${r}`);
}

/** How long an undo stays offered after a tick. */
export const UNDO_MS = 6000;

export function undoOpen(tickedAt: number, now: number): boolean {
  return now - tickedAt < UNDO_MS;
}
