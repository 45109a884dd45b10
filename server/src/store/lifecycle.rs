//! A child's lifecycle in the store: discharge (the record becomes read-only), re-admission, the family's
//! devices closed once its program has ended, and erasure after the clinic's retention period. Its SQL is in
//! `sql/lifecycle.rs`.

use super::{Millis, StoreResult};
use async_trait::async_trait;
use chrono::NaiveDate;
use homeplay_core::family::Child;
use homeplay_core::ids::{ChildId, ClinicId, DeviceId, FamilyId, TherapistId};

/// Who discharged a child, when and why: kept on the server, not sent to the family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discharge {
    pub on: NaiveDate,
    pub by: TherapistId,
    pub at_ms: Millis,
    pub reason: Option<String>,
}

/// The reason stored on a device closed because its family's program ended.
pub const DISCHARGED: &str = "discharged";

/// What an erasure removed: ids and counts only, for the audit tombstone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    pub child_id: ChildId,
    pub family_id: FamilyId,
    /// Whether the family went too (it had no other child).
    pub family_removed: bool,
    /// Rows removed, per table, in the order they were removed; tables with none are left out.
    pub rows: Vec<(&'static str, u64)>,
}

impl Erased {
    /// The tombstone's words: `family <id> (removed); logs 12, assignments 3, …`.
    pub fn summary(&self) -> String {
        let rows: Vec<String> = self.rows.iter().map(|(t, n)| format!("{t} {n}")).collect();
        let family = if self.family_removed { " (removed)" } else { "" };
        format!("family {}{family}; {}", self.family_id, rows.join(", "))
    }
}

#[async_trait]
pub trait LifecycleStore: Send + Sync {
    /// Writes the child (its `discharged_on` set) with who discharged it and why, and sends the change to the
    /// family's feed, in one transaction. `NotFound` unless the child is this clinic's.
    async fn discharge_child(
        &self,
        clinic: ClinicId,
        child: &Child,
        by: TherapistId,
        reason: Option<&str>,
        now: Millis,
    ) -> StoreResult<()>;
    /// Writes the child (its `discharged_on` cleared), forgets who discharged it, and sends the change to the
    /// family's feed, in one transaction.
    async fn readmit_child(&self, clinic: ClinicId, child: &Child, now: Millis) -> StoreResult<()>;
    /// The child's discharge, if it is discharged.
    async fn discharge_of(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Option<Discharge>>;
    /// Revokes the device because its family's program ended (it is then told so). `false` if it was
    /// revoked already or is not this clinic's.
    async fn close_device(&self, clinic: ClinicId, device: DeviceId, now: Millis) -> StoreResult<bool>;
    /// Why a revoked device was revoked ([`DISCHARGED`], or `None` by a therapist's hand or not revoked).
    async fn revoked_reason(&self, device: DeviceId) -> StoreResult<Option<String>>;
    /// Removes every row about the child from every table, in one transaction: its program, logs, goals,
    /// reviews, check-ins, feedback, own routines, care team and feed entries; and, when the family has no
    /// other child, the family with its caregivers, devices and pairing codes. A family that keeps other
    /// children gets a `Removed` change for the child in its feed, so its devices forget it. The audit log is
    /// left alone (the caller writes the tombstone). `NotFound` unless the child is this clinic's.
    async fn erase_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Erased>;
}
