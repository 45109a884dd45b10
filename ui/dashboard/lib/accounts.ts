// Sign-in and account management: the second factor at sign-in, the steps a session owes before anything
// else (a new password, a second factor), the Security page's secret and recovery codes, and the Team page.
import { ApiError, type Schemas } from './api/client';
import type { Route } from './router';
import { downloadFile } from './download';
import { t } from '../i18n.svelte';

export type Me = Schemas['Me'];
export type TherapistAccount = Schemas['TherapistAccount'];

/** What a session must settle before the rest of the dashboard opens (the server answers 403 until then). */
export type OwedStep = 'password' | 'two_factor';

export function owedStep(me: Pick<Me, 'must_change_password' | 'two_factor_required' | 'two_factor_enabled'> | null): OwedStep | null {
  if (!me) return null;
  if (me.must_change_password) return 'password';
  if (me.two_factor_required && !me.two_factor_enabled) return 'two_factor';
  return null;
}

/** The page that settles an owed step. */
export function owedRoute(step: OwedStep): Route {
  return step === 'password' ? { page: 'password' } : { page: 'security' };
}

/** Where a signed-in session should be instead of `route`, or null to stay: an owing session goes to the page that settles it. */
export function redirectFor(me: Me | null, route: Route): Route | null {
  const step = owedStep(me);
  if (!step) return null;
  const target = owedRoute(step);
  return route.page === target.page ? null : target;
}

/** The answer of `POST /auth/login`: signed in, or a second factor to give. */
export function isSecondFactorNeeded(data: Me | Schemas['SecondFactorNeeded']): data is Schemas['SecondFactorNeeded'] {
  return typeof (data as Partial<Schemas['SecondFactorNeeded']>).challenge === 'string' && !('therapist' in data);
}

/** Why the second step failed: the sign-in ran out of time (start again), the code was wrong, or something else. */
export function secondFactorFailure(e: unknown, expiresAt: string, now = Date.now()): 'expired' | 'wrong' | 'other' {
  const deadline = Date.parse(expiresAt);
  if (e instanceof ApiError && e.status === 401) {
    return /expired|sign in again/i.test(e.message) || (!Number.isNaN(deadline) && now >= deadline) ? 'expired' : 'wrong';
  }
  return 'other';
}

/** An authenticator code as typed: digits only (spaces and dashes dropped). */
export function normalizeCode(code: string): string {
  return code.replace(/[\s-]/g, '');
}

/** A recovery code as typed: trimmed, upper case (the server ignores case and dashes anyway). */
export function normalizeRecoveryCode(code: string): string {
  return code.trim().toUpperCase();
}

/** A sentence from the server's message: a capital first letter and a full stop. */
export function sentence(message: string): string {
  const m = message.trim();
  if (!m) return m;
  const capital = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

/** The base32 secret in groups of four, for typing into an app: `JBSW Y3DP EHPK 3PXP`. */
export function groupSecret(secret: string): string {
  const clean = secret.replace(/[\s=]/g, '').toUpperCase();
  return (clean.match(/.{1,4}/g) ?? []).join(' ');
}

/** An SVG document as a `data:` URL for an `<img>`: shown as a picture, never run as markup. */
export function svgDataUri(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/** The recovery codes as a text file to keep. */
export function recoveryCodesFile(codes: readonly string[], who: string, clinic: string, when: Date): string {
  return [
    t('recovery_file.title', { who, clinic }),
    t('recovery_file.made', { date: when.toISOString().slice(0, 10) }),
    '',
    ...codes,
    '',
  ].join('\n');
}

export type AccountStatus = 'active' | 'disabled' | 'invited';

export function accountStatus(a: Pick<TherapistAccount, 'disabled' | 'must_change_password'>): AccountStatus {
  if (a.disabled) return 'disabled';
  if (a.must_change_password) return 'invited';
  return 'active';
}

export const STATUS_LABELS: Record<AccountStatus, string> = {
  get active() { return t('account_status.active'); },
  get disabled() { return t('account_status.disabled'); },
  get invited() { return t('account_status.invited'); },
};

export const DISCIPLINE_LABELS: Record<Schemas['Discipline'], string> = {
  get ot() { return t('discipline.ot'); },
  get pt() { return t('discipline.pt'); },
};
export const ROLE_LABELS: Record<Schemas['Role'], string> = {
  get therapist() { return t('role.therapist'); },
  get admin() { return t('role.admin'); },
};

export const TWO_FACTOR_POLICY_LABELS: Record<Schemas['TwoFactorPolicy'], string> = {
  get off() { return t('two_factor_policy.off'); },
  get admins() { return t('two_factor_policy.admins'); },
  get everyone() { return t('two_factor_policy.everyone'); },
};

export type AccountAction = 'disable' | 'enable' | 'reset';

/** Whether the admin `meId` may take `action` on the account: the server refuses an admin's own disable; there is nothing to reset while two-factor is off. */
export function canAct(a: TherapistAccount, action: AccountAction, meId: string): boolean {
  switch (action) {
    case 'disable':
      return !a.disabled && a.therapist.id !== meId;
    case 'enable':
      return a.disabled;
    case 'reset':
      return a.two_factor_enabled;
  }
}

/** The question asked before an action: who, and what happens. */
export function confirmText(action: AccountAction, name: string): string {
  switch (action) {
    case 'disable':
      return t('account_confirm.disable', { name });
    case 'enable':
      return t('account_confirm.enable', { name });
    case 'reset':
      return t('account_confirm.reset', { name });
  }
}

/** What happened, said once the server agreed. */
export function doneText(action: AccountAction, name: string): string {
  switch (action) {
    case 'disable':
      return t('account_done.disable', { name });
    case 'enable':
      return t('account_done.enable', { name });
    case 'reset':
      return t('account_done.reset', { name });
  }
}

/** Accounts by name, the admin's own first. */
export function sortAccounts(accounts: readonly TherapistAccount[], meId: string): TherapistAccount[] {
  return [...accounts].sort((a, b) => {
    if (a.therapist.id === meId) return -1;
    if (b.therapist.id === meId) return 1;
    return a.therapist.name.localeCompare(b.therapist.name);
  });
}

/** Offers `text` as a file to save. */
export function downloadText(text: string, name: string): void {
  downloadFile(text, name, 'text/plain;charset=utf-8');
}
