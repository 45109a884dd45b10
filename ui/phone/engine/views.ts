// The web engine's answers to the family screens: pure functions from a `Snapshot` (the device's tables) to
// exactly what the desktop app's commands answer for the same data (homeplay-device + src-tauri/src/dto.rs),
// held to that by the vectors the Rust side writes (vectors/views.json, src-tauri/tests/view_vectors.rs).
// Nothing here reads the clock, IndexedDB, the network or the DOM: `now` comes in as an argument.
export { today, day, logView } from './views/today';
export { progress, weekProgram } from './views/week';
export { goals, checkInWeek } from './views/goals';
export { currentCheckIns } from '../../shared/core/checkin';
export { thread, unread, MAX_MESSAGE_CHARS } from './views/messages';
export {
  settings,
  caregivers,
  caregiver,
  status,
  syncView,
  prefs,
  pairing,
  clinicSettings,
  DEFAULT_PREFS,
  MOMENTS,
  type Prefs,
  type SyncAttempt,
} from './views/settings';
export { jsonSetting, momentTimes, program, type MomentTimes } from './views/read';
