// The language pulls name, as device/src/prefs.rs keeps it (shared/PROTOCOL.md, "Language"). The server sends
// built-in exercises in the language a pull names, and each change once: when the stored exercises are in another
// language (English for a phone that pulled before pulls named one), the cursor is forgotten in the same
// transaction, and the next pull brings everything again in the family's language. Nothing the family recorded is
// touched: pushes come first, and a change applied twice is harmless.
import type { Language } from '../../family/bindings';
import { isLanguage } from '../../family/languages';
import type { FamilyDb } from './db';

/** The setting naming the language the stored exercises are in (forgotten with everything on unpairing). */
export const PULLED_LANGUAGE = 'pulled_language';

/** The language the family screens show (`prefs.language`); English when none was chosen or it is unreadable. */
export async function screenLanguage(db: FamilyDb): Promise<Language> {
  const raw = await db.setting('prefs');
  try {
    const language: unknown = raw ? (JSON.parse(raw) as { language?: unknown }).language : undefined;
    return isLanguage(language) ? language : 'en';
  } catch {
    return 'en';
  }
}

/** Readies the next pull for `language` (`Db::pull_in`); `true` when the pull starts again from the beginning. */
export async function pullIn(db: FamilyDb, language: Language): Promise<boolean> {
  return db.write(['settings'], async (tx) => {
    const settings = tx.objectStore('settings');
    const stored = (await settings.get(PULLED_LANGUAGE))?.value;
    if (stored === language) return false;
    const again = (stored ?? 'en') !== language;
    if (again) await settings.delete('cursor');
    await settings.put({ key: PULLED_LANGUAGE, value: language });
    return again;
  });
}
