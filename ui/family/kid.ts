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

/** The round the child is in (1-based); the last round once finished. */
export function counterRound(c: Counter): number {
  return Math.min(c.rounds, Math.floor(c.count / c.reps) + 1);
}

// ---- First–then board ---------------------------------------------------------------------------------------

export type BoardStep = { item: TodayItemView; done: boolean; current: boolean };
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
  return { steps: run.map((i) => ({ item: i, done: isDone(i), current: sameItem(i, item) })), reward };
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
