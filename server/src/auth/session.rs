//! Dashboard sessions: a random 256-bit token in an HttpOnly, SameSite=Strict cookie, stored only as a hash,
//! with idle and absolute timeouts. Writes must also carry the session's CSRF token in `X-CSRF-Token`.

use super::tokens::{constant_time_eq, random_secret, sha256_hex};
use crate::error::Failure;
use crate::state::{AppState, now_ms};
use crate::store::{AccountState, SessionRecord};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use homeplay_core::clinic::{Role, Therapist};

/// The session cookie's name on plain HTTP (development on this machine)…
pub const COOKIE: &str = "hp_session";
/// …and wherever it is `Secure`: a `__Host-` cookie must be `Secure`, for this host only (no `Domain`) and for
/// every path, so a sibling subdomain cannot set one that shadows it.
pub const SECURE_COOKIE: &str = "__Host-hp_session";

fn cookie_name(state: &AppState) -> &'static str {
    if state.limits.secure_cookies == Some(true) { SECURE_COOKIE } else { COOKIE }
}
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A signed-in therapist.
#[derive(Debug, Clone)]
pub struct TherapistAuth {
    pub therapist: Therapist,
    pub token_hash: String,
    pub csrf_token: String,
}

impl TherapistAuth {
    pub fn require_admin(&self) -> Result<(), Failure> {
        if self.therapist.role == Role::Admin {
            Ok(())
        } else {
            Err(Failure::forbidden("only a clinic admin can do this"))
        }
    }
}

/// Starts a session: returns the cookie's token (to send once) and the CSRF token.
pub async fn start(state: &AppState, therapist: &Therapist) -> Result<(String, String), Failure> {
    let token = random_secret();
    let csrf = random_secret();
    let now = now_ms();
    let record =
        SessionRecord { therapist_id: therapist.id, csrf_token: csrf.clone(), created_ms: now, last_seen_ms: now };
    state.store.insert_session(&sha256_hex(&token), &record).await?;
    Ok((token, csrf))
}

pub fn set_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.limits.secure_cookies == Some(true) { "; Secure" } else { "" };
    format!("{}={token}; Path=/; HttpOnly; SameSite=Strict{secure}", cookie_name(state))
}

pub fn clear_cookie(state: &AppState) -> String {
    let secure = if state.limits.secure_cookies == Some(true) { "; Secure" } else { "" };
    format!("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}", cookie_name(state))
}

fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name && !v.is_empty()).then_some(v)
    })
}

/// Anyone with a live session, whatever their account still owes (a temporary password to replace, a second
/// factor the clinic requires): for signing out, saying who is signed in, and settling what is owed. Every
/// other endpoint takes [`TherapistAuth`], which refuses such a session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub auth: TherapistAuth,
    pub account: AccountState,
}

impl SignedIn {
    /// What the account must do before it may use the dashboard, if anything.
    pub fn owes(&self) -> Option<Owed> {
        owes(&self.account, self.auth.therapist.role)
    }
}

/// What a session must settle first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owed {
    /// It signed in with a temporary password.
    NewPassword,
    /// The clinic requires a second factor and the account has none.
    SecondFactor,
}

pub fn owes(account: &AccountState, role: homeplay_core::clinic::Role) -> Option<Owed> {
    if account.must_change_password {
        Some(Owed::NewPassword)
    } else if super::two_factor::required(account.clinic_policy, role) && account.totp_secret.is_none() {
        Some(Owed::SecondFactor)
    } else {
        None
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = cookie(&parts.headers, cookie_name(state)).ok_or_else(Failure::unauthorized)?;
        let token_hash = sha256_hex(token);
        let session = state.store.session(&token_hash).await?.ok_or_else(Failure::unauthorized)?;
        let now = now_ms();
        let limits = &state.limits;
        if now - session.last_seen_ms > limits.session_idle_ms()
            || now - session.created_ms > limits.session_absolute_ms()
        {
            state.store.delete_session(&token_hash).await?;
            return Err(Failure::unauthorized());
        }
        let writes = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if writes {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !constant_time_eq(sent, &session.csrf_token) {
                return Err(Failure::forbidden("missing or wrong X-CSRF-Token header"));
            }
        }
        let record = state.store.therapist(session.therapist_id).await?.ok_or_else(Failure::unauthorized)?;
        if record.account.disabled {
            // Disabling deletes the sessions too; this covers a request already past that point.
            state.store.delete_session(&token_hash).await?;
            return Err(Failure::unauthorized());
        }
        // Touch at most once a minute: a write per request would be wasteful.
        if now - session.last_seen_ms > 60_000 {
            state.store.touch_session(&token_hash, now).await?;
        }
        Ok(Self {
            auth: TherapistAuth { therapist: record.therapist, token_hash, csrf_token: session.csrf_token },
            account: record.account,
        })
    }
}

impl FromRequestParts<AppState> for TherapistAuth {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        match signed_in.owes() {
            None => Ok(signed_in.auth),
            Some(Owed::NewPassword) => {
                Err(Failure::forbidden("change your temporary password first (POST /api/v1/auth/password)"))
            }
            Some(Owed::SecondFactor) => {
                Err(Failure::forbidden("your clinic requires two-factor sign-in: set it up first"))
            }
        }
    }
}
