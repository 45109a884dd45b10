// Shows the engine's due reminders as notifications while the app is open: through the service worker's
// registration (`showNotification`; Chrome on Android refuses `new Notification()`), every CHECK_EVERY_MS.
// Nothing is taken while the browser does not allow notifications, so nothing is marked sent unseen.
import { t } from '../family/i18n.svelte';
import { CHECK_EVERY_MS, reminderText } from './engine/reminders';
import type { WebBackend } from './engine/backend';

export function startReminders(backend: Pick<WebBackend, 'takeDueReminders'>): () => void {
  if (typeof Notification === 'undefined' || !('serviceWorker' in navigator)) return () => {};
  let busy = false;
  const check = async () => {
    if (busy || Notification.permission !== 'granted') return;
    busy = true;
    try {
      const due = await backend.takeDueReminders();
      if (due.length === 0) return;
      const registration = await navigator.serviceWorker.ready;
      for (const r of due) {
        const { title, body } = reminderText(r, t);
        await registration.showNotification(title, { body, tag: `${r.child_id}|${r.date}|${JSON.stringify(r.slot)}`, icon: 'icon-192.png' });
      }
    } catch (e) {
      console.warn('homeplay: a reminder could not be shown', e);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void check(), CHECK_EVERY_MS);
  void check();
  return () => clearInterval(timer);
}
