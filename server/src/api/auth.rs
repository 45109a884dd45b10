//! Dashboard sign-in: login, logout, who am I, change password.

use crate::api::doc::*;
use crate::audit::ClientIp;
use crate::auth::password;
use crate::auth::session::{self, TherapistAuth};
use crate::error::{ApiResult, Failure};
use crate::json::StrictJson;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeplay_core::clinic::{Clinic, Therapist};
use homeplay_core::sync::ApiError;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    #[schema(format = Password)]
    pub password: String,
}

// Never print a password.
impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest").field("email", &self.email).finish_non_exhaustive()
    }
}

/// Who is signed in, and the token to send in `X-CSRF-Token` with every write.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub therapist: Therapist,
    pub clinic: Clinic,
    pub csrf_token: String,
    /// After this long without a request the server ends the session; the dashboard warns before it.
    pub session_idle_ms: i64,
}

async fn me_of(state: &AppState, therapist: Therapist, csrf_token: String) -> ApiResult<Me> {
    let clinic = state.store.clinic(therapist.clinic_id).await?.ok_or(Failure::not_found("clinic"))?;
    Ok(Me { therapist, clinic, csrf_token, session_idle_ms: state.limits.session_idle_ms() })
}

/// Counts one attempt against `key`; refuses with 429 once more than `max` fall in the current window.
/// The counters live in the database, so every server instance shares them.
pub(crate) async fn limited(state: &AppState, key: String, max: u32) -> ApiResult<()> {
    let window = state.limits.rate_window_ms();
    if state.store.hit_rate_limit(&key, window, now_ms()).await? > max {
        return Err(Failure::rate_limited(u64::try_from(window / 1000).unwrap_or(900)));
    }
    Ok(())
}

/// Sign in
///
/// Signs a therapist in: sets the session cookie and returns the CSRF token for writes. Attempts are
/// rate-limited per address and per account.
#[utoipa::path(
    post, path = "/auth/login", tag = "auth", operation_id = "login",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = Me,
            headers(("Set-Cookie" = String, description = "`hp_session=…; Path=/; HttpOnly; SameSite=Strict`"))),
        (status = 400, description = BAD_JSON, body = ApiError),
        (status = 401, description = "Wrong email or password", body = ApiError),
        (status = 413, description = TOO_LARGE, body = ApiError),
        (status = 415, description = NOT_JSON, body = ApiError),
        (status = 429, description = RATE_LIMITED, body = ApiError,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 500, description = SERVER_FAILED, body = ApiError),
    ),
)]
pub async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    StrictJson(req): StrictJson<LoginRequest>,
) -> ApiResult<Response> {
    let email = req.email.trim().to_lowercase();
    limited(&state, format!("login:ip:{}", ip.0.as_deref().unwrap_or("unknown")), state.limits.login_per_ip).await?;
    limited(&state, format!("login:account:{email}"), state.limits.login_per_account).await?;
    let record = state.store.therapist_by_email(&email).await?;
    // Verify against a dummy hash when there is no such account, so timing does not tell.
    let ok = password::verify(&req.password, record.as_ref().map(|r| r.password_hash.as_str()));
    let Some(record) = record.filter(|_| ok) else {
        tracing::info!("failed login");
        return Err(Failure::new(homeplay_core::sync::ErrorCode::Unauthorized, "wrong email or password"));
    };
    let (token, csrf) = session::start(&state, &record.therapist).await?;
    let me = me_of(&state, record.therapist, csrf).await?;
    Ok(([(header::SET_COOKIE, session::set_cookie(&state, &token))], Json(me)).into_response())
}

/// Sign out
///
/// Ends this session and clears the cookie.
#[utoipa::path(
    post, path = "/auth/logout", tag = "auth", operation_id = "logout",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Signed out",
            headers(("Set-Cookie" = String, description = "Clears `hp_session`"))),
        (status = 401, description = NOT_SIGNED_IN, body = ApiError),
        (status = 403, description = NO_CSRF, body = ApiError),
        (status = 500, description = SERVER_FAILED, body = ApiError),
    ),
)]
pub async fn logout(State(state): State<AppState>, auth: TherapistAuth) -> ApiResult<Response> {
    state.store.delete_session(&auth.token_hash).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, session::clear_cookie())]).into_response())
}

/// Who is signed in
///
/// The signed-in therapist, their clinic, and the session's CSRF token (for a dashboard that reloads).
#[utoipa::path(
    get, path = "/auth/me", tag = "auth", operation_id = "me",
    security(("session" = [])),
    responses(
        (status = 200, description = "The therapist, clinic and CSRF token", body = Me),
        (status = 401, description = NOT_SIGNED_IN, body = ApiError),
        (status = 500, description = SERVER_FAILED, body = ApiError),
    ),
)]
pub async fn me(State(state): State<AppState>, auth: TherapistAuth) -> ApiResult<Json<Me>> {
    Ok(Json(me_of(&state, auth.therapist, auth.csrf_token).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[schema(format = Password)]
    pub current_password: String,
    #[schema(format = Password)]
    pub new_password: String,
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordChange(<redacted>)")
    }
}

/// Change the password
///
/// Changes the password, ends every session of the account, and starts a new one for this browser.
#[utoipa::path(
    post, path = "/auth/password", tag = "auth", operation_id = "change_password",
    security(("session" = [], "csrf" = [])),
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed; a new session replaces every old one", body = Me,
            headers(("Set-Cookie" = String, description = "The new `hp_session`"))),
        (status = 400, description = BAD_JSON, body = ApiError),
        (status = 401, description = NOT_SIGNED_IN, body = ApiError),
        (status = 403, description = NO_CSRF, body = ApiError),
        (status = 413, description = TOO_LARGE, body = ApiError),
        (status = 415, description = NOT_JSON, body = ApiError),
        (status = 422, description = "The current password is not right (`field`: `current_password`), or the \
            new one is too weak (`field`: `new_password`)", body = ApiError),
        (status = 429, description = RATE_LIMITED, body = ApiError,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 500, description = SERVER_FAILED, body = ApiError),
    ),
)]
pub async fn change_password(
    State(state): State<AppState>,
    auth: TherapistAuth,
    StrictJson(req): StrictJson<PasswordChange>,
) -> ApiResult<Response> {
    limited(&state, format!("login:account:{}", auth.therapist.email.to_lowercase()), state.limits.login_per_account)
        .await?;
    let record = state.store.therapist(auth.therapist.id).await?.ok_or_else(Failure::unauthorized)?;
    if !password::verify(&req.current_password, Some(&record.password_hash)) {
        return Err(Failure::invalid("current_password", "current_password: is not right"));
    }
    password::check_new(&req.new_password)
        .map_err(|m| Failure::invalid("new_password", format!("new_password: {m}")))?;
    let hash = password::hash(&req.new_password).map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        Failure::new(homeplay_core::sync::ErrorCode::Internal, "could not change the password")
    })?;
    state.store.set_password(auth.therapist.id, &hash).await?;
    state.store.delete_sessions_of(auth.therapist.id).await?;
    let (token, csrf) = session::start(&state, &record.therapist).await?;
    let me = me_of(&state, record.therapist, csrf).await?;
    Ok(([(header::SET_COOKIE, session::set_cookie(&state, &token))], Json(me)).into_response())
}
