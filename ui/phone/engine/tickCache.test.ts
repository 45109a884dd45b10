import { describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { PAIR, clinic, phone, program, scriptedFetch, tickInput, type Change } from './testkit';
import { FamilyDb } from './db';

/** A clinic whose next pull serves whatever page is pushed onto `pages` later. */
function liveClinic() {
  const pages: Change[][] = [program()];
  return { pages, server: scriptedFetch(clinic(pages)) };
}

/** The program's assignment with one time of day left (the evening one was taken off). */
function oneSlotLeft(): Change[] {
  const assignment = program().find((c) => c.type === 'assignment')!;
  const data = { ...(assignment.data as { slots: unknown[] }) };
  data.slots = data.slots.slice(0, 1);
  return [{ ...assignment, data } as Change];
}

async function stored(factory: IDBFactory) {
  const db = await FamilyDb.open({ factory });
  const { snapshot } = await db.readSnapshot();
  db.close();
  return snapshot;
}

const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

describe('what a tick is checked against, kept in memory', () => {
  it('sees a program change pulled in this tab at the very next tick', async () => {
    const { pages, server } = liveClinic();
    const { backend, factory } = await phone(server.fetch);
    await backend.pair(PAIR);
    await backend.record(tickInput('2030-03-06', 1));

    pages.push(oneSlotLeft());
    await backend.syncNow();
    expect(await refusal(backend.record(tickInput('2030-03-07', 1)))).toMatchObject({ kind: 'not_found' });
    expect((await stored(factory)).logs).toHaveLength(1);
    backend.close();
  });

  it('sees a program change another tab pulled, and stores nothing of the refused tick', async () => {
    const { pages, server } = liveClinic();
    const factory = new IDBFactory();
    const { backend: first } = await phone(server.fetch, { indexedDB: factory });
    await first.pair(PAIR);
    const { backend: second } = await phone(server.fetch, { indexedDB: factory });
    // The first tab has read what ticks are checked against.
    await first.record(tickInput('2030-03-06', 1));

    pages.push(oneSlotLeft());
    await second.syncNow();
    expect(await refusal(first.record(tickInput('2030-03-07', 1)))).toMatchObject({ kind: 'not_found' });
    const snapshot = await stored(factory);
    expect(snapshot.logs).toHaveLength(1);
    // The second tab's sync sent the first tick; nothing of the refused one waits to be sent.
    expect(snapshot.outbox).toEqual([]);
    first.close();
    second.close();
  });

  it('stamps the caregiver another tab just chose, once, after rolling back its first try', async () => {
    const { server } = liveClinic();
    const factory = new IDBFactory();
    const { backend: first } = await phone(server.fetch, { indexedDB: factory });
    await first.pair(PAIR);
    const { backend: second } = await phone(server.fetch, { indexedDB: factory });
    await first.record(tickInput('2030-03-06', 0));

    await second.setCaregiver('Grandma');
    const log = await first.record(tickInput('2030-03-06', 1));
    expect(log.recorded_by).toBe('Grandma');
    const snapshot = await stored(factory);
    // Both phones' ids share the fixed clock's millisecond, so the stored order is not the order of the ticks.
    const bySlot = [...snapshot.logs].sort((a, b) => a.occurrence.slot - b.occurrence.slot);
    expect(bySlot.map((l) => l.recorded_by)).toEqual([
      { kind: 'caregiver', name: 'Mum' },
      { kind: 'caregiver', name: 'Grandma' },
    ]);
    expect(snapshot.outbox.map((o) => o.id).sort()).toEqual(snapshot.logs.map((l) => l.id).sort());
    first.close();
    second.close();
  });

  it('refuses a tick once another tab has unpaired the phone', async () => {
    const { server } = liveClinic();
    const factory = new IDBFactory();
    const { backend: first } = await phone(server.fetch, { indexedDB: factory });
    await first.pair(PAIR);
    const { backend: second } = await phone(server.fetch, { indexedDB: factory });
    await first.record(tickInput());
    await second.syncNow();

    await second.unpair(false);
    expect(await refusal(first.record(tickInput('2030-03-07')))).toMatchObject({ kind: 'not_paired' });
    expect((await stored(factory)).logs).toEqual([]);
    first.close();
    second.close();
  });

  it('is read once the first screen is up, so the first tick after a start waits on its own writes alone', async () => {
    const { server } = liveClinic();
    const { backend } = await phone(server.fetch);
    await backend.pair(PAIR);
    await backend.syncNow();
    const reads = vi.spyOn(FamilyDb.prototype, 'read');
    const checksRead = () => reads.mock.calls.filter(([stores]) => stores.includes('records')).length;
    try {
      await backend.appReady();
      expect(checksRead()).toBe(1);
      await backend.record(tickInput());
      expect(checksRead()).toBe(1);
    } finally {
      reads.mockRestore();
      backend.close();
    }
  });
});
