// Kid mode's state, as pure functions of the clock so vitest can drive them: the countdown for holds and timed
// play, the tap counter for reps, and the first–then board of a routine.
import type { DosageView, StepView, TodayChildView, TodayItemView } from './bindings';

/** What kid mode shows for an activity: a countdown for holds and timed play (per round), else a tap counter. */
export type KidGoal = { kind: 'timer'; seconds: number; rounds: number } | { kind: 'count'; reps: number; rounds: number; target: number };

/** Reps when the therapist gave none: enough to feel like play, few enough to finish. */
const DEFAULT_REPS = 5;

export function kidGoal(d: DosageView): KidGoal {
  const rounds = Math.max(1, d.sets ?? 1);
  const seconds = d.hold_seconds ?? d.duration_seconds;
  if (seconds != null && seconds > 0) return { kind: 'timer', seconds, rounds };
  const reps = Math.max(1, d.reps ?? DEFAULT_REPS);
  return { kind: 'count', reps, rounds, target: reps * rounds };
}

// ---- Countdown ----------------------------------------------------------------------------------------------

/**
 * A countdown of `seconds` per round. Time is measured from timestamps, not by counting timer callbacks, so a
 * slow or throttled window still counts true seconds. Between rounds it stops: the child rests, then presses Go.
 */
export type Countdown = {
  seconds: number;
  rounds: number;
  /** 1-based. */
  round: number;
  /** Time spent in this round before `runningSince`. */
  doneMs: number;
  runningSince: number | null;
  finished: boolean;
};

export function countdown(seconds: number, rounds = 1): Countdown {
  return { seconds, rounds: Math.max(1, rounds), round: 1, doneMs: 0, runningSince: null, finished: false };
}

function inRoundMs(c: Countdown, now: number): number {
  const ms = c.doneMs + (c.runningSince === null ? 0 : Math.max(0, now - c.runningSince));
  return Math.min(ms, c.seconds * 1000);
}

export function countdownStart(c: Countdown, now: number): Countdown {
  if (c.finished || c.runningSince !== null) return c;
  return { ...c, runningSince: now };
}

export function countdownPause(c: Countdown, now: number): Countdown {
  if (c.runningSince === null) return c;
  return { ...c, doneMs: inRoundMs(c, now), runningSince: null };
}

/** Moves on when a round's time is up: to the next round (stopped), or to finished after the last. */
export function countdownTick(c: Countdown, now: number): Countdown {
  if (c.finished || c.runningSince === null || inRoundMs(c, now) < c.seconds * 1000) return c;
  if (c.round < c.rounds) return { ...c, round: c.round + 1, doneMs: 0, runningSince: null };
  return { ...c, doneMs: c.seconds * 1000, runningSince: null, finished: true };
}

export type CountdownView = {
  /** Whole seconds left in this round, rounded up: the number on the ring. */
  remaining: number;
  /** How much of the ring is still full, 1 → 0. */
  fraction: number;
  running: boolean;
};

export function countdownView(c: Countdown, now: number): CountdownView {
  const total = c.seconds * 1000;
  const left = total - inRoundMs(c, now);
  return { remaining: Math.ceil(left / 1000), fraction: total > 0 ? left / total : 0, running: c.runningSince !== null };
}

/** Seconds actually held or played over all rounds, for the log. */
export function countdownSeconds(c: Countdown, now: number): number {
  return Math.round(((c.round - 1) * c.seconds * 1000 + inRoundMs(c, now)) / 1000);
}

export function countdownStarted(c: Countdown): boolean {
  return c.round > 1 || c.doneMs > 0 || c.runningSince !== null;
}

// ---- Tap counter --------------------------------------------------------------------------------------------

export type Counter = { count: number; reps: number; rounds: number };

export function counter(reps: number, rounds = 1): Counter {
  return { count: 0, reps: Math.max(1, reps), rounds: Math.max(1, rounds) };
}

export const counterTarget = (c: Counter): number => c.reps * c.rounds;
export const counterFinished = (c: Counter): boolean => c.count >= counterTarget(c);

/** One more, never past the target: a child drumming on the button after the end changes nothing. */
export function counterTap(c: Counter): Counter {
  return counterFinished(c) ? c : { ...c, count: c.count + 1 };
}

/**
 * The step picture that goes with the count: the target is shared out evenly between the steps, and the picture
 * moves on as the count passes each share (so a child who cannot read sees where they are).
 */
export function counterStep(c: Counter, steps: number): number {
  if (steps <= 1) return 0;
  return Math.min(steps - 1, Math.floor((c.count * steps) / counterTarget(c)));
}

/** The round the child is in (1-based); the last round once finished. */
export function counterRound(c: Counter): number {
  return Math.min(c.rounds, Math.floor(c.count / c.reps) + 1);
}

// ---- First–then board ---------------------------------------------------------------------------------------

/**
 * Where an activity of the routine stands: done (in full or in part), skipped by a grown-up ("not done"), or
 * still to do. An undone tick is still to do.
 */
export type StepState = 'done' | 'skipped' | 'todo';
export type BoardStep = { item: TodayItemView; state: StepState; current: boolean };
export type Board = { steps: BoardStep[]; reward: string | null };

/** Items of the same routine run: same assignment, same day and same occurrence of it. */
function sameRun(a: TodayItemView, b: TodayItemView): boolean {
  return a.key.assignment_id === b.key.assignment_id && a.key.date === b.key.date && a.key.slot === b.key.slot;
}

export function isDone(item: TodayItemView): boolean {
  return item.log !== null && !item.log.undone && item.log.outcome.status === 'done';
}

/**
 * "First: the routine's activities → Then: the reward", when `item` is part of a routine; null otherwise. Done
 * activities are ticked; `item` is the current one. The order is the routine's, as today's list gives it.
 */
export function firstThenBoard(child: TodayChildView | null, item: TodayItemView): Board | null {
  if (item.routine_title === null) return null;
  const all = child ? child.groups.flatMap((g) => g.items).filter((i) => i.routine_title !== null && sameRun(i, item)) : [];
  const run = all.some((i) => sameItem(i, item)) ? all : [...all, item];
  const reward = run.find((i) => i.then_reward !== null)?.then_reward ?? item.then_reward;
  return { steps: run.map((i) => ({ item: i, state: stepState(i), current: sameItem(i, item) })), reward };
}

export function stepState(item: TodayItemView): StepState {
  if (item.log === null || item.log.undone) return 'todo';
  return item.log.outcome.status === 'not_done' ? 'skipped' : 'done';
}

/**
 * The promise of the board: once no activity is left to do, the reward comes. A grown-up's "not done" settles
 * an activity as much as the child's tick, so one skipped activity never withholds the reward from the rest.
 */
export function rewardReached(board: Board): boolean {
  return board.steps.every((s) => s.state !== 'todo');
}

export function sameItem(a: TodayItemView, b: TodayItemView): boolean {
  return sameRun(a, b) && a.key.exercise_id === b.key.exercise_id && a.key.child_id === b.key.child_id;
}

/**
 * The routine's next activity not yet logged at all, to go on without leaving kid mode. One already marked partly
 * or not done is left to the parent: kid mode only records fresh ticks.
 */
export function nextInRoutine(board: Board | null): TodayItemView | null {
  if (!board) return null;
  const at = board.steps.findIndex((s) => s.current);
  const after = [...board.steps.slice(at + 1), ...board.steps.slice(0, Math.max(0, at))];
  return after.find((s) => !s.current && s.item.log === null)?.item ?? null;
}

/** Stickers earned today: activities the child finished in kid mode. */
export function stickersToday(child: TodayChildView | null): number {
  if (!child) return 0;
  return child.groups.flatMap((g) => g.items).filter((i) => isDone(i) && i.log?.by_kid === true).length;
}

/** The therapist's recorded voice prompt for a step, if there is one. */
export function voicePrompt(step: StepView | undefined): string | null {
  return step?.voice_prompt ?? null;
}

// ---- Spoken prompt without a recording ----------------------------------------------------------------------

/** What kid mode needs of a `SpeechSynthesisVoice`, so tests can hand in plain objects. */
export type VoiceLike = { lang: string; default?: boolean; localService?: boolean };

function primaryLanguage(tag: string): string {
  return tag.trim().toLowerCase().replace('_', '-').split('-')[0] ?? '';
}

/**
 * The system voice to read a step's caption aloud in the family's language, or null. A voice of another language
 * would read the words wrongly to a child who is learning them, so with no voice of the language nothing is
 * spoken (the picture carries the step). Among the matches: the system's default, then one on this machine
 * (works offline), then the first.
 */
export function chooseVoice<V extends VoiceLike>(voices: readonly V[], language: string): V | null {
  const want = primaryLanguage(language);
  if (!want) return null;
  const matching = voices.filter((v) => primaryLanguage(v.lang) === want);
  return matching.find((v) => v.default) ?? matching.find((v) => v.localService) ?? matching[0] ?? null;
}

// ---- Reward picture -----------------------------------------------------------------------------------------

/**
 * Pictures for the rewards families and therapists write most, found by a word of the reward (English or
 * Spanish, any case, accents ignored). The first match in this order wins, so "Bubbles in the bath" is bubbles.
 */
const REWARD_PICTURES: readonly (readonly [picture: string, words: readonly string[]])[] = [
  ['🫧', ['bubble', 'burbuja', 'pompa']],
  ['📺', ['cartoon', 'tv', 'tele', 'show', 'dibujos', 'video', 'movie', 'film', 'pelicula']],
  ['📱', ['tablet', 'ipad', 'phone', 'tableta', 'movil']],
  ['🎮', ['game', 'juego', 'videojuego']],
  ['🛝', ['park', 'playground', 'slide', 'swing', 'parque', 'tobogan', 'columpio']],
  ['📖', ['book', 'story', 'read', 'libro', 'cuento', 'leer']],
  ['🎵', ['song', 'music', 'sing', 'dance', 'cancion', 'musica', 'cantar', 'bailar']],
  ['🎨', ['draw', 'paint', 'colour', 'color', 'crayon', 'dibujar', 'pintar']],
  ['🧩', ['puzzle', 'rompecabezas']],
  ['🧱', ['lego', 'block', 'brick', 'bloque']],
  ['⚽', ['ball', 'football', 'soccer', 'pelota', 'balon', 'futbol']],
  ['🚲', ['bike', 'bicycle', 'scooter', 'bici', 'patinete']],
  ['🛁', ['bath', 'baño', 'bano']],
  ['🏊', ['swim', 'pool', 'nadar', 'piscina']],
  ['🍦', ['ice cream', 'icecream', 'helado']],
  ['🍪', ['cookie', 'biscuit', 'galleta']],
  ['🍎', ['snack', 'fruit', 'apple', 'merienda', 'fruta', 'manzana']],
  ['🐶', ['dog', 'puppy', 'perro']],
  ['🐱', ['cat', 'kitten', 'gato']],
  ['🧸', ['toy', 'teddy', 'doll', 'juguete', 'peluche', 'muñeca', 'muneca']],
  ['🤗', ['hug', 'cuddle', 'abrazo']],
  ['🎉', ['party', 'fiesta']],
];

/** A gift when no word is known: still a picture of "something nice comes". */
export const REWARD_FALLBACK = '🎁';

function fold(text: string): string {
  return text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** The picture for a reward, from its words; a gift when none is known. */
export function rewardPicture(reward: string): string {
  const text = fold(reward);
  const words = text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const hit = (w: string) => {
    const want = fold(w);
    // Several words ("ice cream") are found in the text; one word as a whole word or its plural ("bubbles").
    return want.includes(' ') ? text.includes(want) : words.some((x) => x === want || x === `${want}s` || x === `${want}es`);
  };
  return REWARD_PICTURES.find(([, ws]) => ws.some(hit))?.[0] ?? REWARD_FALLBACK;
}

// ---- Parent gate --------------------------------------------------------------------------------------------

/**
 * The grown-ups' way out: a sum with a carry (a teen number plus 6–9), which a grown-up answers at a glance and a
 * five-year-old cannot learn by watching, since it changes every time.
 */
export type GateSum = { a: number; b: number };

export function gateSum(random: () => number): GateSum {
  const pick = (lo: number, hi: number) => lo + Math.min(hi - lo, Math.floor(random() * (hi - lo + 1)));
  return { a: pick(12, 19), b: pick(6, 9) };
}

export function gateAnswered(sum: GateSum, entry: string): boolean {
  return entry !== '' && Number(entry) === sum.a + sum.b;
}

/** The longest answer typed: every sum has two digits, a third is a mistake kept visible. */
const GATE_MAX_DIGITS = 3;

/**
 * What a key does in the gate. A held key (auto-repeat) is blocked outright: it would otherwise click a focused
 * button again and again (Enter) or type a row of one digit. Only digits, Backspace and a fresh Enter (submit,
 * when no button has focus: a focused button's own Enter is its click) mean anything.
 */
export type GateKey = { entry: string; action: 'none' | 'block' | 'submit' };

export function gateKey(entry: string, e: { key: string; repeat: boolean; onButton: boolean }): GateKey {
  if (e.repeat) return { entry, action: 'block' };
  if (/^[0-9]$/.test(e.key)) return { entry: entry.length < GATE_MAX_DIGITS ? entry + e.key : entry, action: 'block' };
  if (e.key === 'Backspace') return { entry: entry.slice(0, -1), action: 'block' };
  if (e.key === 'Enter' && !e.onButton) return { entry, action: 'submit' };
  return { entry, action: 'none' };
}

/** A tapped key of the on-screen pad. */
export function gatePad(entry: string, key: string): string {
  if (key === 'erase') return entry.slice(0, -1);
  return entry.length < GATE_MAX_DIGITS ? entry + key : entry;
}
