//! Devices authenticate with `Authorization: Bearer hpd_…`; the server keeps only the token's hash, and a
//! revoked device is refused at once.

use super::tokens::sha256_hex;
use crate::error::Failure;
use crate::state::{AppState, now_ms};
use crate::store::DeviceRecord;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use homeplay_core::ids::{ClinicId, DeviceId, FamilyId};
use homeplay_core::pairing::DeviceToken;

#[derive(Debug, Clone, Copy)]
pub struct DeviceAuth {
    pub device_id: DeviceId,
    pub family_id: FamilyId,
    pub clinic_id: ClinicId,
}

impl FromRequestParts<AppState> for DeviceAuth {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let value =
            parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or_else(Failure::unauthorized)?;
        let token = value.strip_prefix("Bearer ").ok_or_else(Failure::unauthorized)?;
        let token = DeviceToken::parse(token.trim()).map_err(|_| Failure::unauthorized())?;
        let record =
            state.store.device_by_token(&sha256_hex(token.expose())).await?.ok_or_else(Failure::unauthorized)?;
        admit(state, &record).await
    }
}

/// The answer to a device disconnected at the end of its family's program.
pub(crate) fn program_ended() -> Failure {
    Failure::new(
        homeplay_core::sync::ErrorCode::DeviceRevoked,
        "The clinic has ended this home program, so this device is no longer connected. Your records are kept by \
         the clinic. To start again, ask the clinic for a new pairing code.",
    )
}

/// What every device request must pass once its token has found the device (here, and in the pull, which
/// finds the device and its feed in one query): a revoked device is refused, and one not seen for five
/// minutes is marked seen.
pub(crate) async fn admit(state: &AppState, record: &DeviceRecord) -> Result<DeviceAuth, Failure> {
    if record.device.is_revoked() {
        // A device disconnected because the family's program ended is told so, in words the app can show.
        if state.store.revoked_reason(record.device.id).await?.as_deref() == Some(crate::store::lifecycle::DISCHARGED) {
            return Err(program_ended());
        }
        return Err(Failure::unauthorized());
    }
    let now = now_ms();
    if record.device.last_seen_at.is_none_or(|t| now - t.timestamp_millis() > 5 * 60_000) {
        state.store.touch_device(record.device.id, now).await?;
    }
    Ok(DeviceAuth { device_id: record.device.id, family_id: record.device.family_id, clinic_id: record.clinic_id })
}
