//! Program templates: a clinic's saved sets of exercises, each with its own dosage. The dashboard assigns
//! one to a child in one submit (`POST /children/{id}/assignments/batch`), so no device ever sees a template.

use crate::api::responses::{BadId, BadJson, BadJsonOrId, JsonBody, SessionRead, SessionWrite};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::json::IdPath as Path;
use crate::json::StrictJson;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use homeplay_core::Validate;
use homeplay_core::ids::ProgramTemplateId;
use homeplay_core::sync::ApiError;
use homeplay_core::template::{ProgramTemplate, TemplateItem};
use homeplay_core::text::Title;
use serde::Deserialize;

/// What a therapist sets on a template; the server keeps its id, clinic and who changed it last.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgramTemplateInput {
    pub title: Title,
    #[schema(min_items = 1, max_items = 20)]
    pub items: Vec<TemplateItem>,
}

/// Checks a template's values and that each exercise can be assigned (a built-in or the clinic's own, not
/// taken out of the library).
async fn check(state: &AppState, template: &ProgramTemplate) -> ApiResult<()> {
    template.validate()?;
    let assignable = super::assignable_exercises(state, template.clinic_id).await?;
    for (i, item) in template.items.iter().enumerate() {
        if !assignable.contains(&item.exercise_id) {
            let field = format!("items[{i}].exercise_id");
            return Err(Failure::invalid(field.clone(), format!("{field}: not in this clinic's library")));
        }
    }
    Ok(())
}

/// List program templates
///
/// The clinic's program templates, oldest first.
#[utoipa::path(
    get, path = "/library/program-templates", tag = "library", operation_id = "list_program_templates",
    security(("session" = [])),
    responses((status = 200, description = "The clinic's templates", body = Vec<ProgramTemplate>), SessionRead),
)]
pub async fn list_templates(
    State(state): State<AppState>,
    auth: TherapistAuth,
) -> ApiResult<Json<Vec<ProgramTemplate>>> {
    Ok(Json(state.store.program_templates_of_clinic(auth.therapist.clinic_id).await?))
}

/// Write a program template
///
/// Adds a template of library exercises, each with its own dosage.
#[utoipa::path(
    post, path = "/library/program-templates", tag = "library", operation_id = "create_program_template",
    security(("session" = [], "csrf" = [])),
    request_body = ProgramTemplateInput,
    responses(
        (status = 201, description = "Added", body = ProgramTemplate),
        (status = 422, description = "A value is out of bounds, an exercise is repeated or not in the library \
            (`items[i].exercise_id`); `field` names it", body = ApiError),
        SessionWrite, JsonBody, BadJson,
    ),
)]
pub async fn create_template(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    StrictJson(req): StrictJson<ProgramTemplateInput>,
) -> ApiResult<(StatusCode, Json<ProgramTemplate>)> {
    let template = ProgramTemplate {
        id: ProgramTemplateId::new_v7(),
        clinic_id: auth.therapist.clinic_id,
        title: req.title,
        items: req.items,
        updated_by: auth.therapist.id,
        updated_at: Utc::now(),
    };
    check(&state, &template).await?;
    state.store.put_program_template(template.clinic_id, &template, now_ms()).await?;
    let detail = format!("template {}; {} items", template.id, template.items.len());
    audit::record(&state, Actor::Therapist(&auth), &ip, "create_program_template", None, detail).await?;
    Ok((StatusCode::CREATED, Json(template)))
}

/// Change a program template
///
/// Changes a template's title and items. Programs already assigned from it do not change.
#[utoipa::path(
    put, path = "/library/program-templates/{id}", tag = "library", operation_id = "update_program_template",
    params(("id" = ProgramTemplateId, Path, description = "The template")),
    security(("session" = [], "csrf" = [])),
    request_body = ProgramTemplateInput,
    responses(
        (status = 200, description = "Changed", body = ProgramTemplate),
        (status = 404, description = "No such template in this clinic's library", body = ApiError),
        (status = 422, description = "A value is out of bounds, an exercise is repeated or not in the library \
            (`items[i].exercise_id`); `field` names it", body = ApiError),
        SessionWrite, JsonBody, BadJsonOrId,
    ),
)]
pub async fn update_template(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<ProgramTemplateId>,
    StrictJson(req): StrictJson<ProgramTemplateInput>,
) -> ApiResult<Json<ProgramTemplate>> {
    let clinic = auth.therapist.clinic_id;
    let old = state.store.program_template(clinic, id).await?.ok_or(Failure::not_found("template"))?;
    let template = ProgramTemplate {
        title: req.title,
        items: req.items,
        updated_by: auth.therapist.id,
        updated_at: Utc::now(),
        ..old
    };
    check(&state, &template).await?;
    state.store.put_program_template(clinic, &template, now_ms()).await?;
    let detail = format!("template {id}; {} items", template.items.len());
    audit::record(&state, Actor::Therapist(&auth), &ip, "update_program_template", None, detail).await?;
    Ok(Json(template))
}

/// Remove a program template
///
/// Takes a template out of the clinic's library. Programs already assigned from it do not change.
#[utoipa::path(
    delete, path = "/library/program-templates/{id}", tag = "library", operation_id = "archive_program_template",
    params(("id" = ProgramTemplateId, Path, description = "The template")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Removed from the library"),
        (status = 404, description = "No such template in this clinic's library", body = ApiError),
        SessionWrite, BadId,
    ),
)]
pub async fn archive_template(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<ProgramTemplateId>,
) -> ApiResult<StatusCode> {
    let archivable = crate::store::Archivable::ProgramTemplate;
    if !state.store.archive(auth.therapist.clinic_id, archivable, id.0, now_ms()).await? {
        return Err(Failure::not_found("template"));
    }
    audit::record(&state, Actor::Therapist(&auth), &ip, "archive_program_template", None, format!("template {id}"))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
