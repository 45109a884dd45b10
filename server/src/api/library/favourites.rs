//! A therapist's own shortcuts into the library: favourite exercises (marked by hand) and the exercises they
//! assigned most recently, so a program is built from the few a therapist uses every week.

use crate::api::responses::{BadId, SessionRead, SessionWrite};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::json::IdPath as Path;
use crate::program::find_exercise;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeplay_core::ids::ExerciseId;
use homeplay_core::sync::ApiError;
use serde::Serialize;
use std::collections::HashSet;

/// The exercises a therapist reaches for.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyExercises {
    /// Marked as favourites, the latest marked first.
    pub favourites: Vec<ExerciseId>,
    /// Assigned most recently by this therapist (directly, not through a routine), newest first, each once.
    #[schema(max_items = 12)]
    pub recent: Vec<ExerciseId>,
}

impl MyExercises {
    pub const MAX_RECENT: usize = 12;
}

/// My favourite and recent exercises
///
/// The signed-in therapist's favourite exercises and the ones they assigned most recently. Archived clinic
/// exercises are left out, as they can no longer be assigned.
#[utoipa::path(
    get, path = "/library/mine", tag = "library", operation_id = "my_exercises",
    security(("session" = [])),
    responses(
        (status = 200, description = "Their favourites and recent exercises", body = MyExercises),
        SessionRead,
    ),
)]
pub async fn mine(State(state): State<AppState>, auth: TherapistAuth) -> ApiResult<Json<MyExercises>> {
    let clinic = auth.therapist.clinic_id;
    let favourites = state.store.favourites(auth.therapist.id).await?;
    let recent = state.store.recent_exercises(clinic, auth.therapist.id, MyExercises::MAX_RECENT).await?;
    // Only the listed ids are looked up (built-ins in memory, the clinic's own in one query), not the library.
    let builtin: HashSet<ExerciseId> = super::exercises::builtin_exercises()?.iter().map(|e| e.id).collect();
    let named: Vec<ExerciseId> =
        favourites.iter().chain(&recent).filter(|id| !builtin.contains(*id)).copied().collect();
    let own = state.store.clinic_exercises_among(clinic, &named).await?;
    let keep = |ids: Vec<ExerciseId>| -> Vec<ExerciseId> {
        ids.into_iter().filter(|id| builtin.contains(id) || own.contains(id)).collect()
    };
    let favourites = keep(favourites);
    let recent = keep(recent);
    Ok(Json(MyExercises { favourites, recent }))
}

/// Mark an exercise as a favourite
///
/// Adds a built-in or clinic exercise to the signed-in therapist's favourites; marking it again is harmless.
#[utoipa::path(
    put, path = "/library/favourites/{id}", tag = "library", operation_id = "add_favourite",
    params(("id" = ExerciseId, Path, description = "The exercise")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "It is one of their favourites"),
        (status = 404, description = "No such exercise in the built-in library or this clinic's", body = ApiError),
        SessionWrite, BadId,
    ),
)]
pub async fn add_favourite(
    State(state): State<AppState>,
    auth: TherapistAuth,
    Path(id): Path<ExerciseId>,
) -> ApiResult<StatusCode> {
    if find_exercise(&state.store, auth.therapist.clinic_id, id).await?.is_none() {
        return Err(Failure::not_found("exercise"));
    }
    state.store.set_favourite(auth.therapist.id, id, true, now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unmark a favourite
///
/// Takes an exercise out of the signed-in therapist's favourites; one that was not a favourite stays so.
#[utoipa::path(
    delete, path = "/library/favourites/{id}", tag = "library", operation_id = "remove_favourite",
    params(("id" = ExerciseId, Path, description = "The exercise")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "It is not one of their favourites"),
        SessionWrite, BadId,
    ),
)]
pub async fn remove_favourite(
    State(state): State<AppState>,
    auth: TherapistAuth,
    Path(id): Path<ExerciseId>,
) -> ApiResult<StatusCode> {
    state.store.set_favourite(auth.therapist.id, id, false, now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}
