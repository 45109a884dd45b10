//! A clinic's team: admins invite therapists. The new account gets a first-sign-in link (`invitations.rs`),
//! emailed when the server sends email, else shown to the admin to pass on; the therapist chooses their own
//! password through it (`POST /auth/welcome`).

use crate::accounts::AccountError;
use crate::api::invitations::Invitation;
use crate::api::responses::{BadId, BadJson, JsonBody, OutOfBounds, SessionRead};
use crate::audit::ClientIp;
use crate::auth::TherapistAuth;
use crate::auth::tokens::random_secret;
use crate::error::{ApiResult, Failure};
use crate::json::IdPath as Path;
use crate::json::StrictJson;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeplay_core::clinic::{Role, Therapist};
use homeplay_core::ids::TherapistId;
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Invited {
    pub therapist: Therapist,
    /// The first-sign-in link: emailed, or its token to give the therapist.
    pub invitation: Invitation,
}

/// List the clinic's therapists
///
/// The clinic's therapists.
#[utoipa::path(
    get, path = "/therapists", tag = "therapists", operation_id = "list_therapists",
    security(("session" = [])),
    responses(
        (status = 200, description = "The clinic's therapists", body = Vec<Therapist>),
        SessionRead,
    ),
)]
pub async fn list(State(state): State<AppState>, auth: TherapistAuth) -> ApiResult<Json<Vec<Therapist>>> {
    Ok(Json(state.store.therapists_of_clinic(auth.therapist.clinic_id).await?))
}

/// Invite a therapist
///
/// Creates a therapist account and its first-sign-in link, where the therapist chooses a password: emailed when
/// the server sends email (a failed email is in the answer, and the invitation stands), else its token is in
/// this answer, shown once. Clinic admins only.
#[utoipa::path(
    post, path = "/therapists", tag = "therapists", operation_id = "invite_therapist",
    security(("session" = [], "csrf" = [])),
    request_body = Invite,
    responses(
        (status = 201, description = "Created: the link was emailed, or give its token's link to the therapist",
            body = Invited),
        (status = 403, description = "Not a clinic admin, or the X-CSRF-Token header is missing or wrong",
            body = ApiError),
        (status = 409, description = "The address cannot be used for a new account (`field`: `email`); the \
            same answer whichever clinic holds it",
            body = ApiError),
        SessionRead, JsonBody, BadJson, OutOfBounds,
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
    // A password nobody knows, until the therapist chooses one through the link.
    let password = random_secret();
    let therapist = crate::accounts::create_therapist(
        &state.store,
        auth.therapist.clinic_id,
        &req.email,
        req.name.as_str(),
        req.discipline,
        req.role,
        &password,
    )
    .await
    .map_err(|e| match e {
        // The same words whether the address is this clinic's or another's: an invitation never tells one
        // clinic who works at another.
        AccountError::EmailInUse => Failure::new(
            ErrorCode::Conflict,
            "email: this address cannot be used for a new account; ask the therapist for another",
        )
        .with_field("email"),
        _ => {
            tracing::error!(error = %e, "inviting a therapist failed");
            Failure::new(ErrorCode::Internal, "could not create the account; try again")
        }
    })?;
    // Waiting for a first sign-in: until the therapist chooses a password, an admin may invite them again.
    state.store.set_must_change_password(therapist.id, true).await?;
    let invitation = crate::api::invitations::issue(&state, &auth, &therapist).await?;
    crate::audit::record(
        &state,
        crate::audit::Actor::Therapist(&auth),
        &ip,
        "invite_therapist",
        None,
        format!("therapist {}; {}", therapist.id, invitation.how()),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Invited { therapist, invitation })))
}

/// A therapist's account as the clinic's admins manage it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TherapistAccount {
    pub therapist: Therapist,
    /// Cannot sign in; their history stays, attributed.
    pub disabled: bool,
    pub two_factor_enabled: bool,
    /// Has not yet chosen a password through the invitation (or replaced an older invitation's temporary one).
    pub must_change_password: bool,
}

/// The clinic's accounts
///
/// Every therapist of the clinic with their account's state. Clinic admins only.
#[utoipa::path(
    get, path = "/therapists/accounts", tag = "therapists", operation_id = "list_accounts",
    security(("session" = [])),
    responses(
        (status = 200, description = "The clinic's accounts, by email", body = Vec<TherapistAccount>),
        (status = 403, description = "Not a clinic admin", body = ApiError),
        SessionRead,
    ),
)]
pub async fn accounts(State(state): State<AppState>, auth: TherapistAuth) -> ApiResult<Json<Vec<TherapistAccount>>> {
    auth.require_admin()?;
    let records = state.store.accounts_of_clinic(auth.therapist.clinic_id).await?;
    Ok(Json(
        records
            .into_iter()
            .map(|r| TherapistAccount {
                disabled: r.account.disabled,
                two_factor_enabled: r.account.totp_secret.is_some(),
                must_change_password: r.account.must_change_password,
                therapist: r.therapist,
            })
            .collect(),
    ))
}

/// What an admin does to a colleague's account.
#[derive(Debug, Clone, Copy)]
enum AccountAction {
    Disable,
    Enable,
    ResetTwoFactor,
}

async fn act(
    state: &AppState,
    auth: &TherapistAuth,
    ip: &ClientIp,
    id: TherapistId,
    action: AccountAction,
) -> ApiResult<StatusCode> {
    auth.require_admin()?;
    let clinic = auth.therapist.clinic_id;
    let found = match action {
        AccountAction::Disable if id == auth.therapist.id => {
            return Err(Failure::forbidden("an admin cannot disable their own account; ask another admin"));
        }
        AccountAction::Disable => state.store.set_disabled(clinic, id, Some(now_ms())).await?,
        AccountAction::Enable => state.store.set_disabled(clinic, id, None).await?,
        AccountAction::ResetTwoFactor => state.store.reset_totp(clinic, id).await?,
    };
    if !found {
        return Err(Failure::not_found("therapist"));
    }
    let name = match action {
        AccountAction::Disable => "disable_therapist",
        AccountAction::Enable => "enable_therapist",
        AccountAction::ResetTwoFactor => "reset_two_factor",
    };
    crate::audit::record(state, crate::audit::Actor::Therapist(auth), ip, name, None, format!("therapist {id}"))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disable a therapist
///
/// The therapist can no longer sign in, and their sessions end at once; their assignments, reviews and
/// history stay, attributed to them. Clinic admins only (not on their own account).
#[utoipa::path(
    post, path = "/therapists/{id}/disable", tag = "therapists", operation_id = "disable_therapist",
    params(("id" = TherapistId, Path, description = "The therapist")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Disabled"),
        (status = 403, description = "Not a clinic admin, the admin's own account, or the X-CSRF-Token header \
            is missing or wrong", body = ApiError),
        (status = 404, description = "No such therapist in this clinic", body = ApiError),
        SessionRead, BadId,
    ),
)]
pub async fn disable(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<TherapistId>,
) -> ApiResult<StatusCode> {
    act(&state, &auth, &ip, id, AccountAction::Disable).await
}

/// Re-enable a therapist
///
/// The therapist can sign in again. Clinic admins only.
#[utoipa::path(
    post, path = "/therapists/{id}/enable", tag = "therapists", operation_id = "enable_therapist",
    params(("id" = TherapistId, Path, description = "The therapist")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Enabled"),
        (status = 403, description = "Not a clinic admin, or the X-CSRF-Token header is missing or wrong",
            body = ApiError),
        (status = 404, description = "No such therapist in this clinic", body = ApiError),
        SessionRead, BadId,
    ),
)]
pub async fn enable(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<TherapistId>,
) -> ApiResult<StatusCode> {
    act(&state, &auth, &ip, id, AccountAction::Enable).await
}

/// Reset a therapist's second factor
///
/// Turns two-factor sign-in off for the therapist (a lost phone): they sign in with their password and, if
/// the clinic requires it, set up a new authenticator before anything else. Clinic admins only.
#[utoipa::path(
    post, path = "/therapists/{id}/two-factor/reset", tag = "therapists", operation_id = "reset_two_factor",
    params(("id" = TherapistId, Path, description = "The therapist")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Reset"),
        (status = 403, description = "Not a clinic admin, or the X-CSRF-Token header is missing or wrong",
            body = ApiError),
        (status = 404, description = "No such therapist in this clinic", body = ApiError),
        SessionRead, BadId,
    ),
)]
pub async fn reset_two_factor(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<TherapistId>,
) -> ApiResult<StatusCode> {
    act(&state, &auth, &ip, id, AccountAction::ResetTwoFactor).await
}
