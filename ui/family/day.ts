// How a day's list reads at a glance: each outcome with its own colour, icon and word, which moment of the
// day is now, next or past, and a routine's note once. Apart from the components so vitest checks it.
import type { LogView, SlotKey, TodayChildView, TodayGroupView, TodayItemView } from './bindings';
import { t } from './i18n.svelte';
import { reasonLabel } from './logic';

export type OutcomeTone = 'done' | 'partly' | 'not_done' | 'not_yet';

/** An outcome as a parent scans for it: a tone (the card's colour), an icon and a word, never colour alone. */
export interface OutcomeLook {
  tone: OutcomeTone;
  icon: string;
  word: string;
}

const ICONS: Record<OutcomeTone, string> = { done: '✔', partly: '◐', not_done: '✖', not_yet: '○' };

export function outcomeLook(log: LogView | null): OutcomeLook {
  if (!log || log.undone) return { tone: 'not_yet', icon: ICONS.not_yet, word: t('outcome.not_yet') };
  const o = log.outcome;
  switch (o.status) {
    case 'done':
      return { tone: 'done', icon: ICONS.done, word: t('outcome.done') };
    case 'partly':
      return { tone: 'partly', icon: ICONS.partly, word: t('outcome.partly') };
    case 'not_done':
      return { tone: 'not_done', icon: ICONS.not_done, word: t('outcome.not_done', { reason: reasonLabel(o.reason) }) };
  }
}

export type MomentMark = 'past' | 'now' | 'next' | null;

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Which of the day's times is now (the latest one that has begun), which is next (the first still to come) and
 * which are past, from the family's clock times. A time with no clock ("any time") gets no mark, nor does any
 * time of a day that is not today.
 */
export function momentMarks(clocks: readonly (string | null)[], isToday: boolean, nowHHMM: string): MomentMark[] {
  if (!isToday) return clocks.map(() => null);
  const now = minutes(nowHHMM);
  const begun = clocks.map((c, i) => (c !== null && minutes(c) <= now ? i : -1)).filter((i) => i >= 0);
  const current = begun.length ? begun.reduce((a, b) => (minutes(clocks[b] ?? '') >= minutes(clocks[a] ?? '') ? b : a)) : -1;
  let next = -1;
  clocks.forEach((c, i) => {
    if (c === null || minutes(c) <= now) return;
    if (next < 0 || minutes(c) < minutes(clocks[next] ?? '')) next = i;
  });
  return clocks.map((c, i) => {
    if (c === null) return null;
    if (i === current) return 'now';
    if (i === next) return 'next';
    return minutes(c) <= now ? 'past' : null;
  });
}

/** The group clocks of a day, as `momentMarks` takes them: a clock time stands for its own slot. */
export function groupClocks(groups: readonly TodayGroupView[]): (string | null)[] {
  return groups.map((g) => (g.slot.kind === 'at' ? g.slot.time : g.clock));
}

/** "HH:MM" of a Date, on the device's clock. */
export function clockOf(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** "YYYY-MM-DD" of a Date, on the device's clock. */
export function dateOf(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * For each item of a group, whether its card shows the therapist's note. The items of one routine carry the
 * routine's note each: it shows on the routine's first card only, not repeated down the list.
 */
export function notesOnce(items: readonly TodayItemView[]): boolean[] {
  const seen = new Set<string>();
  return items.map((i) => {
    if (!i.note) return false;
    if (!i.routine_title) return true;
    const key = `${i.key.assignment_id}\u0000${i.note}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The day's lists with one record shown at once: the item the record is for (by its key, or by the log it
 * replaces) shows `log`, or nothing once it is undone. A screen shows what it has just saved without waiting
 * for the whole day to be read again; the read that follows settles anything else (another caregiver's log).
 */
export function withLog(children: readonly TodayChildView[], log: LogView, key: SlotKey | null): TodayChildView[] {
  const same = (k: SlotKey) =>
    key !== null && k.child_id === key.child_id && k.assignment_id === key.assignment_id && k.exercise_id === key.exercise_id && k.date === key.date && k.slot === key.slot;
  return children.map((child) => ({
    ...child,
    groups: child.groups.map((g) => ({
      ...g,
      items: g.items.map((item) => (same(item.key) || item.log?.id === log.id ? { ...item, log: log.undone ? null : log } : item)),
    })),
  }));
}
