//! A child's pain flag, marked seen by a therapist: it stays on the overview and the child's page until then,
//! and a report received afterwards raises it again.

use crate::access::OpenChild;
use crate::api::responses::{BadId, NoChild, SessionWrite};
use crate::audit::{self, Actor};
use crate::error::ApiResult;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use homeplay_core::ids::{ChildId, TherapistId};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PainSeen {
    /// How many pain reports were waiting to be seen (0 when the flag was already clear).
    pub marked: u32,
    /// Reports the server receives after this time raise the flag again.
    pub seen_at: DateTime<Utc>,
    pub seen_by: TherapistId,
}

/// Mark a child's pain seen
///
/// Clears the child's pain flag: every pain report received so far is marked seen by the caller (audited as a
/// change to the child's record). A report received later raises the flag again. Marking twice is harmless.
#[utoipa::path(
    post, path = "/children/{id}/pain/seen", tag = "adherence", operation_id = "mark_pain_seen",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Marked seen", body = PainSeen),
        SessionWrite, BadId, NoChild,
    ),
)]
pub async fn mark_seen(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
) -> ApiResult<Json<PainSeen>> {
    let now = now_ms();
    let marked = state.store.mark_pain_seen(auth.therapist.clinic_id, child.id, auth.therapist.id, now).await?;
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "mark_pain_seen",
        Some(child.id),
        format!("{marked} pain reports marked seen"),
    )
    .await?;
    Ok(Json(PainSeen {
        marked,
        seen_at: DateTime::from_timestamp_millis(now).unwrap_or_default(),
        seen_by: auth.therapist.id,
    }))
}
