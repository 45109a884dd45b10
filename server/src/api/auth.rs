//! Dashboard sign-in: login, logout, who am I, change password.

use crate::api::doc::*;
use crate::api::responses::{BadJson, JsonBody, ServerFailed, SessionRead, SessionWrite};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::session::{self, SignedIn};
use crate::auth::tokens::{random_secret, sha256_hex};
use crate::auth::two_factor;
use crate::auth::{password, rate};
use crate::error::{ApiResult, Failure};
use crate::json::StrictJson;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeplay_core::clinic::{Clinic, ClinicSettings, Therapist};
use homeplay_core::sync::ApiError;
use serde::{Deserialize, Serialize};

/// The longest email address there can be (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(format = Password, max_length = 256)]
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
    /// Signed in with a temporary password: until it is changed (`POST /auth/password`), every other
    /// endpoint but these of `/auth` answers 403.
    pub must_change_password: bool,
    /// Whether the account signs in with a second factor.
    pub two_factor_enabled: bool,
    /// Whether the clinic's policy requires a second factor of this account: while it has none, every other
    /// endpoint but these of `/auth` answers 403 (set one up with `POST /auth/two-factor/setup`).
    pub two_factor_required: bool,
    /// The clinic's settings, so the dashboard formats its dates in the clinic's locale from the first page.
    pub clinic_settings: ClinicSettings,
    /// Whether this server sends email (`[smtp]`): invitations and pairing links go by email; without it the
    /// dashboard shows the links to copy.
    pub email_enabled: bool,
}

pub(crate) async fn me_of(
    state: &AppState,
    therapist: Therapist,
    csrf_token: String,
    account: &crate::store::AccountState,
) -> ApiResult<Me> {
    let clinic = state.store.clinic(therapist.clinic_id).await?.ok_or(Failure::not_found("clinic"))?;
    let clinic_settings = state.store.clinic_settings(therapist.clinic_id).await?;
    let two_factor_required = two_factor::required(account.clinic_policy, therapist.role);
    Ok(Me {
        therapist,
        clinic,
        csrf_token,
        session_idle_ms: state.limits.session_idle_ms(),
        must_change_password: account.must_change_password,
        two_factor_enabled: account.totp_secret.is_some(),
        two_factor_required,
        clinic_settings,
        email_enabled: state.mailer.is_some(),
    })
}

/// A new session for an account whose every factor has been checked: the cookie and who is signed in.
pub(crate) async fn signed_in(
    state: &AppState,
    record: crate::store::TherapistRecord,
    ip: &ClientIp,
    how: &str,
) -> ApiResult<Response> {
    audit::record(state, Actor::Account(&record.therapist), ip, "login", None, how).await?;
    let (token, csrf) = session::start(state, &record.therapist).await?;
    let me = me_of(state, record.therapist, csrf, &record.account).await?;
    Ok(([(header::SET_COOKIE, session::set_cookie(state, &token))], Json(me)).into_response())
}

/// The password was right and the account signs in with a second factor: where to send it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SecondFactorNeeded {
    /// Send it back with the code to `POST /auth/login/second-factor`, before `expires_at`.
    pub challenge: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl std::fmt::Debug for SecondFactorNeeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecondFactorNeeded").field("expires_at", &self.expires_at).finish_non_exhaustive()
    }
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
        (status = 202, description = "The password is right; the account signs in with a second factor: send \
            the code with the challenge to `POST /auth/login/second-factor`", body = SecondFactorNeeded),
        (status = 403, description = "The account is disabled (said only once the password is right)",
            body = ApiError),
        (status = 200, description = "Signed in", body = Me,
            headers(("Set-Cookie" = String, description = "`__Host-hp_session=…; Path=/; HttpOnly; SameSite=Strict; \
                Secure` (`hp_session` without `Secure` on a plain-HTTP server listening on loopback only, unless \
                `secure_cookies` is set)"))),
        (status = 401, description = "Wrong email or password", body = ApiError),
        (status = 422, description = "An email or password longer than any account has (`field` names it)",
            body = ApiError),
        (status = 429, description = RATE_LIMITED, body = ApiError,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        ServerFailed, JsonBody, BadJson,
    ),
)]
pub async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    StrictJson(req): StrictJson<LoginRequest>,
) -> ApiResult<Response> {
    let email = req.email.trim().to_lowercase();
    if email.chars().count() > MAX_EMAIL {
        return Err(Failure::invalid("email", format!("email: must be at most {MAX_EMAIL} characters")));
    }
    if req.password.chars().count() > password::MAX_LENGTH {
        // Not worth hashing: no password this long was ever accepted.
        let message = format!("password: must be at most {} characters", password::MAX_LENGTH);
        return Err(Failure::invalid("password", message));
    }
    let limits = &state.limits;
    let address = ip.0.as_deref().unwrap_or("unknown");
    // Failures count against the address, against the account from this address (the lockout), and against the
    // account from anywhere (a looser brake on guessing from many addresses). A stranger's failures lock the
    // account only from the stranger's address until the looser brake; a success resets its address's count.
    let account_here = rate::key("login:account-ip", &format!("{email}\u{0}{address}"));
    let counted = rate::attempt_all(
        &state,
        &[
            (&rate::key("login:ip", address), limits.login_per_ip),
            (&account_here, limits.login_per_account),
            (&rate::key("login:account", &email), limits.login_per_account.saturating_mul(10)),
        ],
    )
    .await?;
    let record = state.store.therapist_by_email(&email).await?;
    // Verify against a dummy hash when there is no such account, so timing does not tell.
    let ok = password::verify(&req.password, record.as_ref().map(|r| r.password_hash.as_str()));
    let record = match record {
        Some(record) if ok => record,
        known => {
            tracing::info!("failed login");
            if let Some(known) = known {
                audit::record(&state, Actor::Account(&known.therapist), &ip, "login_failed", None, "").await?;
            }
            return Err(Failure::new(homeplay_core::sync::ErrorCode::Unauthorized, "wrong email or password"));
        }
    };
    rate::forget(&state, counted).await?;
    rate::reset(&state, &account_here).await?;
    if record.account.disabled {
        // Only after the right password: a stranger learns nothing of the account.
        audit::record(&state, Actor::Account(&record.therapist), &ip, "login_refused", None, "disabled").await?;
        return Err(Failure::forbidden("this account is disabled; ask your clinic's admin"));
    }
    if record.account.totp_secret.is_some() {
        let challenge = random_secret();
        let expires = now_ms() + two_factor::CHALLENGE_MS;
        state.store.insert_login_challenge(&sha256_hex(&challenge), record.therapist.id, expires).await?;
        let expires_at = chrono::DateTime::from_timestamp_millis(expires).unwrap_or_default();
        return Ok((StatusCode::ACCEPTED, Json(SecondFactorNeeded { challenge, expires_at })).into_response());
    }
    signed_in(&state, record, &ip, "password").await
}

/// Sign out
///
/// Ends this session and clears the cookie.
#[utoipa::path(
    post, path = "/auth/logout", tag = "auth", operation_id = "logout",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Signed out",
            headers(("Set-Cookie" = String, description = "Clears the session cookie"))),
        SessionWrite,
    ),
)]
pub async fn logout(State(state): State<AppState>, signed: SignedIn, ip: ClientIp) -> ApiResult<Response> {
    let auth = signed.auth;
    state.store.delete_session(&auth.token_hash).await?;
    audit::record(&state, Actor::Therapist(&auth), &ip, "logout", None, "").await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, session::clear_cookie(&state))]).into_response())
}

/// Who is signed in
///
/// The signed-in therapist, their clinic, and the session's CSRF token (for a dashboard that reloads).
#[utoipa::path(
    get, path = "/auth/me", tag = "auth", operation_id = "me",
    security(("session" = [])),
    responses(
        (status = 200, description = "The therapist, clinic and CSRF token", body = Me),
        SessionRead,
    ),
)]
pub async fn me(State(state): State<AppState>, signed: SignedIn) -> ApiResult<Json<Me>> {
    Ok(Json(me_of(&state, signed.auth.therapist, signed.auth.csrf_token, &signed.account).await?))
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
            headers(("Set-Cookie" = String, description = "The new session cookie"))),
        (status = 422, description = "The current password is not right (`field`: `current_password`), or the \
            new one is too weak (`field`: `new_password`)", body = ApiError),
        (status = 429, description = RATE_LIMITED, body = ApiError,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        SessionWrite, JsonBody, BadJson,
    ),
)]
pub async fn change_password(
    State(state): State<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    StrictJson(req): StrictJson<PasswordChange>,
) -> ApiResult<Response> {
    let auth = signed.auth;
    if req.current_password.chars().count() > password::MAX_LENGTH {
        return Err(Failure::invalid("current_password", "current_password: is not right"));
    }
    // Its own limiter, apart from sign-in's: wrong current passwords count, a change that goes through does not.
    let key = rate::key("password:account", &auth.therapist.id.to_string());
    let counted = rate::attempt(&state, &key, state.limits.login_per_account).await?;
    let record = state.store.therapist(auth.therapist.id).await?.ok_or_else(Failure::unauthorized)?;
    if !password::verify(&req.current_password, Some(&record.password_hash)) {
        return Err(Failure::invalid("current_password", "current_password: is not right"));
    }
    rate::forget(&state, vec![counted]).await?;
    password::check_new(&req.new_password)
        .map_err(|m| Failure::invalid("new_password", format!("new_password: {m}")))?;
    let hash = password::hash(&req.new_password).map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        Failure::new(homeplay_core::sync::ErrorCode::Internal, "could not change the password")
    })?;
    state.store.set_password(auth.therapist.id, &hash).await?;
    state.store.delete_sessions_of(auth.therapist.id).await?;
    audit::record(&state, Actor::Therapist(&auth), &ip, "change_password", None, "").await?;
    let (token, csrf) = session::start(&state, &record.therapist).await?;
    let account = crate::store::AccountState { must_change_password: false, ..record.account };
    let me = me_of(&state, record.therapist, csrf, &account).await?;
    Ok(([(header::SET_COOKIE, session::set_cookie(&state, &token))], Json(me)).into_response())
}
