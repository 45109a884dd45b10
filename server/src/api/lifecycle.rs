//! A child's lifecycle: discharge (the program ends, the record becomes read-only, the family's devices are
//! told and then disconnected), re-admission, and erasure once the clinic's retention period has passed.
//!
//! Who may: discharge and re-admit, a lead of the child's care team or a clinic admin (as for the team: the
//! ones who answer for the child's plan); erase, a clinic admin only.

use crate::access::{OpenChild, OpenLifecycle, OpenTeam, is_admin};
use crate::api::children::{ChildDetail, detail};
use crate::api::responses::{BadId, BadJsonOrId, JsonBody, SessionRead, SessionWrite};
use crate::audit::{self, Actor};
use crate::error::{ApiResult, Failure};
use crate::json::StrictJson;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{NaiveDate, TimeDelta, Utc};
use homeplay_core::Validate;
use homeplay_core::assignment::Status;
use homeplay_core::care_team::may_manage_team;
use homeplay_core::family::Child;
use homeplay_core::sync::{ApiError, ErrorCode};
use homeplay_core::text::Note;
use serde::{Deserialize, Serialize};

/// A discharge as the dashboard sends it: both parts optional (`{}` discharges today).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DischargeRequest {
    /// The last day of the program, in the child's local dates: today (the default) or yesterday, never in the
    /// future (a day before that is already counted in the numbers).
    #[serde(default)]
    pub on: Option<NaiveDate>,
    /// Why, for the clinic's record ("goals met", "moved away"): kept on the server, never sent to the family.
    #[serde(default)]
    pub reason: Option<Note>,
}

/// A discharged child's discharge, as the child's page shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DischargeView {
    /// The last day of the program (the child's local date).
    pub on: NaiveDate,
    /// The name of the therapist who discharged the child.
    pub by_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The first day the record may be erased: the discharge date plus the clinic's retention period.
    pub keep_until: NaiveDate,
    /// Whether the caller may erase the record now (a clinic admin, once `keep_until` has come).
    pub may_erase: bool,
}

/// The discharge of a child, for the child's page; `None` for a child in care.
pub(crate) async fn discharge_view(
    state: &AppState,
    auth: &crate::auth::TherapistAuth,
    child: &Child,
) -> ApiResult<Option<DischargeView>> {
    let Some(d) = state.store.discharge_of(auth.therapist.clinic_id, child.id).await? else { return Ok(None) };
    let by_name = state.store.therapist(d.by).await?.map(|t| t.therapist.name.to_string()).unwrap_or_default();
    let keep_until = erasable_from(state, d.on);
    let today = child.time_zone.local_date(Utc::now());
    Ok(Some(DischargeView {
        on: d.on,
        by_name,
        reason: d.reason,
        keep_until,
        may_erase: is_admin(auth) && today >= keep_until,
    }))
}

fn erasable_from(state: &AppState, on: NaiveDate) -> NaiveDate {
    on.checked_add_signed(TimeDelta::days(state.limits.retention_days.max(0))).unwrap_or(NaiveDate::MAX)
}

fn may_manage(open: &OpenChild) -> ApiResult<()> {
    if may_manage_team(&open.team, open.auth.therapist.id, is_admin(&open.auth)) {
        Ok(())
    } else {
        Err(Failure::forbidden("only a lead of the child's care team or a clinic admin can discharge or re-admit"))
    }
}

/// Discharge a child
///
/// Ends the child's home program on `on` (today by default): every active or paused assignment ends that
/// day, the record becomes read-only (every change to it answers 409 `discharged` until the child is
/// re-admitted), and the family's devices learn it at their next pull; once every child of the family is
/// discharged, each device is disconnected after that pull (`device_revoked`). A lead of the child's care team
/// or a clinic admin may do it.
#[utoipa::path(
    post, path = "/children/{id}/discharge", tag = "children", operation_id = "discharge_child",
    params(("id" = homeplay_core::ids::ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    request_body = DischargeRequest,
    responses(
        (status = 200, description = "The child as discharged", body = ChildDetail),
        (status = 403, description = "Not a lead of the child's care team nor a clinic admin, or the \
            X-CSRF-Token header is missing or wrong", body = ApiError),
        (status = 404, description = "No such child in this clinic, or not one the caller may open", body = ApiError),
        (status = 409, description = "The child is discharged already (`discharged`)", body = ApiError),
        (status = 422, description = "`on` is in the future or more than a day back, or `reason` is empty or \
            too long (`field` names it)", body = ApiError),
        SessionRead, JsonBody, BadJsonOrId,
    ),
)]
pub async fn discharge(
    State(state): State<AppState>,
    OpenTeam(open): OpenTeam,
    StrictJson(req): StrictJson<DischargeRequest>,
) -> ApiResult<Json<ChildDetail>> {
    may_manage(&open)?;
    let OpenChild { auth, ip, mut child, .. } = open;
    let clinic = auth.therapist.clinic_id;
    let today = child.time_zone.local_date(Utc::now());
    let on = req.on.unwrap_or(today);
    if on > today {
        return Err(Failure::invalid("on", format!("on: must not be in the future (today is {today})")));
    }
    if on.succ_opt().is_some_and(|next| next < today) {
        return Err(Failure::invalid(
            "on",
            format!("on: at most a day back (today is {today}): the days before are counted already"),
        ));
    }
    // Each assignment ends as "End" would end it, so the numbers of the days up to the discharge stay as
    // they were. One not started by then ends on its first day, the earliest an end may be.
    let mut ended = 0;
    for mut a in state.store.assignments_of_child(clinic, child.id).await? {
        if a.status == Status::Ended {
            continue;
        }
        a.end(on.max(a.start_date), today)
            .map_err(|e| Failure::new(ErrorCode::Conflict, e.to_string()).with_field("on"))?;
        a.validate()?;
        state.store.put_assignment(clinic, child.family_id, &a, auth.therapist.id, "end", &[], now_ms()).await?;
        ended += 1;
    }
    child.discharged_on = Some(on);
    let reason = req.reason.as_ref().map(|r| r.as_str());
    state.store.discharge_child(clinic, &child, auth.therapist.id, reason, now_ms()).await?;
    // The reason stays out of the audit line: free text may name people.
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "discharge_child",
        Some(child.id),
        format!("on {on}; {ended} assignments ended"),
    )
    .await?;
    Ok(Json(detail(&state, &auth, child).await?))
}

/// Re-admit a discharged child
///
/// Clears the discharge: the record can be changed again, and the program is empty (every assignment ended
/// at the discharge) until one is assigned. Devices disconnected at the discharge stay so: pair them again
/// with a new code. The discharge stays in the audit log. Takes no body.
#[utoipa::path(
    post, path = "/children/{id}/readmit", tag = "children", operation_id = "readmit_child",
    params(("id" = homeplay_core::ids::ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The child, in care again", body = ChildDetail),
        (status = 403, description = "Not a lead of the child's care team nor a clinic admin, or the \
            X-CSRF-Token header is missing or wrong", body = ApiError),
        (status = 404, description = "No such child in this clinic, or not one the caller may open", body = ApiError),
        (status = 409, description = "The child is not discharged (`conflict`)", body = ApiError),
        SessionRead, BadId,
    ),
)]
pub async fn readmit(
    State(state): State<AppState>,
    OpenLifecycle(open): OpenLifecycle,
) -> ApiResult<Json<ChildDetail>> {
    may_manage(&open)?;
    let OpenChild { auth, ip, mut child, .. } = open;
    let Some(was) = child.discharged_on.take() else {
        return Err(Failure::new(ErrorCode::Conflict, "this child is not discharged").with_field("child"));
    };
    state.store.readmit_child(auth.therapist.clinic_id, &child, now_ms()).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "readmit_child",
        Some(child.id),
        format!("discharged on {was}"),
    )
    .await?;
    Ok(Json(detail(&state, &auth, child).await?))
}

/// Erase a discharged child's record
///
/// Removes every row about the child (program, logs, goals, reviews, check-ins, feedback, the child's own
/// routines, care team; the family with its caregivers and devices when it has no other child), in one
/// transaction, once the clinic's retention period after the discharge has passed. The audit log keeps its
/// lines and gains a tombstone with ids and counts only. A clinic admin only.
#[utoipa::path(
    delete, path = "/children/{id}", tag = "children", operation_id = "erase_child",
    params(("id" = homeplay_core::ids::ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Erased"),
        (status = 403, description = "Not a clinic admin, or the X-CSRF-Token header is missing or wrong",
            body = ApiError),
        (status = 404, description = "No such child in this clinic, or not one the caller may open", body = ApiError),
        (status = 409, description = "The child is not discharged (`conflict`), or its record is kept until a \
            later date (`retention`, the message says which)", body = ApiError),
        SessionWrite, BadId,
    ),
)]
pub async fn erase(State(state): State<AppState>, OpenLifecycle(open): OpenLifecycle) -> ApiResult<StatusCode> {
    let OpenChild { auth, ip, child, .. } = open;
    auth.require_admin()?;
    let Some(on) = child.discharged_on else {
        return Err(
            Failure::new(ErrorCode::Conflict, "discharge the child before erasing the record").with_field("child")
        );
    };
    let from = erasable_from(&state, on);
    let today = child.time_zone.local_date(Utc::now());
    if today < from {
        return Err(Failure::new(
            ErrorCode::Retention,
            format!("the record is kept until {from} (the clinic's retention period); it may be erased from then"),
        )
        .with_field("child"));
    }
    let erased = state.store.erase_child(auth.therapist.clinic_id, child.id).await?;
    audit::record(&state, Actor::Therapist(&auth), &ip, "erase_child", Some(child.id), erased.summary()).await?;
    Ok(StatusCode::NO_CONTENT)
}
