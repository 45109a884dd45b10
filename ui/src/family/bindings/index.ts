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
picture: string, caption: string, };

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

export type CommandError = { kind: ErrorKind, message: string, };

export type ErrorKind = "invalid" | "not_paired" | "already_paired" | "offline" | "code_wrong" | "code_expired" | "wrong_version" | "rate_limited" | "refused" | "not_found" | "unsent_logs" | "internal";
