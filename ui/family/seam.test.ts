import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppStatus } from './bindings';
import { tauriBackend } from './tauri';

const here = new URL('.', import.meta.url);

describe('the screens and the backend', () => {
  it('only main.ts chooses the Tauri backend, and only tauri.ts talks to Tauri', () => {
    const sources = readdirSync(here).filter((f) => /\.(ts|svelte)$/.test(f) && !f.endsWith('.test.ts'));
    expect(sources).toContain('App.svelte');
    for (const file of sources) {
      const text = readFileSync(new URL(file, here), 'utf8');
      if (file !== 'tauri.ts') expect(text, file).not.toMatch(/__TAURI|@tauri-apps\/api/);
      if (file !== 'main.ts') expect(text, file).not.toMatch(/from '\.\/tauri'/);
    }
  });
});

describe('tauriBackend', () => {
  const status: AppStatus = {
    paired: true,
    clinic_name: 'Riverside',
    server_url: 'http://127.0.0.1:8080',
    caregiver: 'Mum',
    sync: { state: 'synced', last_sync_ms: 1 },
    clinic: { pain_advice_at: 6 },
  };

  afterEach(() => vi.unstubAllGlobals());

  /** A stand-in for what Tauri injects into its window, recording what is sent across. */
  function bridge() {
    const sent: [string, unknown][] = [];
    const unregistered: [string, number][] = [];
    const callbacks = new Map<number, (message: unknown) => void>();
    vi.stubGlobal('window', {
      __TAURI_INTERNALS__: {
        invoke: async (cmd: string, args?: unknown) => {
          sent.push([cmd, args]);
          return cmd === 'plugin:event|listen' ? 7 : null;
        },
        transformCallback: (callback: (message: unknown) => void) => {
          callbacks.set(42, callback);
          return 42;
        },
      },
      __TAURI_EVENT_PLUGIN_INTERNALS__: { unregisterListener: (event: string, id: number) => unregistered.push([event, id]) },
    });
    return { sent, unregistered, callbacks };
  }

  it('listens to sync-state through @tauri-apps/api, and hands on the payload', async () => {
    const b = bridge();
    const seen: AppStatus[] = [];
    const stop = await tauriBackend.onSyncState((s) => seen.push(s));
    expect(b.sent).toEqual([['plugin:event|listen', { event: 'sync-state', target: { kind: 'Any' }, handler: 42 }]]);
    b.callbacks.get(42)?.({ event: 'sync-state', id: 7, payload: status });
    expect(seen).toEqual([status]);
    stop();
    expect(b.unregistered).toEqual([['sync-state', 7]]);
    expect(b.sent[1]).toEqual(['plugin:event|unlisten', { event: 'sync-state', eventId: 7 }]);
  });

  it('names arguments as the commands take them', async () => {
    const b = bridge();
    await tauriBackend.checkIn('goal-1', 'good');
    await tauriBackend.unpair(false);
    expect(b.sent).toEqual([
      ['check_in', { goalId: 'goal-1', face: 'good' }],
      ['unpair', { discardUnsent: false }],
    ]);
  });

  it('outside the app, fails with words rather than a TypeError', async () => {
    vi.stubGlobal('window', {});
    await expect(tauriBackend.status()).rejects.toMatchObject({ kind: 'internal' });
    await expect(tauriBackend.onSyncState(() => {})).rejects.toMatchObject({ kind: 'internal' });
  });
});
