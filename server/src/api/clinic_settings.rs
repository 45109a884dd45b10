//! The clinic's own settings: the dashboard's date locale, the pain score from which families are advised to
//! stop (and therapists flagged), and the contact text families see with that advice. Every therapist of the
//! clinic reads them (the dashboard formats dates with them); only admins change them.

use crate::api::responses::{BadJson, JsonBody, SessionRead};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::ApiResult;
use crate::json::StrictJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use homeplay_core::Validate;
use homeplay_core::clinic::ClinicSettings;
use homeplay_core::sync::ApiError;

/// The clinic's settings
///
/// The date locale, the pain-advice threshold and the contact text for families. Any therapist of the clinic.
#[utoipa::path(
    get, path = "/clinic/settings", tag = "clinic", operation_id = "get_clinic_settings",
    security(("session" = [])),
    responses(
        (status = 200, description = "The settings (the defaults until an admin changes them)", body = ClinicSettings),
        SessionRead,
    ),
)]
pub async fn get(State(state): State<AppState>, auth: TherapistAuth) -> ApiResult<Json<ClinicSettings>> {
    Ok(Json(state.store.clinic_settings(auth.therapist.clinic_id).await?))
}

/// Change the clinic's settings
///
/// Replaces all three; blank contact text clears it. Families' devices get the threshold and the contact text
/// on their next pull, and the pain flags follow the new threshold at once. Clinic admins only; audited.
#[utoipa::path(
    put, path = "/clinic/settings", tag = "clinic", operation_id = "update_clinic_settings",
    security(("session" = [], "csrf" = [])),
    request_body = ClinicSettings,
    responses(
        (status = 200, description = "The settings as they are now", body = ClinicSettings),
        (status = 403, description = "Not a clinic admin, or the X-CSRF-Token header is missing or wrong",
            body = ApiError),
        (status = 422, description = "A locale not offered, a threshold outside 1–10 or contact text over 300 \
            characters (`field`: `locale`, `pain_advice_at` or `family_contact`; the message lists every field \
            at fault)", body = ApiError),
        SessionRead, JsonBody, BadJson,
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    StrictJson(req): StrictJson<ClinicSettings>,
) -> ApiResult<Json<ClinicSettings>> {
    auth.require_admin()?;
    let settings = req.normalised();
    settings.validate()?;
    let clinic = auth.therapist.clinic_id;
    state.store.set_clinic_settings(clinic, &settings).await?;
    let detail = format!(
        "locale {}; pain advice from {}; family contact {}",
        settings.locale,
        settings.pain_advice_at,
        if settings.family_contact.is_some() { "set" } else { "none" }
    );
    audit::record(&state, Actor::Therapist(&auth), &ip, "update_clinic_settings", None, detail).await?;
    Ok(Json(settings))
}
