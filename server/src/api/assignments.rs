//! A child's program: assigning exercises and routines, changing them, pausing, resuming and ending them.
//! Every change is kept in the assignment's history and reaches the family's devices with what it needs.

use crate::api::children::own_child;
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::json::IdPath as Path;
use crate::json::StrictJson;
use crate::program::{feed_for_assignment, find_exercise};
use crate::state::{AppState, now_ms};
use crate::store::FeedEntry;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use homeplay_core::Validate;
use homeplay_core::assignment::{Assignment, SlotTime, Status, StatusChangeError, Target};
use homeplay_core::exercise::Dosage;
use homeplay_core::family::Child;
use homeplay_core::ids::{AssignmentId, ChildId, TherapistId};
use homeplay_core::sync::ErrorCode;
use homeplay_core::text::Note;
use homeplay_core::time::Weekdays;
use serde::{Deserialize, Serialize};

/// What a therapist sets on an assignment; the server keeps its id, child, status and pauses.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentInput {
    pub target: Target,
    pub start_date: NaiveDate,
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    pub days: Weekdays,
    pub slots: Vec<SlotTime>,
    #[serde(default)]
    pub dosage: Dosage,
    #[serde(default)]
    pub note_for_family: Option<Note>,
}

/// The day a pause, resume or end takes effect, in the family's local dates.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub on: NaiveDate,
}

#[derive(Debug, Serialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub therapist_id: TherapistId,
    /// `create`, `update`, `pause`, `resume` or `end`.
    pub action: String,
    /// The assignment as it was after this change.
    pub assignment: Assignment,
}

/// The target must be in the clinic's library: a built-in or own exercise, or one of its routines.
async fn check_target(state: &AppState, auth: &TherapistAuth, target: Target) -> ApiResult<()> {
    let clinic = auth.therapist.clinic_id;
    let (exists, field) = match target {
        Target::Exercise { exercise_id } => {
            (find_exercise(&state.store, clinic, exercise_id).await?.is_some(), "target.exercise_id")
        }
        Target::Routine { routine_id } => {
            (state.store.routine(clinic, routine_id).await?.is_some(), "target.routine_id")
        }
    };
    if exists { Ok(()) } else { Err(Failure::invalid(field, format!("{field}: not in this clinic's library"))) }
}

async fn own_assignment(state: &AppState, auth: &TherapistAuth, id: AssignmentId) -> ApiResult<(Assignment, Child)> {
    let clinic = auth.therapist.clinic_id;
    let assignment = state.store.assignment(clinic, id).await?.ok_or(Failure::not_found("assignment"))?;
    let child = state.store.child(clinic, assignment.child_id).await?.ok_or(Failure::not_found("assignment"))?;
    Ok((assignment, child))
}

/// Saves with a history entry; `with_program` also sends the exercises, routine and media it names.
async fn save(
    state: &AppState,
    auth: &TherapistAuth,
    child: &Child,
    assignment: &Assignment,
    action: &str,
    with_program: bool,
) -> ApiResult<()> {
    let clinic = auth.therapist.clinic_id;
    let feed: Vec<FeedEntry> =
        if with_program { feed_for_assignment(&state.store, clinic, assignment).await? } else { Vec::new() };
    state.store.put_assignment(clinic, child.family_id, assignment, auth.therapist.id, action, &feed, now_ms()).await?;
    Ok(())
}

pub async fn list(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<ChildId>,
) -> ApiResult<Json<Vec<Assignment>>> {
    let child = own_child(&state, &auth, id).await?;
    let assignments = state.store.assignments_of_child(auth.therapist.clinic_id, child.id).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "list_assignments",
        Some(id),
        format!("{} assignments", assignments.len()),
    )
    .await?;
    Ok(Json(assignments))
}

pub async fn create(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<ChildId>,
    StrictJson(req): StrictJson<AssignmentInput>,
) -> ApiResult<(StatusCode, Json<Assignment>)> {
    let child = own_child(&state, &auth, id).await?;
    let assignment = Assignment {
        id: AssignmentId::new_v7(),
        child_id: child.id,
        target: req.target,
        assigned_by: auth.therapist.id,
        start_date: req.start_date,
        end_date: req.end_date,
        days: req.days,
        slots: req.slots,
        dosage: req.dosage,
        note_for_family: req.note_for_family,
        status: Status::Active,
        pauses: Vec::new(),
    };
    assignment.validate()?;
    check_target(&state, &auth, assignment.target).await?;
    save(&state, &auth, &child, &assignment, "create", true).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "create_assignment",
        Some(child.id),
        format!("assignment {}", assignment.id),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(assignment)))
}

pub async fn update(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<AssignmentId>,
    StrictJson(req): StrictJson<AssignmentInput>,
) -> ApiResult<Json<Assignment>> {
    let (mut assignment, child) = own_assignment(&state, &auth, id).await?;
    if assignment.status == Status::Ended {
        return Err(Failure::new(ErrorCode::Conflict, "the assignment has ended; its record is kept as it was"));
    }
    // Logs name the assignment and an exercise of its target: a new target would orphan them.
    if req.target != assignment.target {
        return Err(Failure::new(
            ErrorCode::Conflict,
            "an assignment's target cannot change; end this one and assign the new exercise or routine",
        )
        .with_field("target"));
    }
    assignment.start_date = req.start_date;
    assignment.end_date = req.end_date;
    assignment.days = req.days;
    assignment.slots = req.slots;
    assignment.dosage = req.dosage;
    assignment.note_for_family = req.note_for_family;
    assignment.validate()?;
    save(&state, &auth, &child, &assignment, "update", true).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "update_assignment",
        Some(child.id),
        format!("assignment {id}"),
    )
    .await?;
    Ok(Json(assignment))
}

fn conflict(e: StatusChangeError) -> Failure {
    let f = Failure::new(ErrorCode::Conflict, e.to_string());
    if e == StatusChangeError::DateTooEarly { f.with_field("on") } else { f }
}

async fn change_status(
    state: AppState,
    auth: TherapistAuth,
    ip: ClientIp,
    id: AssignmentId,
    action: &str,
    apply: impl FnOnce(&mut Assignment) -> Result<(), StatusChangeError>,
) -> ApiResult<Json<Assignment>> {
    let (mut assignment, child) = own_assignment(&state, &auth, id).await?;
    apply(&mut assignment).map_err(conflict)?;
    assignment.validate()?;
    // The family already holds the program; only the assignment itself changed.
    save(&state, &auth, &child, &assignment, action, false).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        &format!("{action}_assignment"),
        Some(child.id),
        format!("assignment {id}"),
    )
    .await?;
    Ok(Json(assignment))
}

pub async fn pause(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<AssignmentId>,
    StrictJson(req): StrictJson<StatusChange>,
) -> ApiResult<Json<Assignment>> {
    change_status(state, auth, ip, id, "pause", |a| a.pause(req.on)).await
}

pub async fn resume(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<AssignmentId>,
    StrictJson(req): StrictJson<StatusChange>,
) -> ApiResult<Json<Assignment>> {
    change_status(state, auth, ip, id, "resume", |a| a.resume(req.on)).await
}

pub async fn end(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<AssignmentId>,
    StrictJson(req): StrictJson<StatusChange>,
) -> ApiResult<Json<Assignment>> {
    change_status(state, auth, ip, id, "end", |a| a.end(req.on)).await
}

pub async fn history(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<AssignmentId>,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    let (_, child) = own_assignment(&state, &auth, id).await?;
    let records = state.store.assignment_history(auth.therapist.clinic_id, id).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "read_assignment_history",
        Some(child.id),
        format!("assignment {id}; {} entries", records.len()),
    )
    .await?;
    let entries = records
        .into_iter()
        .map(|r| HistoryEntry {
            at: DateTime::from_timestamp_millis(r.at_ms).unwrap_or_default(),
            therapist_id: r.therapist_id,
            action: r.action,
            assignment: r.assignment,
        })
        .collect();
    Ok(Json(entries))
}
