// The TypeScript rules against the vectors homeplay-core writes (shared/vectors/core.json, by
// `cargo test -p homeplay-core --test vectors`): a second client must keep the same clock, pick the same
// version of a log, and find the same practice due as the Rust core, or families would see different days on
// different devices; and show the same standing logs, stickers, check-in answers, rewards and reminders as the
// desktop app does for the same data.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adherence, streaks, weekStart, type Adherence } from './adherence';
import { checkInWeek, currentCheckIns, ownAnswer, weekAnswer } from './checkin';
import { ClockSkewError, HlcClock, MAX_AHEAD_MS } from './hlc';
import { mergeLogs } from './merge';
import { currentVersions, standingLogs, stickers } from './occurrence';
import { hurts, needsAdvice } from './pain';
import { DEFAULT_REMINDER_PREFS, dueReminders, noteSent, STALE_AFTER_MS, type MomentDue, type Reminder, type ReminderPrefs, type SentReminder } from './reminders';
import { rewardAfter } from './routine';
import { expand, type Due } from './schedule';
import type { Assignment, CheckInFace, CompletionLog, GoalCheckIn, Hlc, Routine, Streaks } from './types';
import { instantOf, localDate } from './zones';

interface Vectors {
  hlc: {
    max_ahead_ms: number;
    cases: {
      start: Hlc;
      steps: ({ op: 'tick'; physical_ms: number; expect: Hlc } | { op: 'observe'; remote: Hlc; physical_ms: number; expect: Hlc | 'clock_skew'; then?: Hlc })[];
    }[];
  };
  merge: { cases: { name: string; a: CompletionLog; b: CompletionLog; winner: 'a' | 'b' }[] };
  schedule: { cases: { name: string; assignments: Assignment[]; routines: Routine[]; first: string; last: string; due: Due[] }[] };
  pain: { cases: { score: number; advice_at: number; hurts: boolean; advice: boolean }[] };
  adherence: {
    cases: { assignments: Assignment[]; routines: Routine[]; logs: CompletionLog[]; first: string; last: string; today: string; adherence: Adherence; streaks: Streaks; week_starts: string[] }[];
  };
  instant_of: { cases: { zone: string; date: string; time: string; instant: string }[] };
  local_date: { cases: { zone: string; instant: string; date: string }[] };
  reminders: {
    stale_after_ms: number;
    cases: { name: string; prefs: ReminderPrefs; steps: { now_ms: number; moments: MomentDue[]; due: Reminder[]; sent: SentReminder[] }[] }[];
  };
  check_in_week: { cases: { zone: string; instant: string; week: string }[] };
  check_ins: {
    devices: { mum: string; dad: string };
    cases: {
      name: string;
      check_ins: GoalCheckIn[];
      current: GoalCheckIn[];
      answers: { goal_id: string; week: string; face: CheckInFace | null; own: { mum: string | null; dad: string | null } }[];
    }[];
  };
  rewards: { cases: { routine: Routine; position: number; reward: Routine['then_reward'] | null }[] };
  occurrence: { cases: { name: string; versions: CompletionLog[]; current: CompletionLog[]; standing: CompletionLog[]; stickers: number }[] };
}

const vectors = JSON.parse(readFileSync(new URL('../../../shared/vectors/core.json', import.meta.url), 'utf8')) as Vectors;

describe('core vectors: the hybrid logical clock', () => {
  it('allows the same skew as the core', () => {
    expect(MAX_AHEAD_MS).toBe(vectors.hlc.max_ahead_ms);
  });
  it.each(vectors.hlc.cases.map((c, i) => [i, c] as const))('script %i', (_i, c) => {
    const clock = new HlcClock(c.start);
    for (const step of c.steps) {
      if (step.op === 'tick') {
        expect(clock.tick(step.physical_ms)).toEqual(step.expect);
      } else if (step.expect === 'clock_skew') {
        expect(() => clock.observe(step.remote, step.physical_ms)).toThrow(ClockSkewError);
        expect(clock.last()).toEqual(step.then);
      } else {
        expect(clock.observe(step.remote, step.physical_ms)).toEqual(step.expect);
      }
    }
  });
});

describe('core vectors: the merge rule', () => {
  it.each(vectors.merge.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const want = c.winner === 'a' ? c.a : c.b;
    expect(mergeLogs(c.a, c.b)).toEqual(want);
    expect(mergeLogs(c.b, c.a)).toEqual(want);
  });
});

describe('core vectors: what a program makes due', () => {
  it.each(vectors.schedule.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(expand(c.assignments, c.routines, c.first, c.last)).toEqual(c.due);
  });
});

describe('core vectors: adherence, weeks and streaks', () => {
  it.each(vectors.adherence.cases.map((c) => [`${c.first}…${c.last}, today ${c.today}`, c] as const))('%s', (_name, c) => {
    const report = adherence(expand(c.assignments, c.routines, c.first, c.last), c.logs, c.first, c.last, c.today);
    expect(report).toEqual(c.adherence);
    expect(streaks(report.days)).toEqual(c.streaks);
    expect(report.days.map((d) => weekStart(d.date))).toEqual(c.week_starts);
  });
});

describe('core vectors: pain advice', () => {
  it('hurts above 0 and advises at the clinic threshold, for every score', () => {
    expect(vectors.pain.cases.length).toBe(44);
    for (const c of vectors.pain.cases) {
      expect([hurts(c.score), needsAdvice(c.score, c.advice_at)]).toEqual([c.hurts, c.advice]);
    }
  });
});

describe('core vectors: a family\'s dates and clock times in its zone', () => {
  it.each(vectors.instant_of.cases.map((c) => [`${c.zone} ${c.date} ${c.time}`, c] as const))('%s', (_name, c) => {
    expect(instantOf(c.zone, c.date, c.time).toISOString().replace('.000Z', 'Z')).toBe(c.instant);
  });
  it.each(vectors.local_date.cases.map((c) => [`${c.zone} ${c.instant}`, c] as const))('%s', (_name, c) => {
    expect(localDate(c.zone, new Date(c.instant))).toBe(c.date);
  });
});

describe('core vectors: the current version of each log, the log that stands for each occurrence, stickers', () => {
  it('has enough cases to matter', () => {
    expect(vectors.occurrence.cases.length).toBeGreaterThanOrEqual(20);
  });
  it.each(vectors.occurrence.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(currentVersions(c.versions)).toEqual(c.current);
    expect(currentVersions([...c.versions].reverse())).toEqual(c.current);
    const standing = standingLogs(c.current);
    expect([...standing.values()]).toEqual(c.standing);
    expect([...standingLogs([...c.current].reverse()).values()]).toEqual(c.standing);
    expect(stickers(standing.values())).toBe(c.stickers);
  });
});

describe('core vectors: reminders', () => {
  it('has enough scripts to matter, and the same staleness and defaults as the core', () => {
    expect(vectors.reminders.cases.length).toBeGreaterThanOrEqual(20);
    expect(STALE_AFTER_MS).toBe(vectors.reminders.stale_after_ms);
    expect(vectors.reminders.cases[0]?.prefs).toEqual(DEFAULT_REMINDER_PREFS);
  });
  it.each(vectors.reminders.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    let sent: SentReminder[] = [];
    c.steps.forEach((step, i) => {
      const due = dueReminders(step.moments, c.prefs, sent, step.now_ms);
      expect(due, `step ${i}`).toEqual(step.due);
      sent = noteSent(sent, due, step.now_ms);
      expect(sent, `step ${i}: what is remembered`).toEqual(step.sent);
    });
  });
});

describe('core vectors: the weekly goal check-in', () => {
  it('has enough cases to matter', () => {
    expect(vectors.check_in_week.cases.length).toBeGreaterThanOrEqual(20);
    expect(vectors.check_ins.cases.length).toBeGreaterThanOrEqual(20);
  });
  it.each(vectors.check_in_week.cases.map((c) => [`${c.zone} ${c.instant}`, c] as const))('the week of %s', (_name, c) => {
    expect(checkInWeek(c.zone, new Date(c.instant))).toBe(c.week);
  });
  it.each(vectors.check_ins.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const current = currentCheckIns(c.check_ins);
    expect(current).toEqual(c.current);
    expect(currentCheckIns([...c.check_ins].reverse())).toEqual(c.current);
    const { mum, dad } = vectors.check_ins.devices;
    for (const a of c.answers) {
      expect(weekAnswer(current, a.goal_id, a.week)?.face ?? null, `${a.goal_id} ${a.week}`).toBe(a.face);
      expect(ownAnswer(c.check_ins, a.goal_id, a.week, mum)?.id ?? null).toBe(a.own.mum);
      expect(ownAnswer(c.check_ins, a.goal_id, a.week, dad)?.id ?? null).toBe(a.own.dad);
    }
  });
});

describe('core vectors: the first–then reward', () => {
  it.each(vectors.rewards.cases.map((c) => [`${c.routine.items.length} items${c.routine.then_reward ? '' : ', no reward'}, after item ${c.position}`, c] as const))('%s', (_name, c) => {
    expect(rewardAfter(c.routine, c.position) ?? null).toEqual(c.reward);
  });
});

it('has the cases a second client needs: at least 200, across zones and their changes', () => {
  const count = [vectors.hlc.cases, vectors.merge.cases, vectors.schedule.cases, vectors.adherence.cases, vectors.pain.cases, vectors.instant_of.cases, vectors.local_date.cases]
    .reduce((n, list) => n + list.length, 0);
  expect(count).toBeGreaterThanOrEqual(200);
  expect(new Set(vectors.instant_of.cases.map((c) => c.zone))).toEqual(
    new Set(['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Kiritimati']),
  );
});
