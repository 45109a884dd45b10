//! Storage: one trait, one implementation per database (SQLite for a small practice, PostgreSQL for a network
//! of clinics), and one conformance suite that runs against both (`tests/store_conformance.rs`).
//!
//! Records whose shape belongs to `homeplay-core` are stored whole as JSON, with the columns queries filter on
//! beside them, so both databases hold the same data in the same way and the SQL stays portable.

mod accounts;
mod accounts_sql;
mod care;
mod care_sql;
mod postgres;
mod sql;
mod sqlite;

pub use accounts::{AccountState, AccountStore, TwoFactorPolicy};

/// A snake_case enum's name (`team_only`, `everyone`), as stored and sent.
pub fn care_name<T: serde::Serialize>(value: &T) -> String {
    care_sql::name_of(value).unwrap_or_default()
}
pub use care::{CareStore, ChildWithTeam, GoalVersionRecord};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use async_trait::async_trait;
use homeplay_core::assignment::Assignment;
use homeplay_core::clinic::{Clinic, Therapist};
use homeplay_core::exercise::Exercise;
use homeplay_core::family::{Caregiver, Child, Device, Family};
use homeplay_core::feedback::Feedback;
use homeplay_core::ids::{AssignmentId, ChildId, ClinicId, DeviceId, ExerciseId, FamilyId, RoutineId, TherapistId};
use homeplay_core::log::CompletionLog;
use homeplay_core::routine::Routine;
use homeplay_core::sync::Change;
use std::sync::Arc;

/// Milliseconds since the Unix epoch: every stored time.
pub type Millis = i64;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored record does not parse: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error("already exists: {0}")]
    Conflict(&'static str),
    #[error("not found: {0}")]
    NotFound(&'static str),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// Whether the database refused for load, not for the request: every connection busy, SQLite's write lock
    /// held past the busy timeout, or PostgreSQL giving up a transaction to a deadlock, a serialization
    /// conflict or a lock wait. The same request may succeed a moment later.
    pub fn is_overload(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::PoolTimedOut) => true,
            StoreError::Db(sqlx::Error::Database(e)) => {
                // SQLITE_BUSY and SQLITE_LOCKED with their extended codes; PostgreSQL's SQLSTATEs.
                matches!(
                    e.code().as_deref(),
                    Some("5" | "6" | "261" | "262" | "517" | "40001" | "40P01" | "55P03" | "53300")
                )
            }
            _ => false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TherapistRecord {
    pub therapist: Therapist,
    pub password_hash: String,
    pub account: AccountState,
}

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub therapist_id: TherapistId,
    pub csrf_token: String,
    pub created_ms: Millis,
    pub last_seen_ms: Millis,
}

#[derive(Debug, Clone)]
pub struct DeviceRecord {
    pub device: Device,
    pub clinic_id: ClinicId,
}

/// What a rate limiter made of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateAttempt {
    /// Counted, as this attempt (to uncount it should it succeed).
    Counted(i64),
    /// Too many already: not counted; the window has room again after this long.
    Refused { retry_after_ms: Millis },
}

/// What became of a pairing code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    Paired { family_id: FamilyId, clinic_id: ClinicId },
    Unknown,
    Expired,
    AlreadyUsed,
}

/// A record to put in a family's change feed.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub entity: &'static str,
    pub entity_id: String,
    /// The change as the device will receive it.
    pub change: Change,
}

impl FeedEntry {
    pub fn new(change: Change) -> Self {
        let (entity, entity_id) = change.key();
        Self { entity, entity_id, change }
    }
}

/// What can be taken out of a clinic's library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archivable {
    Exercise,
    Routine,
}

/// One page of a family's feed: `(seq, change as JSON)`.
#[derive(Debug, Clone)]
pub struct FeedItem {
    pub seq: i64,
    pub change_json: String,
}

/// What the store did with one pushed log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogWrite {
    /// New, or newer than what was stored: stored.
    Stored,
    /// The stored version is as new or newer: nothing to do.
    AlreadyCurrent,
    /// The stored version has another child, assignment, exercise or occurrence.
    ImmutableFieldChanged(&'static str),
}

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub clinic_id: ClinicId,
    pub at_ms: Millis,
    /// `therapist`, `device` or `system`.
    pub actor_kind: &'static str,
    pub actor_id: String,
    /// What was done: `read_child`, `update_assignment`, `push_logs` …
    pub action: String,
    pub child_id: Option<ChildId>,
    /// Ids and counts only: never notes or other content.
    pub detail: String,
    pub ip: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AuditRecord {
    pub id: i64,
    pub entry: AuditEntry,
}

#[derive(Debug, Clone)]
pub struct HistoryRecord {
    pub therapist_id: TherapistId,
    pub at_ms: Millis,
    pub action: String,
    pub assignment: Assignment,
}

#[derive(Debug, Clone)]
pub struct MediaRecord {
    pub content_type: String,
    pub data: Vec<u8>,
}

/// Everything the server stores. Every method that reads a clinic's data takes the clinic's id and filters
/// by it: tenancy is enforced in the query, not only in the handler.
#[async_trait]
pub trait Store: CareStore + AccountStore + Send + Sync + std::fmt::Debug + 'static {
    /// Which database this is: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    async fn ping(&self) -> StoreResult<()>;

    // Clinics and therapists.
    async fn insert_clinic(&self, clinic: &Clinic, now: Millis) -> StoreResult<()>;
    async fn clinic(&self, id: ClinicId) -> StoreResult<Option<Clinic>>;
    async fn insert_therapist(&self, therapist: &Therapist, password_hash: &str, now: Millis) -> StoreResult<()>;
    async fn therapist_by_email(&self, email: &str) -> StoreResult<Option<TherapistRecord>>;
    async fn therapist(&self, id: TherapistId) -> StoreResult<Option<TherapistRecord>>;
    async fn therapists_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Therapist>>;
    /// Sets a new password; it is the therapist's own, so no longer a temporary one.
    async fn set_password(&self, id: TherapistId, password_hash: &str) -> StoreResult<()>;

    // Sessions of the dashboard (only hashes of tokens are stored).
    async fn insert_session(&self, token_hash: &str, session: &SessionRecord) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    async fn touch_session(&self, token_hash: &str, now: Millis) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    async fn delete_sessions_of(&self, therapist: TherapistId) -> StoreResult<()>;

    /// Counts an attempt against `key` unless `max` attempts already fall in the sliding window of `window_ms`
    /// ending `now`; then it is not counted, and the answer says when the oldest of them leaves the window.
    /// Attempts older than the window are purged (of every key). Kept in the database so that several server
    /// instances share one limit. `key` should be a hash: it is stored as given.
    async fn rate_attempt(&self, key: &str, max: u32, window_ms: Millis, now: Millis) -> StoreResult<RateAttempt>;
    /// Uncounts one attempt (it succeeded, and only failures count).
    async fn rate_forget(&self, attempt: i64) -> StoreResult<()>;
    /// Uncounts every attempt of `key` (a success resets the count).
    async fn rate_reset(&self, key: &str) -> StoreResult<()>;

    // Families, children, caregivers.
    async fn insert_family(&self, family: &Family, now: Millis) -> StoreResult<()>;
    async fn family(&self, clinic: ClinicId, id: FamilyId) -> StoreResult<Option<Family>>;
    async fn put_child(&self, clinic: ClinicId, child: &Child, now: Millis) -> StoreResult<()>;
    async fn child(&self, clinic: ClinicId, id: ChildId) -> StoreResult<Option<Child>>;
    async fn children_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Child>>;
    async fn children_of_family(&self, family: FamilyId) -> StoreResult<Vec<Child>>;
    async fn put_caregiver(&self, caregiver: &Caregiver) -> StoreResult<()>;
    async fn caregivers_of_family(&self, family: FamilyId) -> StoreResult<Vec<Caregiver>>;

    // The clinic's own library (built-in exercises come from homeplay-core).
    async fn put_exercise(&self, clinic: ClinicId, exercise: &Exercise, now: Millis) -> StoreResult<()>;
    async fn exercise(&self, clinic: ClinicId, id: ExerciseId) -> StoreResult<Option<Exercise>>;
    async fn exercises_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Exercise>>;
    async fn put_routine(&self, clinic: ClinicId, routine: &Routine, now: Millis) -> StoreResult<()>;
    async fn routine(&self, clinic: ClinicId, id: RoutineId) -> StoreResult<Option<Routine>>;
    /// Takes a clinic exercise or routine out of the library (`entity` is `exercises` or `routines`). It stays
    /// readable by id, so programs that use it keep working. Returns whether it was in the library.
    async fn archive(&self, clinic: ClinicId, entity: Archivable, id: uuid::Uuid, now: Millis) -> StoreResult<bool>;
    async fn routines_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Routine>>;

    /// Saves an assignment with a history entry, and puts it and what it needs (`feed`) in the family's feed.
    /// Its `goal_ids` must be goals of the clinic (the caller checks they are the child's).
    #[allow(clippy::too_many_arguments)] // one atomic write of several related records
    async fn put_assignment(
        &self,
        clinic: ClinicId,
        family: FamilyId,
        assignment: &Assignment,
        by: TherapistId,
        action: &str,
        feed: &[FeedEntry],
        now: Millis,
    ) -> StoreResult<()>;
    async fn assignment(&self, clinic: ClinicId, id: AssignmentId) -> StoreResult<Option<Assignment>>;
    async fn assignments_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<Assignment>>;
    async fn assignments_of_family(&self, family: FamilyId) -> StoreResult<Vec<Assignment>>;
    async fn assignment_history(&self, clinic: ClinicId, id: AssignmentId) -> StoreResult<Vec<HistoryRecord>>;

    /// Adds records to a family's feed without changing anything else (a clinic exercise edited, media).
    async fn put_feed(&self, family: FamilyId, feed: &[FeedEntry]) -> StoreResult<()>;

    async fn put_feedback(
        &self,
        clinic: ClinicId,
        family: FamilyId,
        feedback: &Feedback,
        now: Millis,
    ) -> StoreResult<()>;
    async fn feedback_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<Feedback>>;

    // Devices and pairing (only hashes of codes and tokens are stored).
    async fn insert_pairing_code(
        &self,
        code_hash: &str,
        clinic: ClinicId,
        family: FamilyId,
        by: TherapistId,
        now: Millis,
        expires: Millis,
    ) -> StoreResult<()>;
    /// Uses the code, once, and registers the device, in one transaction.
    async fn redeem_pairing_code(
        &self,
        code_hash: &str,
        device_id: DeviceId,
        label: &str,
        token_hash: &str,
        now: Millis,
    ) -> StoreResult<Redeemed>;
    async fn device_by_token(&self, token_hash: &str) -> StoreResult<Option<DeviceRecord>>;
    async fn touch_device(&self, id: DeviceId, now: Millis) -> StoreResult<()>;
    async fn devices_of_family(&self, clinic: ClinicId, family: FamilyId) -> StoreResult<Vec<Device>>;
    /// Returns whether a device of this clinic was revoked now.
    async fn revoke_device(&self, clinic: ClinicId, id: DeviceId, now: Millis) -> StoreResult<bool>;

    // Sync.
    /// Merges pushed logs into the family's, in one transaction (the caller has checked tenancy and
    /// validity). The result is in the order of `logs`.
    async fn push_logs(
        &self,
        family: FamilyId,
        clinic: ClinicId,
        logs: &[CompletionLog],
        now: Millis,
    ) -> StoreResult<Vec<LogWrite>>;
    /// The family's feed after `after_seq`, oldest first.
    async fn pull(&self, family: FamilyId, after_seq: i64, limit: u32) -> StoreResult<Vec<FeedItem>>;
    /// A device's pull in one round trip: the device with this token (`None` if there is none), and its
    /// family's feed after `after_seq`, oldest first. A revoked device gets its record and no feed.
    async fn pull_by_token(
        &self,
        token_hash: &str,
        after_seq: i64,
        limit: u32,
    ) -> StoreResult<Option<(DeviceRecord, Vec<FeedItem>)>>;
    async fn logs_of_child(
        &self,
        clinic: ClinicId,
        child: ChildId,
        from: &str,
        to: &str,
    ) -> StoreResult<Vec<CompletionLog>>;
    /// The child's data days from `from` to `to` (inclusive, local dates), oldest first: the dates with at
    /// least one log that counts (not undone). Read from a per-day rollup kept by `push_logs`, so it costs one
    /// small row per day, however many logs a day holds.
    async fn data_days_of_child(
        &self,
        clinic: ClinicId,
        child: ChildId,
        from: &str,
        to: &str,
    ) -> StoreResult<Vec<chrono::NaiveDate>>;
    /// Whether the family's feed lists this media (so its devices may fetch it).
    async fn family_has_media(&self, family: FamilyId, media: &str) -> StoreResult<bool>;

    // Media.
    async fn put_media(
        &self,
        clinic: ClinicId,
        sha256: &str,
        content_type: &str,
        data: &[u8],
        now: Millis,
    ) -> StoreResult<()>;
    async fn media(&self, clinic: ClinicId, sha256: &str) -> StoreResult<Option<MediaRecord>>;
    /// A stored file's content type and size, without reading the file.
    async fn media_info(&self, clinic: ClinicId, sha256: &str) -> StoreResult<Option<(String, u64)>>;

    // Audit.
    async fn audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        self.audit_many(std::slice::from_ref(entry)).await
    }
    /// Several entries in one statement (a pull or push that touched several children).
    async fn audit_many(&self, entries: &[AuditEntry]) -> StoreResult<()>;
    async fn audit_of_clinic(
        &self,
        clinic: ClinicId,
        before_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditRecord>>;
}

pub type DynStore = Arc<dyn Store>;

/// Opens the database a URL names (`sqlite://path` or `postgres://…`), creating and migrating it as needed.
pub async fn open(url: &str) -> StoreResult<DynStore> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::open(url).await?))
    } else {
        Ok(Arc::new(SqliteStore::open(url).await?))
    }
}
