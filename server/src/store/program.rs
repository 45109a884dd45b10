//! A child's home program: assignments with their history, and the therapist's feedback to the family.

use super::{FeedEntry, Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::assignment::Assignment;
use homeplay_core::feedback::Feedback;
use homeplay_core::ids::{AssignmentId, ChildId, ClinicId, FamilyId, TherapistId};

#[derive(Debug, Clone)]
pub struct HistoryRecord {
    pub therapist_id: TherapistId,
    pub at_ms: Millis,
    pub action: String,
    pub assignment: Assignment,
}

#[async_trait]
pub trait ProgramStore: Send + Sync {
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
    ) -> StoreResult<()> {
        self.put_assignments(clinic, family, std::slice::from_ref(assignment), by, action, feed, now).await
    }
    /// Saves several assignments of children of one family, all or none (a program assigned in one submit).
    #[allow(clippy::too_many_arguments)] // one atomic write of several related records
    async fn put_assignments(
        &self,
        clinic: ClinicId,
        family: FamilyId,
        assignments: &[Assignment],
        by: TherapistId,
        action: &str,
        feed: &[FeedEntry],
        now: Millis,
    ) -> StoreResult<()>;
    async fn assignment(&self, clinic: ClinicId, id: AssignmentId) -> StoreResult<Option<Assignment>>;
    async fn assignments_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<Assignment>>;
    /// The assignments of several of the clinic's children at once (another clinic's children read nothing),
    /// each child's by id as [`Self::assignments_of_child`] orders them: the overview's read for a whole clinic.
    async fn assignments_of_children(&self, clinic: ClinicId, children: &[ChildId]) -> StoreResult<Vec<Assignment>>;
    async fn assignments_of_family(&self, family: FamilyId) -> StoreResult<Vec<Assignment>>;
    async fn assignment_history(&self, clinic: ClinicId, id: AssignmentId) -> StoreResult<Vec<HistoryRecord>>;

    async fn put_feedback(
        &self,
        clinic: ClinicId,
        family: FamilyId,
        feedback: &Feedback,
        now: Millis,
    ) -> StoreResult<()>;
    async fn feedback_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<Feedback>>;
}
