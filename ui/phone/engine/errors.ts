// Every failure the web engine hands the screens is a `CommandError` (kind + words a parent can act on), the same
// shape and kinds the desktop app's commands reject with (src-tauri/src/dto.rs).
import type { CommandError, ErrorKind } from '../../family/bindings';

export function commandError(kind: ErrorKind, message: string): CommandError {
  return { kind, message };
}

/** A `CommandError` as the screens receive it: a plain object, never one of the engine's own `Error`s. */
export function isCommandError(e: unknown): e is CommandError {
  return typeof e === 'object' && e !== null && !(e instanceof Error) && 'kind' in e && 'message' in e && typeof (e as CommandError).message === 'string';
}

/** A browser storage failure in words: a newer app's database, a full disk, anything else IndexedDB threw. */
export function storageError(e: unknown): CommandError {
  if (isCommandError(e)) return e;
  const name = e instanceof Error || (typeof e === 'object' && e !== null && 'name' in e) ? String((e as { name: unknown }).name) : '';
  if (name === 'VersionError') {
    return commandError('wrong_version', 'This phone has data from a newer homeplay; reload to update.');
  }
  if (name === 'QuotaExceededError') {
    return commandError(
      'internal',
      'This phone is out of storage space, so this was not saved. Free some space (old photos or apps), then try again.',
    );
  }
  const detail = e instanceof Error ? e.message : String(e);
  return commandError('internal', `homeplay could not use this phone's storage: ${detail}`);
}
