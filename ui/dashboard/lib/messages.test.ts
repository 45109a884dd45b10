import { describe, expect, it } from 'vitest';
import type { Schemas } from './api/client';
import { lastSeenByFamily, messageProblem, unreadIds } from './messages';

function message(id: string, side: Schemas['Side']): Schemas['Message'] {
  return { id, child_id: 'c', side, from: side === 'family' ? 'Mum' : 'Maya (OT)', text: 'hi', sent_at: '2030-03-04T16:20:00Z' };
}

function mark(up_to: string, side: Schemas['Side']): Schemas['ThreadRead'] {
  return { child_id: 'c', side, up_to, by: side === 'family' ? 'Dad' : 'Maya (OT)', at: '2030-03-04T16:20:00Z' };
}

describe('the message thread', () => {
  it('refuses an empty or too long message by what is wrong', () => {
    expect(messageProblem('  ', '')).toMatch(/Write a message/);
    expect(messageProblem('', 'star')).toBeNull();
    expect(messageProblem('é'.repeat(1000), '')).toBeNull();
    expect(messageProblem('a'.repeat(1003), '')).toMatch(/3 characters too long/);
  });

  it('marks the family messages after the clinic read mark as unread', () => {
    const messages = [message('01', 'family'), message('02', 'clinic'), message('03', 'family')];
    expect([...unreadIds({ messages, unread: 2 })]).toEqual(['01', '03']);
    expect([...unreadIds({ messages, unread: 1, clinic_read: mark('01', 'clinic') })]).toEqual(['03']);
  });

  it('says seen under the last clinic message the family has read', () => {
    const messages = [message('01', 'clinic'), message('02', 'family'), message('03', 'clinic')];
    expect(lastSeenByFamily({ messages, unread: 0, family_read: mark('02', 'family') })).toBe('01');
    expect(lastSeenByFamily({ messages, unread: 0 })).toBeNull();
  });
});
