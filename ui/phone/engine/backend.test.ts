import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { CHILD, NOW, ORIGIN, PAIR, clinic, phone, program, scriptedFetch, tickInput, type Change, type Handler } from './testkit';
import { DB_NAME, FamilyDb } from './db';
import { SyncLoop } from './loop';
import { ClientError } from './client';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

function failing(path: string, answer: { status: number; body: unknown }): Handler {
  const base = clinic();
  return (req) => (req.path.endsWith(path) ? answer : base(req));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('pairing', () => {
  it('reads the link once, clears it from the address bar, and takes the page origin as the clinic', async () => {
    const replaced: string[] = [];
    const { backend } = await phone(scriptedFetch(clinic()).fetch, {
      location: { hash: '#pair=K7QM-4TZD', pathname: '/family/', search: '', origin: ORIGIN },
      history: { replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
    });
    expect(backend.pairingHint!()).toEqual({ server_url: ORIGIN, code: 'K7QM-4TZD' });
    expect(replaced).toEqual(['/family/']);
    expect(backend.pairingHint!()).toEqual({ server_url: ORIGIN, code: 'K7QM-4TZD' });
    expect(replaced).toHaveLength(1);
    backend.close();
    const { backend: plain } = await phone(scriptedFetch(clinic()).fetch, {
      location: { hash: '', pathname: '/family/', search: '', origin: ORIGIN },
      history: { replaceState: () => replaced.push('again') },
    });
    expect(plain.pairingHint!()).toEqual({ server_url: ORIGIN, code: null });
    expect(replaced).toHaveLength(1);
    plain.close();
  });

  it('names each failure the way the desktop app does', async () => {
    const cases: [Handler, string][] = [
      [failing('/sync/pair', { status: 404, body: { error: 'not_found', message: 'no such pairing code' } }), 'code_wrong'],
      [failing('/sync/pair', { status: 410, body: { error: 'gone', message: 'this code has expired' } }), 'code_expired'],
      [failing('/sync/pair', { status: 429, body: { error: 'rate_limited', message: 'too many attempts' } }), 'rate_limited'],
      [failing('/sync/info', { status: 404, body: '<html>' }), 'not_homeplay'],
      [failing('/sync/info', { status: 200, body: { service: 'homeplay', server_version: '9', protocol_min: 2, protocol_max: 2, server_time_ms: 0 } }), 'wrong_version'],
      [
        () => {
          throw new TypeError('Failed to fetch');
        },
        'offline',
      ],
    ];
    for (const [handler, kind] of cases) {
      const { backend } = await phone(scriptedFetch(handler).fetch);
      expect(await rejection(backend.pair(PAIR))).toMatchObject({ kind });
      expect((await backend.status()).paired).toBe(false);
      backend.close();
    }
  });

  it('checks what was typed before the network, and refuses a second pairing', async () => {
    const server = scriptedFetch(clinic());
    const { backend } = await phone(server.fetch);
    expect(await rejection(backend.pair({ ...PAIR, caregiver: '  ' }))).toEqual({ kind: 'invalid', message: 'Your name: must not be empty' });
    expect(await rejection(backend.pair({ ...PAIR, device_name: 'x'.repeat(61) }))).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^Device name:/) });
    expect(await rejection(backend.pair({ ...PAIR, code: ' ' }))).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^Pairing code:/) });
    expect(server.sent).toHaveLength(0);
    await backend.pair(PAIR);
    expect(await rejection(backend.pair(PAIR))).toMatchObject({ kind: 'already_paired' });
    backend.close();
  });
});

describe('recording', () => {
  it('refuses before pairing, and refuses a tick that does not fit the program, naming what is wrong', async () => {
    const { backend } = await phone(scriptedFetch(clinic()).fetch);
    expect(await rejection(backend.record(tickInput()))).toMatchObject({ kind: 'not_paired' });
    await backend.pair(PAIR);
    const bad = (patch: Partial<ReturnType<typeof tickInput>['key']>) => ({ ...tickInput(), key: { ...tickInput().key, ...patch } });
    expect(await rejection(backend.record(bad({ child_id: 'leo' })))).toEqual({ kind: 'invalid', message: 'child: not a valid id' });
    expect(await rejection(backend.record(bad({ date: '06/03/2030' })))).toEqual({ kind: 'invalid', message: 'date: expected YYYY-MM-DD' });
    expect(await rejection(backend.record(bad({ slot: 2 })))).toMatchObject({ kind: 'not_found' });
    expect(await rejection(backend.record(bad({ assignment_id: '01936f4e-0000-7000-8000-0000000a0009' })))).toMatchObject({ kind: 'not_found' });
    expect(await rejection(backend.record(bad({ exercise_id: '01936f4e-0000-7000-8000-0000000e0009' })))).toMatchObject({ kind: 'not_found' });
    const long = { ...tickInput(), details: { ...tickInput().details, note: 'x'.repeat(501) } };
    expect(await rejection(backend.record(long))).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^Note:/) });
    const hurt = { ...tickInput(), details: { ...tickInput().details, pain_score: 11 } };
    expect(await rejection(backend.record(hurt))).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^pain_score:/) });
    expect((await backend.status()).sync).toMatchObject({ state: 'synced' });
    backend.close();
  });

  it('records, edits and undoes as new versions of one log, each stamped after the one before', async () => {
    const factory = new IDBFactory();
    const { backend } = await phone(scriptedFetch(clinic()).fetch, { indexedDB: factory });
    await backend.pair(PAIR);
    const first = await backend.record({ ...tickInput(), details: { ...tickInput().details, pain_score: 4 } });
    expect(first).toMatchObject({ recorded_by: 'Mum', by_kid: false, undone: false, details: { pain: true, pain_score: 4 } });
    const edited = await backend.edit({ log_id: first.id, outcome: { status: 'partly' }, details: { ...tickInput().details, mood: 'tired' } });
    expect(edited).toMatchObject({ id: first.id, outcome: { status: 'partly' }, details: { mood: 'tired', pain: false, pain_score: null } });
    const undone = await backend.undo(first.id);
    expect(undone).toMatchObject({ id: first.id, undone: true, outcome: { status: 'partly' } });
    expect(await rejection(backend.undo('01936f52-0000-7000-8000-000000000bad'))).toMatchObject({ kind: 'not_found' });
    backend.close();
    const db = await FamilyDb.open({ factory });
    const { snapshot } = await db.readSnapshot();
    db.close();
    expect(snapshot.logs).toHaveLength(1);
    expect(snapshot.outbox).toHaveLength(1);
    expect(snapshot.outbox[0]!.doc).toEqual(snapshot.logs[0]);
    expect(snapshot.logs[0]!.hlc.counter).toBe(3);
  });

  it('stamps an edit after a version another tab stored, whatever its own clock says', async () => {
    const factory = new IDBFactory();
    const server = scriptedFetch(clinic());
    const { backend: first } = await phone(server.fetch, { indexedDB: factory, dbName: DB_NAME });
    await first.pair(PAIR);
    const { backend: second } = await phone(server.fetch, { indexedDB: factory, dbName: DB_NAME });
    const log = await first.record(tickInput());
    await first.edit({ log_id: log.id, outcome: { status: 'partly' }, details: tickInput().details });
    await second.undo(log.id);
    first.close();
    second.close();
    const db = await FamilyDb.open({ factory });
    const { snapshot } = await db.readSnapshot();
    db.close();
    expect(snapshot.logs[0]).toMatchObject({ undone: true, outcome: { status: 'partly' } });
    // The second tab's clock had seen nothing newer than the clinic's; the first tab's edit was at (now, 2).
    expect(snapshot.logs[0]!.hlc.wall_ms).toBe(NOW.getTime());
    expect(snapshot.logs[0]!.hlc.counter).toBeGreaterThan(2);
  });

  it('asks the browser to keep the data after the first tick, once, and reports what it says', async () => {
    const persist = vi.fn(async () => true);
    const storage = { persist, persisted: async () => false, estimate: async () => ({ usage: 2_000_000, quota: 6_000_000_000 }) };
    const { backend } = await phone(scriptedFetch(clinic()).fetch, { storage });
    await backend.pair(PAIR);
    expect(persist).not.toHaveBeenCalled();
    await backend.record(tickInput('2030-03-06', 0));
    await backend.record(tickInput('2030-03-06', 1));
    await vi.waitFor(() => expect(persist).toHaveBeenCalledTimes(1));
    expect(await backend.storage!()).toEqual({ persisted: false, usage_bytes: 2_000_000, quota_bytes: 6_000_000_000 });
    backend.close();

    const kept = vi.fn(async () => true);
    const asked = vi.fn(async () => true);
    const granted = { persist: kept, persisted: asked, estimate: async () => ({}) };
    const { backend: again } = await phone(scriptedFetch(clinic()).fetch, { storage: granted });
    await again.pair(PAIR);
    await again.record(tickInput());
    await vi.waitFor(() => expect(asked).toHaveBeenCalled());
    await asked.mock.results[0]!.value;
    expect(kept).not.toHaveBeenCalled();
    expect(await again.storage()).toEqual({ persisted: true, usage_bytes: null, quota_bytes: null });
    again.close();
  });

  it('has unsaved work while a write is in flight or a screen holds it', async () => {
    const { backend } = await phone(scriptedFetch(clinic()).fetch);
    await backend.pair(PAIR);
    expect(backend.hasUnsaved()).toBe(false);
    const writing = backend.record(tickInput());
    expect(backend.hasUnsaved()).toBe(true);
    await writing;
    expect(backend.hasUnsaved()).toBe(false);
    const release = backend.hold();
    expect(backend.hasUnsaved()).toBe(true);
    release();
    release();
    expect(backend.hasUnsaved()).toBe(false);
    backend.close();
  });

  it('refuses to unpair while something waits, unless told to discard it; the language stays', async () => {
    const { backend } = await phone(scriptedFetch(clinic()).fetch);
    await backend.pair(PAIR);
    const settings = await backend.settings();
    await backend.saveSettings({ ...settings, language: 'es' });
    await backend.record(tickInput());
    expect(await rejection(backend.unpair(false))).toEqual({
      kind: 'unsent_logs',
      message: '1 activity has not reached the clinic yet. Sync first, or unpair anyway and lose it.',
    });
    const status = await backend.unpair(true);
    expect(status).toMatchObject({ paired: false, caregiver: null, sync: { state: 'not_paired' } });
    expect((await backend.settings()).language).toBe('es');
    expect(await backend.today()).toEqual([]);
    backend.close();
  });

  it('saves settings only when every field is right, naming the wrong one', async () => {
    const { backend } = await phone(scriptedFetch(clinic()).fetch);
    await backend.pair(PAIR);
    const s = await backend.settings();
    const bad = { ...s, reminders: { ...s.reminders, quiet_end: '25:00' } };
    expect(await rejection(backend.saveSettings(bad))).toEqual({ kind: 'invalid', message: "quiet_end: type a time like 07:30 (got '25:00')" });
    expect(await backend.settings()).toEqual(s);
    const moments = s.reminders.moments.map((m) => (m.moment === 'bath' ? { ...m, time: '18:45' } : m));
    const saved = await backend.saveSettings({ ...s, caregiver: 'Grandma', reminders: { ...s.reminders, moments } });
    expect(saved.caregiver).toBe('Grandma');
    expect(saved.reminders.moments.find((m) => m.moment === 'bath')!.time).toBe('18:45');
    expect((await backend.caregivers()).map((c) => c.name)).toEqual(['Mum', 'Grandma']);
    backend.close();
  });
});

describe('pictures and sync state', () => {
  it('downloads uploaded media for offline use, checks it against its name, and answers an object URL', async () => {
    const bytes = new TextEncoder().encode('a picture');
    const hex = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const good = `sha256:${hex}`;
    const damaged = `sha256:${'0'.repeat(64)}`;
    const media = (ref: string) => ({ type: 'media', data: { media: ref, content_type: 'image/png', bytes: 9 } }) as Change;
    const base = clinic([[...program(), media(good), media(damaged)]]);
    let served = 0;
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      if (url.pathname.startsWith('/api/v1/media/')) {
        served += 1;
        expect((init?.headers as Record<string, string>).Authorization).toMatch(/^Bearer hpd_/);
        return new Response(bytes, { status: 200, headers: { 'Content-Type': 'image/png' } });
      }
      return scriptedFetch(base).fetch(input, init);
    }) as typeof fetch;
    const { backend } = await phone(fetchFn);
    await backend.pair(PAIR);
    // The upload, the damaged one, and the exercise's built-in picture.
    expect(served).toBe(3);
    const url = await backend.picture(good);
    expect(url).toMatch(/^blob:/);
    expect(await backend.picture(good)).toBe(url);
    await backend.syncNow();
    expect(served).toBe(3 + 1);
    expect(await rejection(backend.picture('nonsense'))).toMatchObject({ kind: 'invalid' });
    backend.close();
  });

  it('reads the pictures a screen asks for together in one transaction, each answered with its own', async () => {
    const pictures = ['a', 'b', 'c'].map((n) => `builtin:${n}`);
    const factory = new IDBFactory();
    const { backend } = await phone(scriptedFetch(clinic()).fetch, { indexedDB: factory });
    const db = await FamilyDb.open({ factory });
    for (const [i, media] of pictures.entries()) {
      await db.putMedia({ media, content_type: 'image/svg+xml', blob: new Blob([`<svg id="${i}"/>`]) });
    }
    db.close();
    const reads = vi.spyOn(FamilyDb.prototype, 'media');
    const urls = await Promise.all([...pictures, pictures[0]!].map((m) => backend.picture(m)));
    expect(reads).toHaveBeenCalledTimes(1);
    expect(reads.mock.calls[0]![0]).toEqual(pictures);
    const texts = await Promise.all(urls.map(async (u) => (await fetch(u)).text()));
    expect(texts).toEqual(['<svg id="0"/>', '<svg id="1"/>', '<svg id="2"/>', '<svg id="0"/>']);
    // Asked later: a transaction of its own, and a missing picture is refused on its own.
    expect(await rejection(backend.picture('builtin:none'))).toMatchObject({ kind: 'not_found' });
    expect(reads).toHaveBeenCalledTimes(2);
    reads.mockRestore();
    backend.close();
  });

  it('tells listeners the status after each sync', async () => {
    const { backend } = await phone(scriptedFetch(clinic()).fetch);
    const seen: string[] = [];
    const stop = await backend.onSyncState((s) => seen.push(s.sync.state));
    await backend.pair(PAIR);
    await backend.record(tickInput());
    await backend.syncNow();
    stop();
    await backend.syncNow();
    expect(seen).toEqual(['synced']);
    backend.close();
  });

  it('closes its connection when a newer app upgrades the database in another tab', async () => {
    const factory = new IDBFactory();
    const { backend } = await phone(scriptedFetch(clinic()).fetch, { indexedDB: factory });
    const upgraded = await new Promise<number>((resolve, reject) => {
      const req = factory.open(DB_NAME, 99);
      req.onblocked = () => reject(new Error('blocked by the old tab'));
      req.onsuccess = () => {
        resolve(req.result.version);
        req.result.close();
      };
    });
    expect(upgraded).toBe(99);
    expect(await rejection(backend.today())).toEqual({ kind: 'wrong_version', message: 'homeplay was updated in another tab: reload this page to go on.' });
    backend.close();
  });
});

describe('the background loop', () => {
  it('syncs at start, backs off while offline, wakes at once when the browser is back online', async () => {
    vi.useFakeTimers();
    const events = new EventTarget();
    let offline = true;
    const sync = vi.fn(async () => {
      if (offline) throw new ClientError('offline', 'cannot reach the clinic server');
    });
    const after = vi.fn();
    const loop = new SyncLoop({ sync, after, intervalMs: 60_000, random: () => 0, target: events as unknown as Window });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(sync).toHaveBeenCalledTimes(1);
    // First failure: 2 s × ½ (jitter 0), then 4 s × ½.
    await vi.advanceTimersByTimeAsync(999);
    expect(sync).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sync).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sync).toHaveBeenCalledTimes(3);
    offline = false;
    events.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sync).toHaveBeenCalledTimes(4);
    // Working again: the next sync comes after the interval.
    await vi.advanceTimersByTimeAsync(59_999);
    expect(sync).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(sync).toHaveBeenCalledTimes(5);
    expect(after).toHaveBeenCalledTimes(5);
    loop.stop();
    events.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sync).toHaveBeenCalledTimes(5);
    void CHILD;
  });

  it('while the browser knows it is offline, taps do not retry: its online event (or the interval) does', async () => {
    vi.useFakeTimers();
    const events = new EventTarget();
    let onLine = false;
    const sync = vi.fn(async () => {
      if (!onLine) throw new ClientError('offline', 'cannot reach the clinic server');
    });
    const loop = new SyncLoop({ sync, after: () => undefined, intervalMs: 60_000, random: () => 0, target: events as unknown as Window, online: () => onLine });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    // The first try finds out; the taps after it (a tick, an undo) and the short backoff do not try again.
    expect(sync).toHaveBeenCalledTimes(1);
    loop.nudge();
    loop.nudge();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sync).toHaveBeenCalledTimes(1);
    // The usual interval still tries, in case the browser is wrong about the network.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sync).toHaveBeenCalledTimes(2);
    onLine = true;
    events.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sync).toHaveBeenCalledTimes(3);
    // Back online, a tap syncs at once.
    loop.nudge();
    await vi.advanceTimersByTimeAsync(0);
    expect(sync).toHaveBeenCalledTimes(4);
    loop.stop();
    vi.useRealTimers();
  });

  it('runs one sync at a time: a nudge during a sync runs one more right after', async () => {
    let finish: () => void = () => undefined;
    let running = 0;
    let most = 0;
    const sync = vi.fn(
      () =>
        new Promise<void>((resolve) => {
          running += 1;
          most = Math.max(most, running);
          finish = () => {
            running -= 1;
            resolve();
          };
        }),
    );
    const loop = new SyncLoop({ sync, after: () => undefined, intervalMs: 60_000 });
    loop.start();
    loop.nudge();
    loop.nudge();
    expect(sync).toHaveBeenCalledTimes(1);
    finish();
    await vi.waitFor(() => expect(sync).toHaveBeenCalledTimes(2));
    finish();
    expect(most).toBe(1);
    loop.stop();
  });
});
