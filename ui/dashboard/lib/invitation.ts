// An invitation's first-sign-in link, as the dashboard shows it when the server did not email it: the dashboard's
// own welcome page with the token in the `#fragment`, which a browser never sends to a server (as the server's
// email has it: `server/src/mail/mod.rs`, `welcome_link`).
import { t } from '../i18n.svelte';
import type { Schemas } from './api/client';

type Invitation = Schemas['Invitation'];

/** `<origin>/#/welcome?token=<token>`. */
export function welcomeLink(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, '')}/#/welcome?token=${encodeURIComponent(token)}`;
}

/** What the admin is told of an invitation to `name`, in a sentence or two. */
export function invitationSummary(invitation: Invitation, name: string, expires: string): string {
  if (invitation.emailed_to) return t('invitation.sent', { email: invitation.emailed_to, expires });
  // The server's own words on why, as it wrote them.
  if (invitation.email_error) return t('invitation.not_sent', { reason: invitation.email_error.message.replace(/^smtp: /, ''), name, expires });
  return t('invitation.give', { name, expires });
}

/** The link to copy, when the invitation was not emailed. */
export function invitationLink(invitation: Invitation, origin: string): string | null {
  return invitation.token ? welcomeLink(origin, invitation.token) : null;
}
