//! Two-factor sign-in: the second step of signing in, and setting up an authenticator app.

use crate::api::doc::*;
use crate::api::responses::{BadJson, JsonBody, ServerFailed, SessionWrite};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::SignedIn;
use crate::auth::rate;
use crate::auth::tokens::sha256_hex;
use crate::auth::two_factor;
use crate::error::{ApiResult, Failure};
use crate::json::StrictJson;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use homeplay_core::sync::{ApiError, ErrorCode};
use serde::{Deserialize, Serialize};

fn unix_secs() -> u64 {
    u64::try_from(now_ms() / 1000).unwrap_or(0)
}

/// The second step of signing in: one of `code` (from the authenticator app) or `recovery_code`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondFactor {
    /// From the answer of `POST /auth/login`.
    #[schema(max_length = 64)]
    pub challenge: String,
    /// The six digits the authenticator app shows now.
    #[serde(default)]
    #[schema(max_length = 16)]
    pub code: Option<String>,
    /// One of the account's single-use recovery codes, for when the phone is not at hand.
    #[serde(default)]
    #[schema(max_length = 32)]
    pub recovery_code: Option<String>,
}

impl std::fmt::Debug for SecondFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecondFactor(<redacted>)")
    }
}

/// Sign in: the second factor
///
/// Finishes a sign-in whose password was right: sets the session cookie. Failed codes are rate-limited per
/// account; a recovery code works once.
#[utoipa::path(
    post, path = "/auth/login/second-factor", tag = "auth", operation_id = "login_second_factor",
    security(()),
    request_body = SecondFactor,
    responses(
        (status = 200, description = "Signed in", body = crate::api::auth::Me,
            headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 401, description = "The challenge is unknown or expired (sign in again), or the code is not \
            right", body = ApiError),
        (status = 403, description = "The account was disabled since the password was given", body = ApiError),
        (status = 422, description = "Neither or both of `code` and `recovery_code` (`field` names it)",
            body = ApiError),
        (status = 429, description = RATE_LIMITED, body = ApiError,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        ServerFailed, JsonBody, BadJson,
    ),
)]
pub async fn login_second_factor(
    State(state): State<AppState>,
    ip: ClientIp,
    StrictJson(req): StrictJson<SecondFactor>,
) -> ApiResult<Response> {
    let expired = || Failure::new(ErrorCode::Unauthorized, "this sign-in has expired; sign in again");
    if req.challenge.len() > 64 {
        return Err(expired());
    }
    let (code, recovery) = match (&req.code, &req.recovery_code) {
        (Some(c), None) if c.len() <= 16 => (Some(c.as_str()), None),
        (None, Some(r)) if r.len() <= 32 => (None, Some(r.as_str())),
        (Some(_), None) => return Err(Failure::invalid("code", "code: six digits")),
        (None, Some(_)) => return Err(Failure::invalid("recovery_code", "recovery_code: not a recovery code")),
        _ => return Err(Failure::invalid("code", "code: give the code from the app, or a recovery code")),
    };
    let challenge_hash = sha256_hex(&req.challenge);
    let id = state.store.login_challenge(&challenge_hash, now_ms()).await?.ok_or_else(expired)?;
    let record = state.store.therapist(id).await?.ok_or_else(expired)?;
    let key = rate::key("second-factor:account", &id.to_string());
    let counted = rate::attempt(&state, &key, state.limits.login_per_account).await?;
    let secret = record.account.totp_secret.clone().ok_or_else(expired)?;
    let ok = match (code, recovery) {
        (Some(code), _) => match two_factor::matching_step(&secret, code, unix_secs()) {
            Some(step) => state.store.take_totp_step(id, step).await?,
            None => false,
        },
        (_, Some(r)) => state.store.use_recovery_code(id, &two_factor::recovery_hash(r), now_ms()).await?,
        _ => false,
    };
    if ok && record.account.disabled {
        // Disabled while the code was being typed.
        return Err(Failure::forbidden("this account is disabled; ask your clinic's admin"));
    }
    if !ok {
        audit::record(&state, Actor::Account(&record.therapist), &ip, "login_failed", None, "second factor").await?;
        return Err(Failure::new(ErrorCode::Unauthorized, "the code is not right (or was used already)"));
    }
    rate::forget(&state, vec![counted]).await?;
    rate::reset(&state, &key).await?;
    state.store.delete_login_challenge(&challenge_hash).await?;
    let how = if code.is_some() { "password and authenticator code" } else { "password and recovery code" };
    crate::api::auth::signed_in(&state, record, &ip, how).await
}

/// A new secret for an authenticator app, not yet in use.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TwoFactorSetup {
    /// The secret, base32, for typing into an app that cannot scan.
    pub secret: String,
    /// `otpauth://totp/…`: what the QR code holds.
    pub otpauth_uri: String,
    /// The QR code, an SVG document.
    pub qr_svg: String,
}

impl std::fmt::Debug for TwoFactorSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TwoFactorSetup(<redacted>)")
    }
}

/// Set up two-factor sign-in
///
/// Makes a new secret for an authenticator app (replacing one set up but not confirmed). Nothing changes
/// until it is confirmed with a code from the app.
#[utoipa::path(
    post, path = "/auth/two-factor/setup", tag = "auth", operation_id = "setup_two_factor",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Scan the QR code, then confirm with a code", body = TwoFactorSetup),
        (status = 409, description = "Two-factor sign-in is on already (an admin can reset it)", body = ApiError),
        SessionWrite,
    ),
)]
pub async fn setup(State(state): State<AppState>, signed: SignedIn) -> ApiResult<Json<TwoFactorSetup>> {
    if signed.account.totp_secret.is_some() {
        return Err(Failure::new(ErrorCode::Conflict, "two-factor sign-in is on already"));
    }
    let secret = two_factor::new_secret();
    state.store.set_totp_pending(signed.auth.therapist.id, Some(&secret)).await?;
    let otpauth_uri = two_factor::otpauth_uri(&secret, &signed.auth.therapist.email);
    let qr_svg = two_factor::qr_svg(&otpauth_uri)
        .ok_or_else(|| Failure::new(ErrorCode::Internal, "could not draw the QR code; type the secret instead"))?;
    Ok(Json(TwoFactorSetup { secret, otpauth_uri, qr_svg }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorConfirm {
    /// The six digits the app shows now.
    #[schema(max_length = 16)]
    pub code: String,
}

impl std::fmt::Debug for TwoFactorConfirm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TwoFactorConfirm(<redacted>)")
    }
}

/// Single-use codes for signing in without the phone.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RecoveryCodes {
    /// Shown once: keep them somewhere safe. Each works once.
    pub recovery_codes: Vec<String>,
}

impl std::fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCodes(<redacted>)")
    }
}

/// Confirm two-factor sign-in
///
/// Turns two-factor sign-in on with the secret just set up, once a code from the app proves it was scanned,
/// and answers ten single-use recovery codes, shown only this once. Failed codes are rate-limited.
#[utoipa::path(
    post, path = "/auth/two-factor/confirm", tag = "auth", operation_id = "confirm_two_factor",
    security(("session" = [], "csrf" = [])),
    request_body = TwoFactorConfirm,
    responses(
        (status = 200, description = "On: keep the recovery codes", body = RecoveryCodes),
        (status = 409, description = "Nothing was set up (`POST /auth/two-factor/setup` first), or it is on \
            already", body = ApiError),
        (status = 422, description = "The code is not right (`field`: `code`)", body = ApiError),
        (status = 429, description = RATE_LIMITED, body = ApiError,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        SessionWrite, JsonBody, BadJson,
    ),
)]
pub async fn confirm(
    State(state): State<AppState>,
    signed: SignedIn,
    ip: ClientIp,
    StrictJson(req): StrictJson<TwoFactorConfirm>,
) -> ApiResult<Json<RecoveryCodes>> {
    let id = signed.auth.therapist.id;
    if signed.account.totp_secret.is_some() {
        return Err(Failure::new(ErrorCode::Conflict, "two-factor sign-in is on already"));
    }
    let pending = state
        .store
        .totp_pending(id)
        .await?
        .ok_or_else(|| Failure::new(ErrorCode::Conflict, "set up two-factor sign-in first"))?;
    let key = rate::key("second-factor-setup:account", &id.to_string());
    let counted = rate::attempt(&state, &key, state.limits.login_per_account).await?;
    let Some(step) = two_factor::matching_step(&pending, &req.code, unix_secs()) else {
        return Err(Failure::invalid("code", "code: not the code the app shows now; check the phone's clock"));
    };
    rate::forget(&state, vec![counted]).await?;
    let codes = two_factor::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| two_factor::recovery_hash(c)).collect();
    if !state.store.enable_totp(id, &hashes).await? {
        return Err(Failure::new(ErrorCode::Conflict, "set up two-factor sign-in first"));
    }
    // The code that confirmed cannot sign in as well.
    state.store.take_totp_step(id, step).await?;
    audit::record(&state, Actor::Therapist(&signed.auth), &ip, "enable_two_factor", None, "").await?;
    Ok(Json(RecoveryCodes { recovery_codes: codes }))
}
