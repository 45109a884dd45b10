import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { FamilyDb } from './db';
import { PAIR, clinic, phone, scriptedFetch, tickInput } from './testkit';

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** A phone paired on an earlier visit, and how many requests that visit made. */
async function pairedEarlier() {
  const server = scriptedFetch(clinic());
  const factory = new IDBFactory();
  const { backend } = await phone(server.fetch, { indexedDB: factory });
  await backend.pair(PAIR);
  backend.close();
  return { server, factory, before: server.sent.length };
}

describe('the first sync', () => {
  it('waits for the first screen to have painted', async () => {
    const { server, factory, before } = await pairedEarlier();

    const { backend } = await phone(server.fetch, { indexedDB: factory, syncIntervalMs: 60_000, random: () => 0 });
    await backend.today();
    expect(server.sent.length).toBe(before);
    await backend.appReady();
    await vi.waitFor(() => expect(server.sent.slice(before).some((s) => s.path.endsWith('/pull'))).toBe(true));
    backend.close();
  });

  it('starts after a few seconds even if the screen never says it painted', async () => {
    const { server, factory, before } = await pairedEarlier();

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { backend } = await phone(server.fetch, { indexedDB: factory, syncIntervalMs: 60_000, random: () => 0 });
    await vi.advanceTimersByTimeAsync(2_900);
    expect(server.sent.length).toBe(before);
    await vi.advanceTimersByTimeAsync(100);
    vi.useRealTimers();
    await vi.waitFor(() => expect(server.sent.slice(before).some((s) => s.path.endsWith('/pull'))).toBe(true));
    backend.close();
  });
});

describe('the first screen', () => {
  it('is read from the snapshot the app opened with, and later views share a read under way', async () => {
    const { server, factory } = await pairedEarlier();
    const reads = vi.spyOn(FamilyDb.prototype, 'readSnapshot');
    const { backend } = await phone(server.fetch, { indexedDB: factory });
    // Opening the app read it once (for the clock).
    expect(reads).toHaveBeenCalledTimes(1);
    const [status, , , today] = await Promise.all([backend.status(), backend.settings(), backend.caregivers(), backend.today()]);
    expect(status.paired).toBe(true);
    expect(today.length).toBeGreaterThan(0);
    expect(reads).toHaveBeenCalledTimes(1);

    // Asked together later: one read between them.
    await Promise.all([backend.status(), backend.today()]);
    expect(reads).toHaveBeenCalledTimes(2);
    backend.close();
  });

  it('is read afresh when asked for later than the start, after another tab wrote', async () => {
    const { server, factory } = await pairedEarlier();
    const { backend: first } = await phone(server.fetch, { indexedDB: factory });
    const { backend: second } = await phone(server.fetch, { indexedDB: factory });
    await second.record(tickInput());
    await new Promise((resolve) => setTimeout(resolve, 0));
    const [child] = await first.today();
    expect(child!.groups.flatMap((g) => g.items).filter((i) => i.log)).toHaveLength(1);
    first.close();
    second.close();
  });

  it('is read afresh once this tab has written anything since it opened', async () => {
    const { server, factory } = await pairedEarlier();
    const { backend } = await phone(server.fetch, { indexedDB: factory });
    await backend.record(tickInput());
    const [child] = await backend.today();
    expect(child!.groups.flatMap((g) => g.items).filter((i) => i.log)).toHaveLength(1);
    backend.close();
  });
});
