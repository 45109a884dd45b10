// A child's logs as CSV (RFC 4180; cells that a spreadsheet would run as formulas are defused).
import type { Schemas } from './api/client';
import { outcomeLabel, recorderLabel } from './labels';

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

export function logsCsv(data: Schemas['ChildAdherence']): string {
  const head = ['date', 'exercise', 'outcome', 'reason', 'difficulty', 'mood', 'pain', 'note', 'recorded_by', 'device', 'recorded_at', 'undone'];
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
  ]);
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function downloadCsv(data: Schemas['ChildAdherence']): void {
  const blob = new Blob([logsCsv(data)], { type: 'text/csv;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${data.child.display_name.replace(/[^\p{L}\p{N}_-]+/gu, '_')}-logs-${data.today}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export { outcomeLabel };
