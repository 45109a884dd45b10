// The dashboard's shared state: the API client, who is signed in, the current route, the idle timer.
import { createApi, type Schemas } from './api/client';
import { href, parseRoute, type Route } from './router';
import { durationLabel, idleTimes, storedOverride, type IdleTimes } from './idle';
import { owedRoute, owedStep } from './accounts';
import { setDateLocale } from './dates';
import { t, therapistSignedIn } from '../i18n.svelte';

export const api = createApi();

class AppState {
  me = $state<Schemas['Me'] | null>(null);
  checked = $state(false);
  route = $state<Route>(parseRoute(typeof location === 'undefined' ? '' : location.hash));
  idleWarning = $state(false);
  idle = $state<IdleTimes>(idleTimes(null));
  notice = $state<string | null>(null);
  /** The address to sign in with, once an invitation's link has set its password. */
  signInAs = $state<string | null>(null);
  /** A step the session must settle (a new password, a second factor) before the rest of the dashboard opens. */
  owed = $derived(owedStep(this.me));
  private timer: ReturnType<typeof setTimeout> | null = null;

  signedIn(me: Schemas['Me']) {
    setDateLocale(me.clinic_settings.locale);
    void therapistSignedIn(me.therapist.id);
    this.me = me;
    api.session.csrf = me.csrf_token;
    this.touch();
  }

  /** The clinic's settings as an admin just saved them: dates follow the new locale from the next page drawn. */
  settingsSaved(settings: Schemas['ClinicSettings']) {
    setDateLocale(settings.locale);
    if (this.me) this.me = { ...this.me, clinic_settings: settings };
  }

  signedOut(message: string | null = null) {
    this.me = null;
    api.session.csrf = null;
    this.idleWarning = false;
    if (this.timer) clearTimeout(this.timer);
    this.notice = message;
    if (this.route.page !== 'login' && this.route.page !== 'welcome') location.hash = '#/login';
  }

  /** An answered request: the server's idle clock restarted, so ours does too. */
  touch() {
    this.idleWarning = false;
    if (this.timer) clearTimeout(this.timer);
    if (!this.me) return;
    const idle = (this.idle = idleTimes(storedOverride(), this.me.session_idle_ms));
    this.timer = setTimeout(() => {
      this.idleWarning = true;
      this.timer = setTimeout(() => void expire(), idle.limitMs - idle.warnAfterMs);
    }, idle.warnAfterMs);
  }
}

export const app = new AppState();

api.session.onUnauthorized = () => {
  if (app.me) app.signedOut(t('session.ended'));
};
api.session.onActivity = () => app.touch();

// A 403 may mean the clinic now requires a step of this account (say, a second factor): read who is signed in
// again, and the dashboard moves to the page that settles it.
let rechecking = false;
api.session.onForbidden = () => {
  if (!app.me || app.owed || rechecking) return;
  rechecking = true;
  void refreshMe().catch(() => {}).finally(() => { rechecking = false; });
};

/** Goes to `route` at once (the hashchange that follows moves the focus). */
export function go(route: Route): void {
  app.route = route;
  location.hash = href(route);
}

/** Where a session goes once signed in (or once a step it owed is settled): the step it still owes, or the overview. */
export function goOn(): void {
  go(app.owed ? owedRoute(app.owed) : { page: 'overview' });
}

/** Reads who is signed in again (after a change the server made to the account, e.g. two-factor turned on). */
export async function refreshMe(): Promise<void> {
  const me = await api.call(api.client.GET('/api/v1/auth/me'));
  app.signedIn(me);
}

export async function restoreSession(): Promise<void> {
  try {
    const me = await api.call(api.client.GET('/api/v1/auth/me'));
    app.signedIn(me);
  } catch {
    app.me = null;
  } finally {
    app.checked = true;
  }
}

/** Idle too long: end the session on the server too, rather than leave it to its own clock. */
async function expire(): Promise<void> {
  app.me = null;
  try {
    await api.call(api.client.POST('/api/v1/auth/logout'));
  } catch {
    // Signed out locally either way; the server's idle limit ends the session too.
  }
  app.signedOut(t('session.idle_out', { duration: durationLabel(app.idle.limitMs) }));
}

export async function logout(): Promise<void> {
  try {
    await api.call(api.client.POST('/api/v1/auth/logout'));
  } catch {
    // Signed out locally either way.
  }
  app.signedOut(t('session.signed_out'));
}
