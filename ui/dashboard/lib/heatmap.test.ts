import { describe, expect, it } from 'vitest';
import { buildCalendar, CELL_STYLES, classify, describeCell, LEGEND, programWeeks, type DaySummary } from './heatmap';
import { dayLabel } from './dates';

const tally = (over: Partial<DaySummary['tally']> = {}): DaySummary['tally'] => ({
  expected: 0, done: 0, partly: 0, not_done: 0, not_logged: 0, pending: 0, extra: 0, ...over,
});
const day = (date: string, status: DaySummary['status'], over: Partial<DaySummary['tally']> = {}, reasons: DaySummary['reasons'] = []): DaySummary => ({
  date, status, tally: tally(over), reasons,
});

describe('heatmap cells', () => {
  it('tells every status apart without colour: each has its own symbol and label', () => {
    const symbols = LEGEND.map((k) => CELL_STYLES[k].symbol);
    const labels = LEGEND.map((k) => CELL_STYLES[k].label);
    expect(new Set(symbols).size).toBe(LEGEND.length);
    expect(new Set(labels).size).toBe(LEGEND.length);
    expect(symbols.every((s) => s.length > 0)).toBe(true);
    expect(LEGEND).toEqual(expect.arrayContaining(['done', 'partly', 'not_done', 'not_logged', 'nothing_scheduled']));
  });

  it('keeps "not logged" apart from "not done" and from nothing scheduled', () => {
    const today = '2026-11-27';
    expect(classify(day('2026-11-20', 'not_logged'), '2026-11-20', today)).toBe('not_logged');
    expect(classify(day('2026-11-21', 'not_done'), '2026-11-21', today)).toBe('not_done');
    expect(classify(day('2026-11-22', 'nothing_scheduled'), '2026-11-22', today)).toBe('nothing_scheduled');
    expect(classify(day(today, 'pending'), today, today)).toBe('pending');
    expect(classify(undefined, '2026-11-28', today)).toBe('future');
    expect(classify(undefined, '2026-08-01', today)).toBe('outside');
  });

  it('lays out 12 weeks, Monday first, ending with the week of today', () => {
    const today = '2026-11-27'; // a Friday
    const weeks = buildCalendar([day('2026-11-24', 'done', { expected: 2, done: 2 })], today);
    expect(weeks).toHaveLength(12);
    expect(weeks[0]!.monday).toBe('2026-09-07');
    expect(weeks[11]!.monday).toBe('2026-11-23');
    expect(weeks.every((w) => w.cells.length === 7)).toBe(true);
    const last = weeks[11]!.cells;
    expect(last[1]!.kind).toBe('done');
    expect(last[5]!.kind).toBe('future'); // Saturday after today
    expect(last[0]!.kind).toBe('outside'); // no summary for that day
  });

  it('starts at the week the program began, not on empty weeks', () => {
    const today = '2026-11-27'; // a Friday
    const quiet = (date: string) => day(date, 'nothing_scheduled');
    // Nothing due until Wednesday two weeks ago: three weeks.
    const days = [quiet('2026-09-07'), quiet('2026-11-09'), day('2026-11-11', 'not_logged', { expected: 1, not_logged: 1 }), day('2026-11-24', 'done', { expected: 1, done: 1 })];
    expect(programWeeks(days, today)).toBe(3);
    expect(buildCalendar(days, today, programWeeks(days, today))[0]!.monday).toBe('2026-11-09');
    // An older program fills the view, and never more than asked.
    expect(programWeeks([day('2026-01-05', 'done', { expected: 1, done: 1 })], today)).toBe(12);
    expect(programWeeks([day('2026-01-05', 'done', { expected: 1, done: 1 })], today, 26)).toBe(26);
    // Nothing ever due: this week only.
    expect(programWeeks([quiet('2026-11-02')], today)).toBe(1);
    expect(programWeeks([], today)).toBe(1);
  });

  it('describes a day with its counts and the reasons given', () => {
    const weeks = buildCalendar([day('2026-11-22', 'not_done', { expected: 3, done: 1, not_done: 2 }, ['sick'])], '2026-11-27');
    const cell = weeks.flatMap((w) => w.cells).find((c) => c.date === '2026-11-22')!;
    expect(describeCell(cell, dayLabel)).toBe('Sun 22 Nov: not done (reason given), 1 of 3 done, 2 not done (sick)');
  });
});
