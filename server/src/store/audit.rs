//! The clinic's audit trail: who read or changed what, when (ids and counts, never content).

use super::{Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::{ChildId, ClinicId};

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

#[async_trait]
pub trait AuditStore: Send + Sync {
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
