// Why the app could not open the family's data on this phone, in words a parent can act on. Only the phone's own
// storage is touched at start (never the clinic), so `wrong_version` here means a database a newer app left.
import { t } from '../family/i18n.svelte';
import { isCommandError } from '../family/logic';

export function startFailure(e: unknown): string {
  if (isCommandError(e)) return e.kind === 'wrong_version' ? t('phone.start_failed.newer') : e.message;
  // Not one of the engine's own failures: a programmer's error text would mean nothing to a parent.
  return t('phone.start_failed.storage');
}
