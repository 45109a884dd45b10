// Pain on the 0–10 scale as the dashboard shows it: the flag's words, the points of the graph (child page
// and progress report) and the rows of its table, from the timeline the adherence endpoint already returns.
import * as P from '@observablehq/plot';
import { DEFAULT_ADVICE_AT, needsAdvice } from '../../shared/core/pain';
import type { Schemas } from './api/client';
import { t } from '../i18n.svelte';

/** homeplay-core's default threshold: the family was told to stop and call from here on (the clinic may set its own). */
export const PAIN_ADVICE_AT = DEFAULT_ADVICE_AT;

export type PainRow = { log_id: string; date: string; exercise: string; score: number | null };

/** The range's pain reports, oldest first: a score above 0, or a plain "yes" (score `null`). Undone logs are left out. */
export function painRows(timeline: Schemas['TimelineEntry'][]): PainRow[] {
  return timeline
    .filter((e) => !e.undone && e.pain)
    .map((e) => ({ log_id: e.log_id, date: e.date, exercise: e.exercise_title ?? t('common.exercise'), score: e.pain_score ?? null }))
    .sort((a, b) => (a.date === b.date ? a.log_id.localeCompare(b.log_id) : a.date.localeCompare(b.date)));
}

export function painScoreLabel(score: number | null): string {
  return score == null ? t('pain.yes_no_score') : t('pain.score', { score });
}

/** Scores over time: a dot per report, the clinic's advice threshold as a dashed rule; high scores drawn as filled squares. */
export function painChartOptions(rows: PainRow[], width = 560, adviceAt = PAIN_ADVICE_AT): P.PlotOptions {
  const points = rows
    .filter((r) => r.score != null)
    .map((r) => ({ date: new Date(`${r.date}T00:00:00Z`), score: r.score ?? 0, high: needsAdvice(r.score ?? 0, adviceAt) }));
  return {
    width,
    height: 200,
    marginLeft: 40,
    x: { type: 'utc', label: null, ticks: 5 },
    y: { domain: [0, 10], ticks: [0, 2, 4, 6, 8, 10], label: t('pain.axis'), grid: true },
    marks: [
      P.ruleY([adviceAt], { stroke: '#b3261e', strokeDasharray: '4 3' }),
      P.line(points, { x: 'date', y: 'score', stroke: '#64748b' }),
      P.dot(points, { x: 'date', y: 'score', r: 5, symbol: (d: { high: boolean }) => (d.high ? 'square' : 'circle'), fill: (d: { high: boolean }) => (d.high ? '#b3261e' : '#1d4ed8') }),
    ],
  };
}

/** The pain flag in words: how many reports wait to be seen, the highest score and when. */
export function painFlagLabel(flag: { times: number; worst?: number | null; on: string }, dateLabel: (d: string) => string): string {
  return flag.worst != null
    ? t('pain.flag_highest', { times: flag.times, worst: flag.worst, on: dateLabel(flag.on) })
    : t('pain.flag_latest', { times: flag.times, on: dateLabel(flag.on) });
}
