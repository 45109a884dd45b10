// What the Messages screen works out, apart from the component so vitest checks it.
import type { MessageView, ThreadView, UnreadView } from './bindings';
import { intlLocale, t } from './i18n.svelte';

/** Characters left before the limit; shown only near it, so the box stays quiet for short notes. */
export function charsLeft(text: string, max: number): { left: number; show: boolean; over: boolean } {
  // The server counts characters (not UTF-16 units) after trimming, and so does this.
  const used = [...text.trim()].length;
  const left = max - used;
  return { left, show: left <= Math.max(50, Math.floor(max / 10)), over: left < 0 };
}

/** Whether the text can be sent: something to say, and not too much of it. */
export function canSend(text: string, max: number): boolean {
  const used = [...text.trim()].length;
  return used > 0 && used <= max;
}

/** When a message was sent, in the family's language: "Mon 3 Mar, 16:20". */
export function sentAt(ms: number): string {
  return new Intl.DateTimeFormat(intlLocale(), {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(ms));
}

/** The family's messages the clinic has read, for "Seen by …": up to the clinic's mark, by id order. */
export function seenIds(thread: ThreadView): Set<string> {
  const seen = new Set<string>();
  const mark = thread.seen_up_to;
  if (!mark) return seen;
  for (const m of thread.messages) {
    if (m.side === 'family' && m.message_id <= mark) seen.add(m.message_id);
  }
  return seen;
}

/** The last of the family's messages the clinic has read: "Seen by Maya (OT)" goes under it only. */
export function lastSeen(thread: ThreadView): string | null {
  const seen = [...seenIds(thread)];
  return seen.length ? (seen[seen.length - 1] ?? null) : null;
}

/** Every child's unread count together, for the badge in the navigation. */
export function totalUnread(counts: UnreadView[]): number {
  return counts.reduce((sum, c) => sum + c.unread, 0);
}

/** What a screen reader says for a message: who, when, and what. */
export function describe(m: MessageView): string {
  const parts = [t('messages.from', { from: m.from, when: sentAt(m.sent_at_ms) })];
  if (m.waiting) parts.push(t('messages.waiting'));
  return parts.join('. ');
}
