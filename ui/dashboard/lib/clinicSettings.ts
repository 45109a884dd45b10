// The clinic settings form: what an admin may choose, and what is wrong with a draft, every field at once.
import type { Schemas } from './api/client';
import type { FormError } from './fieldErrors';
import { t } from '../i18n.svelte';

/** homeplay-core `ClinicSettings::LOCALES`, with how each writes a date: each named in its own language, as a
 *  language picker names them, whatever language the dashboard speaks. */
export const LOCALES: readonly { tag: string; label: string }[] = [
  { tag: 'en-GB', label: 'English (UK): 28/11/2030' },
  { tag: 'en-US', label: 'English (US): 11/28/2030' },
  { tag: 'en-AU', label: 'English (Australia): 28/11/2030' },
  { tag: 'en-CA', label: 'English (Canada): 2030-11-28' },
  { tag: 'es-ES', label: 'Español (España): 28/11/2030' },
  { tag: 'es-MX', label: 'Español (México): 28/11/2030' },
  { tag: 'es-US', label: 'Español (EE. UU.): 28/11/2030' },
  { tag: 'fr-FR', label: 'Français (France) : 28/11/2030' },
];
export const CONTACT_MAX = 300;
export const SETTINGS_FIELDS = ['locale', 'pain_advice_at', 'family_contact'] as const;

export interface SettingsDraft {
  locale: string;
  painAdviceAt: string;
  familyContact: string;
}

export function draftFromSettings(s: Schemas['ClinicSettings']): SettingsDraft {
  return { locale: s.locale, painAdviceAt: String(s.pain_advice_at), familyContact: s.family_contact ?? '' };
}

/** Every problem of the draft, in form order. */
export function settingsProblems(d: SettingsDraft): FormError[] {
  const problems: FormError[] = [];
  if (!LOCALES.some((l) => l.tag === d.locale)) problems.push({ field: 'locale', message: t('settings_problem.locale') });
  const at = d.painAdviceAt.trim();
  if (!/^\d{1,2}$/.test(at) || Number(at) < 1 || Number(at) > 10) {
    problems.push({ field: 'pain_advice_at', message: t('settings_problem.pain') });
  }
  if ([...d.familyContact.trim()].length > CONTACT_MAX) {
    problems.push({ field: 'family_contact', message: t('settings_problem.too_long', { max: CONTACT_MAX }) });
  }
  return problems;
}

export function settingsBody(d: SettingsDraft): Schemas['ClinicSettings'] {
  const contact = d.familyContact.trim();
  return { locale: d.locale, pain_advice_at: Number(d.painAdviceAt.trim()), ...(contact ? { family_contact: contact } : {}) };
}
