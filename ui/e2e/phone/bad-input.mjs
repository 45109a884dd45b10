// Bad input in the phone's own storage, each answered with plain words on screen and nothing silently dropped:
// an IndexedDB left by a newer version of the app (a parent went back to an older one), and a corrupted record.
import { check, step, until } from './harness.mjs';
import { Phone } from './phones.mjs';
import { screen } from './screens.mjs';

/** The app's databases on this profile, as the browser lists them, from a page on the app's origin. */
async function databases(page) {
  // Workbox keeps its own (runtime-cache expiry) databases beside the app's.
  const all = await page.evaluate(async () => (await indexedDB.databases()).map((d) => ({ name: d.name, version: d.version })));
  return all.filter((d) => !/^workbox/i.test(d.name));
}

/**
 * A message a parent can read about `what`, matching `words`: shown as an alert or on the sync line (where the app
 * puts what needs a person), and not a raw JavaScript error.
 */
async function plainMessage(page, what, words) {
  const text = await until(`a message on screen about ${what}`, () =>
    page.evaluate((source) => {
      const words = new RegExp(source, 'i');
      const shown = [...document.querySelectorAll('[role=alert], [data-testid=sync-line]')]
        .filter((el) => el.getClientRects().length > 0)
        .map((el) => el.textContent.trim());
      return shown.find((t) => words.test(t)) ?? null;
    }, words.source), 20_000);
  check(!/TypeError|ReferenceError|SyntaxError|undefined|\[object|Cannot read|is not a function|VersionError/.test(text), `${what}: plain words, not a programmer's error (${text})`);
  return text;
}

export async function newerDatabase(ctx) {
  const { server } = ctx;
  step('bad input: learn the app’s database from Mum’s phone');
  const dbs = await databases(ctx.mum.page);
  check(dbs.length >= 1, `the app keeps an IndexedDB (${JSON.stringify(dbs)})`);
  const { name, version } = dbs[0];

  step('bad input: a phone holding the database of a newer app version');
  const phone = new Phone('newer-db');
  const page = await phone.launch();
  // A page of the same origin outside the app's scope, so that nothing of the app opens the database first.
  await page.goto(`${server.base}/api/v1/healthz`);
  await page.evaluate(({ name, version }) => new Promise((done, fail) => {
    const req = indexedDB.open(name, version + 1);
    req.onupgradeneeded = () => req.result.createObjectStore('from_the_future').put({ kept: true }, 'row');
    req.onsuccess = () => { req.result.close(); done(); };
    req.onerror = () => fail(req.error);
  }), { name, version });

  step('bad input: the app opens on it');
  await page.goto(`${server.base}/family/`);
  const text = await plainMessage(page, 'a newer database', /newer/);
  console.log(`  newer database: "${text}"`);
  await screen(page, '14-newer-database');
  const after = await page.evaluate(({ name }) => new Promise((done, fail) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => {
      const db = req.result;
      const stores = [...db.objectStoreNames];
      if (!stores.includes('from_the_future')) { db.close(); done({ version: db.version, stores, kept: false }); return; }
      const get = db.transaction('from_the_future').objectStore('from_the_future').get('row');
      get.onsuccess = () => { db.close(); done({ version: db.version, stores, kept: !!get.result?.kept }); };
    };
    req.onerror = () => fail(req.error);
  }), { name });
  check(after.version === version + 1 && after.kept, `the newer database is left as it was (${JSON.stringify(after)})`);
  await phone.close();
}

export async function corruptedRecord(ctx) {
  const { server } = ctx;
  step('bad input: a corrupted record on Dad’s phone');
  const dad = ctx.dad;
  const page = await dad.launch();
  await page.goto(`${server.base}/family/`);
  await page.getByTestId('activity').first().waitFor();
  const { name } = (await databases(page))[0];
  // The family's program as pulled: one assignment's row garbled, as a disk or a bug might leave it.
  const garbled = await page.evaluate(({ name }) => new Promise((done, fail) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction('records', 'readwrite');
      const store = tx.objectStore('records');
      const all = store.getAll();
      all.onsuccess = () => {
        const row = all.result.find((r) => r.entity === 'assignment');
        if (!row) { fail(new Error('no assignment row')); return; }
        store.put({ ...row, doc: '\u0000{"garbled' });
        tx.oncomplete = () => { db.close(); done({ entity: row.entity, id: row.id, rows: all.result.length }); };
      };
    };
    req.onerror = () => fail(req.error);
  }), { name });
  const outboxBefore = await count(page, name, 'outbox');

  step('bad input: the app opens on it');
  await page.reload();
  const text = await plainMessage(page, 'a corrupted record', /could not be read|damaged|corrupt/);
  console.log(`  corrupted record: "${text}"`);
  await screen(page, '15-corrupted-record');
  const rows = await count(page, name, 'records');
  check(rows === garbled.rows, `the corrupted record is not silently dropped (${rows} of ${garbled.rows} rows)`);
  check((await count(page, name, 'outbox')) === outboxBefore, 'nothing waiting to be sent was dropped');
  await dad.close();
}

async function count(page, name, store) {
  return page.evaluate(({ name, store }) => new Promise((done, fail) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => {
      const db = req.result;
      const c = db.transaction(store).objectStore(store).count();
      c.onsuccess = () => { db.close(); done(c.result); };
    };
    req.onerror = () => fail(req.error);
  }), { name, store });
}
