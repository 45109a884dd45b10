import { t } from '../i18n.svelte';
import type { Schemas } from './api/client';

export const RTM_FULL_DAYS = 16;
export const RTM_SHORT_DAYS = 2;

export interface BarSegment {
  title: string;
  /** The outcome in words: the chart's legend and colour domain (`outcomeWords`). */
  outcome: string;
  percent: number;
  count: number;
}

/** What became of what was due, in words, in the bars' order: done, partly, not done, not logged. */
export function outcomeWords(): [string, string, string, string] {
  return [t('bars.done'), t('bars.partly'), t('bars.not_done'), t('bars.not_logged')];
}

/** Stacked-bar segments per exercise: what became of what was due (pending occurrences left out). */
export function exerciseBars(rows: Schemas['ExerciseRow'][]): BarSegment[] {
  const out: BarSegment[] = [];
  for (const row of rows) {
    const tally = row.tally;
    const due = tally.done + tally.partly + tally.not_done + tally.not_logged;
    if (due === 0) continue;
    const title = row.title ?? t('common.removed_exercise');
    const [done, partly, notDone, notLogged] = outcomeWords();
    const parts: [string, number][] = [
      [done, tally.done],
      [partly, tally.partly],
      [notDone, tally.not_done],
      [notLogged, tally.not_logged],
    ];
    for (const [outcome, count] of parts) out.push({ title, outcome, count, percent: (count / due) * 100 });
  }
  return out;
}
