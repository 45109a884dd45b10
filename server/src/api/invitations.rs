//! Invitations: an admin's invitation makes a first-sign-in link, a random 256-bit token in the dashboard's
//! `#/welcome?token=…` (the `#fragment`, which no browser sends to a server), stored only as its hash. The
//! therapist sets their own password through it, once, before it expires. With `[smtp]` the server emails it;
//! without, the admin's answer carries the token and the dashboard shows the link to copy. A password is never
//! emailed.

use crate::api::doc::*;
use crate::api::responses::{BadId, BadJson, JsonBody, ServerFailed, SessionRead};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::tokens::{random_secret, sha256_hex};
use crate::auth::{TherapistAuth, password, rate};
use crate::error::{ApiResult, Failure};
use crate::json::IdPath as Path;
use crate::json::StrictJson;
use crate::state::{AppState, now_ms};
use crate::store::InvitationState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use homeplay_core::clinic::Therapist;
use homeplay_core::ids::TherapistId;
use homeplay_core::sync::{ApiError, ErrorCode};
use serde::{Deserialize, Serialize};

/// The longest token there is: 43 characters are made; more than this is not one.
const MAX_TOKEN: usize = 128;

/// An invitation's first-sign-in link: emailed to the therapist, or its token given to the admin to pass on.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Invitation {
    /// The address it was emailed to; null when it was not (the server sends no email, or sending failed).
    pub emailed_to: Option<String>,
    /// When it was not emailed: the link's token, shown once. The link is the dashboard's address with
    /// `/#/welcome?token=<token>`; give it to the therapist.
    pub token: Option<String>,
    /// The link works once, until then.
    pub expires_at: DateTime<Utc>,
    /// Why the email was not sent, when the server sends email and sending failed (`error`: `unavailable`,
    /// `field`: `smtp`). The invitation stands: give the token's link, or make a new invitation later.
    pub email_error: Option<ApiError>,
}

// The token signs in as well as a password does: never printed.
impl std::fmt::Debug for Invitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invitation")
            .field("emailed", &self.emailed_to.is_some())
            .field("expires_at", &self.expires_at)
            .field("email_error", &self.email_error)
            .finish_non_exhaustive()
    }
}

impl Invitation {
    /// How the link went out, for the audit log.
    pub fn how(&self) -> &'static str {
        match (&self.emailed_to, &self.email_error) {
            (Some(_), _) => "link emailed",
            (None, Some(_)) => "email failed, link shown",
            (None, None) => "link shown",
        }
    }
}

/// Makes a first-sign-in link for `therapist` (replacing any unused one), and emails it when the server sends
/// email. A failed email is in the answer, not an error: the invitation stands and its token is shown.
pub(crate) async fn issue(state: &AppState, by: &TherapistAuth, therapist: &Therapist) -> ApiResult<Invitation> {
    let token = random_secret();
    let now = now_ms();
    let expires = now + state.limits.invitation_ms();
    state.store.insert_invitation(&sha256_hex(&token), therapist.id, therapist.clinic_id, now, expires).await?;
    let expires_at = DateTime::from_timestamp_millis(expires).unwrap_or_default();
    let shown = |email_error: Option<ApiError>| Invitation {
        emailed_to: None,
        token: Some(token.clone()),
        expires_at,
        email_error,
    };
    let Some(mailer) = &state.mailer else {
        return Ok(shown(None));
    };
    let clinic = state.store.clinic(therapist.clinic_id).await?.ok_or(Failure::not_found("clinic"))?;
    let invite = crate::mail::Invite {
        name: therapist.name.as_str(),
        inviter: by.therapist.name.as_str(),
        clinic: clinic.name.as_str(),
        token: &token,
        expires_at,
    };
    match mailer.send_invite(&therapist.email, &invite).await {
        Ok(()) => {
            Ok(Invitation { emailed_to: Some(therapist.email.clone()), token: None, expires_at, email_error: None })
        }
        Err(e) => Ok(shown(Some(Failure::from(e).body))),
    }
}

/// Invite again
///
/// A new first-sign-in link for a therapist who has not yet chosen a password (the last one expired, or its
/// email did not arrive); any earlier link stops working. Emailed when the server sends email, else its token
/// is in the answer. Clinic admins only.
#[utoipa::path(
    post, path = "/therapists/{id}/invitation", tag = "therapists", operation_id = "reinvite_therapist",
    params(("id" = TherapistId, Path, description = "The therapist")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "A new link: emailed, or its token here", body = Invitation),
        (status = 403, description = "Not a clinic admin, or the X-CSRF-Token header is missing or wrong",
            body = ApiError),
        (status = 404, description = "No such therapist in this clinic", body = ApiError),
        (status = 409, description = "The therapist has already chosen a password, or the account is disabled",
            body = ApiError),
        SessionRead, BadId,
    ),
)]
pub async fn reinvite(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<TherapistId>,
) -> ApiResult<Json<Invitation>> {
    auth.require_admin()?;
    let record = state
        .store
        .therapist(id)
        .await?
        .filter(|r| r.therapist.clinic_id == auth.therapist.clinic_id)
        .ok_or(Failure::not_found("therapist"))?;
    if record.account.disabled {
        return Err(Failure::new(ErrorCode::Conflict, "the account is disabled: re-enable it first"));
    }
    if !record.account.must_change_password {
        return Err(Failure::new(
            ErrorCode::Conflict,
            "this therapist has already chosen a password: they sign in with it (or an admin resets it)",
        ));
    }
    let invitation = issue(&state, &auth, &record.therapist).await?;
    let detail = format!("therapist {id}; {}", invitation.how());
    audit::record(&state, Actor::Therapist(&auth), &ip, "reinvite_therapist", None, detail).await?;
    Ok(Json(invitation))
}

/// A first sign-in: the invitation's token and the password the therapist chooses.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Welcome {
    /// From the link: `#/welcome?token=<token>`.
    #[schema(max_length = 128)]
    pub token: String,
    #[schema(format = Password, max_length = 256)]
    pub new_password: String,
}

impl std::fmt::Debug for Welcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Welcome(<redacted>)")
    }
}

/// The password is set.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Welcomed {
    /// Sign in with this address and the new password.
    pub email: String,
}

/// Choose a password through an invitation
///
/// Sets the invited therapist's password with the token of their first-sign-in link, once, before the link
/// expires; then they sign in as usual (`POST /auth/login`). Attempts with a token that does not work are
/// rate-limited per address.
#[utoipa::path(
    post, path = "/auth/welcome", tag = "auth", operation_id = "accept_invitation",
    security(()),
    request_body = Welcome,
    responses(
        (status = 200, description = "The password is set: sign in with it", body = Welcomed),
        (status = 403, description = "The account is disabled", body = ApiError),
        (status = 404, description = "No such invitation (`field`: `token`); a newer one replaces an older one",
            body = ApiError),
        (status = 410, description = "The invitation has expired or was already used (`field`: `token`)",
            body = ApiError),
        (status = 422, description = "The new password is too weak (`field`: `new_password`), or the token is \
            longer than any (`field`: `token`)", body = ApiError),
        (status = 429, description = RATE_LIMITED, body = ApiError,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        ServerFailed, JsonBody, BadJson,
    ),
)]
pub async fn welcome(
    State(state): State<AppState>,
    ip: ClientIp,
    StrictJson(req): StrictJson<Welcome>,
) -> ApiResult<Json<Welcomed>> {
    let token = req.token.trim();
    if token.chars().count() > MAX_TOKEN {
        return Err(Failure::invalid("token", format!("token: at most {MAX_TOKEN} characters")));
    }
    // Tokens that do not work count against the address; one that does is not counted.
    let address = ip.0.as_deref().unwrap_or("unknown");
    let counted = rate::attempt(&state, &rate::key("welcome:ip", address), state.limits.login_per_ip).await?;
    let token_hash = sha256_hex(token);
    let gone = |message: &str| Failure::new(ErrorCode::Gone, message).with_field("token");
    let therapist = match state.store.invitation(&token_hash, now_ms()).await? {
        InvitationState::Live { therapist_id, .. } => therapist_id,
        InvitationState::Unknown => {
            return Err(Failure::new(
                ErrorCode::NotFound,
                "token: no such invitation (a newer one replaces it); ask your clinic's admin for a new link",
            )
            .with_field("token"));
        }
        InvitationState::Expired => {
            return Err(gone("token: this invitation has expired; ask your clinic's admin for a new link"));
        }
        InvitationState::Used => {
            return Err(gone("token: this invitation was already used; sign in with your password"));
        }
    };
    rate::forget(&state, vec![counted]).await?;
    password::check_new(&req.new_password)
        .map_err(|m| Failure::invalid("new_password", format!("new_password: {m}")))?;
    let record = state.store.therapist(therapist).await?.ok_or(Failure::not_found("therapist"))?;
    if record.account.disabled {
        return Err(Failure::forbidden("this account is disabled; ask your clinic's admin"));
    }
    let hash = password::hash(&req.new_password).map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        Failure::new(ErrorCode::Internal, "could not set the password; try again")
    })?;
    if !state.store.accept_invitation(&token_hash, &hash, now_ms()).await? {
        // Another request used it (or it expired) since it was read.
        return Err(gone("token: this invitation was already used; sign in with your password"));
    }
    audit::record(&state, Actor::Account(&record.therapist), &ip, "accept_invitation", None, "").await?;
    Ok(Json(Welcomed { email: record.therapist.email }))
}
