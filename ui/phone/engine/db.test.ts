import { describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { CHILD, PAIR, clinic, phone, scriptedFetch, tickInput } from './testkit';
import { DB_NAME, DB_VERSION, FamilyDb, TOKEN_KEY, together } from './db';

async function pairedPhone(factory = new IDBFactory()) {
  const server = scriptedFetch(clinic());
  const { backend } = await phone(server.fetch, { indexedDB: factory });
  await backend.pair(PAIR);
  return { backend, factory, server };
}

describe('the phone database', () => {
  it('keeps a tick and its outbox row across a crash before any push', async () => {
    const { backend, factory, server } = await pairedPhone();
    const log = await backend.record(tickInput());
    // The page goes away before any sync: nothing but the database is left.
    backend.close();
    expect(server.sent.filter((s) => s.path.endsWith('/push'))).toHaveLength(0);

    const reopened = await FamilyDb.open({ factory });
    const { snapshot } = await reopened.readSnapshot();
    reopened.close();
    expect(snapshot.logs.map((l) => l.id)).toEqual([log.id]);
    expect(snapshot.outbox.map((o) => [o.kind, o.id])).toEqual([['logs', log.id]]);

    const again = await phone(server.fetch, { indexedDB: factory });
    const status = await again.backend.syncNow();
    expect(status.sync).toMatchObject({ state: 'synced' });
    const pushed = server.sent.filter((s) => s.path.endsWith('/push'));
    expect(pushed).toHaveLength(1);
    expect((pushed[0]!.body!.logs as { id: string }[]).map((l) => l.id)).toEqual([log.id]);
    again.backend.close();
  });

  it('writes everything the family records in one strict transaction with its outbox row', async () => {
    const { backend } = await pairedPhone();
    const opened: { stores: string[]; mode: string; durability: string | undefined }[] = [];
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, stores: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
      if (mode === 'readwrite') opened.push({ stores: [stores].flat(), mode, durability: options?.durability });
      return transaction.call(this, stores, mode, options);
    } as typeof transaction;
    try {
      const log = await backend.record(tickInput());
      await backend.undo(log.id);
      await backend.sendMessage(CHILD, 'Hi');
    } finally {
      IDBDatabase.prototype.transaction = transaction;
    }
    expect(opened).toHaveLength(3);
    for (const tx of opened) {
      expect(tx.durability).toBe('strict');
      expect(tx.stores).toContain('outbox');
    }
    backend.close();
  });

  it('never hands the device token to the views', async () => {
    const { backend, factory } = await pairedPhone();
    backend.close();
    const db = await FamilyDb.open({ factory });
    expect(await db.setting(TOKEN_KEY)).toMatch(/^hpd_/);
    const { snapshot } = await db.readSnapshot();
    expect(Object.keys(snapshot.settings)).not.toContain(TOKEN_KEY);
    expect(JSON.stringify(snapshot)).not.toContain('hpd_');
    db.close();
  });

  it('refuses a database a newer homeplay upgraded, and leaves it as it is', async () => {
    const factory = new IDBFactory();
    await new Promise<void>((resolve, reject) => {
      const req = factory.open(DB_NAME, DB_VERSION + 1);
      req.onupgradeneeded = () => req.result.createObjectStore('from_the_future');
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
      req.onerror = () => reject(req.error);
    });
    await expect(FamilyDb.open({ factory })).rejects.toEqual({
      kind: 'wrong_version',
      message: 'This phone has data from a newer homeplay; reload to update.',
    });
    const version = await new Promise<number>((resolve) => {
      const req = factory.open(DB_NAME);
      req.onsuccess = () => {
        resolve(req.result.version);
        expect([...req.result.objectStoreNames]).toEqual(['from_the_future']);
        req.result.close();
      };
    });
    expect(version).toBe(DB_VERSION + 1);
  });

  it('stores nothing of a tick when the storage is full, and says so', async () => {
    const { backend, factory } = await pairedPhone();
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      // The outbox row went in; the log itself does not fit.
      if (this.name === 'logs') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    try {
      const err = await backend.record(tickInput()).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ kind: 'internal' });
      expect((err as { message: string }).message).toMatch(/out of storage space.*not saved/);
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    backend.close();
    const db = await FamilyDb.open({ factory });
    const { snapshot } = await db.readSnapshot();
    expect(snapshot.logs).toEqual([]);
    expect(snapshot.outbox).toEqual([]);
    db.close();
  });

  it('keeps a corrupted row, leaves it out of the screens and says how many', async () => {
    const { backend, factory } = await pairedPhone();
    const good = await backend.record(tickInput());
    // A row no version of the app writes: no outcome, no clock.
    await new Promise<void>((resolve, reject) => {
      const req = factory.open(DB_NAME, DB_VERSION);
      req.onsuccess = () => {
        const tx = req.result.transaction('logs', 'readwrite');
        tx.objectStore('logs').put({ id: '01936f52-0000-7000-8000-00000000dead', child_id: CHILD, garbage: true });
        tx.oncomplete = () => {
          req.result.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error);
      };
    });
    // And a program record missing what every version has.
    await new Promise<void>((resolve, reject) => {
      const req = factory.open(DB_NAME, DB_VERSION);
      req.onsuccess = () => {
        const tx = req.result.transaction('records', 'readwrite');
        tx.objectStore('records').put({ entity: 'assignment', id: '01936f4e-0000-7000-8000-0000000a0bad', doc: { id: '01936f4e-0000-7000-8000-0000000a0bad', child_id: CHILD } });
        tx.oncomplete = () => {
          req.result.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error);
      };
    });
    const status = await backend.status();
    expect(status.sync).toMatchObject({ state: 'needs_attention' });
    expect(status.sync.state === 'needs_attention' && status.sync.problem).toMatch(/^2 saved entries on this phone could not be read/);
    const today = await backend.today();
    const logs = today.flatMap((c) => c.groups.flatMap((g) => g.items.map((i) => i.log?.id))).filter(Boolean);
    expect(logs).toEqual([good.id]);

    backend.close();
    const db = await FamilyDb.open({ factory });
    const { snapshot, corrupt } = await db.readSnapshot();
    expect(corrupt).toEqual([
      { table: 'records', key: 'assignment/01936f4e-0000-7000-8000-0000000a0bad' },
      { table: 'logs', key: `01936f52-0000-7000-8000-00000000dead/${CHILD}` },
    ]);
    expect(snapshot.logs).toHaveLength(1);
    db.close();
    const raw = await new Promise<unknown[]>((resolve) => {
      const req = factory.open(DB_NAME, DB_VERSION);
      req.onsuccess = () => {
        const get = req.result.transaction('logs').objectStore('logs').getAll();
        get.onsuccess = () => {
          resolve(get.result);
          req.result.close();
        };
      };
    });
    expect(raw).toHaveLength(2);
  });
});

describe('together', () => {
  it('hands back every result in order', async () => {
    await expect(together(() => Promise.resolve(1), () => Promise.resolve('two'))).resolves.toEqual([1, 'two']);
  });

  it('still handles a started request when a later one throws as it is made', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      let rejectFirst!: (e: unknown) => void;
      const first = new Promise<number>((_, reject) => (rejectFirst = reject));
      const err = await together(
        () => first,
        () => {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        },
      ).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'QuotaExceededError' });
      // The transaction rolls back: the request already made fails after the caller has moved on.
      rejectFirst(new DOMException('aborted', 'AbortError'));
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
