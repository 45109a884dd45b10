import { describe, expect, it } from 'vitest';
import type { LogView, TodayChildView, TodayItemView } from './bindings';
import {
  countdown,
  countdownPause,
  countdownSeconds,
  countdownStart,
  countdownStarted,
  countdownTick,
  countdownView,
  counter,
  counterFinished,
  counterRound,
  counterTap,
  firstThenBoard,
  kidGoal,
  nextInRoutine,
  stickersToday,
  voicePrompt,
} from './kid';

const none = { reps: null, sets: null, hold_seconds: null, duration_seconds: null };

describe('kidGoal', () => {
  it('counts reps over rounds, times holds per round', () => {
    expect(kidGoal({ ...none, reps: 3, sets: 2 })).toEqual({ kind: 'count', reps: 3, rounds: 2, target: 6 });
    expect(kidGoal({ ...none, hold_seconds: 10, sets: 3 })).toEqual({ kind: 'timer', seconds: 10, rounds: 3 });
    expect(kidGoal({ ...none, duration_seconds: 120 })).toEqual({ kind: 'timer', seconds: 120, rounds: 1 });
    expect(kidGoal(none)).toEqual({ kind: 'count', reps: 5, rounds: 1, target: 5 });
  });
});

describe('countdown', () => {
  it('counts down from timestamps and pauses', () => {
    let c = countdown(10);
    expect(countdownView(c, 0)).toEqual({ remaining: 10, fraction: 1, running: false });
    expect(countdownStarted(c)).toBe(false);
    c = countdownStart(c, 1000);
    expect(countdownView(c, 3500)).toEqual({ remaining: 8, fraction: 0.75, running: true });
    c = countdownPause(c, 3500);
    // Paused: time passing changes nothing.
    expect(countdownView(c, 60_000).remaining).toBe(8);
    expect(countdownSeconds(c, 60_000)).toBe(3);
    expect(countdownStarted(c)).toBe(true);
  });
  it('rests between rounds and finishes after the last', () => {
    let c = countdownStart(countdown(5, 2), 0);
    expect(countdownTick(c, 4999)).toBe(c);
    c = countdownTick(c, 5000);
    expect(c).toMatchObject({ round: 2, doneMs: 0, runningSince: null, finished: false });
    expect(countdownView(c, 9000).remaining).toBe(5);
    c = countdownTick(countdownStart(c, 10_000), 20_000);
    expect(c.finished).toBe(true);
    expect(countdownSeconds(c, 30_000)).toBe(10);
    expect(countdownView(c, 30_000)).toEqual({ remaining: 0, fraction: 0, running: false });
    // Finished: Go does nothing.
    expect(countdownStart(c, 31_000)).toBe(c);
  });
  it('a late timer callback does not over-count a round', () => {
    const c = countdownTick(countdownStart(countdown(3), 0), 9000);
    expect(c.finished).toBe(true);
    expect(countdownSeconds(c, 9000)).toBe(3);
  });
});

describe('counter', () => {
  it('taps through the rounds and stops at the target', () => {
    let c = counter(3, 2);
    expect(counterRound(c)).toBe(1);
    for (let i = 0; i < 3; i++) c = counterTap(c);
    expect(counterRound(c)).toBe(2);
    for (let i = 0; i < 5; i++) c = counterTap(c);
    expect(c.count).toBe(6);
    expect(counterFinished(c)).toBe(true);
    expect(counterRound(c)).toBe(2);
  });
});

const done = (by_kid: boolean): LogView => ({
  id: 'l',
  outcome: { status: 'done' },
  details: { actual_reps: null, actual_seconds: null, difficulty: null, mood: null, pain: false, pain_score: null, note: null },
  recorded_by: by_kid ? 'Kid mode' : 'Mum',
  by_kid,
  undone: false,
});

function item(exercise: string, over: Partial<TodayItemView> = {}, assignment = 'r1'): TodayItemView {
  return {
    key: { child_id: 'c1', assignment_id: assignment, exercise_id: exercise, date: '2026-11-27', slot: 0 },
    title: exercise,
    kid_title: exercise,
    steps: [{ picture: `pic-${exercise}`, caption: exercise, voice_prompt: null, video: null }],
    dosage: none,
    note: null,
    routine_title: 'Morning moves',
    then_reward: null,
    log: null,
    ...over,
  };
}

describe('first–then board', () => {
  const a = item('a', { log: done(false) });
  const b = item('b');
  const c = item('c', { then_reward: 'Cartoons' });
  const other = item('x', { routine_title: null, log: done(true) }, 'e1');
  const child: TodayChildView = {
    child_id: 'c1',
    name: 'Leo',
    date: '2026-11-27',
    ended_on: null,
    groups: [{ slot: { kind: 'anytime' }, clock: null, items: [a, other] }, { slot: { kind: 'moment', moment: 'bedtime' }, clock: null, items: [b, c] }],
  };

  it("shows the routine's activities in order, done ones ticked, and the reward", () => {
    const board = firstThenBoard(child, b);
    expect(board?.reward).toBe('Cartoons');
    expect(board?.steps.map((s) => [s.item.kid_title, s.done, s.current])).toEqual([
      ['a', true, false],
      ['b', false, true],
      ['c', false, false],
    ]);
    expect(nextInRoutine(board)).toBe(c);
  });
  it('is absent for a lone activity', () => {
    expect(firstThenBoard(child, other)).toBeNull();
  });
  it('leaves out another day or another run of the same routine', () => {
    const tomorrow = item('a', { key: { ...a.key, date: '2026-11-28' } });
    const later = item('b', { key: { ...b.key, slot: 1 } });
    expect(firstThenBoard({ ...child, groups: [{ slot: { kind: 'anytime' }, clock: null, items: [tomorrow, later, b] }] }, b)?.steps.length).toBe(1);
  });
  it('offers no next once the rest is done', () => {
    const board = firstThenBoard(child, c);
    const rest = (board?.steps ?? []).map((s) => (s.current ? s : { ...s, item: { ...s.item, log: done(false) }, done: true }));
    expect(nextInRoutine({ reward: null, steps: rest })).toBeNull();
    // Marked partly by a parent: not replayed as a fresh tick.
    const partly = (board?.steps ?? []).map((s) => (s.current ? s : { ...s, item: { ...s.item, log: { ...done(false), outcome: { status: 'partly' as const } } } }));
    expect(nextInRoutine({ reward: null, steps: partly })).toBeNull();
    // An earlier activity not yet done is next even when the current one is last.
    expect(nextInRoutine(board)).toBe(b);
  });
  it("counts today's stickers from kid mode only", () => {
    expect(stickersToday(child)).toBe(1);
    expect(stickersToday(null)).toBe(0);
  });
});

describe('voicePrompt', () => {
  it('reads the step prompt if there is one', () => {
    expect(voicePrompt({ picture: 'p', caption: 'c', voice_prompt: null, video: null })).toBeNull();
    expect(voicePrompt({ picture: 'p', caption: 'c', voice_prompt: 'media:v', video: null })).toBe('media:v');
    expect(voicePrompt(undefined)).toBeNull();
  });
});

describe('sounds', () => {
  it('cheer rises and taps climb an octave then wrap', async () => {
    const { CHEER, tapNote } = await import('./sound');
    const freqs = CHEER.map((n) => n.freq);
    expect([...freqs].sort((a, b) => a - b)).toEqual(freqs);
    expect(tapNote(12).freq).toBe(tapNote(0).freq);
    expect(tapNote(1).freq).toBeGreaterThan(tapNote(0).freq);
  });
  it('stays quiet without Web Audio', async () => {
    const { playCheer, playTap } = await import('./sound');
    expect(() => {
      playCheer();
      playTap(3);
    }).not.toThrow();
  });
});
