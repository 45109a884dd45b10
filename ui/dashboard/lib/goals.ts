// Therapy goals on the dashboard: GAS levels in words, the set/edit form's draft, a goal's history as one
// dated list, and the progress chart (GAS over reviews beside the practice of the linked exercises).
import * as P from '@observablehq/plot';
import { t } from '../i18n.svelte';
import type { Schemas } from './api/client';
import { addDays, shortDate } from './dates';

export type Goal = Schemas['Goal'];
export type GasScale = Schemas['GasScale'];
export type GoalStatus = Schemas['GoalStatus'];
export type GoalTrend = Schemas['GoalTrend'];
export type SkillArea = Schemas['SkillArea'];

export const MAX_AREAS = 8;

/** The five GAS levels, −2 first, each with its key in `GasScale` and its generic name. */
export const GAS_LEVELS: readonly { score: number; key: keyof GasScale; name: string }[] = [
  { score: -2, key: 'much_less', get name() { return t('gas.much_less'); } },
  { score: -1, key: 'less', get name() { return t('gas.less'); } },
  { score: 0, key: 'expected', get name() { return t('gas.expected'); } },
  { score: 1, key: 'more', get name() { return t('gas.more'); } },
  { score: 2, key: 'much_more', get name() { return t('gas.much_more'); } },
];

/** "−2", "0", "+1": the sign always shown, with a true minus. */
export function scoreLabel(score: number): string {
  if (score > 0) return `+${score}`;
  if (score < 0) return `−${-score}`;
  return '0';
}

/** The therapist's words for a score on this goal's scale. */
export function levelWords(scale: GasScale, score: number): string {
  const level = GAS_LEVELS.find((l) => l.score === score);
  return level ? scale[level.key] : '';
}

export const GOAL_STATUS: Record<GoalStatus, string> = {
  get active() { return t('goal_status.active'); },
  get met() { return t('goal_status.met'); },
  get changed() { return t('goal_status.changed'); },
  get dropped() { return t('goal_status.dropped'); },
};

/** OT, PT (in Spanish TO, FT): the short names of the disciplines. */
export const DISCIPLINE: Record<Schemas['Discipline'], string> = {
  get ot() { return t('discipline.ot'); },
  get pt() { return t('discipline.pt'); },
};

/**
 * The trend in words, with a symbol and a line style of its own: "no progress despite regular practice" and
 * "no progress, little practice" must differ at a glance for readers who cannot tell the colours apart.
 */
export const TREND: Record<GoalTrend, { label: string; symbol: string; tone: 'good' | 'mixed' | 'stuck' | 'none' }> = {
  not_enough_reviews: { get label() { return t('trend.not_enough_reviews'); }, symbol: '…', tone: 'none' },
  progress_with_practice: { get label() { return t('trend.progress_with_practice'); }, symbol: '▲', tone: 'good' },
  progress_with_little_practice: { get label() { return t('trend.progress_with_little_practice'); }, symbol: '△', tone: 'mixed' },
  no_progress_with_little_practice: { get label() { return t('trend.no_progress_with_little_practice'); }, symbol: '○', tone: 'mixed' },
  no_progress_despite_practice: { get label() { return t('trend.no_progress_despite_practice'); }, symbol: '■', tone: 'stuck' },
};

/** What the set/edit form holds: strings as typed, so nothing is lost before the server has judged it. */
export interface GoalDraft {
  text: string;
  discipline: Schemas['Discipline'];
  areas: SkillArea[];
  baseline: string;
  scale: GasScale;
  target_date: string;
}

export function emptyDraft(discipline: Schemas['Discipline'] = 'ot'): GoalDraft {
  return {
    text: '',
    discipline,
    areas: [],
    baseline: '',
    scale: { much_less: '', less: '', expected: '', more: '', much_more: '' },
    target_date: '',
  };
}

export function draftFromGoal(g: Goal): GoalDraft {
  return {
    text: g.text,
    discipline: g.discipline,
    areas: [...g.areas],
    baseline: g.baseline,
    scale: { ...g.scale },
    target_date: g.target_date,
  };
}

/**
 * The −2 level suggested from the baseline: where the child is now is usually "much less than expected".
 * Only filled while the therapist has not written their own (empty, or still the previous suggestion).
 */
export function suggestMuchLess(draft: GoalDraft, previousBaseline: string): GasScale {
  const current = draft.scale.much_less.trim();
  if (current === '' || current === previousBaseline.trim()) return { ...draft.scale, much_less: draft.baseline };
  return draft.scale;
}

/** A problem the form can name before asking the server (which checks everything again). */
export interface DraftProblem {
  field: string;
  message: string;
}

export function draftProblems(d: GoalDraft): DraftProblem[] {
  const out: DraftProblem[] = [];
  if (!d.text.trim()) out.push({ field: 'text', message: t('goal_problem.text') });
  if (d.areas.length < 1 || d.areas.length > MAX_AREAS) out.push({ field: 'areas', message: t('goal_problem.areas') });
  if (!d.baseline.trim()) out.push({ field: 'baseline', message: t('goal_problem.baseline') });
  for (const l of GAS_LEVELS) {
    if (!d.scale[l.key].trim()) out.push({ field: `scale.${l.key}`, message: t('goal_problem.level', { level: scoreLabel(l.score) }) });
  }
  if (!d.target_date) out.push({ field: 'target_date', message: t('goal_problem.target_date') });
  return out;
}

function trimmedScale(s: GasScale): GasScale {
  return {
    much_less: s.much_less.trim(),
    less: s.less.trim(),
    expected: s.expected.trim(),
    more: s.more.trim(),
    much_more: s.much_more.trim(),
  };
}

export function newGoalBody(d: GoalDraft): Schemas['NewGoal'] {
  return {
    text: d.text.trim(),
    discipline: d.discipline,
    areas: [...d.areas],
    baseline: d.baseline.trim(),
    scale: trimmedScale(d.scale),
    target_date: d.target_date,
  };
}

export function goalUpdateBody(d: GoalDraft): Schemas['GoalUpdate'] {
  return {
    text: d.text.trim(),
    areas: [...d.areas],
    baseline: d.baseline.trim(),
    scale: trimmedScale(d.scale),
    target_date: d.target_date,
  };
}

/** One line of a goal's history: a version (what changed from the one before) or a review. */
/** One line of a goal's history; `key` is unique in the list (a version number, a review's id). */
export type HistoryEntry =
  | { kind: 'version'; key: string; at: string; day: string; who: string; version: number; changes: string[] }
  | {
      kind: 'review';
      key: string;
      at: string;
      day: string;
      who: string | null;
      score: number;
      words: string;
      note: string | null;
      /** Replaced by a later review of the same day (a double-click, a corrected score). */
      replaced: boolean;
    };

/** The fields whose change a version names, with its words: "Changed the skill areas". */
const FIELD_CHANGES: [keyof Goal, () => string][] = [
  ['text', () => t('goal_change.text')],
  ['areas', () => t('goal_change.areas')],
  ['baseline', () => t('goal_change.baseline')],
  ['target_date', () => ''],
  ['status', () => ''],
];

/** What a version changed from the one before, in words. */
export function versionChanges(before: Goal | null, after: Goal): string[] {
  if (!before) return [t('goal_change.set')];
  const out: string[] = [];
  for (const [key, words] of FIELD_CHANGES) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      if (key === 'status') out.push(t('goal_change.marked', { status: after.status }));
      else if (key === 'target_date') out.push(t('goal_change.target_date', { from: shortDate(before.target_date), to: shortDate(after.target_date) }));
      else out.push(words());
    }
  }
  const levels = GAS_LEVELS.filter((l) => before.scale[l.key] !== after.scale[l.key]).map((l) => scoreLabel(l.score));
  if (levels.length) out.push(t('goal_change.levels', { count: levels.length, levels: levels.join(', ') }));
  return out.length ? out : [t('goal_change.none')];
}

/** Versions and reviews in one list, newest first; reviews read with the scale in force at their date. */
export function goalHistory(h: Schemas['GoalHistory'], names: Record<string, string> = {}): HistoryEntry[] {
  const versions = [...h.versions].sort((a, b) => a.goal.version - b.goal.version);
  const out: HistoryEntry[] = versions.map((v, i) => ({
    kind: 'version',
    key: `version-${v.goal.version}`,
    at: v.at,
    day: v.at.slice(0, 10),
    who: v.therapist_name ?? names[v.therapist_id] ?? t('common.a_therapist_capital'),
    version: v.goal.version,
    changes: versionChanges(i > 0 ? versions[i - 1]!.goal : null, v.goal),
  }));
  const latest = versions.at(-1)?.goal;
  const reviews = [...h.reviews.map((r) => ({ r, replaced: false })), ...h.replaced_reviews.map((r) => ({ r, replaced: true }))];
  for (const { r, replaced } of reviews) {
    // The version current when the review was recorded says what its score meant.
    const scale = [...versions].reverse().find((v) => v.at <= r.created_at)?.goal.scale ?? latest?.scale;
    out.push({
      kind: 'review',
      key: `review-${r.id}`,
      replaced,
      at: r.created_at,
      day: r.date,
      who: names[r.therapist_id] ?? null,
      score: r.score,
      words: scale ? levelWords(scale, r.score) : '',
      note: r.note ?? null,
    });
  }
  return out.sort((a, b) => (b.day === a.day ? b.at.localeCompare(a.at) : b.day.localeCompare(a.day)));
}

export type CheckInFace = Schemas['CheckInFace'];

/**
 * The family's answer as the progress response sends it. The note is read when present: the device pushes one,
 * and the progress row may carry it later without the dashboard having to change.
 */
export type CheckIn = Schemas['CheckInPoint'] & { note?: string | null };

/** The four faces the family picks from in the app, each with its emoji and a word so colour is never needed. */
export const CHECK_IN_FACE: Record<CheckInFace, { emoji: string; word: string }> = {
  hard: { emoji: '😣', get word() { return t('face.hard'); } },
  so_so: { emoji: '😐', get word() { return t('face.so_so'); } },
  good: { emoji: '🙂', get word() { return t('face.good'); } },
  great: { emoji: '😄', get word() { return t('face.great'); } },
};

/** "🙂 Good". */
export function faceLabel(face: CheckInFace): string {
  const f = CHECK_IN_FACE[face];
  return `${f.emoji} ${f.word}`;
}

/** "🙂 Good — “tricky on Monday” (Ana)": a week's answer in one line, for the table and the report. */
export function checkInLabel(c: CheckIn): string {
  const note = c.note?.trim();
  return note
    ? t('check_in.with_note', { face: faceLabel(c.face), note, who: c.answered_by })
    : t('check_in.plain', { face: faceLabel(c.face), who: c.answered_by });
}

/** The family's latest weekly answer on a goal, or null when they have not answered yet. */
export function latestCheckIn(row: Schemas['GoalProgressRow']): CheckIn | null {
  const all: CheckIn[] = [...(row.check_ins ?? [])];
  return all.sort((a, b) => a.week.localeCompare(b.week)).at(-1) ?? null;
}

/** One row of the progress table: a week's practice, any review that fell in it, and the family's answer. */
export interface ProgressRow {
  week: string;
  adherence: number | null;
  reviews: { date: string; score: number }[];
  family: CheckIn | null;
}

/** The chart's numbers as a table, week by week, so a screen reader gets everything the chart shows. */
export function progressTable(row: Schemas['GoalProgressRow']): ProgressRow[] {
  const weeks: ProgressRow[] = row.weeks.map((w) => ({ week: w.week_start, adherence: w.rate ?? null, reviews: [], family: null }));
  // A review or answer from before the first practice week gets a row of its own rather than being dropped.
  const slotFor = (day: string): ProgressRow => {
    let slot = [...weeks].reverse().find((w) => w.week <= day);
    if (!slot) {
      slot = { week: day, adherence: null, reviews: [], family: null };
      weeks.push(slot);
      weeks.sort((a, b) => a.week.localeCompare(b.week));
    }
    return slot;
  };
  for (const r of row.reviews) slotFor(r.date).reviews.push({ date: r.date, score: r.score });
  // The server keeps one answer per week; should two still land in one row, the later week's answer stands.
  const checkIns: CheckIn[] = [...(row.check_ins ?? [])].sort((a, b) => a.week.localeCompare(b.week));
  for (const c of checkIns) slotFor(c.week).family = c;
  return weeks;
}

/** The span both charts share, so a review sits above the week it fell in: the first week or review to the end of the last week. */
export function progressSpan(row: Schemas['GoalProgressRow']): [Date, Date] {
  const days = [...row.weeks.map((w) => w.week_start), ...row.reviews.map((r) => r.date), ...(row.check_ins ?? []).map((c) => c.week), row.start_date].sort();
  const lastWeek = row.weeks.at(-1)?.week_start;
  const end = [days.at(-1)!, lastWeek ? addDays(lastWeek, 7) : days.at(-1)!].sort().at(-1)!;
  return [new Date(`${days[0]}T00:00:00Z`), new Date(`${end}T00:00:00Z`)];
}

/** GAS score over the reviews: a step line, y from −2 to +2 labelled with this goal's words. */
export function gasChartOptions(row: Schemas['GoalProgressRow'], scale: GasScale | null, width = 340): P.PlotOptions {
  const points = row.reviews.map((r) => ({ date: new Date(`${r.date}T00:00:00Z`), score: r.score }));
  const words = (s: number) => {
    const w = scale ? levelWords(scale, s) : '';
    const short = w.length > 22 ? `${w.slice(0, 21).trimEnd()}…` : w;
    return short ? `${scoreLabel(s)} ${short}` : scoreLabel(s);
  };
  return {
    width,
    height: 200,
    marginLeft: 170,
    x: { type: 'utc', label: null, ticks: 4, domain: progressSpan(row) },
    y: { domain: [-2.3, 2.3], ticks: [-2, -1, 0, 1, 2], tickFormat: words, label: t('gas.axis'), grid: true },
    marks: [
      P.ruleY([0], { stroke: '#64748b', strokeDasharray: '4 3' }),
      P.line(points, { x: 'date', y: 'score', curve: 'step-after', stroke: '#1d4ed8', strokeWidth: 2 }),
      P.dot(points, { x: 'date', y: 'score', fill: '#1d4ed8', r: 4 }),
    ],
  };
}

/**
 * Weekly practice of the linked exercises as bars (0–100%). "Little practice" bars are hatched-light and
 * "regular" ones solid, so the two trends differ without colour.
 */
export function practiceChartOptions(row: Schemas['GoalProgressRow'], width = 340): P.PlotOptions {
  const bars = row.weeks
    .filter((w) => w.rate != null)
    .map((w) => ({ week: new Date(`${w.week_start}T00:00:00Z`), percent: Math.round((w.rate ?? 0) * 100) }));
  return {
    width,
    height: 200,
    marginLeft: 40,
    x: { type: 'utc', label: null, ticks: 4, domain: progressSpan(row) },
    y: { domain: [0, 100], label: t('practice.axis'), grid: true },
    marks: [
      P.rectY(bars, { x: 'week', interval: 'week', y: 'percent', fill: (d: { percent: number }) => (d.percent >= REGULAR_PERCENT ? '#15803d' : '#fde68a'), stroke: '#334155', inset: 1 }),
      P.ruleY([REGULAR_PERCENT], { stroke: '#334155', strokeDasharray: '2 2' }),
      P.ruleY([0]),
      ...checkInMarks(row),
    ],
  };
}

/** Where a week's answer sits on the practice chart: mid-week, above the top of the tallest bar so none hides it. */
export function checkInPoints(row: Schemas['GoalProgressRow']): { week: Date; emoji: string; title: string }[] {
  return [...(row.check_ins ?? [])].map((c: CheckIn) => ({
    week: new Date(`${addDays(c.week, 3)}T12:00:00Z`),
    emoji: CHECK_IN_FACE[c.face].emoji,
    title: t('check_in.family_says', { week: shortDate(c.week), answer: checkInLabel(c) }),
  }));
}

/** The family's faces as emoji over their weeks: a shape and a hover title each, not a colour. */
function checkInMarks(row: Schemas['GoalProgressRow']): P.Markish[] {
  const points = checkInPoints(row);
  if (!points.length) return [];
  return [P.text(points, { x: 'week', y: 100, text: 'emoji', title: 'title', dy: -8, fontSize: 14 })];
}

/** Where practice counts as regular (the server's trend uses the same 60%). */
export const REGULAR_PERCENT = 60;

/** "Maya Patel · 12 Jan": who set the goal and the latest review, for the list. */
export function latestReviewLabel(s: Schemas['GoalSummary']): string | null {
  const r = s.latest_review;
  if (!r) return null;
  const words = levelWords(s.goal.scale, r.score);
  return t('goals.review_line', { score: scoreLabel(r.score), words, date: shortDate(r.date) });
}

/** The T-score, as a therapist reads it: 50 means every goal at its expected outcome. */
export function tScoreLabel(score: number | null | undefined): string {
  if (score == null) return t('goals.no_reviews');
  // Rounded as before the words are chosen (43.15 → 43.1), so every language shows the same figure.
  return t('goals.t_score', { score: Number(score.toFixed(1)) });
}
