import { describe, expect, it } from 'vitest';
import type { MessageView, ThreadView } from './bindings';
import { setLocale } from './i18n.svelte';
import { canSend, charsLeft, lastSeen, seenIds, sentAt, totalUnread } from './messages';

function message(id: string, side: 'family' | 'clinic', waiting = false): MessageView {
  return { message_id: id, side, from: side === 'family' ? 'Mum' : 'Maya (OT)', text: 'hi', sticker: null, sent_at_ms: 1_900_000_000_000, waiting };
}

function thread(messages: MessageView[], seen: string | null): ThreadView {
  return { child_id: 'c', messages, unread: 0, seen_up_to: seen, seen_by: seen ? 'Maya (OT)' : null, max_chars: 1000 };
}

describe('the message box', () => {
  it('counts characters, not UTF-16 units, and shows the counter only near the limit', async () => {
    expect(charsLeft('hello', 1000)).toEqual({ left: 995, show: false, over: false });
    expect(charsLeft('😀'.repeat(960), 1000)).toEqual({ left: 40, show: true, over: false });
    expect(charsLeft('a'.repeat(1001), 1000)).toEqual({ left: -1, show: true, over: true });
  });

  it('sends something, never too much, never only spaces', async () => {
    expect(canSend('  ', 1000)).toBe(false);
    expect(canSend('ok', 1000)).toBe(true);
    expect(canSend('a'.repeat(1000), 1000)).toBe(true);
    expect(canSend('a'.repeat(1001), 1000)).toBe(false);
  });
});

describe('the thread', () => {
  it('says "seen" under the last family message up to the clinic mark', async () => {
    const t = thread([message('01', 'family'), message('02', 'clinic'), message('03', 'family'), message('04', 'family', true)], '03');
    expect([...seenIds(t)]).toEqual(['01', '03']);
    expect(lastSeen(t)).toBe('03');
    expect(lastSeen(thread([message('01', 'family')], null))).toBeNull();
  });

  it('adds every child into one badge', async () => {
    expect(totalUnread([{ child_id: 'a', unread: 2 }, { child_id: 'b', unread: 1 }])).toBe(3);
    expect(totalUnread([])).toBe(0);
  });

  it('shows the time in the family language', async () => {
    await setLocale('es');
    const es = sentAt(Date.UTC(2030, 2, 4, 16, 20));
    await setLocale('en');
    const en = sentAt(Date.UTC(2030, 2, 4, 16, 20));
    expect(es).not.toEqual(en);
    expect(en).toMatch(/Mar/);
  });
});
