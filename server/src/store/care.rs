//! What the store keeps about care teams and therapy goals: a trait beside the other aggregates' ([`super::Store`]
//! requires it), with its SQL in `sql/care.rs`.

use super::{Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::care_team::{CareTeam, OutsideTeamPolicy};
use homeplay_core::family::Child;
use homeplay_core::goal::{Goal, GoalCheckIn, GoalReview};
use homeplay_core::ids::{ChildId, ClinicId, DeviceId, FamilyId, GoalId, TherapistId};

/// A child of the clinic with what decides who may open the record.
#[derive(Debug, Clone)]
pub struct ChildWithTeam {
    pub child: Child,
    pub team: CareTeam,
    pub policy: OutsideTeamPolicy,
}

/// One version of a goal, as it was written.
#[derive(Debug, Clone)]
pub struct GoalVersionRecord {
    pub therapist_id: TherapistId,
    pub at_ms: Millis,
    pub goal: Goal,
}

#[async_trait]
pub trait CareStore: Send + Sync {
    async fn outside_team_policy(&self, clinic: ClinicId) -> StoreResult<OutsideTeamPolicy>;
    async fn set_outside_team_policy(&self, clinic: ClinicId, policy: OutsideTeamPolicy) -> StoreResult<()>;
    /// The child (if it is this clinic's), its team and the clinic's policy, for one access decision.
    async fn child_with_team(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Option<ChildWithTeam>>;
    /// Every child's team in the clinic (children without members are absent).
    async fn care_teams_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<CareTeam>>;
    /// The family of one of the clinic's devices.
    async fn family_of_device(&self, clinic: ClinicId, device: DeviceId) -> StoreResult<Option<FamilyId>>;
    /// Replaces the child's team. The child and every member must be this clinic's (`NotFound` otherwise).
    async fn put_care_team(&self, clinic: ClinicId, team: &CareTeam, now: Millis) -> StoreResult<()>;

    /// Writes a goal's version: version 1 makes the goal, each later one must follow the stored version
    /// (`Conflict` otherwise, so two therapists' edits cannot silently overwrite each other). Every version is
    /// kept.
    async fn put_goal(&self, clinic: ClinicId, goal: &Goal, by: TherapistId, now: Millis) -> StoreResult<()>;
    async fn goal(&self, clinic: ClinicId, id: GoalId) -> StoreResult<Option<Goal>>;
    /// The current version of each of the child's goals, oldest goal first.
    async fn goals_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<Goal>>;
    /// Every version of the goal, first first.
    async fn goal_versions(&self, clinic: ClinicId, id: GoalId) -> StoreResult<Vec<GoalVersionRecord>>;
    async fn insert_goal_review(&self, clinic: ClinicId, review: &GoalReview, now: Millis) -> StoreResult<()>;
    /// The child's reviews of all goals, by date then entry.
    async fn reviews_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<GoalReview>>;

    /// Stores each check-in's version unless a newer one (by HLC) is stored; a stored check-in keeps its
    /// child and goal, and puts each version stored into the family's feed (so a device paired later knows the
    /// week is answered). The caller has checked that each goal is its child's and the child this family's.
    async fn put_check_ins(
        &self,
        clinic: ClinicId,
        family: FamilyId,
        check_ins: &[GoalCheckIn],
        now: Millis,
    ) -> StoreResult<()>;
    /// The newest stored version of each of the child's check-ins.
    async fn check_ins_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<GoalCheckIn>>;
}
