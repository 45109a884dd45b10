//! The library's exercises: the built-in starter ones (read-only) and the clinic's own, listed, read, written,
//! copied and archived.

use super::*;
use crate::api::doc::*;
use crate::api::responses::{BadId, BadJson, BadJsonOrId, JsonBody, SessionRead, SessionWrite};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::json::IdPath as Path;
use crate::json::StrictJson;
use crate::program::find_exercise;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use homeplay_core::Validate;
use homeplay_core::assignment::Target;
use homeplay_core::exercise::{AgeRange, Dosage, Exercise, Origin, PictureStep};
use homeplay_core::ids::{ExerciseId, RoutineId};
use homeplay_core::language::Language;
use homeplay_core::routine::Routine;
use homeplay_core::skill::{Discipline, ExerciseDiscipline, SkillArea};
use homeplay_core::sync::ApiError;
use homeplay_core::text::{KidText, Name, Prose, Title};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// An exercise as a therapist writes it; the server gives it its id and origin.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExerciseInput {
    pub discipline: ExerciseDiscipline,
    #[schema(min_items = 1, max_items = 4)]
    pub skill_areas: Vec<SkillArea>,
    pub title: Title,
    pub kid_title: KidText,
    pub instructions: Prose,
    #[schema(min_items = 1, max_items = 6)]
    pub steps: Vec<PictureStep>,
    pub dosage: Dosage,
    #[serde(default)]
    #[schema(max_items = 12)]
    pub equipment: Vec<Name>,
    #[serde(default)]
    pub safety_note: Option<Prose>,
    #[serde(default)]
    pub easier: Option<Prose>,
    #[serde(default)]
    pub harder: Option<Prose>,
    pub ages: AgeRange,
}

impl ExerciseInput {
    fn into_exercise(self, id: ExerciseId, origin: Origin) -> Exercise {
        Exercise {
            id,
            origin,
            discipline: self.discipline,
            skill_areas: self.skill_areas,
            title: self.title,
            kid_title: self.kid_title,
            instructions: self.instructions,
            steps: self.steps,
            dosage: self.dosage,
            equipment: self.equipment,
            safety_note: self.safety_note,
            easier: self.easier,
            harder: self.harder,
            ages: self.ages,
        }
    }
}

/// The list's filters: `discipline=ot|pt`, `area=<skill area>`, `q=<text in the titles or instructions>`.
#[derive(Debug, Default)]
struct ExerciseFilter {
    discipline: Option<Discipline>,
    area: Option<SkillArea>,
    q: Option<String>,
    /// The family language built-in exercises are wanted in (a printout for a family); absent: as written.
    language: Option<Language>,
}

const MAX_QUERY_CHARS: usize = 100;

/// Parses one enumeration value from the query string as its JSON spelling, so the accepted words are
/// exactly the protocol's.
fn query_value<T: DeserializeOwned>(field: &str, value: &str) -> ApiResult<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned()))
        .map_err(|e| Failure::invalid(field, format!("{field}: {e}")))
}

impl ExerciseFilter {
    fn parse(uri: &Uri) -> ApiResult<Self> {
        // Read pair by pair so that an error names the parameter, as body errors name the field.
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map_err(|_| Failure::bad_request("the query string could not be read"))?;
        let mut filter = Self::default();
        for (key, value) in pairs {
            match key.as_str() {
                "discipline" => filter.discipline = Some(query_value(&key, &value)?),
                "area" => filter.area = Some(query_value(&key, &value)?),
                "language" => filter.language = Some(query_value(&key, &value)?),
                "q" => {
                    let q = value.trim().to_lowercase();
                    if q.chars().count() > MAX_QUERY_CHARS {
                        return Err(Failure::invalid("q", format!("q: must be at most {MAX_QUERY_CHARS} characters")));
                    }
                    filter.q = (!q.is_empty()).then_some(q);
                }
                _ => {
                    return Err(Failure::bad_request(format!(
                        "unknown query parameter `{key}`; use discipline, area, q or language"
                    ))
                    .with_field(key));
                }
            }
        }
        Ok(filter)
    }

    fn matches(&self, e: &Exercise) -> bool {
        self.discipline.is_none_or(|d| e.discipline.includes(d))
            && self.area.is_none_or(|a| e.skill_areas.contains(&a))
            && self.q.as_deref().is_none_or(|q| searchable_text(e).any(|text| text.to_lowercase().contains(q)))
    }
}

/// What a search looks in: the titles and instructions, the skill areas by name ("balance"), the equipment
/// and the technique (safety note, easier and harder versions).
fn searchable_text(e: &Exercise) -> impl Iterator<Item = &str> {
    [e.title.as_str(), e.kid_title.as_str(), e.instructions.as_str()]
        .into_iter()
        .chain(e.skill_areas.iter().map(|a| a.label()))
        .chain(e.equipment.iter().map(|n| n.as_str()))
        .chain([&e.safety_note, &e.easier, &e.harder].into_iter().flatten().map(|p| p.as_str()))
}

pub(super) fn builtin_exercises() -> ApiResult<&'static [Exercise]> {
    homeplay_core::library::starter().map(|lib| lib.exercises()).map_err(|e| {
        tracing::error!(error = %e, "the starter library does not load");
        Failure::new(homeplay_core::sync::ErrorCode::Internal, "the built-in library is unavailable")
    })
}

/// List exercises
///
/// The built-in starter exercises and the clinic's own, optionally filtered.
#[utoipa::path(
    get, path = "/library/exercises", tag = "library", operation_id = "list_exercises",
    params(
        ("discipline" = Option<Discipline>, Query, description = "Only exercises for this discipline"),
        ("area" = Option<SkillArea>, Query, description = "Only exercises training this skill area"),
        ("q" = Option<String>, Query, max_length = 100,
            description = "Only exercises with this text (any case) in a title, the instructions, a skill area's \
                name, the equipment, the safety note or the easier and harder versions"),
        ("language" = Option<Language>, Query,
            description = "Built-in exercises in this family language (as a device pulling in it gets them, for a \
                printout in the family's words); the clinic's own stay as written. `q` searches the words returned"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "Built-in exercises first, then the clinic's", body = Vec<Exercise>),
        (status = 400, description = BAD_QUERY, body = ApiError),
        (status = 422, description = "A filter's value is not one this endpoint knows, or `q` is too long; \
            `field` names it", body = ApiError),
        SessionRead,
    ),
)]
pub async fn list_exercises(
    State(state): State<AppState>,
    auth: TherapistAuth,
    uri: Uri,
) -> ApiResult<Json<Vec<Exercise>>> {
    let filter = ExerciseFilter::parse(&uri)?;
    let own = state.store.exercises_of_clinic(auth.therapist.clinic_id).await?;
    let language = filter.language.unwrap_or_default();
    let builtin = builtin_exercises()?.iter().map(|e| homeplay_core::library::in_language(e, language).into_owned());
    Ok(Json(builtin.chain(own).filter(|e| filter.matches(e)).collect()))
}

/// Read an exercise
///
/// A built-in exercise or one of the clinic's own.
#[utoipa::path(
    get, path = "/library/exercises/{id}", tag = "library", operation_id = "get_exercise",
    params(("id" = ExerciseId, Path, description = "The exercise")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The exercise", body = Exercise),
        (status = 404, description = "No such exercise in the built-in library or this clinic's", body = ApiError),
        SessionRead, BadId,
    ),
)]
pub async fn get_exercise(
    State(state): State<AppState>,
    auth: TherapistAuth,
    Path(id): Path<ExerciseId>,
) -> ApiResult<Json<Exercise>> {
    let exercise = find_exercise(&state.store, auth.therapist.clinic_id, id).await?;
    Ok(Json(exercise.ok_or(Failure::not_found("exercise"))?))
}

/// Write an exercise
///
/// Adds an exercise to the clinic's library. Uploaded media must be uploaded first (`POST /api/v1/media`).
#[utoipa::path(
    post, path = "/library/exercises", tag = "library", operation_id = "create_exercise",
    security(("session" = [], "csrf" = [])),
    request_body = ExerciseInput,
    responses(
        (status = 201, description = "Added", body = Exercise),
        (status = 422, description = "A value is out of bounds, or a media reference names no upload of the \
            right kind; `field` names it", body = ApiError),
        SessionWrite, JsonBody, BadJson,
    ),
)]
pub async fn create_exercise(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    StrictJson(req): StrictJson<ExerciseInput>,
) -> ApiResult<(StatusCode, Json<Exercise>)> {
    let clinic = auth.therapist.clinic_id;
    let exercise = req.into_exercise(ExerciseId::new_v7(), Origin::Clinic { clinic_id: clinic, cloned_from: None });
    exercise.validate()?;
    exercise_media(&state, clinic, &exercise).await?;
    state.store.put_exercise(clinic, &exercise, now_ms()).await?;
    audit::record(&state, Actor::Therapist(&auth), &ip, "create_exercise", None, format!("exercise {}", exercise.id))
        .await?;
    Ok((StatusCode::CREATED, Json(exercise)))
}

/// Change an exercise
///
/// Changes one of the clinic's exercises; families already practising it receive the new version.
#[utoipa::path(
    put, path = "/library/exercises/{id}", tag = "library", operation_id = "update_exercise",
    params(("id" = ExerciseId, Path, description = "The exercise")),
    security(("session" = [], "csrf" = [])),
    request_body = ExerciseInput,
    responses(
        (status = 200, description = "Changed", body = Exercise),
        (status = 403, description = "A built-in exercise (read-only: clone it), or the X-CSRF-Token header is \
            missing or wrong", body = ApiError),
        (status = 404, description = "No such exercise in this clinic", body = ApiError),
        (status = 422, description = "A value is out of bounds, or a media reference names no upload of the \
            right kind; `field` names it", body = ApiError),
        SessionRead, JsonBody, BadJsonOrId,
    ),
)]
pub async fn update_exercise(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<ExerciseId>,
    StrictJson(req): StrictJson<ExerciseInput>,
) -> ApiResult<Json<Exercise>> {
    let clinic = auth.therapist.clinic_id;
    if builtin_exercises()?.iter().any(|e| e.id == id) {
        return Err(Failure::forbidden("built-in exercises are read-only; clone it"));
    }
    let stored = state.store.exercise(clinic, id).await?.ok_or(Failure::not_found("exercise"))?;
    let exercise = req.into_exercise(id, stored.origin);
    exercise.validate()?;
    let media = exercise_media(&state, clinic, &exercise).await?;
    state.store.put_exercise(clinic, &exercise, now_ms()).await?;

    let routines: HashMap<RoutineId, Routine> =
        state.store.routines_of_clinic(clinic).await?.into_iter().map(|r| (r.id, r)).collect();
    let families = families_using(&state, clinic, |a| match a.target {
        Target::Exercise { exercise_id } => exercise_id == id,
        Target::Routine { routine_id } => routines.get(&routine_id).is_some_and(|r| r.items.contains(&id)),
    })
    .await?;
    fan_out(&state, &families, &exercise_entries(exercise.clone(), media)).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "update_exercise",
        None,
        format!("exercise {id}; {} families updated", families.len()),
    )
    .await?;
    Ok(Json(exercise))
}

/// Clone an exercise
///
/// Copies a built-in or own exercise into the clinic's library, to adapt it. Takes no body.
#[utoipa::path(
    post, path = "/library/exercises/{id}/clone", tag = "library", operation_id = "clone_exercise",
    params(("id" = ExerciseId, Path, description = "The exercise to copy")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "The copy", body = Exercise),
        (status = 404, description = "No such exercise in the built-in library or this clinic's", body = ApiError),
        SessionWrite, BadId,
    ),
)]
pub async fn clone_exercise(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<ExerciseId>,
) -> ApiResult<(StatusCode, Json<Exercise>)> {
    let clinic = auth.therapist.clinic_id;
    let source = find_exercise(&state.store, clinic, id).await?.ok_or(Failure::not_found("exercise"))?;
    let copy = source.clone_for(clinic, ExerciseId::new_v7());
    copy.validate()?;
    state.store.put_exercise(clinic, &copy, now_ms()).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "clone_exercise",
        None,
        format!("exercise {} from {id}", copy.id),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(copy)))
}

/// Remove a clinic exercise from the library
///
/// Takes one of the clinic's own exercises out of the library. Programs that already use it keep it; it can
/// no longer be picked for new ones. Built-in exercises cannot be removed.
#[utoipa::path(
    delete, path = "/library/exercises/{id}", tag = "library", operation_id = "archive_exercise",
    params(("id" = ExerciseId, Path, description = "The exercise")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Removed from the library"),
        (status = 403, description = "Built-in exercises are read-only, or the CSRF token is missing", body = ApiError),
        (status = 404, description = "No such exercise in this clinic's library", body = ApiError),
        SessionRead, BadId,
    ),
)]
pub async fn archive_exercise(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<ExerciseId>,
) -> ApiResult<StatusCode> {
    if homeplay_core::library::starter().is_ok_and(|lib| lib.get(id).is_some()) {
        return Err(Failure::forbidden("built-in exercises are read-only"));
    }
    let archivable = crate::store::Archivable::Exercise;
    if !state.store.archive(auth.therapist.clinic_id, archivable, id.0, now_ms()).await? {
        return Err(Failure::not_found("exercise"));
    }
    audit::record(&state, Actor::Therapist(&auth), &ip, "archive_exercise", None, format!("exercise {id}")).await?;
    Ok(StatusCode::NO_CONTENT)
}
