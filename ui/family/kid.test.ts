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
  counterStep,
  counterTap,
  chooseVoice,
  firstThenBoard,
  gateAnswered,
  gateKey,
  gatePad,
  gateSum,
  kidGoal,
  nextInRoutine,
  REWARD_FALLBACK,
  rewardPicture,
  rewardReached,
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
    expect(board?.steps.map((s) => [s.item.kid_title, s.state, s.current])).toEqual([
      ['a', 'done', false],
      ['b', 'todo', true],
      ['c', 'todo', false],
    ]);
    expect(board && rewardReached(board)).toBe(false);
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
    const rest = (board?.steps ?? []).map((s) => (s.current ? s : { ...s, item: { ...s.item, log: done(false) }, state: 'done' as const }));
    expect(nextInRoutine({ reward: null, steps: rest })).toBeNull();
    // Marked partly by a parent: not replayed as a fresh tick.
    const partly = (board?.steps ?? []).map((s) => (s.current ? s : { ...s, item: { ...s.item, log: { ...done(false), outcome: { status: 'partly' as const } } } }));
    expect(nextInRoutine({ reward: null, steps: partly })).toBeNull();
    // An earlier activity not yet done is next even when the current one is last.
    expect(nextInRoutine(board)).toBe(b);
  });
  it('reaches the reward when a grown-up skipped one activity and the child did the rest', () => {
    const notDone: LogView = { ...done(false), outcome: { status: 'not_done', reason: 'sick' } };
    const skipped = item('b', { log: notDone });
    const last = item('c', { then_reward: 'Cartoons', log: done(true) });
    const day: TodayChildView = { ...child, groups: [{ slot: { kind: 'anytime' }, clock: null, items: [a, skipped, last] }] };
    const board = firstThenBoard(day, last);
    expect(board?.steps.map((s) => s.state)).toEqual(['done', 'skipped', 'done']);
    expect(board && rewardReached(board)).toBe(true);
    // The skipped one is not offered as the next activity either.
    expect(nextInRoutine(board)).toBeNull();
    // An undone tick is still to do: no reward yet.
    const undone = item('c', { then_reward: 'Cartoons', log: { ...done(true), undone: true } });
    const later = firstThenBoard({ ...day, groups: [{ slot: { kind: 'anytime' }, clock: null, items: [a, skipped, undone] }] }, undone);
    expect(later?.steps.map((s) => s.state)).toEqual(['done', 'skipped', 'todo']);
    expect(later && rewardReached(later)).toBe(false);
    // Partly done counts as done on the board.
    const partly = item('b', { log: { ...done(false), outcome: { status: 'partly' } } });
    const board2 = firstThenBoard({ ...day, groups: [{ slot: { kind: 'anytime' }, clock: null, items: [a, partly, last] }] }, last);
    expect(board2?.steps.map((s) => s.state)).toEqual(['done', 'done', 'done']);
  });
  it("counts today's stickers from kid mode only", () => {
    expect(stickersToday(child)).toBe(1);
    expect(stickersToday(null)).toBe(0);
  });
});

describe('counterStep', () => {
  it('moves the step picture on as the count passes each share of the target', () => {
    // Crab walk: 3 times · 2 rounds over three step pictures, so two taps per picture.
    let c = counter(3, 2);
    const seen = [counterStep(c, 3)];
    for (let i = 0; i < 6; i++) {
      c = counterTap(c);
      seen.push(counterStep(c, 3));
    }
    expect(seen).toEqual([0, 0, 1, 1, 2, 2, 2]);
    // More steps than taps: each tap moves on, never past the last picture.
    let d = counter(2);
    expect(counterStep(d, 4)).toBe(0);
    d = counterTap(d);
    expect(counterStep(d, 4)).toBe(2);
    d = counterTap(d);
    expect(counterStep(d, 4)).toBe(3);
    // One picture (or none): it stays.
    expect(counterStep(counterTap(counter(5)), 1)).toBe(0);
    expect(counterStep(counterTap(counter(5)), 0)).toBe(0);
  });
});

describe('chooseVoice', () => {
  const en = { name: 'Daniel', lang: 'en-GB', default: false, localService: true };
  const us = { name: 'Samantha', lang: 'en_US', default: true, localService: false };
  const es = { name: 'Mónica', lang: 'es-ES', default: false, localService: true };
  const mx = { name: 'Paulina', lang: 'ES-mx', default: false, localService: false };
  it("picks a voice of the family's language, the default first, then a local one", () => {
    expect(chooseVoice([es, en, us], 'en')).toBe(us);
    expect(chooseVoice([es, en], 'en')).toBe(en);
    expect(chooseVoice([mx, es, en], 'es')).toBe(es);
    expect(chooseVoice([mx, en], 'es')).toBe(mx);
  });
  it('never a voice of another language: none matching, none at all', () => {
    expect(chooseVoice([en, us], 'es')).toBeNull();
    expect(chooseVoice([es, mx], 'en')).toBeNull();
    expect(chooseVoice([], 'en')).toBeNull();
    // "e" is not English, nor is an empty tag anything.
    expect(chooseVoice([{ lang: 'e' }, { lang: '' }], 'en')).toBeNull();
    expect(chooseVoice([en], '')).toBeNull();
  });
});

describe('rewardPicture', () => {
  it("shows a picture of the reward from its words, in English or Spanish, else a gift", () => {
    expect(rewardPicture('Bubbles!')).toBe('🫧');
    expect(rewardPicture('¡Burbujas!')).toBe('🫧');
    expect(rewardPicture('Cartoons')).toBe('📺');
    expect(rewardPicture('Ver dibujos')).toBe('📺');
    expect(rewardPicture('Go to the PARK')).toBe('🛝');
    expect(rewardPicture('Un helado')).toBe('🍦');
    expect(rewardPicture('Ice cream')).toBe('🍦');
    expect(rewardPicture('Tobogán')).toBe('🛝');
    expect(rewardPicture('A story with Dad')).toBe('📖');
    // A word inside another word is not that word: "catch" is no cat, "shower" no show.
    expect(rewardPicture('Catch')).toBe(REWARD_FALLBACK);
    expect(rewardPicture('Shower')).toBe(REWARD_FALLBACK);
    expect(rewardPicture('Something nice')).toBe(REWARD_FALLBACK);
  });
});

describe('parent gate', () => {
  it('asks a sum with a carry, never the same kind a child learns by watching', () => {
    expect(gateSum(() => 0)).toEqual({ a: 12, b: 6 });
    expect(gateSum(() => 0.999999)).toEqual({ a: 19, b: 9 });
    const s = gateSum(() => 0.5);
    expect(s.a + s.b).toBeGreaterThanOrEqual(18);
    expect(gateAnswered({ a: 17, b: 8 }, '25')).toBe(true);
    expect(gateAnswered({ a: 17, b: 8 }, '24')).toBe(false);
    expect(gateAnswered({ a: 17, b: 8 }, '')).toBe(false);
    expect(gateAnswered({ a: 17, b: 8 }, '025')).toBe(true);
  });
  it('blocks held and repeated keys: they neither type nor submit', () => {
    const held = (key: string, onButton = false) => ({ key, repeat: true, onButton });
    for (const key of [' ', 'Enter', '2', 'Backspace', 'Escape']) {
      expect(gateKey('2', held(key))).toEqual({ entry: '2', action: 'block' });
      expect(gateKey('2', held(key, true))).toEqual({ entry: '2', action: 'block' });
    }
    // A long hold is one fresh press and then only repeats: one digit at most, never a submit.
    let entry = '';
    const presses = [{ key: ' ', repeat: false, onButton: true }, ...Array.from({ length: 40 }, () => held(' ', true))];
    for (const p of presses) {
      const r = gateKey(entry, p);
      expect(r.action).not.toBe('submit');
      entry = r.entry;
    }
    expect(entry).toBe('');
  });
  it('types fresh digits, erases, and submits on a fresh Enter away from the buttons', () => {
    let r = gateKey('', { key: '2', repeat: false, onButton: false });
    r = gateKey(r.entry, { key: '5', repeat: false, onButton: true });
    expect(r).toEqual({ entry: '25', action: 'block' });
    expect(gateKey('25', { key: 'Backspace', repeat: false, onButton: false }).entry).toBe('2');
    expect(gateKey('25', { key: 'Enter', repeat: false, onButton: false }).action).toBe('submit');
    // On a focused button, Enter is that button's own click.
    expect(gateKey('25', { key: 'Enter', repeat: false, onButton: true }).action).toBe('none');
    expect(gateKey('999', { key: '1', repeat: false, onButton: false }).entry).toBe('999');
    expect(gatePad('2', '5')).toBe('25');
    expect(gatePad('25', 'erase')).toBe('2');
    expect(gatePad('', 'erase')).toBe('');
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
