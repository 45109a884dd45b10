import { describe, expect, it } from 'vitest';
import type { Schemas } from './api/client';
import { invitationLink, invitationSummary, welcomeLink } from './invitation';

const base: Schemas['Invitation'] = { emailed_to: null, token: null, expires_at: '2026-05-04T12:00:00Z', email_error: null };

describe('invitation', () => {
  it('keeps the token in the fragment of the dashboard’s own address', () => {
    expect(welcomeLink('https://h.example/', 'abc_-1')).toBe('https://h.example/#/welcome?token=abc_-1');
  });

  it('says where it was sent, or gives the link to copy', () => {
    const sent = { ...base, emailed_to: 'sam@x.org' };
    expect(invitationSummary(sent, 'Sam', 'Monday')).toBe('Invitation sent to sam@x.org. The link in it works once, until Monday.');
    expect(invitationLink(sent, 'https://h.example')).toBeNull();
    const shown = { ...base, token: 't1' };
    expect(invitationSummary(shown, 'Sam', 'Monday')).toMatch(/^Give Sam this link/);
    expect(invitationLink(shown, 'https://h.example')).toBe('https://h.example/#/welcome?token=t1');
    const failed = { ...shown, email_error: { error: 'unavailable', field: 'smtp', message: 'smtp: the email was not sent: the mail server could not be reached' } } as Schemas['Invitation'];
    expect(invitationSummary(failed, 'Sam', 'Monday')).toMatch(/^The email could not be sent \(the email was not sent: the mail server could not be reached\)\. Give Sam/);
  });
});
