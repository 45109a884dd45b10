// The family screens' logic, kept apart from the components so vitest checks it without a window.
import type { CommandError, DosageView, ErrorKind, OutcomeView, PairInput, SlotView, SyncView } from './bindings';

const MOMENTS: Record<string, string> = {
  wake_up: 'Wake-up',
  breakfast: 'Breakfast',
  lunch: 'Lunch',
  after_school: 'After school',
  dinner: 'Dinner',
  bath: 'Bath time',
  bedtime: 'Bedtime',
};

export function slotLabel(slot: SlotView): string {
  switch (slot.kind) {
    case 'moment':
      return MOMENTS[slot.moment] ?? slot.moment.replaceAll('_', ' ');
    case 'at':
      return `At ${slot.time}`;
    case 'anytime':
      return 'Any time today';
  }
}

function seconds(s: number): string {
  if (s >= 60 && s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/** "10 times · 2 rounds", "hold 10 s", "2 min". Empty when the therapist set no dosage. */
export function formatDosage(d: DosageView): string {
  const parts: string[] = [];
  if (d.reps != null) parts.push(d.reps === 1 ? 'once' : `${d.reps} times`);
  if (d.hold_seconds != null) parts.push(`hold ${seconds(d.hold_seconds)}`);
  if (d.duration_seconds != null) parts.push(seconds(d.duration_seconds));
  if (d.sets != null && d.sets > 1) parts.push(`${d.sets} rounds`);
  return parts.join(' · ');
}

export type Tone = 'ok' | 'waiting' | 'offline' | 'attention';

/** The always-visible sync line: honest about what has and has not reached the clinic. */
export function syncLine(sync: SyncView): { tone: Tone; text: string } {
  const logs = (n: number) => (n === 1 ? '1 tick' : `${n} ticks`);
  switch (sync.state) {
    case 'not_paired':
      return { tone: 'attention', text: 'Not connected to a clinic yet' };
    case 'synced':
      return { tone: 'ok', text: 'Synced: everything is with the clinic' };
    case 'waiting':
      return { tone: 'waiting', text: `${logs(sync.count)} waiting to sync` };
    case 'offline':
      return {
        tone: 'offline',
        text:
          sync.waiting > 0
            ? `Offline: ${logs(sync.waiting)} saved on this computer, sent when the clinic is reachable`
            : 'Offline: ticks are saved on this computer',
      };
    case 'needs_attention':
      return { tone: 'attention', text: `Needs attention: ${sync.problem}` };
  }
}

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

const HINTS: Partial<Record<ErrorKind, string>> = {
  offline: 'Cannot reach the clinic server. Check the address and your internet connection, then try again.',
  code_wrong: 'That pairing code is not right. Check it with your therapist.',
  code_expired: 'That pairing code has expired or was already used. Ask your therapist for a new one.',
  wrong_version: 'This app and the clinic server do not speak the same version. One of them needs an update.',
  rate_limited: 'Too many tries. Wait a minute, then try again.',
  already_paired: 'This computer is already connected to a clinic.',
};

/** A sentence a parent can act on, for any failure a command reports. */
export function errorMessage(e: unknown): string {
  if (isCommandError(e)) return HINTS[e.kind] ?? e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export type PairForm = PairInput;
export type PairErrors = Partial<Record<keyof PairForm, string>>;

/** Checks the first-run form before anything is sent; names each empty or odd field. */
export function checkPairForm(f: PairForm): PairErrors {
  const errors: PairErrors = {};
  const url = f.server_url.trim();
  if (!url) errors.server_url = 'Type the clinic address your therapist gave you.';
  else if (!/^https?:\/\/[^\s/]+/.test(normalizeServerUrl(url))) errors.server_url = 'This does not look like an address.';
  if (!f.code.trim()) errors.code = 'Type the pairing code.';
  if (!f.device_name.trim()) errors.device_name = 'Give this computer a name, e.g. "Kitchen laptop".';
  if (!f.caregiver.trim()) errors.caregiver = 'Who is using this computer? e.g. "Mum".';
  return errors;
}

/** "clinic.example:8080/" → "http://clinic.example:8080". */
export function normalizeServerUrl(url: string): string {
  let u = url.trim().replace(/\/+$/, '');
  if (u && !/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) u = `http://${u}`;
  return u;
}

export function outcomeLabel(o: OutcomeView): string {
  switch (o.status) {
    case 'done':
      return 'Done';
    case 'partly':
      return 'Partly done';
    case 'not_done':
      return `Not done: ${REASONS[o.reason]}`;
  }
}

export const REASONS = { sick: 'sick', refused: 'did not want to', no_time: 'no time', other: 'other reason' } as const;

/** How long an undo stays offered after a tick. */
export const UNDO_MS = 6000;

export function undoOpen(tickedAt: number, now: number): boolean {
  return now - tickedAt < UNDO_MS;
}

/** What kid mode shows for an activity: a countdown for holds and timed play, else a tap counter. */
export type KidGoal = { kind: 'timer'; seconds: number } | { kind: 'count'; target: number };

export function kidGoal(d: DosageView): KidGoal {
  if (d.hold_seconds != null) return { kind: 'timer', seconds: d.hold_seconds };
  if (d.duration_seconds != null) return { kind: 'timer', seconds: d.duration_seconds };
  return { kind: 'count', target: Math.max(1, (d.reps ?? 5) * (d.sets ?? 1)) };
}

/** Press-and-hold to leave kid mode: long enough that a child's tap does not open it. */
export const PARENT_GATE_MS = 2000;
