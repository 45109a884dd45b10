// The Tauri commands of src-tauri/src/lib.rs, typed with the generated bindings. Calls go through the bridge
// Tauri injects into every window (`__TAURI_INTERNALS__`), so the family screens need no extra package.
import type {
  AppSettings,
  AppStatus,
  CheckInFaceView,
  ChildGoalsView,
  CommandError,
  EditInput,
  LogView,
  MediaView,
  PairInput,
  ProgressView,
  RecordInput,
  TodayChildView,
  WeekProgramView,
} from './bindings';

type Invoke = <T>(cmd: string, args?: Record<string, unknown>) => Promise<T>;

declare global {
  interface Window {
    __TAURI_INTERNALS__?: { invoke: Invoke };
  }
}

function invoke<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  const bridge = window.__TAURI_INTERNALS__;
  if (!bridge) {
    const e: CommandError = { kind: 'internal', message: 'These screens run inside the homeplay app.' };
    return Promise.reject(e);
  }
  return bridge.invoke<T>(cmd, args);
}

// Argument names are camelCase here; Tauri maps them to the Rust parameters' snake_case.
export const status = () => invoke<AppStatus>('status');
export const pair = (input: PairInput) => invoke<AppStatus>('pair', { input });
export const setCaregiver = (name: string) => invoke<AppStatus>('set_caregiver', { name });
export const today = () => invoke<TodayChildView[]>('today');
export const record = (input: RecordInput) => invoke<LogView>('record', { input });
export const undo = (logId: string) => invoke<LogView>('undo', { logId });
export const edit = (input: EditInput) => invoke<LogView>('edit', { input });
export const syncNow = () => invoke<AppStatus>('sync_now');
export const media = (mediaRef: string) => invoke<MediaView>('media', { mediaRef });
export const settings = () => invoke<AppSettings>('settings');
export const saveSettings = (settings: AppSettings) => invoke<AppSettings>('save_settings', { settings });
export const progress = (childId: string) => invoke<ProgressView>('progress', { childId });
export const weekProgram = (childId: string) => invoke<WeekProgramView>('week_program', { childId });
/** Each child's active goals in plain words, with the activities that serve each. */
export const goals = () => invoke<ChildGoalsView[]>('goals');
/** This week's answer about a goal; kept on the device until it syncs. Answers the goals again. */
export const checkIn = (goalId: string, face: CheckInFaceView) =>
  invoke<ChildGoalsView[]>('check_in', { goalId, face });
/** Refused with kind `unsent_logs` while logs wait to be sent, unless `discardUnsent`. */
export const unpair = (discardUnsent: boolean) => invoke<AppStatus>('unpair', { discardUnsent });
/** Once, after the main screen's first paint (the benchmark measures start-up with it). */
export const appReady = () => invoke<null>('app_ready');

const pictures = new Map<string, Promise<string>>();

/** A picture's `data:` URL, fetched once per media reference. */
export function picture(mediaRef: string): Promise<string> {
  let p = pictures.get(mediaRef);
  if (!p) {
    p = media(mediaRef).then((m) => m.data_url);
    p.catch(() => pictures.delete(mediaRef));
    pictures.set(mediaRef, p);
  }
  return p;
}
