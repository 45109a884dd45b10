import { describe, expect, it } from 'vitest';
import type { LogView, TodayItemView } from './bindings';
import { clockOf, momentMarks, notesOnce, outcomeLook, withLog } from './day';

const details = { actual_reps: null, actual_seconds: null, difficulty: null, mood: null, pain: false, pain_score: null, note: null };
const log = (outcome: LogView['outcome'], undone = false): LogView => ({ id: 'l', outcome, details, recorded_by: 'Mum', by_kid: false, undone });

describe('outcomeLook', () => {
  it('gives each outcome its own tone, icon and word', () => {
    const looks = [
      outcomeLook(log({ status: 'done' })),
      outcomeLook(log({ status: 'partly' })),
      outcomeLook(log({ status: 'not_done', reason: 'sick' })),
      outcomeLook(null),
    ];
    expect(looks.map((l) => l.tone)).toEqual(['done', 'partly', 'not_done', 'not_yet']);
    expect(new Set(looks.map((l) => l.icon)).size).toBe(4);
    expect(new Set(looks.map((l) => l.word)).size).toBe(4);
    expect(looks[2]?.word).toBe('Not done: sick');
    expect(looks[3]?.word).toBe('Not yet');
  });
  it('reads a cleared tick as not yet', () => {
    expect(outcomeLook(log({ status: 'done' }, true)).tone).toBe('not_yet');
  });
});

describe('momentMarks', () => {
  const day = ['07:00', '15:30', '18:00', '19:30', null];
  it('marks the moment that has begun as now, the next one as next, earlier ones as past', () => {
    expect(momentMarks(day, true, '16:10')).toEqual(['past', 'now', 'next', null, null]);
    expect(momentMarks(day, true, '18:00')).toEqual(['past', 'past', 'now', 'next', null]);
  });
  it('before the first moment only marks the next; after the last, the last stays now', () => {
    expect(momentMarks(day, true, '06:00')).toEqual(['next', null, null, null, null]);
    expect(momentMarks(day, true, '23:00')).toEqual(['past', 'past', 'past', 'now', null]);
  });
  it('follows the clock times, not the order of the list', () => {
    expect(momentMarks(['19:30', '07:00'], true, '08:00')).toEqual(['next', 'now']);
  });
  it('marks nothing on a day that is not today', () => {
    expect(momentMarks(day, false, '16:10')).toEqual([null, null, null, null, null]);
  });
  it('reads a Date as the device clock', () => {
    expect(clockOf(new Date(2030, 0, 2, 7, 5))).toBe('07:05');
  });
});

describe('notesOnce', () => {
  const item = (assignment: string, note: string | null, routine: string | null): TodayItemView => ({
    key: { child_id: 'c', assignment_id: assignment, exercise_id: `${assignment}-${Math.random()}`, date: '2030-01-02', slot: 0 },
    title: 't', kid_title: 'k', steps: [], dosage: { reps: null, sets: null, hold_seconds: null, duration_seconds: null },
    note, routine_title: routine, then_reward: null, log: null,
  });
  it("shows a routine's note on its first card only", () => {
    const items = [item('r', 'Slowly', 'Morning'), item('r', 'Slowly', 'Morning'), item('r', 'Slowly', 'Morning')];
    expect(notesOnce(items)).toEqual([true, false, false]);
  });
  it('keeps the notes of separate activities and of another routine', () => {
    const items = [item('a', 'Hold the rail', null), item('b', 'Hold the rail', null), item('r', 'Slowly', 'Morning'), item('s', 'Slowly', 'Evening'), item('c', null, null)];
    expect(notesOnce(items)).toEqual([true, true, true, true, false]);
  });
});

describe('withLog', () => {
  const key = (assignment: string) => ({ child_id: 'c', assignment_id: assignment, exercise_id: 'e', date: '2030-01-02', slot: 0 });
  const item = (assignment: string, l: LogView | null): TodayItemView => ({
    key: key(assignment), title: assignment, kid_title: 'k', steps: [], dosage: { reps: null, sets: null, hold_seconds: null, duration_seconds: null },
    note: null, routine_title: null, then_reward: null, log: l,
  });
  const day = (items: TodayItemView[]) => [{ child_id: 'c', name: 'Leo', date: '2030-01-02', ended_on: null, groups: [{ slot: { kind: 'anytime' as const }, clock: null, items }] }];

  it('shows a new record on the card it is for, and no other, without changing what it was given', () => {
    const before = day([item('a', null), item('b', null)]);
    const done = { ...log({ status: 'done' }), id: 'new' };
    const after = withLog(before, done, key('b'));
    expect(after[0]!.groups[0]!.items.map((i) => i.log?.id ?? null)).toEqual([null, 'new']);
    expect(before[0]!.groups[0]!.items[1]!.log).toBeNull();
  });

  it('finds an edited or undone record by its log: an edit shows, an undo clears the card', () => {
    const first = { ...log({ status: 'done' }), id: 'l1' };
    const before = day([item('a', first)]);
    expect(withLog(before, { ...first, outcome: { status: 'partly' } }, null)[0]!.groups[0]!.items[0]!.log?.outcome).toEqual({ status: 'partly' });
    expect(withLog(before, { ...first, undone: true }, null)[0]!.groups[0]!.items[0]!.log).toBeNull();
  });
});
