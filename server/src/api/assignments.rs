//! A child's program: assigning exercises and routines, changing them, pausing, resuming and ending them.
//! Every change is kept in the assignment's history and reaches the family's devices with what it needs.

use crate::access::OpenChild;
use crate::access::open_child;
use crate::api::doc::*;
use crate::api::responses::{BadId, BadJsonOrId, JsonBody, NoChild, SessionRead, SessionWrite};
use crate::api::team::therapist_names;
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
use homeplay_core::goal::GoalStatus;
use homeplay_core::ids::{AssignmentId, ChildId, GoalId, TherapistId};
use homeplay_core::sync::{ApiError, ErrorCode};
use homeplay_core::text::{Name, Note};
use homeplay_core::time::Weekdays;
use serde::{Deserialize, Serialize};

/// What a therapist sets on an assignment; the server keeps its id, child, status and pauses.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentInput {
    pub target: Target,
    pub start_date: NaiveDate,
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    pub days: Weekdays,
    #[schema(min_items = 1, max_items = 3)]
    pub slots: Vec<SlotTime>,
    #[serde(default)]
    pub dosage: Dosage,
    #[serde(default)]
    pub note_for_family: Option<Note>,
    /// The child's goals this item serves: active goals of the same child (a goal that was linked before it
    /// was settled may stay linked).
    #[serde(default)]
    #[schema(max_items = 8)]
    pub goal_ids: Vec<GoalId>,
}

/// An assignment with the name of the therapist who assigned it, so every program item shows who set it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssignmentView {
    #[serde(flatten)]
    pub assignment: Assignment,
    /// `null` if the therapist's account is gone.
    pub assigned_by_name: Option<Name>,
}

pub(super) async fn view(state: &AppState, auth: &TherapistAuth, assignment: Assignment) -> ApiResult<AssignmentView> {
    let assigned_by_name = state
        .store
        .therapist(assignment.assigned_by)
        .await?
        .filter(|t| t.therapist.clinic_id == auth.therapist.clinic_id)
        .map(|t| t.therapist.name);
    Ok(AssignmentView { assignment, assigned_by_name })
}

/// Each goal must be one of the child's active goals, or one the assignment already served (`kept`).
async fn check_goals(
    state: &AppState,
    auth: &TherapistAuth,
    child: ChildId,
    goal_ids: &[GoalId],
    kept: &[GoalId],
) -> ApiResult<()> {
    if goal_ids.is_empty() {
        return Ok(());
    }
    let goals = state.store.goals_of_child(auth.therapist.clinic_id, child).await?;
    for (i, id) in goal_ids.iter().enumerate() {
        let field = format!("goal_ids[{i}]");
        match goals.iter().find(|g| g.id == *id) {
            None => return Err(Failure::invalid(field.clone(), format!("{field}: not a goal of this child"))),
            Some(g) if g.status != GoalStatus::Active && !kept.contains(id) => {
                return Err(Failure::invalid(field.clone(), format!("{field}: the goal is no longer active")));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The day a pause, resume or end takes effect, in the family's local dates.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub on: NaiveDate,
}

/// One change of an assignment.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub therapist_id: TherapistId,
    /// `create`, `update`, `pause`, `resume` or `end`.
    pub action: String,
    /// The assignment as it was after this change.
    pub assignment: AssignmentView,
}

/// The target must be in the clinic's library: a built-in or own exercise, or one of its routine templates
/// or a routine made for this very child.
async fn check_target(state: &AppState, auth: &TherapistAuth, child: ChildId, target: Target) -> ApiResult<()> {
    let clinic = auth.therapist.clinic_id;
    let (exists, field) = match target {
        Target::Exercise { exercise_id } => {
            (find_exercise(&state.store, clinic, exercise_id).await?.is_some(), "target.exercise_id")
        }
        Target::Routine { routine_id } => {
            let owner = state.store.routine_owner(clinic, routine_id).await?;
            if owner.is_some_and(|owner| owner != child) {
                let message = "target.routine_id: this routine was made for another child; assign a template instead";
                return Err(Failure::invalid("target.routine_id", message));
            }
            (state.store.routine(clinic, routine_id).await?.is_some(), "target.routine_id")
        }
    };
    if exists { Ok(()) } else { Err(Failure::invalid(field, format!("{field}: not in this clinic's library"))) }
}

/// The assignment, if it is of a child the caller may open; else 404.
async fn own_assignment(
    state: &AppState,
    auth: &TherapistAuth,
    ip: &ClientIp,
    id: AssignmentId,
) -> ApiResult<(Assignment, Child)> {
    let clinic = auth.therapist.clinic_id;
    let assignment = state.store.assignment(clinic, id).await?.ok_or(Failure::not_found("assignment"))?;
    let opened = open_child(state, auth, ip, assignment.child_id)
        .await
        .map_err(|f| if f.body.error == ErrorCode::NotFound { Failure::not_found("assignment") } else { f })?;
    Ok((assignment, opened.child))
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

/// List a child's assignments
///
/// The child's assignments, of every status, each with the name of the therapist who assigned it.
#[utoipa::path(
    get, path = "/children/{id}/assignments", tag = "assignments", operation_id = "list_assignments",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The child's assignments", body = Vec<AssignmentView>),
        SessionRead, BadId, NoChild,
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
) -> ApiResult<Json<Vec<AssignmentView>>> {
    let id = child.id;
    let assignments = state.store.assignments_of_child(auth.therapist.clinic_id, child.id).await?;
    let names = therapist_names(&state, &auth).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "list_assignments",
        Some(id),
        format!("{} assignments", assignments.len()),
    )
    .await?;
    Ok(Json(
        assignments
            .into_iter()
            .map(|a| {
                let assigned_by_name = names.get(&a.assigned_by).cloned();
                AssignmentView { assignment: a, assigned_by_name }
            })
            .collect(),
    ))
}

/// Assign an exercise or routine
///
/// Assigns a library exercise or routine to the child; the family's devices receive it with everything it
/// needs. Practice is due from the later of `start_date` and the child's today (`assigned_on`): a start in the
/// past never makes a day before today "not logged".
#[utoipa::path(
    post, path = "/children/{id}/assignments", tag = "assignments", operation_id = "create_assignment",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    request_body = AssignmentInput,
    responses(
        (status = 201, description = "Assigned, active", body = AssignmentView),
        (status = 409, description = "The same practice (target, dates, days, times, dosage, note and goals) is \
            already an active or paused item of the child's program (`field`: `target`)", body = ApiError),
        (status = 422, description = "A value is out of bounds, the target is not in this clinic's library, or \
            a goal is not an active goal of this child (`goal_ids[i]`); `field` names it", body = ApiError),
        SessionWrite, JsonBody, BadJsonOrId, NoChild,
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
    StrictJson(req): StrictJson<AssignmentInput>,
) -> ApiResult<(StatusCode, Json<AssignmentView>)> {
    let assignment = prepare(&state, &auth, &child, req, "").await?;
    let program = state.store.assignments_of_child(auth.therapist.clinic_id, child.id).await?;
    refuse_duplicate(&program, &assignment)?;
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
    Ok((StatusCode::CREATED, Json(view(&state, &auth, assignment).await?)))
}

/// A new active assignment of the child from a therapist's input, checked: its values, its target, its goals.
/// A failure names its field under `at`, where the input was found in the request (`items[2]`, or "").
pub(super) async fn prepare(
    state: &AppState,
    auth: &TherapistAuth,
    child: &Child,
    req: AssignmentInput,
    at: &str,
) -> ApiResult<Assignment> {
    let assignment = Assignment {
        id: AssignmentId::new_v7(),
        child_id: child.id,
        target: req.target,
        assigned_by: auth.therapist.id,
        start_date: req.start_date,
        // Nothing is due before the family could know of it: a start in the past counts from today.
        assigned_on: Some(child.time_zone.local_date(Utc::now())),
        end_date: req.end_date,
        days: req.days,
        slots: req.slots,
        dosage: req.dosage,
        note_for_family: req.note_for_family,
        status: Status::Active,
        pauses: Vec::new(),
        goal_ids: req.goal_ids,
    };
    let within = |f: Failure| if at.is_empty() { f } else { f.within(at) };
    assignment.validate().map_err(|e| Failure::validation(at, e))?;
    check_target(state, auth, child.id, assignment.target).await.map_err(within)?;
    check_goals(state, auth, child.id, &assignment.goal_ids, &[]).await.map_err(within)?;
    Ok(assignment)
}

/// A second press of "Assign" must not give the family the same practice twice: refused if `assignment` is
/// the same practice as an active or paused item of `program`.
pub(super) fn refuse_duplicate(program: &[Assignment], assignment: &Assignment) -> ApiResult<()> {
    if program.iter().any(|a| a.status != Status::Ended && a.same_practice(assignment)) {
        return Err(Failure::new(
            ErrorCode::Conflict,
            "target: this is already in the child's program with the same days, times and dosage",
        )
        .with_field("target"));
    }
    Ok(())
}

/// Change an assignment
///
/// Changes an assignment's dates, days, slots, dosage, note or goals. The target cannot change. A start may
/// move while nothing is due yet (a start in the past then counts from today); once practice has been due
/// before today, the day it became due stays.
#[utoipa::path(
    put, path = "/assignments/{id}", tag = "assignments", operation_id = "update_assignment",
    params(("id" = AssignmentId, Path, description = "The assignment")),
    security(("session" = [], "csrf" = [])),
    request_body = AssignmentInput,
    responses(
        (status = 200, description = "Changed", body = AssignmentView),
        (status = 404, description = NO_ASSIGNMENT, body = ApiError),
        (status = 409, description = "The assignment has ended, the body names another target \
            (`field`: `target`), or the new start would change days already past: practice has been due since \
            before today (`field`: `start_date`)", body = ApiError),
        (status = 422, description = "A value is out of bounds, or a goal is not an active goal of this child \
            (`goal_ids[i]`); `field` names it", body = ApiError),
        SessionWrite, JsonBody, BadJsonOrId,
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<AssignmentId>,
    StrictJson(req): StrictJson<AssignmentInput>,
) -> ApiResult<Json<AssignmentView>> {
    let (mut assignment, child) = own_assignment(&state, &auth, &ip, id).await?;
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
    // A past day's numbers never change: a start moves only where no day before today changes.
    let today = child.time_zone.local_date(Utc::now());
    assignment
        .set_start(req.start_date, today)
        .map_err(|e| Failure::new(ErrorCode::Conflict, format!("start_date: {e}")).with_field("start_date"))?;
    assignment.end_date = req.end_date;
    assignment.days = req.days;
    assignment.slots = req.slots;
    assignment.dosage = req.dosage;
    assignment.note_for_family = req.note_for_family;
    check_goals(&state, &auth, child.id, &req.goal_ids, &assignment.goal_ids).await?;
    assignment.goal_ids = req.goal_ids;
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
    Ok(Json(view(&state, &auth, assignment).await?))
}

fn conflict(e: StatusChangeError) -> Failure {
    let f = Failure::new(ErrorCode::Conflict, e.to_string());
    match e {
        StatusChangeError::DateTooEarly | StatusChangeError::InThePast { .. } => f.with_field("on"),
        _ => f,
    }
}

async fn change_status(
    state: AppState,
    auth: TherapistAuth,
    ip: ClientIp,
    id: AssignmentId,
    action: &str,
    apply: impl FnOnce(&mut Assignment, NaiveDate) -> Result<(), StatusChangeError>,
) -> ApiResult<Json<AssignmentView>> {
    let (mut assignment, child) = own_assignment(&state, &auth, &ip, id).await?;
    // A change takes effect from the child's today at the earliest: a past day's numbers never change.
    let today = child.time_zone.local_date(Utc::now());
    apply(&mut assignment, today).map_err(conflict)?;
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
    Ok(Json(view(&state, &auth, assignment).await?))
}

const NO_ASSIGNMENT: &str = "No such assignment in this clinic, or of a child the caller may not open";

/// What pausing, resuming and ending an assignment answer besides the shared sets: the three differ only in
/// the change they make.
#[derive(Debug, utoipa::IntoResponses)]
#[allow(dead_code)] // Describes the answers; the handlers answer with `Failure`.
pub enum StatusChanged {
    #[response(status = 200, description = "The assignment after the change")]
    Changed(AssignmentView),
    #[response(status = 400, description = BAD_JSON_OR_ID)]
    BadRequest(ApiError),
    #[response(status = 404, description = NO_ASSIGNMENT)]
    NotFound(ApiError),
    #[response(
        status = 409,
        description = "The assignment's status does not allow this change, or the date is too early: before its \
            start or last change, or before the child's today (yesterday for an end), since a past day's numbers \
            never change (`field`: `on`)"
    )]
    Conflict(ApiError),
    #[response(status = 422, description = OUT_OF_BOUNDS)]
    Invalid(ApiError),
}

/// Pause an assignment
///
/// Pauses an active assignment from a date (in the family's local dates, today or later) until it is resumed.
#[utoipa::path(
    post, path = "/assignments/{id}/pause", tag = "assignments", operation_id = "pause_assignment",
    params(("id" = AssignmentId, Path, description = "The assignment")),
    security(("session" = [], "csrf" = [])),
    request_body = StatusChange,
    responses(StatusChanged, SessionWrite, JsonBody),
)]
pub async fn pause(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<AssignmentId>,
    StrictJson(req): StrictJson<StatusChange>,
) -> ApiResult<Json<AssignmentView>> {
    change_status(state, auth, ip, id, "pause", |a, today| a.pause(req.on, today)).await
}

/// Resume an assignment
///
/// Resumes a paused assignment from a date (in the family's local dates, today or later).
#[utoipa::path(
    post, path = "/assignments/{id}/resume", tag = "assignments", operation_id = "resume_assignment",
    params(("id" = AssignmentId, Path, description = "The assignment")),
    security(("session" = [], "csrf" = [])),
    request_body = StatusChange,
    responses(StatusChanged, SessionWrite, JsonBody),
)]
pub async fn resume(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<AssignmentId>,
    StrictJson(req): StrictJson<StatusChange>,
) -> ApiResult<Json<AssignmentView>> {
    change_status(state, auth, ip, id, "resume", |a, today| a.resume(req.on, today)).await
}

/// End an assignment
///
/// Ends an assignment on a date (its last day of practice, in the family's local dates, yesterday or later); its
/// record is kept as it was.
#[utoipa::path(
    post, path = "/assignments/{id}/end", tag = "assignments", operation_id = "end_assignment",
    params(("id" = AssignmentId, Path, description = "The assignment")),
    security(("session" = [], "csrf" = [])),
    request_body = StatusChange,
    responses(StatusChanged, SessionWrite, JsonBody),
)]
pub async fn end(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<AssignmentId>,
    StrictJson(req): StrictJson<StatusChange>,
) -> ApiResult<Json<AssignmentView>> {
    change_status(state, auth, ip, id, "end", |a, today| a.end(req.on, today)).await
}

/// An assignment's history
///
/// Every change of the assignment, oldest first, each with the assignment as it was after it.
#[utoipa::path(
    get, path = "/assignments/{id}/history", tag = "assignments", operation_id = "assignment_history",
    params(("id" = AssignmentId, Path, description = "The assignment")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The changes", body = Vec<HistoryEntry>),
        (status = 404, description = NO_ASSIGNMENT, body = ApiError),
        SessionRead, BadId,
    ),
)]
pub async fn history(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<AssignmentId>,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    let (_, child) = own_assignment(&state, &auth, &ip, id).await?;
    let records = state.store.assignment_history(auth.therapist.clinic_id, id).await?;
    let names = therapist_names(&state, &auth).await?;
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
            assignment: {
                let assigned_by_name = names.get(&r.assignment.assigned_by).cloned();
                AssignmentView { assignment: r.assignment, assigned_by_name }
            },
        })
        .collect();
    Ok(Json(entries))
}
