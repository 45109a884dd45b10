// Generated from src-tauri/src/dto.rs by ts-rs: do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p homeplay-app --test bindings

export type AppStatus = { paired: boolean, clinic_name: string | null, server_url: string | null, caregiver: string | null, sync: SyncView, };

export type SyncView = { "state": "not_paired" } | { "state": "synced", last_sync_ms: number | null, } | { "state": "waiting", count: number, } | { "state": "offline", waiting: number, since_ms: number, } | { "state": "needs_attention", problem: string, waiting: number, 
/**
 * What the clinic refused, one line each.
 */
rejected: Array<string>, };

export type PairInput = { server_url: string, code: string, device_name: string, caregiver: string, };

export type TodayChildView = { child_id: string, name: string, 
/**
 * The child's local date, `YYYY-MM-DD`.
 */
date: string, groups: Array<TodayGroupView>, };

export type SlotView = { "kind": "moment", moment: string, } | { "kind": "at", time: string, } | { "kind": "anytime" };

export type TodayGroupView = { slot: SlotView, 
/**
 * The family's clock time for it, `HH:MM`.
 */
clock: string | null, items: Array<TodayItemView>, };

export type StepView = { 
/**
 * A media reference for the `media` command.
 */
picture: string, caption: string, 
/**
 * The therapist's recorded voice reading the step: a media reference for the `media` command.
 */
voice_prompt: string | null, 
/**
 * A short demonstration video: a media reference for the `media` command.
 */
video: string | null, };

export type DosageView = { reps: number | null, sets: number | null, hold_seconds: number | null, duration_seconds: number | null, };

export type SlotKey = { child_id: string, assignment_id: string, exercise_id: string, 
/**
 * `YYYY-MM-DD`
 */
date: string, slot: number, };

export type TodayItemView = { key: SlotKey, title: string, kid_title: string, steps: Array<StepView>, dosage: DosageView, note: string | null, routine_title: string | null, then_reward: string | null, log: LogView | null, };

export type OutcomeView = { "status": "done" } | { "status": "partly" } | { "status": "not_done", reason: ReasonView, };

export type ReasonView = "sick" | "refused" | "no_time" | "other";

export type DifficultyView = "easy" | "just_right" | "hard";

export type MoodView = "happy" | "okay" | "tired" | "frustrated" | "upset";

export type DetailsView = { actual_reps: number | null, actual_seconds: number | null, difficulty: DifficultyView | null, mood: MoodView | null, pain: boolean, note: string | null, };

export type LogView = { id: string, outcome: OutcomeView, details: DetailsView, 
/**
 * "Mum", or "Kid mode".
 */
recorded_by: string, by_kid: boolean, undone: boolean, };

export type RecordInput = { key: SlotKey, outcome: OutcomeView, details: DetailsView, 
/**
 * Recorded by kid mode rather than the caregiver.
 */
by_kid: boolean, };

export type EditInput = { log_id: string, outcome: OutcomeView, details: DetailsView, };

export type MediaView = { data_url: string, };

export type Language = "en" | "es";

export type MomentTimeView = { 
/**
 * `wake_up`, `breakfast`, `lunch`, `after_school`, `dinner`, `bath`, `bedtime`.
 */
moment: string, 
/**
 * `HH:MM`
 */
time: string, };

export type ReminderSettings = { enabled: boolean, 
/**
 * Every moment, in the order of the day.
 */
moments: Array<MomentTimeView>, 
/**
 * `HH:MM`; quiet hours may cross midnight.
 */
quiet_start: string, quiet_end: string, 
/**
 * One gentle repeat this long after a reminder if nothing was logged; 0 for none.
 */
repeat_after_minutes: number, };

export type AppSettings = { 
/**
 * Who uses this device now; `null` on save keeps the current one.
 */
caregiver: string | null, language: Language, 
/**
 * Kid mode's sounds.
 */
sound: boolean, reminders: ReminderSettings, };

export type DayStatusView = "done" | "partly" | "not_done" | "not_logged" | "nothing_scheduled" | "today" | "future";

export type DayView = { 
/**
 * `YYYY-MM-DD`
 */
date: string, status: DayStatusView, expected: number, done: number, partly: number, not_done: number, not_logged: number, };

export type FeedbackView = { 
/**
 * The day it is about, `YYYY-MM-DD`.
 */
date: string, 
/**
 * "Maya (OT)"
 */
from: string, comment: string | null, 
/**
 * `star`, `heart`, `trophy`, `rocket`, `rainbow`, `thumbs_up`, `high_five`, `super_hero`.
 */
sticker: string | null, };

export type ProgressView = { child_id: string, name: string, 
/**
 * Monday to Sunday of this week.
 */
days: Array<DayView>, 
/**
 * Done (partly counts half) out of what was due this week so far; `null` when nothing was due yet.
 */
week_rate: number | null, 
/**
 * Practice days in a row up to today.
 */
current_streak: number, best_streak: number, 
/**
 * Activities finished in kid mode.
 */
stickers: number, 
/**
 * Newest first.
 */
feedback: Array<FeedbackView>, };

export type ProgramTimeView = { slot: SlotView, 
/**
 * The family's clock time for it, `HH:MM`.
 */
clock: string | null, };

export type ProgramActivityView = { assignment_id: string, exercise_id: string, title: string, kid_title: string, 
/**
 * The first step's picture, a media reference for the `media` command.
 */
picture: string | null, dosage: DosageView, note: string | null, routine_title: string | null, 
/**
 * In the order of the day.
 */
times: Array<ProgramTimeView>, 
/**
 * Monday to Sunday, beside `WeekProgramView::dates`: on the program that day or not.
 */
days: Array<boolean>, };

export type WeekProgramView = { child_id: string, name: string, 
/**
 * Monday to Sunday, `YYYY-MM-DD`.
 */
dates: Array<string>, activities: Array<ProgramActivityView>, };

export type CheckInFaceView = "hard" | "so_so" | "good" | "great";

export type GoalExerciseView = { exercise_id: string, kid_title: string, 
/**
 * The first step's picture, a media reference for the `media` command.
 */
picture: string | null, };

export type GoalView = { goal_id: string, 
/**
 * In the therapist's plain words: "Puts on socks by himself".
 */
text: string, 
/**
 * `ot` or `pt`.
 */
discipline: "ot" | "pt", 
/**
 * `YYYY-MM-DD`
 */
target_date: string, 
/**
 * The family's answer to this week's question, if they gave one; the app asks while it is `null`.
 */
this_week: CheckInFaceView | null, exercises: Array<GoalExerciseView>, };

export type ChildGoalsView = { child_id: string, name: string, goals: Array<GoalView>, };

export type CommandError = { kind: ErrorKind, message: string, };

export type ErrorKind = "invalid" | "not_paired" | "already_paired" | "offline" | "code_wrong" | "code_expired" | "wrong_version" | "rate_limited" | "refused" | "not_found" | "unsent_logs" | "internal";
