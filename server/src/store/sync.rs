//! Sync with the family's devices: the family's change feed they pull, the logs they push, and what is read
//! back from those logs.

use super::{DeviceRecord, Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::assignment::Assignment;
use homeplay_core::clinic::FamilyClinicSettings;
use homeplay_core::family::Child;
use homeplay_core::ids::{ChildId, ClinicId, FamilyId};
use homeplay_core::log::CompletionLog;
use homeplay_core::sync::Change;

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

/// One page of a family's feed: `(seq, change as JSON)`.
#[derive(Debug, Clone)]
pub struct FeedItem {
    pub seq: i64,
    pub change_json: String,
}

/// What a device's pull reads, in one round trip.
#[derive(Debug, Clone)]
pub struct DevicePull {
    /// The device with the token (revoked or not).
    pub device: DeviceRecord,
    /// Its clinic's settings for families.
    pub clinic: FamilyClinicSettings,
    /// A page of its family's feed after the cursor, oldest first; empty for a revoked device.
    pub items: Vec<FeedItem>,
    /// The family's children, as `children_of_family` orders them (the pull audits a read of each); none for
    /// a revoked device.
    pub children: Vec<Child>,
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

#[async_trait]
pub trait SyncStore: Send + Sync {
    /// Adds records to a family's feed without changing anything else (a clinic exercise edited, media).
    async fn put_feed(&self, family: FamilyId, feed: &[FeedEntry]) -> StoreResult<()>;
    /// Merges pushed logs into the family's, in one transaction (the caller has checked tenancy and
    /// validity). The result is in the order of `logs`.
    async fn push_logs(
        &self,
        family: FamilyId,
        clinic: ClinicId,
        logs: &[CompletionLog],
        now: Millis,
    ) -> StoreResult<Vec<LogWrite>>;
    /// What a push checks its logs against, in one round trip: the family's children (as `children_of_family`
    /// orders them) and their assignments (as `assignments_of_family` does).
    async fn family_for_push(&self, family: FamilyId) -> StoreResult<(Vec<Child>, Vec<Assignment>)>;
    /// The family's feed after `after_seq`, oldest first.
    async fn pull(&self, family: FamilyId, after_seq: i64, limit: u32) -> StoreResult<Vec<FeedItem>>;
    /// A device's pull in one round trip: the device with this token (`None` if there is none), its clinic's
    /// settings for families, its family's feed after `after_seq`, oldest first, and the family's children. A
    /// revoked device gets its record and nothing else.
    async fn pull_by_token(&self, token_hash: &str, after_seq: i64, limit: u32) -> StoreResult<Option<DevicePull>>;
    async fn logs_of_child(
        &self,
        clinic: ClinicId,
        child: ChildId,
        from: &str,
        to: &str,
    ) -> StoreResult<Vec<CompletionLog>>;
    /// The logs of every child of the clinic from `from` to `to` (inclusive, local dates), in no particular
    /// order: the overview's one read for a whole clinic. Reached through the clinic's children, so each child
    /// is an index range of its own, whatever the length of the history.
    async fn logs_of_clinic(&self, clinic: ClinicId, from: &str, to: &str) -> StoreResult<Vec<CompletionLog>>;
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
}
