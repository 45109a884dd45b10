// The overview's trend line: one point per day, in percent; days with nothing expected stay gaps.
import type { Schemas } from './api/client';
import { t } from '../i18n.svelte';
import { parseDate, percentLabel } from './dates';

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
  if (known.length === 0) return t('spark.no_data');
  const min = Math.min(...known.map((p) => p.percent));
  const max = Math.max(...known.map((p) => p.percent));
  const last = known[known.length - 1]!.percent;
  const word = trend === 'up' ? t('spark.rising') : trend === 'down' ? t('spark.falling') : t('spark.steady');
  return t('spark.summary', { days: points.length, trend: word, min: percentLabel(min / 100), max: percentLabel(max / 100), last: percentLabel(last / 100) });
}

/** A rate from 0 to 1 as a whole percentage in the dashboard's locale ("79%"); a dash for none. */
export function percent(rate: number | null | undefined): string {
  return percentLabel(rate);
}
