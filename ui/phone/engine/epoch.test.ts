import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { DEVICE, PAIR, clinic, phone, scriptedFetch, tickInput, type Handler, type Sent } from './testkit';
import { FamilyDb } from './db';
import { EPOCH } from './epoch';

type Item = { id: string; device_id?: string };
const items = (req: Sent, kind: string) => (req.body?.[kind] as Item[] | undefined) ?? [];
const pushes = (sent: Sent[]) => sent.filter((s) => s.path === '/api/v1/sync/push');
const pulls = (sent: Sent[]) => sent.filter((s) => s.path === '/api/v1/sync/pull');

const FIRST = '5b1e0c7a-3f2d-4c8e-9a61-2d7f4e8b0c93';
const RESTORED = '0d9c41b2-77e5-4a1f-8c3e-b6a5f0e2d481';
const OTHER_DEVICE = '01936f4e-8a2b-7c3d-9e4f-00000000d002';

/** The scripted clinic, with `epoch.now` on every pairing, push and pull answer. */
function withEpoch(epoch: { now: string }): Handler {
  const base = clinic();
  return async (req) => {
    const answer = await base(req);
    const body = answer.body as Record<string, unknown>;
    if (/\/sync\/(pair|push|pull)$/.test(req.path)) return { ...answer, body: { ...body, epoch: epoch.now } };
    return answer;
  };
}

async function setting(factory: IDBFactory, key: string) {
  const db = await FamilyDb.open({ factory });
  const value = await db.setting(key);
  db.close();
  return value;
}

describe('the server epoch', () => {
  it('after a restore the phone sends again what it made, once, and pulls from the beginning', async () => {
    const epoch = { now: FIRST };
    const server = scriptedFetch(withEpoch(epoch));
    const factory = new IDBFactory();
    const { backend } = await phone(server.fetch, { indexedDB: factory });
    await backend.pair(PAIR);
    expect(await setting(factory, EPOCH)).toBe(FIRST);

    // What the family recorded here, all acknowledged by the server that will be lost.
    const mine = await backend.record(tickInput());
    await backend.sendMessage('01936f4e-0000-7000-8000-0000000c0001', 'He buttoned two!');
    await backend.checkIn('01936f4e-0000-7000-8000-0000000060a1', 'good');
    expect((await backend.syncNow()).sync).toMatchObject({ state: 'synced' });
    // Another caregiver's log, as a pull brought it: not this phone's to send.
    const db = await FamilyDb.open({ factory });
    const theirs = { ...(await db.write(['logs'], async (tx) => (await tx.objectStore('logs').getAll())[0]!)), id: '01936f52-0000-7000-8000-0000000000aa', device_id: OTHER_DEVICE };
    await db.write(['logs'], async (tx) => {
      await tx.objectStore('logs').put(theirs);
    });
    db.close();

    // The same epoch again: nothing is sent again, and the pull goes on from its cursor.
    let before = server.sent.length;
    await backend.syncNow();
    expect(pushes(server.sent.slice(before))).toEqual([]);
    expect(pulls(server.sent.slice(before))[0]!.body!.cursor).toBeDefined();

    // The clinic restores last night's backup: a new epoch.
    epoch.now = RESTORED;
    before = server.sent.length;
    expect((await backend.syncNow()).sync).toMatchObject({ state: 'synced' });
    const after = server.sent.slice(before);
    // The first pull saw the new epoch; its page is not applied, the push goes first, the pull starts over.
    const calls = after.filter((s) => s.path.startsWith('/api/v1/sync/')).map((s) => s.path.replace('/api/v1/sync/', ''));
    expect(calls).toEqual(['pull', 'push', 'pull']);
    const [resent] = pushes(after);
    expect(items(resent!, 'logs').map((l) => l.id)).toEqual([mine.id]);
    expect(items(resent!, 'logs').every((l) => l.device_id === DEVICE)).toBe(true);
    expect(items(resent!, 'messages')).toMatchObject([{ text: 'He buttoned two!', written_by: 'Mum', device_id: DEVICE }]);
    expect(items(resent!, 'check_ins')).toMatchObject([{ face: 'good', device_id: DEVICE }]);
    expect(items(resent!, 'message_reads')).toEqual([]);
    expect(pulls(after)[1]!.body!.cursor).toBeUndefined();
    expect(await setting(factory, EPOCH)).toBe(RESTORED);

    // Acknowledged again: the next sync with the same epoch sends nothing.
    before = server.sent.length;
    await backend.syncNow();
    expect(pushes(server.sent.slice(before))).toEqual([]);
    backend.close();
  });

  it('the first epoch a phone sees is only remembered, even after it recorded and synced without one', async () => {
    // A server older than epochs, then the same server upgraded: its first epoch is no restore.
    const epoch = { now: '' };
    const base = clinic();
    const server = scriptedFetch(async (req) => {
      const answer = await base(req);
      if (!epoch.now || !/\/sync\/(pair|push|pull)$/.test(req.path)) return answer;
      return { ...answer, body: { ...(answer.body as Record<string, unknown>), epoch: epoch.now } };
    });
    const factory = new IDBFactory();
    const { backend } = await phone(server.fetch, { indexedDB: factory });
    await backend.pair(PAIR);
    await backend.record(tickInput());
    expect((await backend.syncNow()).sync).toMatchObject({ state: 'synced' });
    expect(await setting(factory, EPOCH)).toBeNull();

    epoch.now = FIRST;
    const before = server.sent.length;
    await backend.syncNow();
    expect(pushes(server.sent.slice(before))).toEqual([]);
    expect(pulls(server.sent.slice(before)).map((p) => p.body!.cursor === undefined)).toEqual([false]);
    expect(await setting(factory, EPOCH)).toBe(FIRST);
    backend.close();
  });
});
