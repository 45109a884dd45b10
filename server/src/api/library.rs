//! The therapist's library: the built-in starter exercises (read-only) and the clinic's own exercises and
//! routines. An edit to an exercise or routine that families already practise reaches their devices.

use crate::api::doc::*;
use crate::api::responses::{BadId, BadJson, BadJsonOrId, JsonBody, SessionRead, SessionWrite};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::json::IdPath as Path;
use crate::json::StrictJson;
use crate::program::find_exercise;
use crate::state::{AppState, now_ms};
use crate::store::FeedEntry;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use homeplay_core::Validate;
use homeplay_core::assignment::{Assignment, Status, Target};
use homeplay_core::exercise::{AgeRange, Dosage, Exercise, Origin, PictureStep};
use homeplay_core::ids::{AssignmentId, ChildId, ClinicId, ExerciseId, FamilyId, RoutineId};
use homeplay_core::media::{MediaRef, MediaSource};
use homeplay_core::routine::{Reward, Routine, Warning};
use homeplay_core::skill::{Discipline, ExerciseDiscipline, SkillArea};
use homeplay_core::sync::{ApiError, Change, MediaInfo};
use homeplay_core::text::{KidText, Name, Prose, Title};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

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

/// The list's filters: `discipline=ot|pt`, `area=<skill area>`, `q=<text in the titles or instructions>`.
#[derive(Debug, Default)]
struct ExerciseFilter {
    discipline: Option<Discipline>,
    area: Option<SkillArea>,
    q: Option<String>,
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
                "q" => {
                    let q = value.trim().to_lowercase();
                    if q.chars().count() > MAX_QUERY_CHARS {
                        return Err(Failure::invalid("q", format!("q: must be at most {MAX_QUERY_CHARS} characters")));
                    }
                    filter.q = (!q.is_empty()).then_some(q);
                }
                _ => {
                    return Err(Failure::bad_request(format!(
                        "unknown query parameter `{key}`; use discipline, area or q"
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
            && self.q.as_deref().is_none_or(|q| {
                [e.title.as_str(), e.kid_title.as_str(), e.instructions.as_str()]
                    .iter()
                    .any(|text| text.to_lowercase().contains(q))
            })
    }
}

fn builtin_exercises() -> ApiResult<&'static [Exercise]> {
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
            description = "Only exercises with this text in a title or the instructions (any case)"),
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
    let all = builtin_exercises()?.iter().cloned().chain(own);
    Ok(Json(all.filter(|e| filter.matches(e)).collect()))
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

/// What kind of file a media field must point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaKind {
    Image,
    Audio,
    Video,
}

impl MediaKind {
    fn prefix(self) -> &'static str {
        match self {
            Self::Image => "image/",
            Self::Audio => "audio/",
            Self::Video => "video/",
        }
    }
}

/// Checks that `media` exists for this clinic and is of the right kind; returns the upload's feed record
/// (built-in pictures need none: every app carries them).
async fn check_media(
    state: &AppState,
    clinic: ClinicId,
    media: &MediaRef,
    kind: MediaKind,
    field: &str,
) -> ApiResult<Option<MediaInfo>> {
    match media.source() {
        MediaSource::Builtin(_) => {
            if kind != MediaKind::Image {
                return Err(Failure::invalid(field, format!("{field}: built-in media are pictures; upload the file")));
            }
            if homeplay_core::library::builtin_picture(media).is_none() {
                return Err(Failure::invalid(field, format!("{field}: there is no built-in picture {media}")));
            }
            Ok(None)
        }
        MediaSource::Upload { sha256_hex } => {
            let (content_type, bytes) = state.store.media_info(clinic, sha256_hex).await?.ok_or_else(|| {
                Failure::invalid(
                    field,
                    format!("{field}: no such upload; upload the file first with POST /api/v1/media"),
                )
            })?;
            if !content_type.starts_with(kind.prefix()) {
                return Err(Failure::invalid(
                    field,
                    format!("{field}: expected {}…, the upload is {content_type}", kind.prefix()),
                ));
            }
            Ok(Some(MediaInfo { media: media.clone(), content_type, bytes }))
        }
    }
}

/// Checks every picture, voice prompt and video of an exercise; returns the uploads among them.
async fn exercise_media(state: &AppState, clinic: ClinicId, e: &Exercise) -> ApiResult<Vec<MediaInfo>> {
    let mut infos = Vec::new();
    for (i, step) in e.steps.iter().enumerate() {
        let fields = [
            (Some(&step.picture), MediaKind::Image, "picture"),
            (step.voice_prompt.as_ref(), MediaKind::Audio, "voice_prompt"),
            (step.video.as_ref(), MediaKind::Video, "video"),
        ];
        for (media, kind, name) in fields {
            if let Some(m) = media
                && let Some(info) = check_media(state, clinic, m, kind, &format!("steps[{i}].{name}")).await?
                && !infos.iter().any(|known: &MediaInfo| known.media == info.media)
            {
                infos.push(info);
            }
        }
    }
    Ok(infos)
}

/// An exercise and its uploads, as a family's feed carries them.
fn exercise_entries(exercise: Exercise, media: Vec<MediaInfo>) -> Vec<FeedEntry> {
    let mut entries = vec![FeedEntry::new(Change::Exercise(Box::new(exercise)))];
    entries.extend(media.into_iter().map(|m| FeedEntry::new(Change::Media(m))));
    entries
}

/// The clinic's families that have an assignment (of any status: ended ones keep their history on the
/// device) for which `uses` holds.
async fn families_using(
    state: &AppState,
    clinic: ClinicId,
    uses: impl Fn(&Assignment) -> bool,
) -> ApiResult<Vec<FamilyId>> {
    let families: BTreeSet<FamilyId> =
        state.store.children_of_clinic(clinic).await?.into_iter().map(|c| c.family_id).collect();
    let mut using = Vec::new();
    for family in families {
        if state.store.assignments_of_family(family).await?.iter().any(&uses) {
            using.push(family);
        }
    }
    Ok(using)
}

async fn fan_out(state: &AppState, families: &[FamilyId], entries: &[FeedEntry]) -> ApiResult<()> {
    for family in families {
        state.store.put_feed(*family, entries).await?;
    }
    Ok(())
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

/// List routines
///
/// The clinic's routines, each with the advice that did not stop it from saving.
#[utoipa::path(
    get, path = "/library/routines", tag = "library", operation_id = "list_routines",
    security(("session" = [])),
    responses(
        (status = 200, description = "The clinic's routines", body = Vec<RoutineReply>),
        SessionRead,
    ),
)]
pub async fn list_routines(State(state): State<AppState>, auth: TherapistAuth) -> ApiResult<Json<Vec<RoutineReply>>> {
    let routines = state.store.routines_of_clinic(auth.therapist.clinic_id).await?;
    Ok(Json(routines.into_iter().map(RoutineReply::from).collect()))
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
        (status = 404, description = "No such routine in this clinic", body = ApiError),
        SessionRead, BadId,
    ),
)]
pub async fn get_routine(
    State(state): State<AppState>,
    auth: TherapistAuth,
    Path(id): Path<RoutineId>,
) -> ApiResult<Json<RoutineReply>> {
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
/// Adds a routine of library exercises, with an optional first–then reward.
#[utoipa::path(
    post, path = "/library/routines", tag = "library", operation_id = "create_routine",
    security(("session" = [], "csrf" = [])),
    request_body = RoutineInput,
    responses(
        (status = 201, description = "Added, with warnings (a long routine) that did not stop it",
            body = RoutineReply),
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
    check_routine(&state, clinic, &routine).await?;
    state.store.put_routine(clinic, &routine, now_ms()).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "create_routine",
        None,
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
        (status = 404, description = "No such routine in this clinic", body = ApiError),
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
    let stored = state.store.routine(clinic, id).await?.ok_or(Failure::not_found("routine"))?;
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
        None,
        format!("routine {id}; {} items; {} families updated", routine.items.len(), families.len()),
    )
    .await?;
    Ok(Json(routine.into()))
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
    let archivable = crate::store::Archivable::Routine;
    if !state.store.archive(auth.therapist.clinic_id, archivable, id.0, now_ms()).await? {
        return Err(Failure::not_found("routine"));
    }
    audit::record(&state, Actor::Therapist(&auth), &ip, "archive_routine", None, format!("routine {id}")).await?;
    Ok(StatusCode::NO_CONTENT)
}
