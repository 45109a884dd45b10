// The pairing screen filled from a pairing link (the web app: `<clinic>/family/#pair=<code>`, `pairingHint()`),
// in the words of the device it runs on. The desktop app has no link: its form starts empty, as before.
import type { PairingHint } from './api';
import { t } from './i18n.svelte';
import { checkPairForm, type PairErrors, type PairForm } from './logic';

/** The form as the pairing screen first shows it. */
export function pairFormFrom(hint: PairingHint | null): PairForm {
  return { server_url: hint?.server_url ?? '', code: hint?.code ?? '', device_name: '', caregiver: '' };
}

/** Where the pairing screen runs: a phone (a link can reach it) or the desktop app. */
export function onPhone(hint: PairingHint | null): boolean {
  return hint !== null;
}

/** The form's checks, with a phone called a phone. */
export function checkPairFormOn(form: PairForm, phone: boolean): PairErrors {
  const errors = checkPairForm(form);
  if (!phone) return errors;
  if (errors.device_name) errors.device_name = t('pair.web.error.device_name');
  if (errors.caregiver) errors.caregiver = t('pair.web.error.caregiver');
  return errors;
}

/** The clinic address for a parent to read, without the scheme they never typed. */
export function serverLabel(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}
