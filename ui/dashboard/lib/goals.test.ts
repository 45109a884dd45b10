import { describe, expect, it } from 'vitest';
import type { Schemas } from './api/client';
import { shortDate } from './dates';
import { goalFixture } from './fixtures';
import {
  TREND, draftFromGoal, draftProblems, emptyDraft, gasChartOptions, goalHistory, goalUpdateBody, latestReviewLabel,
  CHECK_IN_FACE, checkInLabel, checkInPoints, faceLabel, latestCheckIn, levelWords, newGoalBody, practiceChartOptions, progressSpan, progressTable, scoreLabel, suggestMuchLess, tScoreLabel, versionChanges,
} from './goals';


describe('GAS levels', () => {
  it('sign every score and read the therapist words for it', () => {
    expect([-2, -1, 0, 1, 2].map(scoreLabel)).toEqual(['−2', '−1', '0', '+1', '+2']);
    const g = goalFixture();
    expect(levelWords(g.scale, -2)).toBe('Needs hand-over-hand help');
    expect(levelWords(g.scale, 0)).toBe('Puts on socks with one verbal prompt');
    expect(levelWords(g.scale, 3)).toBe('');
  });

  it('tell the two "no progress" trends apart by words and symbol, not only colour', () => {
    const despite = TREND.no_progress_despite_practice;
    const little = TREND.no_progress_with_little_practice;
    expect(despite.label).toBe('No progress despite regular practice');
    expect(little.label).toBe('No progress, little practice');
    expect(despite.symbol).not.toBe(little.symbol);
    expect(despite.tone).not.toBe(little.tone);
  });
});

describe('goal form', () => {
  it('suggests the −2 level from the baseline until the therapist writes their own', () => {
    const d = emptyDraft();
    d.baseline = 'Needs help';
    expect(suggestMuchLess(d, '').much_less).toBe('Needs help');
    d.scale.much_less = 'Needs help';
    d.baseline = 'Needs hand-over-hand help';
    expect(suggestMuchLess(d, 'Needs help').much_less).toBe('Needs hand-over-hand help');
    d.scale.much_less = 'Refuses socks';
    expect(suggestMuchLess(d, 'Needs hand-over-hand help').much_less).toBe('Refuses socks');
  });

  it('names each missing field before sending, and sends trimmed text', () => {
    const fields = draftProblems(emptyDraft()).map((p) => p.field);
    expect(fields).toEqual(['text', 'areas', 'baseline', 'scale.much_less', 'scale.less', 'scale.expected', 'scale.more', 'scale.much_more', 'target_date']);
    const d = draftFromGoal(goalFixture());
    expect(draftProblems(d)).toEqual([]);
    d.text = '  Climbs stairs  ';
    expect(newGoalBody(d).text).toBe('Climbs stairs');
    expect(newGoalBody(d).discipline).toBe('ot');
    expect(goalUpdateBody(d)).not.toHaveProperty('discipline');
    d.areas = ['self_care', 'fine_motor', 'sensory_processing', 'cognitive_behavioral', 'gross_motor', 'strength_endurance', 'balance_coordination', 'posture_alignment', 'self_care'];
    expect(draftProblems(d).map((p) => p.field)).toEqual(['areas']);
  });
});

describe('goal history', () => {
  it('says what each version changed and reads each review with the words of its time', () => {
    const v1 = goalFixture();
    const v2 = goalFixture({ version: 2, target_date: '2027-01-15', scale: { ...v1.scale, expected: 'Socks with a prompt' } });
    const v3 = goalFixture({ version: 3, status: 'met', target_date: '2027-01-15', scale: v2.scale });
    expect(versionChanges(null, v1)).toEqual(['Goal set']);
    expect(versionChanges(v1, v2)).toEqual(['Target date 15 Dec → 15 Jan', 'Reworded level 0']);
    expect(versionChanges(v2, v3)).toEqual(['Marked met']);

    const h: Schemas['GoalHistory'] = {
      versions: [
        { at: '2026-10-01T09:00:00Z', therapist_id: 't2', therapist_name: 'Sam', goal: v2 },
        { at: '2026-09-01T09:00:00Z', therapist_id: 't1', therapist_name: 'Maya', goal: v1 },
      ],
      reviews: [
        { id: 'r1', goal_id: 'g1', child_id: 'c1', date: '2026-09-20', score: 0, therapist_id: 't1', created_at: '2026-09-20T10:00:00Z' },
        { id: 'r2', goal_id: 'g1', child_id: 'c1', date: '2026-10-20', score: 0, note: 'better', therapist_id: 't1', created_at: '2026-10-20T10:00:00Z' },
      ],
      // A double-click earlier that day: the same score twice, at the same second.
      replaced_reviews: [
        { id: 'r0a', goal_id: 'g1', child_id: 'c1', date: '2026-10-20', score: 0, therapist_id: 't1', created_at: '2026-10-20T09:00:00Z' },
        { id: 'r0b', goal_id: 'g1', child_id: 'c1', date: '2026-10-20', score: 0, therapist_id: 't1', created_at: '2026-10-20T09:00:00Z' },
      ],
    };
    const all = goalHistory(h, { t1: 'Maya' });
    // Every line has its own key, even when date, time and score repeat (a keyed list must never see one twice).
    expect(new Set(all.map((e) => e.key)).size).toBe(all.length);
    expect(all.filter((e) => e.kind === 'review' && e.replaced).map((e) => e.key)).toEqual(['review-r0a', 'review-r0b']);
    const entries = all.filter((e) => !(e.kind === 'review' && e.replaced));
    expect(entries.map((e) => e.day)).toEqual(['2026-10-20', '2026-10-01', '2026-09-20', '2026-09-01']);
    const [latest, , older] = entries;
    expect(latest).toMatchObject({ kind: 'review', words: 'Socks with a prompt', note: 'better', who: 'Maya' });
    expect(older).toMatchObject({ kind: 'review', words: 'Puts on socks with one verbal prompt' });
    expect(entries[1]).toMatchObject({ kind: 'version', who: 'Sam', version: 2 });
  });
});

describe('goal progress', () => {
  const row: Schemas['GoalProgressRow'] = {
    goal_id: 'g1', text: 'Puts on socks', discipline: 'ot', status: 'active', start_date: '2026-09-01',
    target_date: '2026-12-15', linked_assignment_ids: ['a1', 'a2'], trend: 'no_progress_despite_practice', adherence: 0.8,
    reviews: [{ date: '2026-09-03', score: -2 }, { date: '2026-09-16', score: -2 }],
    weeks: [
      { week_start: '2026-09-07', rate: 0.9, logged_rate: 1 },
      { week_start: '2026-09-14', rate: 0.4, logged_rate: 0.5 },
      { week_start: '2026-09-21', rate: null, logged_rate: null },
    ],
  };

  it('puts each review in the week it fell in, for the table a screen reader reads', () => {
    const table = progressTable(row);
    expect(table.map((r) => r.week)).toEqual(['2026-09-03', '2026-09-07', '2026-09-14', '2026-09-21']);
    expect(table[0]).toEqual({ week: '2026-09-03', adherence: null, reviews: [{ date: '2026-09-03', score: -2 }], family: null });
    expect(table[2]).toEqual({ week: '2026-09-14', adherence: 0.4, reviews: [{ date: '2026-09-16', score: -2 }], family: null });
  });

  it('charts scores on −2…+2 with the goal words, and practice on 0–100% with regular weeks filled apart', () => {
    const gas = gasChartOptions(row, goalFixture().scale);
    const tick = (gas.y as { tickFormat: (n: number) => string }).tickFormat;
    expect(tick(0)).toBe('0 Puts on socks with on…');
    expect(tick(-2)).toBe('−2 Needs hand-over-hand…');
    expect(gasChartOptions(row, null).y).toMatchObject({ ticks: [-2, -1, 0, 1, 2] });
    expect(progressSpan(row).map((d) => d.toISOString().slice(0, 10))).toEqual(['2026-09-01', '2026-09-28']);
    expect((gas.x as { domain: Date[] }).domain).toEqual(progressSpan(row));
    const practice = practiceChartOptions(row);
    expect((practice.x as { domain: Date[] }).domain).toEqual(progressSpan(row));
    expect(practice.y).toMatchObject({ domain: [0, 100] });
    expect(practice.marks).toHaveLength(3);
  });

  it('names each face with an emoji and a word, so the answer never rests on colour', () => {
    expect(faceLabel('hard')).toBe('😣 Hard');
    expect(faceLabel('so_so')).toBe('😐 So-so');
    expect(faceLabel('good')).toBe('🙂 Good');
    expect(faceLabel('great')).toBe('😄 Great');
    expect(new Set(Object.values(CHECK_IN_FACE).map((f) => f.emoji)).size).toBe(4);
    expect(checkInLabel({ week: '2026-09-14', face: 'good', answered_by: 'Ana' })).toBe('🙂 Good (Ana)');
    expect(checkInLabel({ week: '2026-09-14', face: 'hard', answered_by: 'Ana', note: '  tired after school ' })).toBe('😣 Hard — “tired after school” (Ana)');
    expect(checkInLabel({ week: '2026-09-14', face: 'hard', answered_by: 'Ana', note: '   ' })).toBe('😣 Hard (Ana)');
  });

  it("puts the family's answer beside its week, leaves weeks without one empty, and keeps answers from before the first week", () => {
    const withAnswers: Schemas['GoalProgressRow'] = {
      ...row,
      check_ins: [
        { week: '2026-09-14', face: 'so_so', answered_by: 'Ana' },
        { week: '2026-08-31', face: 'hard', answered_by: 'Luis' },
        { week: '2026-09-07', face: 'great', answered_by: 'Ana' },
      ],
    };
    const table = progressTable(withAnswers);
    expect(table.map((r) => [r.week, r.family?.face ?? null])).toEqual([
      ['2026-08-31', 'hard'], ['2026-09-03', null], ['2026-09-07', 'great'], ['2026-09-14', 'so_so'], ['2026-09-21', null],
    ]);
    expect(table[1]!.reviews).toEqual([{ date: '2026-09-03', score: -2 }]);
    expect(progressTable(row).every((r) => r.family === null)).toBe(true);
    expect(latestCheckIn(withAnswers)).toEqual({ week: '2026-09-14', face: 'so_so', answered_by: 'Ana' });
    expect(latestCheckIn(row)).toBeNull();
    expect(progressSpan(withAnswers)[0].toISOString().slice(0, 10)).toBe('2026-08-31');
  });

  it("marks the family's answers on the practice chart as emoji with a title, and adds nothing when there are none", () => {
    const withAnswers: Schemas['GoalProgressRow'] = { ...row, check_ins: [{ week: '2026-09-14', face: 'good', answered_by: 'Ana' }] };
    expect(practiceChartOptions(withAnswers).marks).toHaveLength(4);
    expect(practiceChartOptions(row).marks).toHaveLength(3);
    expect(checkInPoints(withAnswers)).toEqual([
      { week: new Date('2026-09-17T12:00:00Z'), emoji: '🙂', title: `Family says (week of ${shortDate('2026-09-14')}): 🙂 Good (Ana)` },
    ]);
  });

  it('labels the latest review and the T-score', () => {
    const g = goalFixture();
    const review = { id: 'r', goal_id: 'g1', child_id: 'c1', date: '2026-10-20', score: 1, therapist_id: 't1', created_at: '2026-10-20T10:00:00Z' };
    expect(latestReviewLabel({ goal: g, assignment_ids: [], latest_review: review })).toBe('+1 Puts on socks alone (20 Oct)');
    expect(latestReviewLabel({ goal: g, assignment_ids: [] })).toBeNull();
    expect(tScoreLabel(null)).toBe('No reviews yet');
    expect(tScoreLabel(43.15)).toBe('T-score 43.1');
  });
});
