// The web engine against the real clinic server (HOMEPLAY_SERVER_BIN) over node's fetch, with fake-indexeddb in
// place of the browser's: pairing, ticks, an undo, a not-done with its reason, sync, and what the therapist then
// sees. A second phone and the desktop engine (target/debug/family_device) log the same practice: the clinic
// counts it once. Run with `npm run test:engine` (after `cargo build -p homeplay-server` and
// `cargo build -p homeplay-tests --bin family_device`).
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components } from '../../dashboard/lib/api/schema';
import { createWebBackend, type WebBackend } from './backend';
import { api, backupServer, base, childWithProgram, desktop, pairingCode, restoreServer, startServer, stopServer, work } from './serverkit';

type Schemas = components['schemas'];

/** How each push travelled: the server must take gzipped bodies as the protocol allows. */
const pushEncodings: (string | null)[] = [];
const watching: typeof fetch = (input, init) => {
  if (String(input).endsWith('/sync/push')) pushEncodings.push(new Headers(init?.headers).get('Content-Encoding'));
  return globalThis.fetch(input, init);
};

async function webPhone(name: string): Promise<WebBackend> {
  return createWebBackend({ fetch: watching, indexedDB: new IDBFactory(), dbName: name, syncIntervalMs: 0, location: null, history: null, storage: null, events: null });
}

beforeAll(startServer, 60_000);
afterAll(stopServer);

describe('the web engine with the real clinic server', () => {
  it('pulls the built-in activities in the family’s language, and all again when the family chooses another', async () => {
    const { childId } = await childWithProgram('Zoe');
    const phone = await webPhone('zoe');
    await phone.pair({ server_url: base, code: await pairingCode(childId), device_name: 'Zoe’s phone', caregiver: 'Mum' });
    const shown = async () => {
      const items = (await phone.today()).find((c) => c.child_id === childId)!.groups.flatMap((g) => g.items);
      return { kid: items[0]!.kid_title, steps: items[0]!.steps.map((s) => s.caption) };
    };
    const library = await api<Schemas['Exercise'][]>('GET', '/library/exercises');
    const assignments = await api<Schemas['Assignment'][]>('GET', `/children/${childId}/assignments`);
    const target = assignments[0]!.target;
    const english = library.find((e) => target.kind === 'exercise' && e.id === target.exercise_id)!;
    expect(english.origin.kind).toBe('builtin');
    expect(await shown()).toEqual({ kid: english.kid_title, steps: english.steps.map((s) => s.caption) });

    for (const language of ['es', 'vi'] as const) {
      await phone.saveSettings({ ...(await phone.settings()), language });
      expect((await phone.syncNow()).sync).toMatchObject({ state: 'synced' });
      const theirs = (await api<Schemas['Exercise'][]>('GET', `/library/exercises?language=${language}`)).find((e) => e.id === english.id)!;
      expect(theirs.kid_title).not.toBe(english.kid_title);
      expect(await shown()).toEqual({ kid: theirs.kid_title, steps: theirs.steps.map((s) => s.caption) });
    }
    // The clinic sees whom it writes for.
    const devices = await api<Schemas['Device'][]>('GET', `/children/${childId}/devices`);
    expect(devices.map((d) => d.language)).toEqual(['vi']);
  });

  it('pairs, records, undoes and syncs; the clinic has each log once and counts a practice logged on three devices once', async () => {
    const { childId, today } = await childWithProgram('Ada');

    // The desktop app ticks the first practice of the day before the phones know of it.
    const deskDir = join(work, 'desktop');
    desktop(deskDir, 'pair', base, await pairingCode(childId), 'Kitchen laptop', 'Grandma');
    const deskLog = desktop(deskDir, 'tick', childId, 'done') as { id: string; occurrence: { slot: number } };
    expect(deskLog.occurrence.slot).toBe(0);
    expect(desktop(deskDir, 'sync')).toMatchObject({ report: { pushed: 1 } });

    const mum = await webPhone('mum');
    const paired = await mum.pair({ server_url: base, code: await pairingCode(childId), device_name: 'Mum’s phone', caregiver: 'Mum' });
    expect(paired).toMatchObject({ paired: true, caregiver: 'Mum', sync: { state: 'synced' } });
    const [child] = (await mum.today()).filter((c) => c.child_id === childId);
    const items = child!.groups.flatMap((g) => g.items);
    expect(items.map((i) => i.key.slot)).toEqual([0, 1, 2]);
    expect(items[0]!.log?.recorded_by).toBe('Grandma');
    const details = { actual_reps: null, actual_seconds: null, difficulty: null, mood: null, pain: false, pain_score: null, note: null };
    const first = await mum.record({ key: items[0]!.key, outcome: { status: 'done' }, details, by_kid: false });
    const second = await mum.record({ key: items[1]!.key, outcome: { status: 'done' }, details: { ...details, note: 'loved it' }, by_kid: false });
    await mum.undo(second.id);
    const third = await mum.record({ key: items[2]!.key, outcome: { status: 'not_done', reason: 'sick' }, details, by_kid: false });
    expect((await mum.status()).sync).toEqual({ state: 'waiting', count: 3 });
    expect((await mum.syncNow()).sync).toMatchObject({ state: 'synced' });
    expect(pushEncodings).toEqual(['gzip']);

    const dad = await webPhone('dad');
    await dad.pair({ server_url: base, code: await pairingCode(childId), device_name: 'Dad’s phone', caregiver: 'Dad' });
    const dadItems = (await dad.today()).find((c) => c.child_id === childId)!.groups.flatMap((g) => g.items);
    const dadLog = await dad.record({ key: dadItems[0]!.key, outcome: { status: 'partly' }, details, by_kid: false });
    expect((await dad.syncNow()).sync).toMatchObject({ state: 'synced' });

    const adherence = await api<Schemas['ChildAdherence']>('GET', `/children/${childId}/adherence?from=${today}&to=${today}`);
    const ids = adherence.timeline.map((e) => e.log_id);
    expect(ids.sort()).toEqual([deskLog.id, first.id, second.id, third.id, dadLog.id].sort());
    const entry = (id: string) => adherence.timeline.find((e) => e.log_id === id)!;
    expect(entry(second.id)).toMatchObject({ undone: true, note: 'loved it', recorded_by: { kind: 'caregiver', name: 'Mum' } });
    expect(entry(third.id)).toMatchObject({ undone: false, outcome: { status: 'not_done', reason: 'sick' } });
    expect(entry(dadLog.id)).toMatchObject({ outcome: { status: 'partly' }, recorded_by: { kind: 'caregiver', name: 'Dad' } });
    // Three devices logged the wake-up practice: it counts once, with the best outcome; the undone one counts
    // for nothing; the not-done one is not done.
    const day = adherence.days.find((d) => d.date === today)!;
    expect(day.tally).toMatchObject({ expected: 3, done: 1, partly: 0, not_done: 1 });
    expect(day.reasons).toEqual(['sick']);

    // Every phone ends with every version: Mum's phone sees Dad's log after a sync.
    await mum.syncNow();
    const mumItems = (await mum.today()).find((c) => c.child_id === childId)!.groups.flatMap((g) => g.items);
    expect(mumItems[1]!.log?.undone ?? true).toBe(true);
    mum.close();
    dad.close();
  }, 120_000);

  // Last in the file: it replaces the clinic's server with one restored from a backup.
  it('after the clinic restores a backup, the phone sends again what the lost server had, and nothing twice', async () => {
    const { childId, today } = await childWithProgram('Bea');
    const gran = await webPhone('gran');
    await gran.pair({ server_url: base, code: await pairingCode(childId), device_name: 'Gran’s phone', caregiver: 'Gran' });
    const items = (await gran.today()).find((c) => c.child_id === childId)!.groups.flatMap((g) => g.items);
    const details = { actual_reps: null, actual_seconds: null, difficulty: null, mood: null, pain: false, pain_score: null, note: null };
    const before = await gran.record({ key: items[0]!.key, outcome: { status: 'done' }, details, by_kid: false });
    await gran.sendMessage(childId, 'Morning one done');
    expect((await gran.syncNow()).sync).toMatchObject({ state: 'synced' });

    const file = backupServer();
    // Acknowledged by the server that is about to be lost: no longer in the phone's outbox.
    const after = await gran.record({ key: items[1]!.key, outcome: { status: 'partly' }, details, by_kid: false });
    await gran.sendMessage(childId, 'Dinner one half done');
    expect((await gran.syncNow()).sync).toMatchObject({ state: 'synced' });

    await restoreServer(file);
    const logsOnServer = async () =>
      (await api<Schemas['ChildAdherence']>('GET', `/children/${childId}/adherence?from=${today}&to=${today}`)).timeline.map((e) => e.log_id).sort();
    const messagesOnServer = async () => (await api<{ messages: { text?: string }[] }>('GET', `/children/${childId}/messages`)).messages.map((m) => m.text);
    expect(await logsOnServer()).toEqual([before.id]);
    expect(await messagesOnServer()).toEqual(['Morning one done']);

    expect((await gran.syncNow()).sync).toMatchObject({ state: 'synced' });
    expect(await logsOnServer()).toEqual([before.id, after.id].sort());
    expect(await messagesOnServer()).toEqual(['Morning one done', 'Dinner one half done']);
    // The phone keeps working against the restored server.
    const later = await gran.record({ key: items[2]!.key, outcome: { status: 'done' }, details, by_kid: false });
    expect((await gran.syncNow()).sync).toMatchObject({ state: 'synced' });
    expect(await logsOnServer()).toEqual([before.id, after.id, later.id].sort());
    gran.close();
  }, 120_000);
});
