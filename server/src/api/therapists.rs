//! A clinic's team: admins invite therapists. The new account gets a one-time temporary password, shown
//! once to the admin, which the therapist replaces on first sign-in (`POST /auth/password`).

use crate::audit::ClientIp;
use crate::auth::TherapistAuth;
use crate::auth::tokens::random_secret;
use crate::error::{ApiResult, Failure};
use crate::json::StrictJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeplay_core::clinic::{Role, Therapist};
use homeplay_core::skill::Discipline;
use homeplay_core::sync::ErrorCode;
use homeplay_core::text::Name;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    pub email: String,
    pub name: Name,
    pub discipline: Discipline,
    #[serde(default = "therapist_role")]
    pub role: Role,
}

fn therapist_role() -> Role {
    Role::Therapist
}

#[derive(Serialize)]
pub struct Invited {
    pub therapist: Therapist,
    /// Shown once: give it to the therapist, who changes it on first sign-in.
    pub temporary_password: String,
}

impl std::fmt::Debug for Invited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invited").field("therapist", &self.therapist).finish_non_exhaustive()
    }
}

pub async fn list(State(state): State<AppState>, auth: TherapistAuth) -> ApiResult<Json<Vec<Therapist>>> {
    Ok(Json(state.store.therapists_of_clinic(auth.therapist.clinic_id).await?))
}

pub async fn invite(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    StrictJson(req): StrictJson<Invite>,
) -> ApiResult<(StatusCode, Json<Invited>)> {
    auth.require_admin()?;
    homeplay_core::clinic::check_email(&req.email).map_err(|e| Failure::validation("email", e))?;
    let password = random_secret();
    let therapist = crate::cli::create_therapist(
        &state.store,
        auth.therapist.clinic_id,
        &req.email,
        req.name.as_str(),
        req.discipline,
        req.role,
        &password,
    )
    .await
    .map_err(|e| match e.downcast_ref::<crate::store::StoreError>() {
        Some(crate::store::StoreError::Conflict(_)) => {
            Failure::new(ErrorCode::Conflict, "email: a therapist with this email already exists").with_field("email")
        }
        _ => {
            tracing::error!(error = %e, "inviting a therapist failed");
            Failure::new(ErrorCode::Internal, "could not create the account; try again")
        }
    })?;
    crate::audit::record(
        &state,
        crate::audit::Actor::Therapist(&auth),
        &ip,
        "invite_therapist",
        None,
        format!("therapist {}", therapist.id),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Invited { therapist, temporary_password: password })))
}
