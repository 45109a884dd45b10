//! The clinic's routines: ordered exercises with a reward, listed, read, written and archived, and which
//! children's programs use each.

use super::*;
use crate::access::OpenChild;
use crate::api::responses::{BadId, BadJson, BadJsonOrId, JsonBody, NoChild, SessionRead, SessionWrite};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::json::IdPath as Path;
use crate::json::StrictJson;
use crate::program::find_exercise;
use crate::state::{AppState, now_ms};
use crate::store::FeedEntry;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeplay_core::Validate;
use homeplay_core::assignment::{Status, Target};
use homeplay_core::ids::{AssignmentId, ChildId, ClinicId, ExerciseId, FamilyId, RoutineId};
use homeplay_core::routine::{Reward, Routine, Warning};
use homeplay_core::sync::{ApiError, Change, ErrorCode, MediaInfo};
use homeplay_core::text::{KidText, Name, Title};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// A routine as a therapist writes it; the server gives it its id.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutineInput {
    pub title: Title,
    pub kid_title: KidText,
    #[schema(min_items = 1, max_items = 12)]
    pub items: Vec<ExerciseId>,
    #[serde(default)]
    pub then_reward: Option<Reward>,
    /// The child a new routine is made for: it stays that child's, is not listed with the clinic's templates,
    /// and is read, changed and assigned only through the child. Absent: a clinic template. A routine's child
    /// never changes.
    #[serde(default)]
    pub child_id: Option<ChildId>,
}

/// Who may reach a routine: anyone of the clinic for a template; for a child's own routine, whoever may open
/// the child (else 404, as for a routine that does not exist).
async fn reach_routine(
    state: &AppState,
    auth: &TherapistAuth,
    ip: &ClientIp,
    id: RoutineId,
) -> ApiResult<Option<ChildId>> {
    let owner = state.store.routine_owner(auth.therapist.clinic_id, id).await?;
    if let Some(child) = owner {
        crate::access::open_child(state, auth, ip, child).await.map_err(|_| Failure::not_found("routine"))?;
    }
    Ok(owner)
}

/// A routine with the advice that did not stop it from saving.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoutineReply {
    pub routine: Routine,
    pub warnings: Vec<Warning>,
}

impl From<Routine> for RoutineReply {
    fn from(routine: Routine) -> Self {
        let warnings = routine.warnings();
        Self { routine, warnings }
    }
}

/// List routines
///
/// The clinic's routine templates, each with the advice that did not stop it from saving. A routine made for
/// one child is that child's, not a template, and is not listed.
#[utoipa::path(
    get, path = "/library/routines", tag = "library", operation_id = "list_routines",
    security(("session" = [])),
    responses(
        (status = 200, description = "The clinic's routine templates", body = Vec<RoutineReply>),
        SessionRead,
    ),
)]
pub async fn list_routines(State(state): State<AppState>, auth: TherapistAuth) -> ApiResult<Json<Vec<RoutineReply>>> {
    let clinic = auth.therapist.clinic_id;
    let owned = state.store.routine_owners(clinic).await?;
    let routines = state.store.routines_of_clinic(clinic).await?;
    Ok(Json(routines.into_iter().filter(|r| !owned.contains_key(&r.id)).map(RoutineReply::from).collect()))
}

/// List a child's own routines
///
/// The routines made for this child (removed ones too, while the child's program may still use them),
/// oldest first. They are not among the clinic's templates.
#[utoipa::path(
    get, path = "/children/{id}/routines", tag = "library", operation_id = "list_child_routines",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The child's own routines", body = Vec<RoutineReply>),
        SessionRead, BadId, NoChild,
    ),
)]
pub async fn list_child_routines(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
) -> ApiResult<Json<Vec<RoutineReply>>> {
    let clinic = auth.therapist.clinic_id;
    let routines: Vec<RoutineReply> =
        state.store.routines_of_child(clinic, child.id).await?.into_iter().map(RoutineReply::from).collect();
    let detail = format!("{} routines", routines.len());
    audit::record(&state, Actor::Therapist(&auth), &ip, "list_child_routines", Some(child.id), detail).await?;
    Ok(Json(routines))
}

/// Read a routine
///
/// One of the clinic's routines, with its warnings.
#[utoipa::path(
    get, path = "/library/routines/{id}", tag = "library", operation_id = "get_routine",
    params(("id" = RoutineId, Path, description = "The routine")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The routine", body = RoutineReply),
        (status = 404, description = "No such routine in this clinic, or one made for a child the caller may \
            not open", body = ApiError),
        SessionRead, BadId,
    ),
)]
pub async fn get_routine(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<RoutineId>,
) -> ApiResult<Json<RoutineReply>> {
    reach_routine(&state, &auth, &ip, id).await?;
    let routine = state.store.routine(auth.therapist.clinic_id, id).await?.ok_or(Failure::not_found("routine"))?;
    Ok(Json(routine.into()))
}

/// A child's assignment of a clinic routine that has not ended: who a change to the routine reaches.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoutineUse {
    pub routine_id: RoutineId,
    pub assignment_id: AssignmentId,
    pub child_id: ChildId,
    pub child_name: Name,
    pub status: Status,
}

/// List who practises the clinic's routines
///
/// Every assignment of a clinic routine that has not ended, with its child, among the children the caller
/// may see (see `GET /children`). An edit of a routine reaches all of them; the dashboard shows them before
/// saving one.
#[utoipa::path(
    get, path = "/library/routine-uses", tag = "library", operation_id = "list_routine_uses",
    security(("session" = [])),
    responses(
        (status = 200, description = "Active and paused routine assignments, by child name", body = Vec<RoutineUse>),
        SessionRead,
    ),
)]
pub async fn list_routine_uses(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
) -> ApiResult<Json<Vec<RoutineUse>>> {
    let clinic = auth.therapist.clinic_id;
    let children = state.store.children_of_clinic(clinic).await?;
    // Only the children the caller may see: a routine's other users are not theirs to know by name.
    let children = crate::access::listable_children(&state, &auth, children).await?;
    let names: HashMap<ChildId, Name> = children.iter().map(|c| (c.id, c.display_name.clone())).collect();
    let families: BTreeSet<FamilyId> = children.iter().map(|c| c.family_id).collect();
    let mut uses = Vec::new();
    for family in families {
        for a in state.store.assignments_of_family(family).await? {
            let (Target::Routine { routine_id }, Some(name)) = (a.target, names.get(&a.child_id)) else { continue };
            if a.status != Status::Ended {
                uses.push(RoutineUse {
                    routine_id,
                    assignment_id: a.id,
                    child_id: a.child_id,
                    child_name: name.clone(),
                    status: a.status,
                });
            }
        }
    }
    uses.sort_by(|a, b| a.child_name.as_str().cmp(b.child_name.as_str()).then(a.assignment_id.cmp(&b.assignment_id)));
    // Names children: their records were read.
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "list_routine_uses",
        None,
        format!("{} assignments", uses.len()),
    )
    .await?;
    Ok(Json(uses))
}

/// Checks a routine's items and reward exist for the clinic; returns the reward's upload, if it is one.
async fn check_routine(state: &AppState, clinic: ClinicId, routine: &Routine) -> ApiResult<Option<MediaInfo>> {
    routine.validate()?;
    for (i, item) in routine.items.iter().enumerate() {
        if find_exercise(&state.store, clinic, *item).await?.is_none() {
            let field = format!("items[{i}]");
            return Err(Failure::invalid(&field, format!("{field}: no exercise {item} in the library")));
        }
    }
    match routine.then_reward.as_ref().and_then(|r| r.picture.as_ref()) {
        Some(picture) => check_media(state, clinic, picture, MediaKind::Image, "then_reward.picture").await,
        None => Ok(None),
    }
}

/// Write a routine
///
/// Adds a routine of library exercises, with an optional first–then reward: a clinic template, or, with
/// `child_id`, a routine of that child's own.
#[utoipa::path(
    post, path = "/library/routines", tag = "library", operation_id = "create_routine",
    security(("session" = [], "csrf" = [])),
    request_body = RoutineInput,
    responses(
        (status = 201, description = "Added, with warnings (a long routine) that did not stop it",
            body = RoutineReply),
        (status = 404, description = "`child_id` names no child the caller may open", body = ApiError),
        (status = 422, description = "A value is out of bounds, an item is not in the library, or the reward's \
            picture names no picture; `field` names it", body = ApiError),
        SessionWrite, JsonBody, BadJson,
    ),
)]
pub async fn create_routine(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    StrictJson(req): StrictJson<RoutineInput>,
) -> ApiResult<(StatusCode, Json<RoutineReply>)> {
    let clinic = auth.therapist.clinic_id;
    let routine = Routine {
        id: RoutineId::new_v7(),
        clinic_id: clinic,
        title: req.title,
        kid_title: req.kid_title,
        items: req.items,
        then_reward: req.then_reward,
    };
    if let Some(child) = req.child_id {
        crate::access::open_child(&state, &auth, &ip, child).await?;
    }
    check_routine(&state, clinic, &routine).await?;
    match req.child_id {
        Some(child) => state.store.put_child_routine(clinic, &routine, child, now_ms()).await?,
        None => state.store.put_routine(clinic, &routine, now_ms()).await?,
    }
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "create_routine",
        req.child_id,
        format!("routine {}; {} items", routine.id, routine.items.len()),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(routine.into())))
}

/// Change a routine
///
/// Changes a routine; families practising it receive it, and any exercises new to them.
#[utoipa::path(
    put, path = "/library/routines/{id}", tag = "library", operation_id = "update_routine",
    params(("id" = RoutineId, Path, description = "The routine")),
    security(("session" = [], "csrf" = [])),
    request_body = RoutineInput,
    responses(
        (status = 200, description = "Changed, with warnings that did not stop it", body = RoutineReply),
        (status = 404, description = "No such routine in this clinic, or one made for a child the caller may \
            not open", body = ApiError),
        (status = 409, description = "`child_id` names another child than the routine's", body = ApiError),
        (status = 422, description = "A value is out of bounds, an item is not in the library, or the reward's \
            picture names no picture; `field` names it", body = ApiError),
        SessionWrite, JsonBody, BadJsonOrId,
    ),
)]
pub async fn update_routine(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<RoutineId>,
    StrictJson(req): StrictJson<RoutineInput>,
) -> ApiResult<Json<RoutineReply>> {
    let clinic = auth.therapist.clinic_id;
    let owner = reach_routine(&state, &auth, &ip, id).await?;
    let stored = state.store.routine(clinic, id).await?.ok_or(Failure::not_found("routine"))?;
    if req.child_id.is_some() && req.child_id != owner {
        return Err(
            Failure::new(ErrorCode::Conflict, "child_id: a routine's child never changes").with_field("child_id")
        );
    }
    let routine = Routine {
        id,
        clinic_id: clinic,
        title: req.title,
        kid_title: req.kid_title,
        items: req.items,
        then_reward: req.then_reward,
    };
    let reward_media = check_routine(&state, clinic, &routine).await?;
    state.store.put_routine(clinic, &routine, now_ms()).await?;

    let families = families_using(&state, clinic, |a| a.target == Target::Routine { routine_id: id }).await?;
    if !families.is_empty() {
        // Families already hold the exercises that were in the routine; send only the new ones.
        let mut entries = vec![FeedEntry::new(Change::Routine(routine.clone()))];
        entries.extend(reward_media.map(|m| FeedEntry::new(Change::Media(m))));
        for item in routine.items.iter().filter(|item| !stored.items.contains(item)) {
            let exercise = find_exercise(&state.store, clinic, *item).await?.ok_or(Failure::not_found("exercise"))?;
            let media = exercise_media(&state, clinic, &exercise).await?;
            entries.extend(exercise_entries(exercise, media));
        }
        fan_out(&state, &families, &entries).await?;
    }
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "update_routine",
        owner,
        format!("routine {id}; {} items; {} families updated", routine.items.len(), families.len()),
    )
    .await?;
    Ok(Json(routine.into()))
}

/// Remove a routine from the library
///
/// Takes a clinic routine out of the library. Programs that already use it keep it.
#[utoipa::path(
    delete, path = "/library/routines/{id}", tag = "library", operation_id = "archive_routine",
    params(("id" = RoutineId, Path, description = "The routine")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Removed from the library"),
        (status = 404, description = "No such routine in this clinic's library", body = ApiError),
        SessionWrite, BadId,
    ),
)]
pub async fn archive_routine(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<RoutineId>,
) -> ApiResult<StatusCode> {
    let owner = reach_routine(&state, &auth, &ip, id).await?;
    let archivable = crate::store::Archivable::Routine;
    if !state.store.archive(auth.therapist.clinic_id, archivable, id.0, now_ms()).await? {
        return Err(Failure::not_found("routine"));
    }
    audit::record(&state, Actor::Therapist(&auth), &ip, "archive_routine", owner, format!("routine {id}")).await?;
    Ok(StatusCode::NO_CONTENT)
}
