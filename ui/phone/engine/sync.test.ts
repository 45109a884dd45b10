import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { ASSIGNMENT, CHILD, DEVICE, EXERCISE, GOAL, PAIR, ackAll, clinic, phone, program, scriptedFetch, tickInput, type Change, type Handler, type Sent } from './testkit';
import { FamilyDb } from './db';
import { Sync, backoff } from './sync';
import { HlcClock } from '../../shared/core/hlc';
import { GZIP_FROM_BYTES } from './client';

type Item = { id: string; hlc: { wall_ms: number; counter: number } };
const items = (req: Sent, kind: string) => (req.body?.[kind] as Item[] | undefined) ?? [];
const pushes = (sent: Sent[]) => sent.filter((s) => s.path === '/api/v1/sync/push');

async function stored(factory: IDBFactory) {
  const db = await FamilyDb.open({ factory });
  const { snapshot } = await db.readSnapshot();
  db.close();
  return snapshot;
}

/** Sends the program once, then answers `push` with `onPush` (everything acknowledged by default). */
function withPush(onPush: (req: Sent) => unknown): Handler {
  const base = clinic();
  return async (req) => (req.path.endsWith('/sync/push') ? { body: await onPush(req) } : base(req));
}

describe('sync with the clinic', () => {
  it('pushes every kind in rounds of at most the protocol maximums until nothing waits', async () => {
    const server = scriptedFetch(withPush((req) => ackAll(req.body!)));
    const factory = new IDBFactory();
    const { backend } = await phone(server.fetch, { indexedDB: factory });
    await backend.pair(PAIR);
    backend.close();
    // 1203 logs and 150 check-ins waiting (weeks offline): written straight into the outbox.
    const db = await FamilyDb.open({ factory });
    await db.write(['outbox'], async (tx) => {
      for (let i = 0; i < 1203; i++) {
        const id = `01936f52-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;
        const doc = { ...tickInput().key, id, hlc: { wall_ms: 1_000 + i, counter: 0 } };
        await tx.objectStore('outbox').put({ kind: 'logs', id, hlc_wall: 1_000 + i, hlc_counter: 0, doc, rejected_reason: null, rejected_field: null, rejected_message: null });
      }
      for (let i = 0; i < 150; i++) {
        const id = `01936f60-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;
        await tx.objectStore('outbox').put({ kind: 'check_ins', id, hlc_wall: 5_000 + i, hlc_counter: 0, doc: { id, hlc: { wall_ms: 5_000 + i, counter: 0 } }, rejected_reason: null, rejected_field: null, rejected_message: null });
      }
    });
    db.close();
    const again = await phone(server.fetch, { indexedDB: factory });
    expect((await again.backend.status()).sync).toEqual({ state: 'waiting', count: 1353 });
    const before = pushes(server.sent).length;
    expect((await again.backend.syncNow()).sync).toMatchObject({ state: 'synced' });
    const rounds = pushes(server.sent).slice(before);
    expect(rounds.map((r) => [items(r, 'logs').length, items(r, 'check_ins').length])).toEqual([
      [500, 100],
      [500, 50],
      [203, 0],
    ]);
    // Oldest first, and big bodies travel gzipped.
    expect(items(rounds[0]!, 'logs')[0]!.hlc.wall_ms).toBe(1_000);
    expect(rounds[0]!.headers['content-encoding']).toBe('gzip');
    expect(rounds[2]!.body!.check_ins).toBeUndefined();
    expect((await stored(factory)).outbox).toEqual([]);
    again.backend.close();
  });

  it('an ack of an older version keeps the newer one queued', async () => {
    let edit: (() => Promise<unknown>) | null = null;
    const server = scriptedFetch(
      withPush(async (req) => {
        // The family edits the tick while its first version is on the way.
        if (edit) {
          const run = edit;
          edit = null;
          await run();
        }
        return ackAll(req.body!);
      }),
    );
    const factory = new IDBFactory();
    const { backend } = await phone(server.fetch, { indexedDB: factory });
    await backend.pair(PAIR);
    const log = await backend.record(tickInput());
    edit = () => backend.undo(log.id);
    await backend.syncNow();
    const first = pushes(server.sent)[0]!;
    expect(items(first, 'logs').map((l) => l.id)).toEqual([log.id]);
    // The undo went in the next round (same sync), not lost by the first version's ack.
    const second = pushes(server.sent)[1]!;
    expect(items(second, 'logs')).toHaveLength(1);
    expect((items(second, 'logs')[0] as unknown as { undone: boolean }).undone).toBe(true);
    expect((await stored(factory)).outbox).toEqual([]);
    backend.close();
  });

  it('keeps a refused version with its reason, shows it, and does not send it again', async () => {
    const server = scriptedFetch(
      withPush((req) => {
        const logs = items(req, 'logs');
        return {
          protocol: 1,
          accepted: logs.slice(1).map((l) => ({ id: l.id, hlc: l.hlc })),
          rejected: logs.slice(0, 1).map((l) => ({ index: 0, id: l.id, reason: 'unknown_assignment', field: 'assignment_id', message: 'this assignment is not part of the child’s program' })),
          server_hlc: { wall_ms: 1_800_000_000_000, counter: 0 },
        };
      }),
    );
    const factory = new IDBFactory();
    const { backend } = await phone(server.fetch, { indexedDB: factory });
    await backend.pair(PAIR);
    const refused = await backend.record(tickInput('2030-03-06', 0));
    const fine = await backend.record(tickInput('2030-03-06', 1));
    const status = await backend.syncNow();
    expect(status.sync).toEqual({
      state: 'needs_attention',
      problem: '1 entries were not accepted by the clinic',
      waiting: 0,
      rejected: ['this assignment is not part of the child’s program'],
    });
    const outbox = (await stored(factory)).outbox;
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ id: refused.id, rejected_reason: 'unknown_assignment', rejected_field: 'assignment_id' });
    expect(fine.id).not.toBe(refused.id);
    const count = pushes(server.sent).length;
    await backend.syncNow();
    expect(pushes(server.sent)).toHaveLength(count);
    backend.close();
  });

  it('pulls page after page, storing each page with its cursor; a failure keeps the pages before it', async () => {
    const child = program()[0]!;
    const renamed = (name: string) => ({ ...child, data: { ...child.data, display_name: name } }) as Change;
    const pages: Change[][] = [program(), [renamed('Leo B.')], [renamed('Leo C.')]];
    let failOn: string | null = 'v1.1';
    let served = 0;
    const base = clinic();
    const server = scriptedFetch((req) => {
      if (!req.path.endsWith('/sync/pull')) return base(req);
      const cursor = (req.body!.cursor as string | undefined) ?? null;
      if (cursor === failOn) {
        failOn = null;
        return { status: 503, body: { error: 'unavailable', message: 'starting' } };
      }
      const index = cursor === null ? 0 : Number(cursor.slice(3));
      served += 1;
      return { body: { protocol: 1, changes: pages[index], cursor: `v1.${index + 1}`, more: index + 1 < pages.length, server_hlc: { wall_ms: 1_800_000_000_000, counter: 7 } } };
    });
    const factory = new IDBFactory();
    const { backend } = await phone(server.fetch, { indexedDB: factory });
    await backend.pair(PAIR);
    let snap = await stored(factory);
    expect(snap.settings.cursor).toBe('v1.1');
    expect(snap.records.find((r) => r.entity === 'child')!.doc).toMatchObject({ display_name: 'Leo' });
    expect((await backend.status()).sync).toMatchObject({ state: 'offline' });

    await backend.syncNow();
    snap = await stored(factory);
    expect(snap.settings.cursor).toBe('v1.3');
    expect(snap.records.filter((r) => r.entity === 'child').map((r) => (r.doc as { display_name: string }).display_name)).toEqual(['Leo C.']);
    const cursors = server.sent.filter((s) => s.path.endsWith('/pull')).map((s) => s.body!.cursor ?? null);
    expect(cursors).toEqual([null, 'v1.1', 'v1.1', 'v1.2']);
    expect(served).toBe(3);
    expect(JSON.parse(snap.settings.observed_hlc!)).toEqual({ wall_ms: 1_800_000_000_000, counter: 7 });
    backend.close();
  });

  it('merges a pulled log by the core rule: an older remote version leaves the newer local one queued', async () => {
    const factory = new IDBFactory();
    const { backend } = await phone(scriptedFetch(clinic()).fetch, { indexedDB: factory });
    await backend.pair(PAIR);
    const mine = await backend.record(tickInput());
    backend.close();
    const db = await FamilyDb.open({ factory });
    const stamped = (await db.readSnapshot()).snapshot.logs[0]!;
    const other = '01936f4e-8a2b-7c3d-9e4f-5a6b7c8d9eff';
    const older = { ...stamped, outcome: { status: 'partly' as const }, device_id: other, hlc: { wall_ms: stamped.hlc.wall_ms - 1, counter: 0 } };
    const theirs = { ...stamped, id: '01936f52-0000-7000-8000-0000000000aa', device_id: other };
    const page = { protocol: 1, changes: [{ type: 'log', data: older }, { type: 'log', data: theirs }] as Change[], cursor: 'v1.9', more: false, server_hlc: { wall_ms: 1, counter: 0 } };
    const sync = new Sync({ db, fetch: scriptedFetch(clinic()).fetch, now: () => Date.now(), clock: new HlcClock() });
    await sync.applyPage(page);
    await sync.applyPage(page);
    const { snapshot } = await db.readSnapshot();
    expect(snapshot.logs.find((l) => l.id === mine.id)).toMatchObject({ outcome: { status: 'done' }, device_id: DEVICE });
    expect(snapshot.logs).toHaveLength(2);
    expect(snapshot.outbox.map((o) => o.id)).toEqual([mine.id]);

    // A newer remote version wins and supersedes the queued one.
    const newer = { ...stamped, outcome: { status: 'partly' as const }, device_id: other, hlc: { wall_ms: stamped.hlc.wall_ms + 5, counter: 0 } };
    await sync.applyPage({ ...page, changes: [{ type: 'log', data: newer } as Change] });
    const after = (await db.readSnapshot()).snapshot;
    expect(after.logs.find((l) => l.id === mine.id)).toMatchObject({ outcome: { status: 'partly' }, device_id: other });
    expect(after.outbox).toEqual([]);
    db.close();
  });

  it('stores a pulled message by id, settling a waiting copy; a read mark never moves back', async () => {
    const factory = new IDBFactory();
    const { backend } = await phone(scriptedFetch(clinic()).fetch, { indexedDB: factory });
    await backend.pair(PAIR);
    await backend.sendMessage(CHILD, 'Hello');
    const thread = await backend.markMessagesRead(CHILD);
    const mine = thread.messages[0]!.message_id;
    backend.close();
    const db = await FamilyDb.open({ factory });
    const stamped = (await db.readSnapshot()).snapshot.messages[0]!.doc;
    const older = '01936f4e-0000-7000-8000-00000000fb01';
    const sync = new Sync({ db, fetch: scriptedFetch(clinic()).fetch, now: () => Date.now(), clock: new HlcClock() });
    const mark = (up_to: string) => ({ type: 'thread_read', data: { child_id: CHILD, side: 'family', up_to, by: 'Dad', at: '2030-03-06T10:00:00Z' } }) as Change;
    await sync.applyPage({ protocol: 1, changes: [{ type: 'message', data: stamped } as Change, mark(older)], cursor: 'v1.5', more: false, server_hlc: { wall_ms: 1, counter: 0 } });
    const { snapshot } = await db.readSnapshot();
    expect(snapshot.outbox.map((o) => o.kind)).toEqual(['message_reads']);
    expect(snapshot.messages.map((m) => m.id)).toEqual([mine]);
    expect(snapshot.threadReads.map((r) => [r.side, r.up_to])).toEqual([['family', mine]]);
    db.close();
  });

  it('stops at a kind of change this app does not know, storing nothing of the page', async () => {
    const base = clinic();
    const server = scriptedFetch((req) =>
      req.path.endsWith('/sync/pull')
        ? { body: { protocol: 1, changes: [...program(), { type: 'sticker_pack', data: {} }], cursor: 'v1.1', more: false, server_hlc: { wall_ms: 1, counter: 0 } } }
        : base(req),
    );
    const factory = new IDBFactory();
    const { backend } = await phone(server.fetch, { indexedDB: factory });
    const status = await backend.pair(PAIR);
    expect(status.sync).toEqual({ state: 'needs_attention', problem: 'the clinic server is newer than this app: reload to update homeplay', waiting: 0, rejected: [] });
    expect((await stored(factory)).records).toEqual([]);
    expect((await stored(factory)).settings.cursor).toBeUndefined();
    backend.close();
  });

  it('stops for good when the clinic ended the program, keeping what was recorded', async () => {
    let revoked = false;
    const base = clinic();
    const server = scriptedFetch((req) => (revoked && req.path.startsWith('/api/v1/sync/p') && !req.path.endsWith('/pair') ? { status: 401, body: { error: 'device_revoked', message: 'Leo’s home program with Riverside ended.' } } : base(req)));
    const { backend } = await phone(server.fetch);
    await backend.pair(PAIR);
    await backend.record(tickInput());
    revoked = true;
    expect((await backend.syncNow()).sync).toEqual({ state: 'ended', message: 'Leo’s home program with Riverside ended.', waiting: 1 });
    const count = server.sent.length;
    expect((await backend.syncNow()).sync).toMatchObject({ state: 'ended' });
    expect(server.sent).toHaveLength(count);
    backend.close();
  });

  it('sends the token only as a bearer header, and each request says its protocol', async () => {
    const server = scriptedFetch(clinic());
    const { backend } = await phone(server.fetch);
    await backend.pair(PAIR);
    await backend.record(tickInput());
    await backend.syncNow();
    for (const s of server.sent) {
      expect(s.path).not.toContain('hpd_');
      if (s.body) expect(s.body.protocol).toBe(1);
      if (s.path.endsWith('/push') || s.path.endsWith('/pull')) expect(s.headers.authorization).toMatch(/^Bearer hpd_/);
    }
    expect(server.sent.find((s) => s.path.endsWith('/pair'))!.body).toEqual({ protocol: 1, code: 'K7QM-4TZD', device_label: 'Mum’s phone' });
    expect(GZIP_FROM_BYTES).toBeGreaterThan(0);
    backend.close();
  });

  it('queues a check-in, a message and a read mark, each in its own array', async () => {
    const server = scriptedFetch(clinic());
    const { backend } = await phone(server.fetch);
    await backend.pair(PAIR);
    await backend.checkIn(GOAL, 'good');
    await backend.sendMessage(CHILD, '  He loved it!  ');
    const thread = await backend.markMessagesRead(CHILD);
    expect(thread.messages.map((m) => [m.text, m.waiting])).toEqual([['He loved it!', true]]);
    await backend.syncNow();
    const push = pushes(server.sent).at(-1)!;
    expect(items(push, 'check_ins')).toHaveLength(1);
    expect(items(push, 'messages')).toHaveLength(1);
    expect(items(push, 'message_reads')).toHaveLength(1);
    expect(push.body!.check_ins).toEqual([expect.objectContaining({ goal_id: GOAL, child_id: CHILD, week: '2030-03-04', face: 'good', answered_by: 'Mum', device_id: DEVICE })]);
    expect((await backend.messages(CHILD)).messages[0]!.waiting).toBe(false);
    void ASSIGNMENT;
    void EXERCISE;
    backend.close();
  });
});

describe('backoff', () => {
  it('grows from a second, is capped, and jitters within half to all of each step', () => {
    const cap = 60_000;
    for (let failures = 1; failures < 30; failures++) {
      const ceiling = Math.min(1000 * 2 ** Math.min(failures, 16), cap);
      expect(backoff(failures, cap, () => 0)).toBe(ceiling / 2);
      expect(backoff(failures, cap, () => 0.999999)).toBeLessThanOrEqual(ceiling);
      const d = backoff(failures, cap);
      expect(d >= ceiling / 2 && d <= ceiling).toBe(true);
    }
    expect(backoff(1, cap, () => 0.5)).toBeLessThan(backoff(3, cap, () => 0.5));
  });
});
