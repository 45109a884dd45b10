import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { FamilyDb } from './db';
import { PULLED_LANGUAGE, pullIn, screenLanguage } from './language';

describe('the language pulls name (device/src/prefs.rs, Db::pull_in)', () => {
  it('forgets the cursor when the stored exercises are in another language, and only then', async () => {
    const db = await FamilyDb.open({ factory: new IDBFactory(), name: 'language' });
    await db.putSettings({ cursor: 'v1.0000000000000010' });
    // Pulled before pulls named a language: English, nothing to fetch again for English.
    expect(await pullIn(db, 'en')).toBe(false);
    expect(await db.setting('cursor')).toBe('v1.0000000000000010');
    expect(await pullIn(db, 'ar')).toBe(true);
    expect(await db.setting('cursor')).toBeNull();
    await db.putSettings({ cursor: 'v1.0000000000000020' });
    expect(await pullIn(db, 'ar')).toBe(false);
    expect(await db.setting('cursor')).toBe('v1.0000000000000020');
    expect(await pullIn(db, 'en')).toBe(true);
    expect(await db.setting('cursor')).toBeNull();
    expect(await db.setting(PULLED_LANGUAGE)).toBe('en');
  });

  it('reads the screens’ language from the preferences, English when unreadable', async () => {
    const db = await FamilyDb.open({ factory: new IDBFactory(), name: 'prefs' });
    expect(await screenLanguage(db)).toBe('en');
    await db.putSettings({ prefs: JSON.stringify({ language: 'zh-Hans', sound: true }) });
    expect(await screenLanguage(db)).toBe('zh-Hans');
    await db.putSettings({ prefs: JSON.stringify({ language: 'tlh' }) });
    expect(await screenLanguage(db)).toBe('en');
    await db.putSettings({ prefs: '{not json' });
    expect(await screenLanguage(db)).toBe('en');
  });
});
