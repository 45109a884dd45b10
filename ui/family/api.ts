// The one seam between the family screens and whatever keeps the family's data: every operation a screen uses,
// typed with the generated bindings. The screens see only `FamilyBackend`, from `useBackend()`; which
// implementation stands behind it is chosen once, in main.ts.
//
// Today that is `tauriBackend` (tauri.ts), the desktop app's commands over the Tauri bridge. A second
// implementation (say a web app keeping the program and the logs in IndexedDB and syncing with `fetch`) drops in
// by writing one more module that exports a `FamilyBackend` and mounting `App` with it in its own entry point:
//
//     mount(App, { target, context: withBackend(webBackend) });
//
// No screen changes. What it must honour: failures reject with a `CommandError` (a `kind` the screens branch on,
// a `message` a parent can act on); `onSyncState` calls its listener with the whole status each time sync moves
// on (the screens read `status()` themselves on start, on focus and after their own actions); `picture` resolves
// to a URL an `<img>` can show. The bindings' `Commands` map is the desktop app's list; a second implementation
// needs no such map, only this interface.
import { getContext } from 'svelte';
import type {
  AppSettings,
  AppStatus,
  CaregiverView,
  CheckInFace,
  ChildGoalsView,
  EditInput,
  LogView,
  PairInput,
  ProgressView,
  RecordInput,
  ThreadView,
  TodayChildView,
  UnreadView,
  WeekProgramView,
} from './bindings';

/** Stops a subscription. */
export type Unsubscribe = () => void;

export interface FamilyBackend {
  status(): Promise<AppStatus>;
  pair(input: PairInput): Promise<AppStatus>;
  setCaregiver(name: string): Promise<AppStatus>;
  /** The family's caregivers this device knows (chosen here, or on the family's synced logs), each once. */
  caregivers(): Promise<CaregiverView[]>;
  today(): Promise<TodayChildView[]>;
  record(input: RecordInput): Promise<LogView>;
  undo(logId: string): Promise<LogView>;
  edit(input: EditInput): Promise<LogView>;
  /** Syncs now; a failure to reach the clinic is in the answered status, not a rejection. */
  syncNow(): Promise<AppStatus>;
  settings(): Promise<AppSettings>;
  saveSettings(settings: AppSettings): Promise<AppSettings>;
  progress(childId: string): Promise<ProgressView>;
  weekProgram(childId: string): Promise<WeekProgramView>;
  /** One child's activities on `date` (`YYYY-MM-DD`) with what was recorded: a day opened from the week. */
  day(childId: string, date: string): Promise<TodayChildView>;
  /** Each child's active goals in plain words, with the activities that serve each. */
  goals(): Promise<ChildGoalsView[]>;
  /** This week's answer about a goal; kept on the device until it syncs. Answers the goals again. */
  checkIn(goalId: string, face: CheckInFace): Promise<ChildGoalsView[]>;
  /** A child's thread with the clinic as it is on this device, oldest message first. */
  messages(childId: string): Promise<ThreadView>;
  /** A message to the clinic; kept on the device (shown as waiting) until it syncs. Answers the thread. */
  sendMessage(childId: string, text: string): Promise<ThreadView>;
  /** The family has read the child's thread as it is now. Answers the thread. */
  markMessagesRead(childId: string): Promise<ThreadView>;
  /** For each child, the clinic's messages nobody in the family has read. */
  unreadMessages(): Promise<UnreadView[]>;
  /** Refused with kind `unsent_logs` while logs wait to be sent, unless `discardUnsent`. */
  unpair(discardUnsent: boolean): Promise<AppStatus>;
  /** Once, after the main screen's first paint (the benchmark measures start-up with it). */
  appReady(): Promise<void>;
  /** A picture (or voice prompt, or video) as a URL for the page, by its media reference. */
  picture(mediaRef: string): Promise<string>;
  /** Calls `listener` with the status each time background sync reaches a new state; resolves once listening. */
  onSyncState(listener: (status: AppStatus) => void): Promise<Unsubscribe>;
  /**
   * What a pairing link brought (the web app: the clinic server is the page's own origin and the code came in the
   * link's `#fragment`, read once and cleared). The pairing screen fills its fields from it. The desktop app has
   * no such link and leaves this out.
   */
  pairingHint?(): PairingHint;
  /**
   * Whether the browser promised to keep this app's data (persistent storage) and how much it uses, for
   * settings. The desktop app keeps its data in a file and leaves this out.
   */
  storage?(): Promise<StorageInfo>;
  /**
   * A screen that must not be reloaded under the family (kid mode while its timer runs) holds the app until it
   * calls the answer; the web app's update prompt waits for it. The desktop app has no such prompt and leaves
   * this out.
   */
  hold?(): Unsubscribe;
}

/** The fields a pairing link fills in; `null` where it brought nothing. */
export interface PairingHint {
  server_url: string | null;
  code: string | null;
}

/** What the browser says about keeping the family's data. */
export interface StorageInfo {
  /** `navigator.storage.persisted()`: false means the browser may clear it when space runs low. */
  persisted: boolean;
  usage_bytes: number | null;
  quota_bytes: number | null;
}

const KEY = Symbol('family backend');

/** The context to mount the app with: every screen then reads this backend. */
export function withBackend(backend: FamilyBackend): Map<symbol, FamilyBackend> {
  return new Map([[KEY, backend]]);
}

/** The backend, for a screen's script (while the component is being created, like any Svelte context). */
export function useBackend(): FamilyBackend {
  const backend = getContext<FamilyBackend | undefined>(KEY);
  if (!backend) throw new Error('mount the family app with withBackend(…) as its context');
  return backend;
}
