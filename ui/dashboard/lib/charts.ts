// Chart options shared by the child page and the printed report.
import * as P from '@observablehq/plot';
import type { Schemas } from './api/client';
import { t } from '../i18n.svelte';
import { exerciseBars, outcomeWords } from './child';

/** A stacked bar per exercise: the share of what was due that was done, partly done, not done, not logged. */
export function exerciseBarOptions(rows: Schemas['ExerciseRow'][], size: { width?: number; rowHeight?: number } = {}): P.PlotOptions {
  const outcomes = outcomeWords();
  return {
    ...(size.width ? { width: size.width } : {}),
    height: Math.max(90, (size.rowHeight ?? 34) * rows.length + 40),
    marginLeft: 190,
    marginRight: 20,
    x: { label: t('chart.share_due'), domain: [0, 100], grid: true },
    y: { label: null },
    color: { domain: outcomes, range: ['#15803d', '#86efac', '#b45309', '#cbd5e1'], legend: true },
    marks: [
      P.barX(exerciseBars(rows), { y: 'title', x: 'percent', fill: 'outcome', order: outcomes, sort: { y: null } }),
      P.ruleX([0]),
    ],
  };
}
