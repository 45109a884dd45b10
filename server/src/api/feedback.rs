//! Feedback from the therapist to a child's family: a sticker or a comment on a day, shown on the family's
//! devices.

use crate::access::OpenChild;
use crate::api::responses::{BadId, BadJsonOrId, JsonBody, NoChild, SessionRead, SessionWrite};
use crate::audit::{self, Actor};
use crate::error::ApiResult;
use crate::json::StrictJson;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate};
use homeplay_core::Validate;
use homeplay_core::clinic::Therapist;
use homeplay_core::feedback::{Feedback, Sticker};
use homeplay_core::ids::{ChildId, FeedbackId};
use homeplay_core::skill::Discipline;
use homeplay_core::sync::ApiError;
use homeplay_core::text::{Name, Note};
use serde::Deserialize;

/// A sticker, a comment, or both, for one day.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    /// The family's local date the feedback is about.
    pub date: NaiveDate,
    #[serde(default)]
    pub sticker: Option<Sticker>,
    #[serde(default)]
    pub comment: Option<Note>,
}

/// How the family sees the sender: "Maya (OT)". A long name is shortened so the suffix always fits.
pub(crate) fn signature(t: &Therapist) -> ApiResult<Name> {
    let suffix = match t.discipline {
        Discipline::Ot => " (OT)",
        Discipline::Pt => " (PT)",
    };
    let room = Name::MAX_CHARS - suffix.chars().count();
    let name: String = t.name.as_str().chars().take(room).collect();
    Ok(Name::new(format!("{}{suffix}", name.trim_end()))?)
}

/// Send feedback
///
/// Sends the family a sticker or a comment on a day; it is signed with the therapist's name and
/// discipline and shown on the family's devices.
#[utoipa::path(
    post, path = "/children/{id}/feedback", tag = "feedback", operation_id = "create_feedback",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    request_body = FeedbackInput,
    responses(
        (status = 201, description = "Sent", body = Feedback),
        (status = 422, description = "A value is out of bounds, or there is neither a sticker nor a comment; \
            `field` names it", body = ApiError),
        SessionWrite, JsonBody, BadJsonOrId, NoChild,
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
    StrictJson(req): StrictJson<FeedbackInput>,
) -> ApiResult<(StatusCode, Json<Feedback>)> {
    let now = now_ms();
    let feedback = Feedback {
        id: FeedbackId::new_v7(),
        child_id: child.id,
        date: req.date,
        therapist_id: auth.therapist.id,
        from: signature(&auth.therapist)?,
        sticker: req.sticker,
        comment: req.comment,
        created_at: DateTime::from_timestamp_millis(now).unwrap_or_default(),
    };
    feedback.validate()?;
    state.store.put_feedback(auth.therapist.clinic_id, child.family_id, &feedback, now).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "create_feedback",
        Some(child.id),
        format!("feedback {}", feedback.id),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(feedback)))
}

/// List a child's feedback
///
/// Every sticker and comment the child's family was sent.
#[utoipa::path(
    get, path = "/children/{id}/feedback", tag = "feedback", operation_id = "list_feedback",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The child's feedback", body = Vec<Feedback>),
        SessionRead, BadId, NoChild,
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
) -> ApiResult<Json<Vec<Feedback>>> {
    let feedback = state.store.feedback_of_child(auth.therapist.clinic_id, child.id).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "list_feedback",
        Some(child.id),
        format!("{} feedback", feedback.len()),
    )
    .await?;
    Ok(Json(feedback))
}
