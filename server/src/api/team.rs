//! Care teams, as leads and admins keep them, and the clinic's access policy. Who may open a child's record
//! is [`crate::access`]'s to say.

use crate::access::{OpenChild, OpenTeam, is_admin};
use crate::api::responses::{BadId, BadJson, BadJsonOrId, JsonBody, SessionRead};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::json::StrictJson;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use homeplay_core::Validate;
use homeplay_core::care_team::{CareTeam, CareTeamMember, OutsideTeamPolicy, TeamRole, may_manage_team};
use homeplay_core::clinic::Therapist;
use homeplay_core::ids::{ChildId, TherapistId};
use homeplay_core::skill::Discipline;
use homeplay_core::sync::ApiError;
use homeplay_core::text::Name;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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
    /// Whether the caller may change the team (a lead of this child, or a clinic admin; nobody while the child
    /// is discharged).
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

/// A child's care team
///
/// The therapists on the child's team, with discipline and role.
#[utoipa::path(
    get, path = "/children/{id}/care-team", tag = "care_team", operation_id = "get_care_team",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The team", body = CareTeamView),
        (status = 404, description = "No such child in this clinic, or not one the caller may open", body = ApiError),
        SessionRead, BadId,
    ),
)]
pub async fn get(
    State(state): State<AppState>,
    OpenTeam(OpenChild { auth, ip, child, team }): OpenTeam,
) -> ApiResult<Json<CareTeamView>> {
    let id = child.id;
    let names = therapist_names(&state, &auth).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "read_care_team",
        Some(id),
        format!("{} members", team.members.len()),
    )
    .await?;
    Ok(Json(CareTeamView {
        child_id: id,
        members: members_view(&team, &names),
        can_manage: may_manage_team(&team, auth.therapist.id, is_admin(&auth)) && !child.is_discharged(),
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
        (status = 403, description = "Not a lead of this child's team nor a clinic admin, or the X-CSRF-Token \
            header is missing or wrong", body = ApiError),
        (status = 404, description = "No such child in this clinic, or not one the caller may open", body = ApiError),
        (status = 422, description = "No lead, too many members, a therapist twice, or one who is not of this \
            clinic (`members[i].therapist_id`); `field` names it", body = ApiError),
        SessionRead, JsonBody, BadJsonOrId,
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    OpenTeam(OpenChild { auth, ip, child, team: current }): OpenTeam,
    StrictJson(req): StrictJson<CareTeamInput>,
) -> ApiResult<Json<CareTeamView>> {
    let id = child.id;
    if !may_manage_team(&current, auth.therapist.id, is_admin(&auth)) {
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
        can_manage: may_manage_team(&team, auth.therapist.id, is_admin(&auth)) && !child.is_discharged(),
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
        (status = 403, description = "Not a clinic admin", body = ApiError),
        SessionRead,
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
        (status = 403, description = "Not a clinic admin, or the X-CSRF-Token header is missing or wrong",
            body = ApiError),
        (status = 422, description = "A two-factor policy that would hold the admin making the change, who has \
            no second factor yet (`field`: `two_factor_policy`)", body = ApiError),
        SessionRead, JsonBody, BadJson,
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
