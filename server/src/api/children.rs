//! Children and their families, pairing codes and devices, as therapists manage them.

use crate::access::OpenChild;
use crate::api::doc::RATE_LIMITED;
use crate::api::responses::{BadId, BadJson, BadJsonOrId, JsonBody, NoChild, OutOfBounds, SessionRead, SessionWrite};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::auth::rate;
use crate::auth::tokens::{random_bytes, sha256_hex};
use crate::error::{ApiResult, Failure};
use crate::json::IdPath as Path;
use crate::json::StrictJson;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeplay_core::Validate;
use homeplay_core::care_team::{CareTeam, CareTeamMember, TeamRole};
use homeplay_core::family::{Caregiver, Child, Device, Family};
use homeplay_core::ids::{CaregiverId, ChildId, DeviceId, FamilyId};
use homeplay_core::pairing::PairingCode;
use homeplay_core::sync::{ApiError, ErrorCode};
use homeplay_core::text::Name;
use homeplay_core::time::TimeZoneName;
use serde::{Deserialize, Serialize};

/// The most caregivers a new family is made with (its `#[schema]` says 12 too; the OpenAPI test checks).
pub const MAX_CAREGIVERS: usize = 12;

/// The longest record number (characters, once trimmed); the `#[schema]`s say 40 too (the OpenAPI test checks).
pub const MAX_RECORD_NUMBER: usize = 40;

/// A record number as sent: trimmed, an empty one is none; at most [`MAX_RECORD_NUMBER`] characters and no
/// control characters, else a 422 naming `record_number`.
fn record_number(sent: Option<String>) -> ApiResult<Option<String>> {
    let Some(number) = sent.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if number.chars().count() > MAX_RECORD_NUMBER {
        return Err(Failure::invalid(
            "record_number",
            format!("record_number: at most {MAX_RECORD_NUMBER} characters"),
        ));
    }
    if number.chars().any(char::is_control) {
        return Err(Failure::invalid("record_number", "record_number: no control characters"));
    }
    Ok(Some(number))
}

/// A record number another child of the clinic has is a 409 naming `record_number`.
fn taken(f: Failure) -> Failure {
    if f.body.error == ErrorCode::Conflict {
        Failure::new(ErrorCode::Conflict, "another child of the clinic has this record number")
            .with_field("record_number")
    } else {
        f
    }
}

/// A new child: either into an existing family of the clinic (a sibling) or with a new family.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChild {
    pub display_name: Name,
    pub time_zone: TimeZoneName,
    #[serde(default)]
    #[schema(maximum = 21)]
    pub age_years: Option<u8>,
    #[serde(default)]
    pub family_id: Option<FamilyId>,
    /// The child's number in the clinic's own records (EHR), to match exports; unique in the clinic, trimmed, and
    /// absent or blank for none. Never sent to the family's devices.
    #[serde(default)]
    #[schema(max_length = 40)]
    pub record_number: Option<String>,
    /// The new family's caregivers ("Mum", "Dad", "Grandma"); ignored with `family_id`.
    #[serde(default)]
    #[schema(max_items = 12)]
    pub caregivers: Vec<Name>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildUpdate {
    pub display_name: Name,
    pub time_zone: TimeZoneName,
    #[serde(default)]
    #[schema(maximum = 21)]
    pub age_years: Option<u8>,
    /// The child's number in the clinic's own records (EHR), to match exports; unique in the clinic, trimmed, and
    /// absent or blank for none (a change without it clears it). Never sent to the family's devices.
    #[serde(default)]
    #[schema(max_length = 40)]
    pub record_number: Option<String>,
}

/// A child with their family, its caregivers and its devices.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChildDetail {
    pub child: Child,
    /// The child's number in the clinic's own records, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_number: Option<String>,
    pub family: Family,
    pub caregivers: Vec<Caregiver>,
    pub devices: Vec<Device>,
    /// Whether the caller may open every child of the family, as adding a sibling to it needs.
    pub may_add_sibling: bool,
    /// Set for a discharged child: when, by whom, why, and until when the record is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discharge: Option<crate::api::lifecycle::DischargeView>,
}

pub(crate) async fn detail(state: &AppState, auth: &TherapistAuth, child: Child) -> ApiResult<ChildDetail> {
    let clinic = auth.therapist.clinic_id;
    let family = state.store.family(clinic, child.family_id).await?.ok_or(Failure::not_found("family"))?;
    let caregivers = state.store.caregivers_of_family(family.id).await?;
    let devices = state.store.devices_of_family(clinic, family.id).await?;
    let record_number = state.store.child_record_number(clinic, child.id).await?;
    let may_add_sibling = crate::access::may_open_whole_family(state, auth, family.id).await?;
    let discharge = crate::api::lifecycle::discharge_view(state, auth, &child).await?;
    Ok(ChildDetail { child, record_number, family, caregivers, devices, may_add_sibling, discharge })
}

/// List the clinic's children
///
/// The children the caller may open: those whose care team they are on, or every child of the clinic under
/// its `clinic_wide` policy. A clinic admin sees every child, to keep teams in order.
#[utoipa::path(
    get, path = "/children", tag = "children", operation_id = "list_children",
    security(("session" = [])),
    responses(
        (status = 200, description = "The children the caller may open (an admin: all)", body = Vec<Child>),
        SessionRead,
    ),
)]
pub async fn list(State(state): State<AppState>, auth: TherapistAuth, ip: ClientIp) -> ApiResult<Json<Vec<Child>>> {
    let children = state.store.children_of_clinic(auth.therapist.clinic_id).await?;
    let children = crate::access::listable_children(&state, &auth, children).await?;
    audit::record(&state, Actor::Therapist(&auth), &ip, "list_children", None, format!("{} children", children.len()))
        .await?;
    Ok(Json(children))
}

/// Add a child
///
/// Adds a child, either to an existing family of the clinic (a sibling: `family_id`) or with a new family
/// and its caregivers. The therapist who adds the child leads the child's care team.
#[utoipa::path(
    post, path = "/children", tag = "children", operation_id = "create_child",
    security(("session" = [], "csrf" = [])),
    request_body = NewChild,
    responses(
        (status = 201, description = "Added", body = ChildDetail),
        (status = 404, description = "No such family in this clinic, or one with a child the caller may not open \
            (`field`: `family_id`)", body = ApiError),
        (status = 409, description = "Another child of the clinic has this record number (`field`: \
            `record_number`)", body = ApiError),
        SessionWrite, JsonBody, BadJson, OutOfBounds,
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    StrictJson(req): StrictJson<NewChild>,
) -> ApiResult<(StatusCode, Json<ChildDetail>)> {
    let clinic = auth.therapist.clinic_id;
    let now = now_ms();
    if req.caregivers.len() > MAX_CAREGIVERS {
        return Err(Failure::invalid("caregivers", format!("caregivers: at most {MAX_CAREGIVERS}")));
    }
    let number = record_number(req.record_number)?;
    // Checked before a new family is made, so a taken number leaves nothing behind (the store checks again).
    if let Some(n) = &number
        && state.store.child_by_record_number(clinic, n).await?.is_some()
    {
        return Err(taken(Failure::new(ErrorCode::Conflict, "")));
    }
    let family_id = match req.family_id {
        // A sibling shares the family's devices, which see every child of it: only for someone who may open
        // every child already in the family.
        Some(id) => {
            crate::access::open_whole_family(&state, &auth, &ip, id, None)
                .await
                .map_err(|f| if f.body.error == ErrorCode::NotFound { f.with_field("family_id") } else { f })?;
            id
        }
        None => {
            let label = Name::new(format!("{}'s family", req.display_name)).or_else(|_| Name::new("Family"))?;
            let family = Family { id: FamilyId::new_v7(), clinic_id: clinic, label };
            state.store.insert_family(&family, now).await?;
            for name in &req.caregivers {
                state
                    .store
                    .put_caregiver(&Caregiver { id: CaregiverId::new_v7(), family_id: family.id, name: name.clone() })
                    .await?;
            }
            family.id
        }
    };
    let child = Child {
        id: ChildId::new_v7(),
        family_id,
        display_name: req.display_name,
        time_zone: req.time_zone,
        age_years: req.age_years,
        discharged_on: None,
    };
    child.validate()?;
    state
        .store
        .put_child_with_record_number(clinic, &child, number.as_deref(), now)
        .await
        .map_err(|e| taken(e.into()))?;
    // Two writes: should the second fail, the child waits without a team, listed to the clinic's admins, who
    // can give it one (`PUT …/care-team`); nothing is lost.
    let lead =
        CareTeamMember { therapist_id: auth.therapist.id, discipline: auth.therapist.discipline, role: TeamRole::Lead };
    state.store.put_care_team(clinic, &CareTeam { child_id: child.id, members: vec![lead] }, now).await?;
    audit::record(&state, Actor::Therapist(&auth), &ip, "create_child", Some(child.id), "").await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &auth, child).await?)))
}

/// Read a child
///
/// A child with their family, caregivers and devices.
#[utoipa::path(
    get, path = "/children/{id}", tag = "children", operation_id = "get_child",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The child, family, caregivers and devices", body = ChildDetail),
        SessionRead, BadId, NoChild,
    ),
)]
pub async fn get(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
) -> ApiResult<Json<ChildDetail>> {
    let id = child.id;
    audit::record(&state, Actor::Therapist(&auth), &ip, "read_child", Some(id), "").await?;
    Ok(Json(detail(&state, &auth, child).await?))
}

/// Change a child
///
/// Changes a child's display name, time zone, age or record number (each as sent: an absent age or record
/// number clears it).
#[utoipa::path(
    put, path = "/children/{id}", tag = "children", operation_id = "update_child",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    request_body = ChildUpdate,
    responses(
        (status = 200, description = "The child, family, caregivers and devices", body = ChildDetail),
        (status = 409, description = "Another child of the clinic has this record number (`field`: \
            `record_number`)", body = ApiError),
        SessionWrite, JsonBody, BadJsonOrId, NoChild, OutOfBounds,
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    OpenChild { auth, ip, mut child, .. }: OpenChild,
    StrictJson(req): StrictJson<ChildUpdate>,
) -> ApiResult<Json<ChildDetail>> {
    let id = child.id;
    child.display_name = req.display_name;
    child.time_zone = req.time_zone;
    child.age_years = req.age_years;
    child.validate()?;
    let number = record_number(req.record_number)?;
    state
        .store
        .put_child_with_record_number(auth.therapist.clinic_id, &child, number.as_deref(), now_ms())
        .await
        .map_err(|e| taken(e.into()))?;
    audit::record(&state, Actor::Therapist(&auth), &ip, "update_child", Some(id), "").await?;
    Ok(Json(detail(&state, &auth, child).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NewPairingCode {
    /// Show it as is: `K7QM-4TZD`.
    pub code: PairingCode,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Make a pairing code
///
/// A single-use code for one more device of the child's family. Takes no body.
#[utoipa::path(
    post, path = "/children/{id}/pairing-codes", tag = "children", operation_id = "create_pairing_code",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "A code for the family to enter in the app before it expires",
            body = NewPairingCode),
        (status = 403, description = "The family has a child whose care team the caller is not on (a device \
            sees every child of its family), or the X-CSRF-Token header is missing or wrong", body = ApiError),
        SessionRead, BadId, NoChild,
    ),
)]
pub async fn pairing_code(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
) -> ApiResult<(StatusCode, Json<NewPairingCode>)> {
    let id = child.id;
    may_pair(&state, &auth, &ip, &child).await?;
    let code = PairingCode::from_random_bytes(random_bytes::<5>());
    let now = now_ms();
    let expires = now + state.limits.pairing_code_ms();
    state
        .store
        .insert_pairing_code(
            &sha256_hex(code.as_str()),
            auth.therapist.clinic_id,
            child.family_id,
            auth.therapist.id,
            now,
            expires,
        )
        .await?;
    audit::record(&state, Actor::Therapist(&auth), &ip, "create_pairing_code", Some(id), "").await?;
    let expires_at = chrono::DateTime::from_timestamp_millis(expires).unwrap_or_default();
    Ok((StatusCode::CREATED, Json(NewPairingCode { code, expires_at })))
}

/// Whether the caller may give the child's family a pairing code: a device pulls the whole family's feed and
/// may log for any of its children, so only someone who may open every child of the family.
async fn may_pair(state: &AppState, auth: &TherapistAuth, ip: &ClientIp, child: &Child) -> ApiResult<()> {
    crate::access::open_whole_family(state, auth, ip, child.family_id, Some(child.id)).await.map_err(|f| {
        if f.body.error == ErrorCode::NotFound {
            Failure::forbidden(
                "a pairing code reaches every child of the family: only someone on each child's care team can make one",
            )
        } else {
            f
        }
    })
}

/// A pairing code's link, to email to the family.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairingLinkEmail {
    /// A code of the child's family (`POST /children/{id}/pairing-codes`), unused and not expired.
    pub code: PairingCode,
    /// The family's address.
    #[schema(max_length = 254)]
    pub email: String,
}

// The code pairs a device, and the address is the family's: neither is printed.
impl std::fmt::Debug for PairingLinkEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PairingLinkEmail(<redacted>)")
    }
}

/// Email a pairing link
///
/// Emails the family the phone link of a pairing code (the family web app with the code in its `#fragment`),
/// with its QR code attached as a PNG. Only on a server that sends email (`email_enabled` in `GET /auth/me`);
/// the same people as for the code itself. Audited with the address.
#[utoipa::path(
    post, path = "/children/{id}/pairing-codes/email", tag = "children", operation_id = "email_pairing_link",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    request_body = PairingLinkEmail,
    responses(
        (status = 204, description = "Sent"),
        (status = 403, description = "The family has a child whose care team the caller is not on, or the \
            X-CSRF-Token header is missing or wrong", body = ApiError),
        (status = 409, description = "This server sends no email (`field`: `smtp`)", body = ApiError),
        (status = 410, description = "The code has expired, was used, or is not this family's (`field`: `code`)",
            body = ApiError),
        (status = 422, description = "The address is not one (`field`: `email`), or the code is not a pairing \
            code (`field`: `code`)", body = ApiError),
        (status = 429, description = RATE_LIMITED, body = ApiError,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "The mail server could not be reached or did not take the message \
            (`field`: `smtp`); nothing was sent", body = ApiError),
        SessionRead, BadJsonOrId, NoChild, JsonBody,
    ),
)]
pub async fn email_pairing_link(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
    StrictJson(req): StrictJson<PairingLinkEmail>,
) -> ApiResult<StatusCode> {
    may_pair(&state, &auth, &ip, &child).await?;
    let mailer = state.mailer.clone().ok_or_else(Failure::no_email)?;
    let email = req.email.trim().to_lowercase();
    homeplay_core::clinic::check_email(&email).map_err(|e| Failure::validation("email", e))?;
    let now = now_ms();
    let live = state.store.live_pairing_code(&sha256_hex(req.code.as_str()), auth.therapist.clinic_id, now).await?;
    let expires = match live {
        Some((family, expires)) if family == child.family_id => expires,
        _ => {
            return Err(Failure::new(
                ErrorCode::Gone,
                "code: this pairing code has expired, was used, or is not this family's; make a new one",
            )
            .with_field("code"));
        }
    };
    // Every email counts: a brake on a session used to send mail in bulk.
    let key = rate::key("email:therapist", &auth.therapist.id.to_string());
    rate::attempt(&state, &key, state.limits.login_per_ip).await?;
    let clinic = state.store.clinic(auth.therapist.clinic_id).await?.ok_or(Failure::not_found("clinic"))?;
    let pairing = crate::mail::PairingLink {
        clinic: clinic.name.as_str(),
        code: &req.code,
        minutes_left: (expires - now) / 60_000,
    };
    mailer.send_pairing_link(&email, &pairing).await?;
    audit::record(&state, Actor::Therapist(&auth), &ip, "email_pairing_link", Some(child.id), format!("to {email}"))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List the family's devices
///
/// The devices of the child's family, revoked ones included.
#[utoipa::path(
    get, path = "/children/{id}/devices", tag = "children", operation_id = "list_devices",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The family's devices", body = Vec<Device>),
        SessionRead, BadId, NoChild,
    ),
)]
pub async fn devices(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
) -> ApiResult<Json<Vec<Device>>> {
    let id = child.id;
    let devices = state.store.devices_of_family(auth.therapist.clinic_id, child.family_id).await?;
    audit::record(&state, Actor::Therapist(&auth), &ip, "list_devices", Some(id), format!("{} devices", devices.len()))
        .await?;
    Ok(Json(devices))
}

/// Revoke a device
///
/// Revokes a device at once: its token stops working on its next request.
#[utoipa::path(
    post, path = "/devices/{id}/revoke", tag = "children", operation_id = "revoke_device",
    params(("id" = DeviceId, Path, description = "The device")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such device in this clinic, or it is already revoked", body = ApiError),
        SessionWrite, BadId,
    ),
)]
pub async fn revoke_device(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<DeviceId>,
) -> ApiResult<StatusCode> {
    let not_found = || Failure::not_found("device (or it is already revoked)");
    let family = state.store.family_of_device(auth.therapist.clinic_id, id).await?.ok_or_else(not_found)?;
    crate::access::open_family(&state, &auth, &ip, family)
        .await
        .map_err(|f| if f.body.error == homeplay_core::sync::ErrorCode::NotFound { not_found() } else { f })?;
    if !state.store.revoke_device(auth.therapist.clinic_id, id, now_ms()).await? {
        return Err(Failure::not_found("device (or it is already revoked)"));
    }
    audit::record(&state, Actor::Therapist(&auth), &ip, "revoke_device", None, format!("device {id}")).await?;
    Ok(StatusCode::NO_CONTENT)
}
