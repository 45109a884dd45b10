// The family app on phones: the same screens as the desktop app (../family/App.svelte), over the web engine
// (IndexedDB and the sync protocol over fetch) instead of Tauri's commands, plus the service worker that keeps it
// working offline and the prompt that takes a new version when nothing is unsaved.
import { mount } from 'svelte';
import { registerSW } from 'virtual:pwa-register';
import { withBackend } from '../family/api';
import App from '../family/App.svelte';
import '../family/family.css';
import { createWebBackend } from './engine/backend';
import { startReminders } from './reminderLoop';
import StartFailed from './StartFailed.svelte';
import { startFailure } from './startFailure';
import { UpdateGate } from './update';
import UpdatePrompt from './UpdatePrompt.svelte';

function element(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`no #${id} element`);
  return el;
}

async function start() {
  const target = element('app');
  let backend: Awaited<ReturnType<typeof createWebBackend>>;
  try {
    backend = await createWebBackend();
  } catch (e) {
    // The family's data could not be opened (a newer app's database, storage refused): say so, keep it as it is.
    console.error('homeplay could not open its data', e);
    mount(StartFailed, { target, props: { message: startFailure(e) } });
    registerWorker(() => false);
    return;
  }
  // A pairing link's code leaves the address at once, whether or not this phone is already paired.
  backend.pairingHint?.();
  mount(App, { target, context: withBackend(backend) });
  registerWorker(() => backend.hasUnsaved());
  startReminders(backend);
}

/** The service worker, and the prompt that shows when a new version of the app waits. */
function registerWorker(hasUnsaved: () => boolean) {
  if (!('serviceWorker' in navigator)) return;
  let activate: (reload?: boolean) => Promise<void> = async () => {};
  const gate = new UpdateGate({ hasUnsaved, activate: () => activate(true) });
  activate = registerSW({
    onNeedRefresh: () => gate.newVersion(),
    onRegisteredSW: (_url, registration) => {
      // Browsers look for a new version on navigation; an app left open all day looks when it comes back.
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') void registration?.update().catch(() => {});
      });
    },
  });
  mount(UpdatePrompt, { target: element('update'), props: { gate } });
}

void start();
