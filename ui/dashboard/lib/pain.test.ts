import { describe, expect, it } from 'vitest';
import type { Schemas } from './api/client';
import { painChartOptions, painFlagLabel, painRows, painScoreLabel } from './pain';

const entry = (over: Partial<Schemas['TimelineEntry']>): Schemas['TimelineEntry'] =>
  ({ log_id: 'l', date: '2030-03-04', exercise_title: 'Bear walk', pain: false, undone: false, ...over }) as Schemas['TimelineEntry'];

describe('pain on the dashboard', () => {
  it('lists the reports oldest first, plain yes included, undone and painless left out', () => {
    const rows = painRows([
      entry({ log_id: 'c', date: '2030-03-06', pain: true, pain_score: 8 }),
      entry({ log_id: 'a', date: '2030-03-04', pain: true }),
      entry({ log_id: 'b', date: '2030-03-05', pain: false, pain_score: 0 }),
      entry({ log_id: 'd', date: '2030-03-07', pain: true, pain_score: 6, undone: true }),
    ]);
    expect(rows.map((r) => [r.log_id, r.score])).toEqual([['a', null], ['c', 8]]);
    expect(rows.map((r) => painScoreLabel(r.score))).toEqual(['yes (no score)', '8/10']);
  });
  it('graphs only scored reports, on a fixed 0–10 axis with the advice threshold', () => {
    const options = painChartOptions(painRows([entry({ pain: true, pain_score: 4 }), entry({ log_id: 'y', pain: true })]));
    expect(options.y?.domain).toEqual([0, 10]);
    expect(options.marks?.length).toBe(3);
  });
  it('says how many reports wait and the highest score', () => {
    const day = (d: string) => `day ${d}`;
    expect(painFlagLabel({ times: 2, worst: 8, on: '2030-03-04' }, day)).toBe('2 pain reports not yet seen; highest 8/10 on day 2030-03-04');
    expect(painFlagLabel({ times: 1, worst: null, on: '2030-03-04' }, day)).toBe('1 pain report not yet seen; latest on day 2030-03-04');
  });
});
