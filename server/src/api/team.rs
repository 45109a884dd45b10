//! Care teams and who may open a child's record: the team always, other therapists of the clinic only under
//! the clinic's `clinic_wide` policy, each such access audited as outside the team. Every path to a child's
//! data goes through [`open_child`].

use crate::api::doc::*;
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::json::IdPath as Path;
use crate::json::StrictJson;
use crate::state::{AppState, now_ms};
use crate::store::ChildWithTeam;
use axum::Json;
use axum::extract::State;
use homeplay_core::Validate;
use homeplay_core::care_team::{
    CareTeam, CareTeamMember, ChildAccess, OutsideTeamPolicy, TeamRole, child_access, may_manage_team,
};
use homeplay_core::clinic::{Role, Therapist};
use homeplay_core::ids::{ChildId, TherapistId};
use homeplay_core::skill::Discipline;
use homeplay_core::sync::ApiError;
use homeplay_core::text::Name;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The child, if it is of the caller's clinic (checked in the query) and the care-team rule lets the caller
/// in; else 404, so a record the caller may not open looks like no record at all. An access from outside the
/// team is written to the audit log before any data is read.
pub(crate) async fn open_child(
    state: &AppState,
    auth: &TherapistAuth,
    ip: &ClientIp,
    id: ChildId,
) -> ApiResult<ChildWithTeam> {
    let record = state.store.child_with_team(auth.therapist.clinic_id, id).await?.ok_or(Failure::not_found("child"))?;
    match child_access(&record.team, auth.therapist.id, record.policy) {
        ChildAccess::Denied => {
            record_denied(state, auth, ip, id).await?;
            return Err(Failure::not_found("child"));
        }
        ChildAccess::OutsideTeam => record_outside_team(state, auth, ip, id).await?,
        ChildAccess::Team(_) => {}
    }
    Ok(record)
}

/// For what reaches every child of a family at once (a pairing code: a device pulls the whole family's feed
/// and may log for any of its children; a sibling added to the family): the caller must be let in to **every**
/// child of the family, each access from outside a team audited per child. Else 404, as for a child.
///
/// `opened` is a child of the family the caller has opened already (and had audited): not audited twice.
pub(crate) async fn open_whole_family(
    state: &AppState,
    auth: &TherapistAuth,
    ip: &ClientIp,
    family: homeplay_core::ids::FamilyId,
    opened: Option<ChildId>,
) -> ApiResult<()> {
    let clinic = auth.therapist.clinic_id;
    state.store.family(clinic, family).await?.ok_or(Failure::not_found("family"))?;
    let mut outside = Vec::new();
    for child in state.store.children_of_family(family).await? {
        if Some(child.id) == opened {
            continue;
        }
        let Some(record) = state.store.child_with_team(clinic, child.id).await? else {
            return Err(Failure::not_found("family"));
        };
        match child_access(&record.team, auth.therapist.id, record.policy) {
            ChildAccess::Team(_) => {}
            ChildAccess::OutsideTeam => outside.push(child.id),
            ChildAccess::Denied => {
                record_denied(state, auth, ip, child.id).await?;
                return Err(Failure::not_found("family"));
            }
        }
    }
    for child in outside {
        record_outside_team(state, auth, ip, child).await?;
    }
    Ok(())
}

/// Whether the caller may act on a family's shared things (its devices): so when they may open one of its
/// children. Else 404, as for a child.
pub(crate) async fn open_family(
    state: &AppState,
    auth: &TherapistAuth,
    ip: &ClientIp,
    family: homeplay_core::ids::FamilyId,
) -> ApiResult<()> {
    let mut outside = None;
    for child in state.store.children_of_family(family).await? {
        let Some(record) = state.store.child_with_team(auth.therapist.clinic_id, child.id).await? else { continue };
        match child_access(&record.team, auth.therapist.id, record.policy) {
            ChildAccess::Team(_) => return Ok(()),
            ChildAccess::OutsideTeam => outside = outside.or(Some(child.id)),
            ChildAccess::Denied => {}
        }
    }
    match outside {
        Some(child) => record_outside_team(state, auth, ip, child).await,
        None => Err(Failure::not_found("family")),
    }
}

/// Of the clinic's children, those the caller may see listed: the children of their care teams, every child
/// under a `clinic_wide` policy, and every child for an admin (who keeps the teams in order; opening a record
/// still follows the team rule).
pub(crate) async fn listable_children(
    state: &AppState,
    auth: &TherapistAuth,
    mut children: Vec<homeplay_core::family::Child>,
) -> ApiResult<Vec<homeplay_core::family::Child>> {
    let clinic = auth.therapist.clinic_id;
    if is_admin(auth) || state.store.outside_team_policy(clinic).await? == OutsideTeamPolicy::ClinicWide {
        return Ok(children);
    }
    let mine: std::collections::HashSet<ChildId> = state
        .store
        .care_teams_of_clinic(clinic)
        .await?
        .into_iter()
        .filter(|t| t.member(auth.therapist.id).is_some())
        .map(|t| t.child_id)
        .collect();
    children.retain(|c| mine.contains(&c.id));
    Ok(children)
}

pub(crate) async fn record_outside_team(
    state: &AppState,
    auth: &TherapistAuth,
    ip: &ClientIp,
    id: ChildId,
) -> ApiResult<()> {
    audit::record(state, Actor::Therapist(auth), ip, OUTSIDE_TEAM, Some(id), "not on the child's care team").await
}

/// A refused attempt to open a child's record is audited too: who tried, and which child.
async fn record_denied(state: &AppState, auth: &TherapistAuth, ip: &ClientIp, id: ChildId) -> ApiResult<()> {
    audit::record(state, Actor::Therapist(auth), ip, DENIED, Some(id), "not on the child's care team").await
}

/// The audit action of a refused open of a child's record.
pub const DENIED: &str = "access_denied";

/// The audit action of an access from outside the child's team.
pub const OUTSIDE_TEAM: &str = "outside_team_access";

/// One member of a team, as the dashboard shows it: "Maya · OT · lead".
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeamMemberView {
    pub therapist_id: TherapistId,
    /// `null` if the therapist's account is gone.
    pub name: Option<Name>,
    pub discipline: Discipline,
    pub role: TeamRole,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CareTeamView {
    pub child_id: ChildId,
    /// Leads first, then members, each in the order they joined.
    pub members: Vec<TeamMemberView>,
    /// Whether the caller may change the team (a lead of this child, or a clinic admin).
    pub can_manage: bool,
}

/// The team's members with names, leads first.
pub(crate) fn members_view(team: &CareTeam, names: &HashMap<TherapistId, Name>) -> Vec<TeamMemberView> {
    let mut members: Vec<TeamMemberView> = team
        .members
        .iter()
        .map(|m| TeamMemberView {
            therapist_id: m.therapist_id,
            name: names.get(&m.therapist_id).cloned(),
            discipline: m.discipline,
            role: m.role,
        })
        .collect();
    members.sort_by_key(|m| m.role != TeamRole::Lead);
    members
}

pub(crate) async fn therapist_names(state: &AppState, auth: &TherapistAuth) -> ApiResult<HashMap<TherapistId, Name>> {
    Ok(state.store.therapists_of_clinic(auth.therapist.clinic_id).await?.into_iter().map(|t| (t.id, t.name)).collect())
}

fn is_admin(auth: &TherapistAuth) -> bool {
    auth.therapist.role == Role::Admin
}

/// The child for team management: whoever may open the child, and the clinic's admins (who keep teams in
/// order, and may mend one that lost its leads), whether or not they are on it.
async fn team_of(state: &AppState, auth: &TherapistAuth, ip: &ClientIp, id: ChildId) -> ApiResult<ChildWithTeam> {
    let record = state.store.child_with_team(auth.therapist.clinic_id, id).await?.ok_or(Failure::not_found("child"))?;
    match child_access(&record.team, auth.therapist.id, record.policy) {
        ChildAccess::Team(_) => {}
        ChildAccess::OutsideTeam => record_outside_team(state, auth, ip, id).await?,
        ChildAccess::Denied if is_admin(auth) => record_outside_team(state, auth, ip, id).await?,
        ChildAccess::Denied => return Err(Failure::not_found("child")),
    }
    Ok(record)
}

/// A child's care team
///
/// The therapists on the child's team, with discipline and role.
#[utoipa::path(
    get, path = "/children/{id}/care-team", tag = "care_team", operation_id = "get_care_team",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The team", body = CareTeamView),
        (status = 400, description = BAD_ID, body = ApiError),
        (status = 401, description = NOT_SIGNED_IN, body = ApiError),
        (status = 404, description = "No such child in this clinic, or not one the caller may open", body = ApiError),
        (status = 500, description = SERVER_FAILED, body = ApiError),
    ),
)]
pub async fn get(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<ChildId>,
) -> ApiResult<Json<CareTeamView>> {
    let record = team_of(&state, &auth, &ip, id).await?;
    let names = therapist_names(&state, &auth).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "read_care_team",
        Some(id),
        format!("{} members", record.team.members.len()),
    )
    .await?;
    Ok(Json(CareTeamView {
        child_id: id,
        members: members_view(&record.team, &names),
        can_manage: may_manage_team(&record.team, auth.therapist.id, is_admin(&auth)),
    }))
}

/// A member as the dashboard sends it; the discipline is the therapist's own.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamMemberInput {
    pub therapist_id: TherapistId,
    pub role: TeamRole,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CareTeamInput {
    /// One to twelve therapists of the clinic, at least one of them a lead.
    #[schema(min_items = 1, max_items = 12)]
    pub members: Vec<TeamMemberInput>,
}

/// Change a child's care team
///
/// Replaces the child's team. A lead of the child's team or a clinic admin may do it.
#[utoipa::path(
    put, path = "/children/{id}/care-team", tag = "care_team", operation_id = "update_care_team",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    request_body = CareTeamInput,
    responses(
        (status = 200, description = "The team as it is now", body = CareTeamView),
        (status = 400, description = BAD_JSON_OR_ID, body = ApiError),
        (status = 401, description = NOT_SIGNED_IN, body = ApiError),
        (status = 403, description = "Not a lead of this child's team nor a clinic admin, or the X-CSRF-Token \
            header is missing or wrong", body = ApiError),
        (status = 404, description = "No such child in this clinic, or not one the caller may open", body = ApiError),
        (status = 413, description = TOO_LARGE, body = ApiError),
        (status = 415, description = NOT_JSON, body = ApiError),
        (status = 422, description = "No lead, too many members, a therapist twice, or one who is not of this \
            clinic (`members[i].therapist_id`); `field` names it", body = ApiError),
        (status = 500, description = SERVER_FAILED, body = ApiError),
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<ChildId>,
    StrictJson(req): StrictJson<CareTeamInput>,
) -> ApiResult<Json<CareTeamView>> {
    let record = team_of(&state, &auth, &ip, id).await?;
    if !may_manage_team(&record.team, auth.therapist.id, is_admin(&auth)) {
        return Err(Failure::forbidden("only a lead of the child's team or a clinic admin can change the team"));
    }
    let therapists: HashMap<TherapistId, Therapist> =
        state.store.therapists_of_clinic(auth.therapist.clinic_id).await?.into_iter().map(|t| (t.id, t)).collect();
    let mut members = Vec::with_capacity(req.members.len());
    for (i, m) in req.members.iter().enumerate() {
        let Some(t) = therapists.get(&m.therapist_id) else {
            let field = format!("members[{i}].therapist_id");
            return Err(Failure::invalid(field.clone(), format!("{field}: not a therapist of this clinic")));
        };
        members.push(CareTeamMember { therapist_id: t.id, discipline: t.discipline, role: m.role });
    }
    let team = CareTeam { child_id: id, members };
    team.validate()?;
    state.store.put_care_team(auth.therapist.clinic_id, &team, now_ms()).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "update_care_team",
        Some(id),
        format!("{} members", team.members.len()),
    )
    .await?;
    let names = therapists.into_iter().map(|(id, t)| (id, t.name)).collect();
    Ok(Json(CareTeamView {
        child_id: id,
        members: members_view(&team, &names),
        can_manage: may_manage_team(&team, auth.therapist.id, is_admin(&auth)),
    }))
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClinicPolicy {
    /// Who besides a child's team may open the child's record: nobody (`team_only`, the default), or any
    /// therapist of the clinic, each such access audited (`clinic_wide`).
    pub outside_team_policy: OutsideTeamPolicy,
    /// Who must sign in with a second factor: nobody (`off`, the default), the clinic's admins, or everyone.
    /// Left out of a change, it stays as it is.
    #[serde(default)]
    pub two_factor_policy: Option<crate::store::TwoFactorPolicy>,
}

/// The clinic's access policy
///
/// Whether therapists off a child's team may open the child's record. Clinic admins only.
#[utoipa::path(
    get, path = "/clinic/policy", tag = "care_team", operation_id = "get_clinic_policy",
    security(("session" = [])),
    responses(
        (status = 200, description = "The policy", body = ClinicPolicy),
        (status = 401, description = NOT_SIGNED_IN, body = ApiError),
        (status = 403, description = "Not a clinic admin", body = ApiError),
        (status = 500, description = SERVER_FAILED, body = ApiError),
    ),
)]
pub async fn get_policy(State(state): State<AppState>, auth: TherapistAuth) -> ApiResult<Json<ClinicPolicy>> {
    auth.require_admin()?;
    let policy = state.store.outside_team_policy(auth.therapist.clinic_id).await?;
    let two_factor = state.store.two_factor_policy(auth.therapist.clinic_id).await?;
    Ok(Json(ClinicPolicy { outside_team_policy: policy, two_factor_policy: Some(two_factor) }))
}

/// Change the clinic's access policy
///
/// Sets whether therapists off a child's team may open the child's record. Clinic admins only.
#[utoipa::path(
    put, path = "/clinic/policy", tag = "care_team", operation_id = "update_clinic_policy",
    security(("session" = [], "csrf" = [])),
    request_body = ClinicPolicy,
    responses(
        (status = 200, description = "The policy as it is now", body = ClinicPolicy),
        (status = 400, description = BAD_JSON, body = ApiError),
        (status = 401, description = NOT_SIGNED_IN, body = ApiError),
        (status = 403, description = "Not a clinic admin, or the X-CSRF-Token header is missing or wrong",
            body = ApiError),
        (status = 413, description = TOO_LARGE, body = ApiError),
        (status = 415, description = NOT_JSON, body = ApiError),
        (status = 422, description = "A two-factor policy that would hold the admin making the change, who has \
            no second factor yet (`field`: `two_factor_policy`)", body = ApiError),
        (status = 500, description = SERVER_FAILED, body = ApiError),
    ),
)]
pub async fn update_policy(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    StrictJson(req): StrictJson<ClinicPolicy>,
) -> ApiResult<Json<ClinicPolicy>> {
    auth.require_admin()?;
    let clinic = auth.therapist.clinic_id;
    if let Some(two_factor) = req.two_factor_policy
        && crate::auth::two_factor::required(two_factor, auth.therapist.role)
    {
        // An admin who requires it of admins without having it would lock themselves out on the spot.
        let own = state.store.therapist(auth.therapist.id).await?.ok_or_else(Failure::unauthorized)?;
        if own.account.totp_secret.is_none() {
            return Err(Failure::invalid(
                "two_factor_policy",
                "two_factor_policy: turn on two-factor sign-in for your own account first",
            ));
        }
    }
    state.store.set_outside_team_policy(clinic, req.outside_team_policy).await?;
    if let Some(two_factor) = req.two_factor_policy {
        state.store.set_two_factor_policy(clinic, two_factor).await?;
    }
    let two_factor = state.store.two_factor_policy(clinic).await?;
    let name = match req.outside_team_policy {
        OutsideTeamPolicy::TeamOnly => "team_only",
        OutsideTeamPolicy::ClinicWide => "clinic_wide",
    };
    let detail = format!("{name}; two-factor {}", crate::store::care_name(&two_factor));
    audit::record(&state, Actor::Therapist(&auth), &ip, "update_clinic_policy", None, detail).await?;
    Ok(Json(ClinicPolicy { outside_team_policy: req.outside_team_policy, two_factor_policy: Some(two_factor) }))
}
