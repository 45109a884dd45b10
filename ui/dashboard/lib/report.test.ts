import { describe, expect, it } from 'vitest';
import { notableLogs, periodLabel, rtmPeriodsIn, weeksIn, weeksLabel } from './report';
import { buildCsvFixture } from './fixtures';

describe('progress report', () => {
  it('names the period once per year', () => {
    expect(periodLabel({ first: '2026-10-05', last: '2026-11-27' })).toBe('5 Oct – 27 Nov 2026');
    expect(periodLabel({ first: '2025-12-08', last: '2026-02-27' })).toBe('8 Dec 2025 – 27 Feb 2026');
    expect(weeksLabel({ first: '2026-09-07', last: '2026-11-29' })).toBe('12 weeks');
    expect(weeksLabel({ first: '2026-11-27', last: '2026-11-27' })).toBe('1 day');
    // Monday 7 Sep to Friday 27 Nov: 12 calendar weeks; Friday to the next Monday touches 2.
    expect(weeksIn({ first: '2026-09-07', last: '2026-11-27' })).toBe(12);
    expect(weeksIn({ first: '2026-11-27', last: '2026-11-30' })).toBe(2);
    expect(weeksIn({ first: '2026-11-27', last: '2026-11-27' })).toBe(1);
  });

  it('picks pain, hard, refusals and notes, newest first, and leaves out undone logs', () => {
    const data = buildCsvFixture('hard today');
    const base = data.timeline[0]!;
    data.timeline = [
      { ...base, log_id: 'plain', pain: false, difficulty: 'easy', note: null, outcome: { status: 'done' } },
      { ...base, log_id: 'refused', pain: false, difficulty: null, note: null, outcome: { status: 'not_done', reason: 'refused' } },
      { ...base, log_id: 'undone', undone: true },
      base,
    ];
    const picked = notableLogs(data.timeline);
    expect(picked.map((n) => [n.log.log_id, n.why])).toEqual([['refused', ['refused']], ['l1', ['pain', 'hard', 'note']]]);
    expect(notableLogs(Array(20).fill(base), 5)).toHaveLength(5);
  });

  it('keeps the RTM periods that overlap the range', () => {
    const data = buildCsvFixture('');
    const period = (first: string, last: string) => ({ range: { first, last }, data_days: 3, level: 'short' as const, days_to_full: 13 });
    data.rtm = { periods: [period('2026-07-01', '2026-07-30'), period('2026-08-20', '2026-09-18'), period('2026-11-17', '2026-12-16')] };
    expect(rtmPeriodsIn(data).map((p) => p.range.first)).toEqual(['2026-08-20', '2026-11-17']);
  });
});
