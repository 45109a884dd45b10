//! A clinic's team: admins invite therapists. The new account gets a one-time temporary password, shown
//! once to the admin, which the therapist replaces on first sign-in (`POST /auth/password`).

use crate::api::doc::*;
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
use homeplay_core::sync::{ApiError, ErrorCode};
use homeplay_core::text::Name;
use serde::{Deserialize, Serialize};

/// A new therapist of the clinic.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    pub email: String,
    pub name: Name,
    pub discipline: Discipline,
    /// By default `therapist`.
    #[serde(default = "therapist_role")]
    pub role: Role,
}

fn therapist_role() -> Role {
    Role::Therapist
}

#[derive(Serialize, utoipa::ToSchema)]
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

/// List the clinic's therapists
///
/// The clinic's therapists.
#[utoipa::path(
    get, path = "/therapists", tag = "therapists", operation_id = "list_therapists",
    security(("session" = [])),
    responses(
        (status = 200, description = "The clinic's therapists", body = Vec<Therapist>),
        (status = 401, description = NOT_SIGNED_IN, body = ApiError),
        (status = 500, description = SERVER_FAILED, body = ApiError),
    ),
)]
pub async fn list(State(state): State<AppState>, auth: TherapistAuth) -> ApiResult<Json<Vec<Therapist>>> {
    Ok(Json(state.store.therapists_of_clinic(auth.therapist.clinic_id).await?))
}

/// Invite a therapist
///
/// Creates a therapist account with a one-time temporary password, shown only in this answer; the therapist
/// changes it on first sign-in. Clinic admins only.
#[utoipa::path(
    post, path = "/therapists", tag = "therapists", operation_id = "invite_therapist",
    security(("session" = [], "csrf" = [])),
    request_body = Invite,
    responses(
        (status = 201, description = "Created: give the temporary password to the therapist", body = Invited),
        (status = 400, description = BAD_JSON, body = ApiError),
        (status = 401, description = NOT_SIGNED_IN, body = ApiError),
        (status = 403, description = "Not a clinic admin, or the X-CSRF-Token header is missing or wrong",
            body = ApiError),
        (status = 409, description = "A therapist with this email already exists (`field`: `email`)",
            body = ApiError),
        (status = 413, description = TOO_LARGE, body = ApiError),
        (status = 415, description = NOT_JSON, body = ApiError),
        (status = 422, description = OUT_OF_BOUNDS, body = ApiError),
        (status = 500, description = SERVER_FAILED, body = ApiError),
    ),
)]
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
