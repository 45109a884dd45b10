// What the child page's message thread works out, apart from the component so vitest checks it.
import { t } from '../i18n.svelte';
import type { Schemas } from './api/client';

/** The most characters a message may have (core's `MessageText`). */
export const MESSAGE_MAX = 1000;

/** Characters used, as the server counts them: Unicode characters after trimming. */
export function charCount(text: string): number {
  return [...text.trim()].length;
}

/** Why the message cannot be sent yet, or null when it can. */
export function messageProblem(text: string, sticker: string): string | null {
  const used = charCount(text);
  if (used === 0 && !sticker) return t('message_problem.empty');
  if (used > MESSAGE_MAX) return t('message_problem.too_long', { over: used - MESSAGE_MAX, max: MESSAGE_MAX });
  return null;
}

/** The family's messages the clinic has not read: after its read mark (ids sort in the order written). */
export function unreadIds(thread: Schemas['MessageThread']): Set<string> {
  const mark = thread.clinic_read?.up_to ?? null;
  return new Set(thread.messages.filter((m) => m.side === 'family' && (mark === null || m.id > mark)).map((m) => m.id));
}

/** The last of the clinic's messages the family has read, for "Seen by the family" under it. */
export function lastSeenByFamily(thread: Schemas['MessageThread']): string | null {
  const mark = thread.family_read?.up_to;
  if (!mark) return null;
  const seen = thread.messages.filter((m) => m.side === 'clinic' && m.id <= mark);
  return seen.length ? (seen[seen.length - 1]?.id ?? null) : null;
}
