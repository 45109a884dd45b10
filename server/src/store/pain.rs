//! Pain reports and the therapist's mark that they were seen: the pain flag stays until that mark.

use super::{Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::{ChildId, ClinicId, TherapistId};
use homeplay_core::pain::PainReport;

#[async_trait]
pub trait PainStore: Send + Sync {
    /// The child's pain reports received after the last mark (all of them if none), oldest first.
    async fn unseen_pain(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<PainReport>>;
    /// [`Self::unseen_pain`] of several of the clinic's children at once, each report with its child.
    async fn unseen_pain_of_children(
        &self,
        clinic: ClinicId,
        children: &[ChildId],
    ) -> StoreResult<Vec<(ChildId, PainReport)>>;
    /// Marks every pain report received up to `now` seen by `therapist`; the number of reports that were
    /// unseen. Later reports raise the flag again.
    async fn mark_pain_seen(
        &self,
        clinic: ClinicId,
        child: ChildId,
        therapist: TherapistId,
        now: Millis,
    ) -> StoreResult<u32>;
}
