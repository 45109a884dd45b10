// The TypeScript rules against the vectors homeplay-core writes (shared/vectors/core.json, by
// `cargo test -p homeplay-core --test vectors`): a second client must keep the same clock, pick the same
// version of a log, and find the same practice due as the Rust core, or families would see different days on
// different devices.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adherence, streaks, weekStart, type Adherence } from './adherence';
import { ClockSkewError, HlcClock, MAX_AHEAD_MS } from './hlc';
import { mergeLogs } from './merge';
import { hurts, needsAdvice } from './pain';
import { expand, type Due } from './schedule';
import type { Assignment, CompletionLog, Hlc, Routine, Streaks } from './types';
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

it('has the cases a second client needs: at least 200, across zones and their changes', () => {
  const count = [vectors.hlc.cases, vectors.merge.cases, vectors.schedule.cases, vectors.adherence.cases, vectors.pain.cases, vectors.instant_of.cases, vectors.local_date.cases]
    .reduce((n, list) => n + list.length, 0);
  expect(count).toBeGreaterThanOrEqual(200);
  expect(new Set(vectors.instant_of.cases.map((c) => c.zone))).toEqual(
    new Set(['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Kiritimati']),
  );
});
