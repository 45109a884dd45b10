import type { Schemas } from './api/client';

export const RTM_FULL_DAYS = 16;
export const RTM_SHORT_DAYS = 2;

export interface BarSegment {
  title: string;
  outcome: 'Done' | 'Partly' | 'Not done' | 'Not logged';
  percent: number;
  count: number;
}

/** Stacked-bar segments per exercise: what became of what was due (pending occurrences left out). */
export function exerciseBars(rows: Schemas['ExerciseRow'][]): BarSegment[] {
  const out: BarSegment[] = [];
  for (const row of rows) {
    const t = row.tally;
    const due = t.done + t.partly + t.not_done + t.not_logged;
    if (due === 0) continue;
    const title = row.title ?? 'Removed exercise';
    const parts: [BarSegment['outcome'], number][] = [
      ['Done', t.done],
      ['Partly', t.partly],
      ['Not done', t.not_done],
      ['Not logged', t.not_logged],
    ];
    for (const [outcome, count] of parts) out.push({ title, outcome, count, percent: (count / due) * 100 });
  }
  return out;
}
