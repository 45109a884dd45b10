// The desktop app's backend: the commands of src-tauri/src/commands.rs and its events, over the bridge Tauri
// injects into every window (`__TAURI_INTERNALS__`), so the screens need no extra package. This is the only
// module that knows the bridge exists; main.ts hands `tauriBackend` to the screens.
import type { FamilyBackend, Unsubscribe } from './api';
import type { CommandError, Commands, Events } from './bindings';

type Bridge = {
  invoke(cmd: string, args?: Record<string, unknown>): Promise<unknown>;
  /** Registers a function the Rust side can call by the number answered. */
  transformCallback(callback: (message: unknown) => void, once?: boolean): number;
};

declare global {
  interface Window {
    __TAURI_INTERNALS__?: Bridge;
    __TAURI_EVENT_PLUGIN_INTERNALS__?: { unregisterListener(event: string, eventId: number): void };
  }
}

function bridge(): Bridge {
  const b = window.__TAURI_INTERNALS__;
  if (!b) {
    const e: CommandError = { kind: 'internal', message: 'These screens run inside the homeplay app.' };
    throw e;
  }
  return b;
}

/** One command by its name in the generated map, so its arguments and answer are the Rust side's. */
export async function call<K extends keyof Commands>(cmd: K, args: Commands[K]['args']): Promise<Commands[K]['result']> {
  return (await bridge().invoke(cmd, args)) as Commands[K]['result'];
}

/**
 * Listens to one of the app's events, by its name in the generated map. This is what `listen` of @tauri-apps/api
 * 2 sends to Tauri's event plugin (`plugin:event|listen`, then `unlisten` and the plugin's own bookkeeping).
 */
export async function listen<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<Unsubscribe> {
  const b = bridge();
  const callback = b.transformCallback((message) => handler((message as { payload: Events[E] }).payload));
  const eventId = (await b.invoke('plugin:event|listen', { event, target: { kind: 'Any' }, handler: callback })) as number;
  return () => {
    window.__TAURI_EVENT_PLUGIN_INTERNALS__?.unregisterListener(event, eventId);
    void b.invoke('plugin:event|unlisten', { event, eventId }).catch(() => {});
  };
}

const pictures = new Map<string, Promise<string>>();

/** A picture's `data:` URL, fetched once per media reference. */
function picture(mediaRef: string): Promise<string> {
  let p = pictures.get(mediaRef);
  if (!p) {
    p = call('media', { mediaRef }).then((m) => m.data_url);
    p.catch(() => pictures.delete(mediaRef));
    pictures.set(mediaRef, p);
  }
  return p;
}

export const tauriBackend: FamilyBackend = {
  status: () => call('status', {}),
  pair: (input) => call('pair', { input }),
  setCaregiver: (name) => call('set_caregiver', { name }),
  today: () => call('today', {}),
  record: (input) => call('record', { input }),
  undo: (logId) => call('undo', { logId }),
  edit: (input) => call('edit', { input }),
  syncNow: () => call('sync_now', {}),
  settings: () => call('settings', {}),
  saveSettings: (settings) => call('save_settings', { settings }),
  progress: (childId) => call('progress', { childId }),
  weekProgram: (childId) => call('week_program', { childId }),
  goals: () => call('goals', {}),
  checkIn: (goalId, face) => call('check_in', { goalId, face }),
  unpair: (discardUnsent) => call('unpair', { discardUnsent }),
  appReady: async () => {
    await call('app_ready', {});
  },
  picture,
  onSyncState: (listener) => listen('sync-state', listener),
};
