// Enrolling a child: the form's draft (an age, or a birth month the age is worked out from: only the age is
// kept), its checks before sending (the server checks again and its 422/409
// name the same fields: `display_name`, `age_years`, `time_zone`, `record_number`, `caregivers[i]`), and the
// request bodies of a new child, a sibling and a change.
import type { Schemas } from './api/client';
import type { FormError } from './fieldErrors';
import { t } from '../i18n.svelte';

export const MAX_NAME = 60;
export const MAX_AGE = 21;
export const MAX_RECORD_NUMBER = 40;
export const MAX_CAREGIVERS = 12;

/** The fields in the order they appear, so the first problem is the first field to fix. */
export const CHILD_FIELDS = ['display_name', 'age_years', 'birth_month', 'time_zone', 'record_number', 'caregivers'] as const;

export interface ChildDraft {
  display_name: string;
  /** Whole years as typed; blank for unknown. */
  age: string;
  /** Instead of the age: the birth month (`YYYY-MM`), from which the age is worked out when sending. */
  birth_month: string;
  time_zone: string;
  record_number: string;
  /** The new family's caregivers, comma-separated ("Mum, Dad"). */
  caregivers: string;
}

/** The zone a new family most likely lives in: the browser's, else the clinic's. */
export function defaultTimeZone(clinicZone: string | undefined): string {
  let browser: string | undefined;
  try {
    browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    browser = undefined;
  }
  return browser && isTimeZone(browser) ? browser : clinicZone ?? 'UTC';
}

/** Whether the browser knows the IANA zone (the server checks against its own database as well). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zones to suggest in the field's list. */
export function knownTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

export function emptyDraft(timeZone: string): ChildDraft {
  return { display_name: '', age: '', birth_month: '', time_zone: timeZone, record_number: '', caregivers: '' };
}

export function draftFromDetail(d: Schemas['ChildDetail']): ChildDraft {
  return {
    display_name: d.child.display_name,
    age: d.child.age_years == null ? '' : String(d.child.age_years),
    birth_month: '',
    time_zone: d.child.time_zone,
    record_number: d.record_number ?? '',
    caregivers: d.caregivers.map((c) => c.name).join(', '),
  };
}

export function caregiverNames(draft: ChildDraft): string[] {
  return draft.caregivers.split(',').map((n) => n.trim()).filter(Boolean);
}

/** Whole years on `today` of a child born in `month` (`YYYY-MM`), counting the birthday from the month's start;
 * null for a month that is not one, or is after today's. */
export function ageFromBirthMonth(month: string, today: Date = new Date()): number | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month.trim());
  if (!m) return null;
  const [year, mon] = [Number(m[1]), Number(m[2])];
  if (mon < 1 || mon > 12) return null;
  const [nowYear, nowMonth] = [today.getFullYear(), today.getMonth() + 1];
  if (year > nowYear || (year === nowYear && mon > nowMonth)) return null;
  return nowYear - year - (nowMonth < mon ? 1 : 0);
}

/** What is wrong with the draft, field by field in form order; `withCaregivers` for a new family. */
export function draftProblems(draft: ChildDraft, withCaregivers: boolean, today: Date = new Date()): FormError[] {
  const problems: FormError[] = [];
  const name = draft.display_name.trim();
  if (!name) problems.push({ field: 'display_name', message: t('child_problem.name') });
  else if ([...name].length > MAX_NAME) problems.push({ field: 'display_name', message: t('child_problem.too_long', { max: MAX_NAME }) });
  const age = draft.age.trim();
  if (age && !(/^\d{1,2}$/.test(age) && Number(age) <= MAX_AGE)) {
    problems.push({ field: 'age_years', message: t('child_problem.age', { max: MAX_AGE }) });
  }
  const born = draft.birth_month.trim();
  if (born) {
    const years = ageFromBirthMonth(born, today);
    if (age) problems.push({ field: 'birth_month', message: t('child_problem.age_and_month') });
    else if (years === null) problems.push({ field: 'birth_month', message: t('child_problem.month') });
    else if (years > MAX_AGE) problems.push({ field: 'birth_month', message: t('child_problem.too_old', { max: MAX_AGE }) });
  }
  const zone = draft.time_zone.trim();
  if (!zone) problems.push({ field: 'time_zone', message: t('child_problem.zone') });
  else if (!isTimeZone(zone)) problems.push({ field: 'time_zone', message: t('child_problem.not_a_zone', { zone }) });
  if ([...draft.record_number.trim()].length > MAX_RECORD_NUMBER) {
    problems.push({ field: 'record_number', message: t('child_problem.too_long', { max: MAX_RECORD_NUMBER }) });
  }
  if (withCaregivers) {
    const names = caregiverNames(draft);
    if (names.length > MAX_CAREGIVERS) problems.push({ field: 'caregivers', message: t('child_problem.caregivers', { max: MAX_CAREGIVERS }) });
    else if (names.some((n) => [...n].length > MAX_NAME)) problems.push({ field: 'caregivers', message: t('child_problem.caregiver_name', { max: MAX_NAME }) });
  }
  return problems;
}

function common(draft: ChildDraft, today: Date) {
  const typed = draft.age.trim();
  const age = typed ? Number(typed) : draft.birth_month.trim() ? ageFromBirthMonth(draft.birth_month, today) : null;
  const number = draft.record_number.trim();
  return {
    display_name: draft.display_name.trim(),
    time_zone: draft.time_zone.trim(),
    ...(age !== null ? { age_years: age } : {}),
    ...(number ? { record_number: number } : {}),
  };
}

/** A new child with a new family (and its caregivers), or a sibling in `familyId`. */
export function newChildBody(draft: ChildDraft, familyId: string | null = null, today: Date = new Date()): Schemas['NewChild'] {
  const body = common(draft, today);
  return familyId ? { ...body, family_id: familyId } : { ...body, caregivers: caregiverNames(draft) };
}

/** A change: what is left blank (age, record number) is cleared. */
export function childUpdateBody(draft: ChildDraft, today: Date = new Date()): Schemas['ChildUpdate'] {
  return common(draft, today);
}

/** The server's refusal of a sibling (`family_id`), in words. */
export function siblingRefusal(err: FormError | null): FormError | null {
  if (err?.field !== 'family_id') return err;
  return { field: null, message: t('child_problem.sibling') };
}
