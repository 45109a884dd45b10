// The web engine's views against the answers the desktop app gives for the same tables (vectors/views.json,
// written by `cargo test -p homeplay-app --test view_vectors` from real device engines): the same screens must
// show the same thing whichever backend they run on.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from './snapshot';
import { caregivers, day, goals, logView, progress, settings, status, syncView, thread, today, unread, weekProgram, type SyncAttempt } from './views';

interface Case {
  name: string;
  now: string;
  last_attempt: SyncAttempt | null;
  snapshot: Snapshot;
  expected: {
    today: unknown;
    days: { child_id: string; date: string; view: unknown }[];
    progress: { child_id: string }[];
    week_program: unknown[];
    goals: unknown;
    threads: unknown[];
    unread: unknown;
    caregivers: unknown;
    settings: unknown;
    status: unknown;
    logs: { id: string }[];
  };
}

const vectors = JSON.parse(readFileSync(new URL('./vectors/views.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe.each(vectors.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const now = new Date(c.now);
  const snap = c.snapshot;
  const children = c.expected.progress.map((p) => p.child_id);

  it("today's lists", () => expect(today(snap, now)).toEqual(c.expected.today));
  it('each day opened from the week', () => {
    for (const d of c.expected.days) expect(day(snap, d.child_id, d.date)).toEqual(d.view);
  });
  it('progress', () => expect(children.map((id) => progress(snap, id, now))).toEqual(c.expected.progress));
  it("the week's program", () => expect(children.map((id) => weekProgram(snap, id, now))).toEqual(c.expected.week_program));
  it('goals', () => expect(goals(snap, now)).toEqual(c.expected.goals));
  it('threads', () => expect(children.map((id) => thread(snap, id))).toEqual(c.expected.threads));
  it('unread', () => expect(unread(snap)).toEqual(c.expected.unread));
  it('caregivers', () => expect(caregivers(snap)).toEqual(c.expected.caregivers));
  it('settings', () => expect(settings(snap)).toEqual(c.expected.settings));
  it('status', () => expect(status(snap, syncView(snap, c.last_attempt))).toEqual(c.expected.status));
  it('every log', () => {
    const byId = new Map(snap.logs.map((l) => [l.id, l]));
    expect(c.expected.logs.map((l) => logView(byId.get(l.id)!))).toEqual(c.expected.logs);
  });
});

it('has the cases the brief asks for', () => {
  expect(vectors.cases.length).toBeGreaterThanOrEqual(3);
});
