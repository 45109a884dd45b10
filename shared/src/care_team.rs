//! A child's care team: the therapists who work with the child (often an OT and a PT at once), and who else in
//! the clinic may open the child's record.

use crate::error::{Checker, Problem, Validate, ValidationError};
use crate::ids::{ChildId, TherapistId};
use crate::skill::Discipline;
use serde::{Deserialize, Serialize};

/// A therapist's part on one child's team.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    /// Answers for the child's plan in their discipline.
    Lead,
    Member,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareTeamMember {
    pub therapist_id: TherapistId,
    /// The discipline the therapist brings to this child (their own, as recorded by the clinic).
    pub discipline: Discipline,
    pub role: TeamRole,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareTeam {
    pub child_id: ChildId,
    /// One to [`CareTeam::MAX_MEMBERS`] members, each therapist once, at least one of them a lead.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 12))]
    pub members: Vec<CareTeamMember>,
}

impl CareTeam {
    pub const MAX_MEMBERS: usize = 12;

    pub fn member(&self, therapist: TherapistId) -> Option<&CareTeamMember> {
        self.members.iter().find(|m| m.therapist_id == therapist)
    }

    pub fn leads(&self) -> impl Iterator<Item = &CareTeamMember> {
        self.members.iter().filter(|m| m.role == TeamRole::Lead)
    }
}

impl Validate for CareTeam {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.count("members", self.members.len(), 1, Self::MAX_MEMBERS);
        let ids: Vec<TherapistId> = self.members.iter().map(|m| m.therapist_id).collect();
        c.unique("members", &ids);
        // Someone must answer for the plan; a team of members only would leave review to nobody.
        c.ensure(self.members.is_empty() || self.leads().next().is_some(), "members", || Problem::Invalid {
            reason: "name at least one lead".into(),
        });
        c.finish()
    }
}

/// The clinic's rule for therapists who are not on a child's team.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutsideTeamPolicy {
    /// Only the team sees the child.
    #[default]
    TeamOnly,
    /// Any therapist of the clinic may open the record (covering for a colleague); each such access is audited
    /// as outside the team.
    ClinicWide,
}

/// Why a therapist may (or may not) open a child's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildAccess {
    Team(TeamRole),
    /// Allowed by the clinic's policy; the access must be audited as outside the team.
    OutsideTeam,
    Denied,
}

impl ChildAccess {
    pub fn allowed(self) -> bool {
        !matches!(self, Self::Denied)
    }
}

/// The access rule, in one place: the team always; others of the same clinic only under a clinic-wide policy.
/// (That the therapist belongs to the child's clinic is checked by the caller's tenant query.)
pub fn child_access(team: &CareTeam, therapist: TherapistId, policy: OutsideTeamPolicy) -> ChildAccess {
    match (team.member(therapist), policy) {
        (Some(m), _) => ChildAccess::Team(m.role),
        (None, OutsideTeamPolicy::ClinicWide) => ChildAccess::OutsideTeam,
        (None, OutsideTeamPolicy::TeamOnly) => ChildAccess::Denied,
    }
}

/// Who may change a child's team: one of its leads, or a clinic admin (who may also mend a team that lost
/// its leads).
pub fn may_manage_team(team: &CareTeam, therapist: TherapistId, clinic_admin: bool) -> bool {
    clinic_admin || team.member(therapist).is_some_and(|m| m.role == TeamRole::Lead)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn member(role: TeamRole, discipline: Discipline) -> CareTeamMember {
        CareTeamMember { therapist_id: TherapistId::new_v7(), discipline, role }
    }

    fn team() -> CareTeam {
        CareTeam {
            child_id: ChildId::new_v7(),
            members: vec![member(TeamRole::Lead, Discipline::Ot), member(TeamRole::Member, Discipline::Pt)],
        }
    }

    #[test]
    fn a_team_needs_members_a_lead_and_no_one_twice() {
        assert!(team().validate().is_ok());

        let mut t = team();
        t.members.clear();
        assert_eq!(t.validate().unwrap_err().field(), "members");

        let mut t = team();
        t.members[0].role = TeamRole::Member;
        assert_eq!(t.validate().unwrap_err().field(), "members");

        let mut t = team();
        let again = CareTeamMember { role: TeamRole::Member, ..t.members[0] };
        t.members.push(again);
        assert_eq!(t.validate().unwrap_err().field(), "members[2]");

        let mut t = team();
        t.members = (0..=CareTeam::MAX_MEMBERS).map(|_| member(TeamRole::Lead, Discipline::Pt)).collect();
        assert_eq!(t.validate().unwrap_err().field(), "members");
    }

    #[test]
    fn the_team_sees_the_child_and_others_only_under_a_clinic_wide_policy() {
        let t = team();
        let lead = t.members[0].therapist_id;
        let pt = t.members[1].therapist_id;
        let outsider = TherapistId::new_v7();
        for policy in [OutsideTeamPolicy::TeamOnly, OutsideTeamPolicy::ClinicWide] {
            assert_eq!(child_access(&t, lead, policy), ChildAccess::Team(TeamRole::Lead));
            assert_eq!(child_access(&t, pt, policy), ChildAccess::Team(TeamRole::Member));
        }
        assert_eq!(child_access(&t, outsider, OutsideTeamPolicy::TeamOnly), ChildAccess::Denied);
        assert!(!child_access(&t, outsider, OutsideTeamPolicy::TeamOnly).allowed());
        assert_eq!(child_access(&t, outsider, OutsideTeamPolicy::ClinicWide), ChildAccess::OutsideTeam);
        assert!(child_access(&t, outsider, OutsideTeamPolicy::ClinicWide).allowed());
        assert_eq!(OutsideTeamPolicy::default(), OutsideTeamPolicy::TeamOnly);
    }

    #[test]
    fn a_lead_or_an_admin_manages_the_team() {
        let t = team();
        let (lead, member) = (t.members[0].therapist_id, t.members[1].therapist_id);
        assert!(may_manage_team(&t, lead, false));
        assert!(!may_manage_team(&t, member, false));
        assert!(may_manage_team(&t, member, true));
        assert!(!may_manage_team(&t, TherapistId::new_v7(), false));
        assert!(may_manage_team(&t, TherapistId::new_v7(), true));
    }
}
