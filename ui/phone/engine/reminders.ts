// Reminders on the phone, while the app is open (or its page is alive in the background): the desktop app's
// `Engine::take_due_reminders` (device/src/reminders.rs) over the same pure rule, `dueReminders` of
// ui/shared/core/reminders.ts, which passes the core's vectors. A browser without a push server cannot wake a
// closed app: nothing fires while it is closed, and the README says so.
import type { SlotView, TodayChildView } from '../../family/bindings';
import { type MomentDue, type Reminder, type SentReminder, dueReminders, noteSent } from '../../shared/core/reminders';
import type { SlotTime } from '../../shared/core/types';
import { localTime } from '../../shared/core/zones';

/** How often the open app looks for a reminder to show (the desktop app's `CHECK_EVERY`). */
export const CHECK_EVERY_MS = 45_000;

/** The core's slot for a screen's slot (times of day as the device stores them, `HH:MM:SS`). */
export function slotTime(s: SlotView): SlotTime {
  if (s.kind === 'moment') return { kind: 'moment', moment: s.moment };
  if (s.kind === 'at') return { kind: 'at', time: s.time.length === 5 ? `${s.time}:00` : s.time };
  return { kind: 'anytime' };
}

/** Every time of day with a clock on each child's list today, as the rule sees it. `zones`: child id → zone. */
export function momentsDue(today: TodayChildView[], zones: ReadonlyMap<string, string>, now: Date): MomentDue[] {
  const out: MomentDue[] = [];
  for (const child of today) {
    const zone = zones.get(child.child_id);
    if (!zone) continue;
    for (const g of child.groups) {
      if (g.clock === null) continue;
      out.push({
        child_id: child.child_id,
        child_name: child.name,
        date: child.date,
        local_now: localTime(zone, now),
        slot: slotTime(g.slot),
        clock: g.clock.length === 5 ? `${g.clock}:00` : g.clock,
        expected: g.items.length,
        logged: g.items.filter((i) => i.log !== null).length,
      });
    }
  }
  return out;
}

/** What to show now, and what to remember as sent (before showing: a reminder that fails to show is lost
 *  rather than repeated on every start, as on the desktop). */
export function takeDue(moments: MomentDue[], prefs: Parameters<typeof dueReminders>[1], sent: SentReminder[], nowMs: number): { due: Reminder[]; sent: SentReminder[] } {
  if (!prefs.enabled) return { due: [], sent };
  const due = dueReminders(moments, prefs, sent, nowMs);
  return { due, sent: due.length ? noteSent(sent, due, nowMs) : sent };
}

/** The words of one reminder, through the family screens' catalogue (`t`) in the family's language. */
export function reminderText(r: Reminder, t: (key: string, vars?: Record<string, string | number>) => string): { title: string; body: string } {
  const slot = r.slot.kind === 'moment' ? t(`moment.${r.slot.moment}`) : r.slot.kind === 'at' ? r.slot.time.slice(0, 5) : '';
  const text = t('reminder.due', { slot, count: r.remaining, name: r.child_name });
  return { title: t('reminder.title'), body: r.repeat ? t('reminder.still', { text }) : text };
}
