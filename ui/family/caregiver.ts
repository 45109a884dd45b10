// "Who is doing this?": when the app asks again rather than letting the last choice stick.
import { t } from './i18n.svelte';

/**
 * After this long without a tick or a choice, the next tick asks who is doing it: a grandmother who takes over
 * in the afternoon is not recorded as Mum, and Mum's ticks after Grandma has left are not "by Grandma".
 */
export const ASK_AGAIN_AFTER_MS = 20 * 60 * 1000;

/**
 * Whether a tick should first ask who is doing it. Only a device more than one caregiver has used is asked
 * (`caregivers` counts the names chosen on it: a computer only Mum uses never asks); then
 * the first tick after the app starts (`confirmedAt` null) asks, and so does one after `ASK_AGAIN_AFTER_MS`
 * idle. A tick or a choice counts as activity (`confirmedAt` moves on).
 */
export function shouldAskWho(caregivers: number, confirmedAt: number | null, now: number): boolean {
  if (caregivers < 2) return false;
  return confirmedAt === null || now - confirmedAt >= ASK_AGAIN_AFTER_MS;
}

/** A typed name for "someone else": empty is an error said beside the field. */
export function newCaregiverError(name: string): string | null {
  return name.trim() === '' ? t('who.error_empty') : null;
}
