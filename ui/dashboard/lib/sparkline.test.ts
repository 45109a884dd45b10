import { describe, expect, it } from 'vitest';
import { percent, sparkData, sparkSummary } from './sparkline';
import { exerciseBars } from './child';
import { sortFlaggedFirst } from './overview';
import { move, tooLong } from './reorder';
import type { Schemas } from './api/client';

describe('sparkline data', () => {
  it('turns rates into percentages and keeps days with nothing due as gaps, not zeros', () => {
    const pts = sparkData([
      { date: '2026-11-25', rate: 0.5 },
      { date: '2026-11-26', rate: null },
      { date: '2026-11-27', rate: 1 / 3 },
      { date: '2026-11-28' },
    ]);
    expect(pts.map((p) => p.percent)).toEqual([50, null, 33.3, null]);
    expect(pts[0]!.date.toISOString()).toBe('2026-11-25T00:00:00.000Z');
  });

  it('summarises the line for screen readers', () => {
    const pts = sparkData([{ date: '2026-11-25', rate: 0.2 }, { date: '2026-11-26', rate: 0.8 }]);
    expect(sparkSummary(pts, 'up')).toBe('Daily adherence over 2 days, rising: from 20% to 80%, latest 80%');
    expect(sparkSummary(sparkData([{ date: '2026-11-25', rate: null }]), 'flat')).toMatch(/No adherence data/);
  });

  it('formats rates, with a dash when there is none', () => {
    expect(percent(0.789)).toBe('79%');
    expect(percent(null)).toBe('–');
    expect(percent(undefined)).toBe('–');
  });
});

describe('exercise bars', () => {
  it('splits what was due into done, partly, not done and not logged, leaving pending out', () => {
    const rows: Schemas['ExerciseRow'][] = [
      { exercise_id: 'a', title: 'Bear walk', tally: { expected: 11, done: 5, partly: 2, not_done: 1, not_logged: 2, pending: 1, extra: 0 }, rate: 0.6 },
      { exercise_id: 'b', title: null, tally: { expected: 0, done: 0, partly: 0, not_done: 0, not_logged: 0, pending: 0, extra: 0 } },
    ];
    const bars = exerciseBars(rows);
    expect(bars.map((b) => [b.outcome, b.percent])).toEqual([['Done', 50], ['Partly', 20], ['Not done', 10], ['Not logged', 20]]);
  });
});

describe('overview order', () => {
  it('puts flagged children first and keeps the rest in order', () => {
    const row = (name: string, flagged: boolean) => ({ child_id: name, display_name: name, flags: flagged ? [{ kind: 'pain', times: 1 }] : [] }) as unknown as Schemas['OverviewRow'];
    const sorted = sortFlaggedFirst([row('Leo', false), row('Mia', false), row('Noah', true)]);
    expect(sorted.map((r) => r.display_name)).toEqual(['Noah', 'Leo', 'Mia']);
  });
});

describe('routine reordering', () => {
  it('moves an item and clamps to the list', () => {
    expect(move(['a', 'b', 'c'], 0, 2)).toEqual(['b', 'c', 'a']);
    expect(move(['a', 'b', 'c'], 2, -5)).toEqual(['c', 'a', 'b']);
    expect(move(['a', 'b'], 5, 0)).toEqual(['a', 'b']);
  });
  it('warns past five items', () => {
    expect(tooLong(5)).toBe(false);
    expect(tooLong(6)).toBe(true);
  });
});
