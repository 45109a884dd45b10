// API errors shown next to the form field they name: the server's 422 (and some 409s) carry `field`,
// e.g. `new_password`, `days`, `slots[1].time` or `dosage.reps`, and a message that may repeat it first.
import { ApiError, describeError } from './api/client';

export interface FormError {
  /** The field the server named, as it named it; null when the error is about the whole form. */
  field: string | null;
  message: string;
}

/** Splits any failure into the field it names and a message to show beside that field. */
export function formError(e: unknown): FormError {
  if (e instanceof ApiError && e.field) {
    const prefix = `${e.field}: `;
    const message = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
    return { field: e.field, message: message.charAt(0).toUpperCase() + message.slice(1) };
  }
  return { field: null, message: describeError(e) };
}

/** Whether the server's field path is `key` or inside it (`dosage` covers `dosage.reps`, `slots` covers `slots[0].time`). */
export function fieldMatches(field: string | null, key: string): boolean {
  if (!field) return false;
  return field === key || field.startsWith(`${key}.`) || field.startsWith(`${key}[`);
}

/** The message to show beside the field `key`, if the error is about it. */
export function errorFor(err: FormError | null, key: string): string | null {
  return err && fieldMatches(err.field, key) ? err.message : null;
}

/** The message to show at the top of the form: an error no listed field will show. */
export function formLevelError(err: FormError | null, keys: readonly string[]): string | null {
  if (!err) return null;
  if (err.field && keys.some((k) => fieldMatches(err.field, k))) return null;
  return err.field ? `${err.message} (${err.field})` : err.message;
}

/** Among many problems (a form checked before sending), the first message for the field `key` or inside it. */
export function problemFor(problems: readonly FormError[], key: string): string | null {
  return problems.find((p) => fieldMatches(p.field, key))?.message ?? null;
}

/** The first problem that no listed field shows: the one to show at the top of the form. */
export function unplacedProblem(problems: readonly FormError[], keys: readonly string[]): string | null {
  const p = problems.find((x) => !x.field || !keys.some((k) => fieldMatches(x.field, k)));
  return p ? (p.field ? `${p.message} (${p.field})` : p.message) : null;
}
