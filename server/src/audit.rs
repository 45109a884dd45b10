//! The audit log: who read or changed a child's data, when, and from where. Entries hold ids and counts,
//! never the content itself.

use crate::auth::{DeviceAuth, TherapistAuth};
use crate::error::ApiResult;
use crate::state::{AppState, now_ms};
use crate::store::AuditEntry;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use homeplay_core::ids::ChildId;
use std::convert::Infallible;
use std::net::SocketAddr;

/// The client's address as the server saw it, when known.
#[derive(Debug, Clone, Default)]
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string())))
    }
}

/// Who did it.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Therapist(&'a TherapistAuth),
    Device(&'a DeviceAuth),
}

pub async fn record(
    state: &AppState,
    actor: Actor<'_>,
    ip: &ClientIp,
    action: &str,
    child_id: Option<ChildId>,
    detail: impl Into<String>,
) -> ApiResult<()> {
    let (clinic_id, actor_kind, actor_id) = match actor {
        Actor::Therapist(t) => (t.therapist.clinic_id, "therapist", t.therapist.id.to_string()),
        Actor::Device(d) => (d.clinic_id, "device", d.device_id.to_string()),
    };
    let entry = AuditEntry {
        clinic_id,
        at_ms: now_ms(),
        actor_kind,
        actor_id,
        action: action.to_owned(),
        child_id,
        detail: detail.into(),
        ip: ip.0.clone(),
    };
    state.store.audit(&entry).await?;
    Ok(())
}
