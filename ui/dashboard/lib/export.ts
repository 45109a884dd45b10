// A child's logs as CSV (RFC 4180; cells that a spreadsheet would run as formulas are defused), each log with
// the goals its program item serves; and the child's goals as a second CSV, one row per GAS review. The files are
// for other systems (and the clinic's archive), so their words are English whatever language the dashboard speaks.
import type { Schemas } from './api/client';
import { GOAL_STATUS, TREND, levelWords } from './goals';
import { SKILL_AREAS, outcomeLabel, recorderLabel } from './labels';
import { downloadFile } from './download';
import { inEnglish } from '../i18n.svelte';

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  // A number is never a formula: -2 stays a number a spreadsheet can sum.
  if (typeof value !== 'number' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

function toCsv(rows: (string | number | boolean | null | undefined)[][]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Program item id → the texts of the goals it serves ("; "-separated in a cell). */
export function goalsByItem(assignments: Schemas['Assignment'][], goals: Schemas['GoalSummary'][]): Map<string, string> {
  const text = new Map(goals.map((s) => [s.goal.id, s.goal.text]));
  return new Map(assignments.map((a) => [a.id, (a.goal_ids ?? []).map((id) => text.get(id) ?? id).join('; ')]));
}

export function logsCsv(data: Schemas['ChildAdherence'], assignments: Schemas['Assignment'][] = [], goals: Schemas['GoalSummary'][] = []): string {
  return inEnglish(() => logRows(data, assignments, goals));
}

function logRows(data: Schemas['ChildAdherence'], assignments: Schemas['Assignment'][], goals: Schemas['GoalSummary'][]): string {
  const served = goalsByItem(assignments, goals);
  const head = ['date', 'exercise', 'outcome', 'reason', 'difficulty', 'mood', 'pain', 'note', 'recorded_by', 'device', 'recorded_at', 'undone', 'goals'];
  const rows = data.timeline.map((t) => [
    t.date,
    t.exercise_title ?? t.exercise_id,
    t.outcome.status,
    t.outcome.status === 'not_done' ? t.outcome.reason : '',
    t.difficulty ?? '',
    t.mood ?? '',
    t.pain ? 'yes' : 'no',
    t.note ?? '',
    recorderLabel(t.recorded_by),
    t.device_label ?? '',
    t.recorded_at ?? '',
    t.undone ? 'yes' : 'no',
    served.get(t.assignment_id) ?? '',
  ]);
  return toCsv([head, ...rows]);
}

/** One row per GAS review of each goal (a goal not reviewed yet: one row with the review cells empty). */
export function goalsCsv(goals: Schemas['GoalSummary'][], progress: Schemas['GoalProgress'] | null): string {
  return inEnglish(() => goalRows(goals, progress));
}

function goalRows(goals: Schemas['GoalSummary'][], progress: Schemas['GoalProgress'] | null): string {
  const head = ['goal', 'discipline', 'areas', 'status', 'start_date', 'target_date', 'baseline', 'expected_outcome', 'review_date', 'score', 'level', 'practice', 'trend'];
  const rows: (string | number | null)[][] = [];
  for (const s of goals) {
    const g = s.goal;
    const row = progress?.goals.find((r) => r.goal_id === g.id);
    const base = [g.text, g.discipline.toUpperCase(), g.areas.map((a) => SKILL_AREAS[a]).join('; '), GOAL_STATUS[g.status], g.start_date, g.target_date, g.baseline, g.scale.expected];
    const tail = [row?.adherence == null ? '' : `${Math.round(row.adherence * 100)}%`, row ? TREND[row.trend].label : ''];
    const reviews = row?.reviews ?? (s.latest_review ? [s.latest_review] : []);
    if (reviews.length === 0) rows.push([...base, '', '', '', ...tail]);
    for (const r of reviews) rows.push([...base, r.date, r.score, levelWords(g.scale, r.score), ...tail]);
  }
  return toCsv([head, ...rows]);
}

const fileName = (data: Schemas['ChildAdherence'], what: string) =>
  `${data.child.display_name.replace(/[^\p{L}\p{N}_-]+/gu, '_')}-${what}-${data.today}.csv`;

export function downloadCsv(data: Schemas['ChildAdherence'], assignments: Schemas['Assignment'][] = [], goals: Schemas['GoalSummary'][] = []): void {
  download(logsCsv(data, assignments, goals), fileName(data, 'logs'));
}

export function downloadGoalsCsv(data: Schemas['ChildAdherence'], goals: Schemas['GoalSummary'][], progress: Schemas['GoalProgress'] | null): void {
  download(goalsCsv(goals, progress), fileName(data, 'goals'));
}

function download(csv: string, name: string): void {
  downloadFile(csv, name, 'text/csv;charset=utf-8');
}

export { outcomeLabel };
