//! Feedback from the therapist to a child's family: a sticker or a comment on a day, shown on the family's
//! devices.

use crate::api::children::own_child;
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::ApiResult;
use crate::json::IdPath as Path;
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
use homeplay_core::text::{Name, Note};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
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
fn signature(t: &Therapist) -> ApiResult<Name> {
    let suffix = match t.discipline {
        Discipline::Ot => " (OT)",
        Discipline::Pt => " (PT)",
    };
    let room = Name::MAX_CHARS - suffix.chars().count();
    let name: String = t.name.as_str().chars().take(room).collect();
    Ok(Name::new(format!("{}{suffix}", name.trim_end()))?)
}

pub async fn create(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<ChildId>,
    StrictJson(req): StrictJson<FeedbackInput>,
) -> ApiResult<(StatusCode, Json<Feedback>)> {
    let child = own_child(&state, &auth, id).await?;
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

pub async fn list(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<ChildId>,
) -> ApiResult<Json<Vec<Feedback>>> {
    let child = own_child(&state, &auth, id).await?;
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
