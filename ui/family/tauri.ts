// The desktop app's backend: the commands of src-tauri/src/commands.rs and its events, through @tauri-apps/api
// (the version of the tauri crate). This is the only module that talks to Tauri; main.ts hands `tauriBackend`
// to the screens.
import { invoke } from '@tauri-apps/api/core';
import { listen as tauriListen } from '@tauri-apps/api/event';
import type { FamilyBackend, Unsubscribe } from './api';
import type { CommandError, Commands, Events } from './bindings';

/** Outside the app (a plain browser) there is no Tauri to talk to: say so in words, not a TypeError. */
function insideTheApp(): void {
  if (typeof window === 'undefined' || !('__TAURI_INTERNALS__' in window)) {
    const e: CommandError = { kind: 'internal', message: 'These screens run inside the homeplay app.' };
    throw e;
  }
}

/** One command by its name in the generated map, so its arguments and answer are the Rust side's. */
export async function call<K extends keyof Commands>(cmd: K, args: Commands[K]['args']): Promise<Commands[K]['result']> {
  insideTheApp();
  return invoke<Commands[K]['result']>(cmd, args);
}

/** Listens to one of the app's events, by its name in the generated map, and hands on its payload. */
export async function listen<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<Unsubscribe> {
  insideTheApp();
  const stop = await tauriListen<Events[E]>(event, (e) => handler(e.payload));
  // Typed `() => void`, but it answers the plugin's promise: a failed unlisten must not surface as unhandled.
  return () => void Promise.resolve(stop()).catch(() => {});
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
  caregivers: () => call('caregivers', {}),
  today: () => call('today', {}),
  record: (input) => call('record', { input }),
  undo: (logId) => call('undo', { logId }),
  edit: (input) => call('edit', { input }),
  syncNow: () => call('sync_now', {}),
  settings: () => call('settings', {}),
  saveSettings: (settings) => call('save_settings', { settings }),
  progress: (childId) => call('progress', { childId }),
  weekProgram: (childId) => call('week_program', { childId }),
  day: (childId, date) => call('day', { childId, date }),
  goals: () => call('goals', {}),
  checkIn: (goalId, face) => call('check_in', { goalId, face }),
  messages: (childId) => call('messages', { childId }),
  sendMessage: (childId, text) => call('send_message', { childId, text }),
  markMessagesRead: (childId) => call('mark_messages_read', { childId }),
  unreadMessages: () => call('unread_messages', {}),
  unpair: (discardUnsent) => call('unpair', { discardUnsent }),
  appReady: async () => {
    await call('app_ready', {});
  },
  picture,
  onSyncState: (listener) => listen('sync-state', listener),
};
