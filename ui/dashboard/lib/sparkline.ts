// The overview's trend line: one point per day, in percent; days with nothing expected stay gaps.
import type { Schemas } from './api/client';
import { parseDate } from './dates';

export interface SparkPoint {
  date: Date;
  /** 0–100, or null for a day with nothing to measure (drawn as a gap, never as 0). */
  percent: number | null;
}

export function sparkData(days: Schemas['SparkDay'][]): SparkPoint[] {
  return days.map((d) => ({
    date: parseDate(d.date),
    percent: d.rate === null || d.rate === undefined || !Number.isFinite(d.rate) ? null : Math.round(d.rate * 1000) / 10,
  }));
}

/** "Adherence 11%, 13 Nov to 27 Nov, falling": what the chart says, for screen readers. */
export function sparkSummary(points: SparkPoint[], trend: Schemas['Trend'] | undefined): string {
  const known = points.filter((p): p is SparkPoint & { percent: number } => p.percent !== null);
  if (known.length === 0) return 'No adherence data in the last two weeks';
  const min = Math.min(...known.map((p) => p.percent));
  const max = Math.max(...known.map((p) => p.percent));
  const last = known[known.length - 1]!.percent;
  const word = trend === 'up' ? 'rising' : trend === 'down' ? 'falling' : 'steady';
  return `Daily adherence over ${points.length} days, ${word}: from ${Math.round(min)}% to ${Math.round(max)}%, latest ${Math.round(last)}%`;
}

export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '–';
  return `${Math.round(rate * 100)}%`;
}
