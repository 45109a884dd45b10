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
    /// A therapist's account, before or without a session (a sign-in, failed or not).
    Account(&'a homeplay_core::clinic::Therapist),
}

pub async fn record(
    state: &AppState,
    actor: Actor<'_>,
    ip: &ClientIp,
    action: &str,
    child_id: Option<ChildId>,
    detail: impl Into<String>,
) -> ApiResult<()> {
    state.store.audit(&entry(actor, ip, action, child_id, detail.into())).await?;
    Ok(())
}

/// One entry per child, in one write: what a device's pull or push reached of each child.
pub async fn record_per_child(
    state: &AppState,
    actor: Actor<'_>,
    ip: &ClientIp,
    action: &str,
    per_child: impl IntoIterator<Item = (ChildId, String)>,
) -> ApiResult<()> {
    let entries: Vec<AuditEntry> =
        per_child.into_iter().map(|(child, detail)| entry(actor, ip, action, Some(child), detail)).collect();
    if !entries.is_empty() {
        state.store.audit_many(&entries).await?;
    }
    Ok(())
}

fn entry(actor: Actor<'_>, ip: &ClientIp, action: &str, child_id: Option<ChildId>, detail: String) -> AuditEntry {
    let (clinic_id, actor_kind, actor_id) = match actor {
        Actor::Therapist(t) => (t.therapist.clinic_id, "therapist", t.therapist.id.to_string()),
        Actor::Device(d) => (d.clinic_id, "device", d.device_id.to_string()),
        Actor::Account(t) => (t.clinic_id, "therapist", t.id.to_string()),
    };
    AuditEntry {
        clinic_id,
        at_ms: now_ms(),
        actor_kind,
        actor_id,
        action: action.to_owned(),
        child_id,
        detail,
        ip: ip.0.clone(),
    }
}
