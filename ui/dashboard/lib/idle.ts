// When the dashboard warns of, and ends, an idle session. The server ends a session after its
// `session_idle_minutes` (30 by default, told to the page in `Me.session_idle_ms`); the dashboard warns
// 5 minutes before (or halfway, for short limits) and signs out on the dot.
//
// The end-to-end test cannot wait half an hour, so it shortens the timer through sessionStorage. Only a
// shorter limit is taken: the key can sign someone out sooner, never keep a session open longer, and the
// server's own idle limit holds whatever the page does.

import { t } from '../i18n.svelte';

export const IDLE_LIMIT_MS = 30 * 60_000;
export const IDLE_WARNING_LEAD_MS = 5 * 60_000;
export const IDLE_TEST_KEY = 'homeplay.idle-limit-ms';
/** Below this a test override is ignored: a page that signs out before it can be used helps no one. */
export const MIN_TEST_LIMIT_MS = 2_000;

export interface IdleTimes {
  /** Idle time after which the warning shows. */
  warnAfterMs: number;
  /** Idle time after which the dashboard signs out. */
  limitMs: number;
}

/** The timer for the server's limit (when known) and a test override (the raw sessionStorage value, or null). */
export function idleTimes(override: string | null, serverLimitMs: number = IDLE_LIMIT_MS): IdleTimes {
  const base = Number.isFinite(serverLimitMs) && serverLimitMs > 0 ? serverLimitMs : IDLE_LIMIT_MS;
  const asked = override === null ? NaN : Number(override);
  const limitMs = Number.isFinite(asked) && asked >= MIN_TEST_LIMIT_MS && asked < base ? Math.round(asked) : base;
  const lead = Math.min(IDLE_WARNING_LEAD_MS, Math.round(limitMs / 2));
  return { warnAfterMs: limitMs - lead, limitMs };
}

/** "5 minutes", "1 minute", "3 seconds": how long the warning gives. */
export function leadLabel(t: IdleTimes): string {
  return durationLabel(t.limitMs - t.warnAfterMs);
}

/** "30 minutes", "8 seconds". */
export function durationLabel(ms: number): string {
  if (ms >= 60_000) {
    return t('duration.minutes', { count: Math.round(ms / 60_000) });
  }
  return t('duration.seconds', { count: Math.max(1, Math.round(ms / 1000)) });
}

/** The override stored for this tab, if storage can be read at all. */
export function storedOverride(): string | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(IDLE_TEST_KEY);
  } catch {
    return null;
  }
}
