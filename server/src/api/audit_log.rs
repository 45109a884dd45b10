//! The clinic's audit log, for its admins: who read or changed which child's data, when and from where.
//! Newest first, a page at a time (`before` is the smallest id of the previous page).

use crate::api::adherence::{RawQuery, query_params};
use crate::api::doc::*;
use crate::api::responses::SessionRead;
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use homeplay_core::ids::ChildId;
use homeplay_core::sync::ApiError;
use homeplay_core::text::Name;
use serde::Serialize;
use std::collections::HashMap;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditItem {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `therapist`, `device` or `system`.
    #[schema(value_type = String)]
    pub actor_kind: &'static str,
    pub actor_id: String,
    /// The therapist's name, when the actor is one of the clinic's therapists.
    pub actor_name: Option<Name>,
    pub action: String,
    pub child_id: Option<ChildId>,
    pub child_name: Option<Name>,
    /// Ids and counts only.
    pub detail: String,
    pub ip: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditItem>,
    /// Pass as `before` for the next (older) page; `null` when this page is the last.
    pub next_before: Option<i64>,
}

fn positive(params: &HashMap<String, String>, field: &str, max: i64) -> ApiResult<Option<i64>> {
    params
        .get(field)
        .map(|v| match v.trim().parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(Failure::invalid(field, format!("{field}: must be a whole number from 1 to {max}"))),
        })
        .transpose()
}

/// Read the audit log
///
/// Who read or changed which child's data, when and from where: newest first, a page at a time. Clinic
/// admins only.
#[utoipa::path(
    get, path = "/audit", tag = "audit", operation_id = "audit_log",
    params(
        ("before" = Option<i64>, Query, minimum = 1, description = "Only entries older than this id: the \
            previous page's `next_before`"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500, description = "Entries per page; by default 50"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "A page of entries", body = AuditPage),
        (status = 400, description = BAD_QUERY, body = ApiError),
        (status = 403, description = "Only a clinic admin can read the audit log", body = ApiError),
        (status = 422, description = "`before` or `limit` is not a whole number in range; `field` names it",
            body = ApiError),
        SessionRead,
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    query: RawQuery,
) -> ApiResult<Json<AuditPage>> {
    auth.require_admin()?;
    let params = query_params(query, &["before", "limit"])?;
    let before = positive(&params, "before", i64::MAX)?;
    let limit = positive(&params, "limit", i64::from(MAX_LIMIT))?
        .map_or(DEFAULT_LIMIT, |l| u32::try_from(l).unwrap_or(MAX_LIMIT));
    let clinic = auth.therapist.clinic_id;
    let records = state.store.audit_of_clinic(clinic, before, limit).await?;

    // Names make the log readable without a lookup per line; both lists are small next to the log itself.
    let therapists: HashMap<String, Name> =
        state.store.therapists_of_clinic(clinic).await?.into_iter().map(|t| (t.id.to_string(), t.name)).collect();
    let children: HashMap<ChildId, Name> =
        state.store.children_of_clinic(clinic).await?.into_iter().map(|c| (c.id, c.display_name)).collect();

    let next_before = (records.len() == limit as usize).then(|| records.last().map(|r| r.id)).flatten();
    let entries: Vec<AuditItem> = records
        .into_iter()
        .map(|r| {
            let e = r.entry;
            AuditItem {
                id: r.id,
                at: DateTime::from_timestamp_millis(e.at_ms).unwrap_or_default(),
                actor_kind: e.actor_kind,
                actor_name: (e.actor_kind == "therapist").then(|| therapists.get(&e.actor_id).cloned()).flatten(),
                actor_id: e.actor_id,
                action: e.action,
                child_name: e.child_id.and_then(|c| children.get(&c).cloned()),
                child_id: e.child_id,
                detail: e.detail,
                ip: e.ip,
            }
        })
        .collect();
    // Recorded after the read, so a page never lists its own reading.
    audit::record(&state, Actor::Therapist(&auth), &ip, "read_audit", None, format!("{} entries", entries.len()))
        .await?;
    Ok(Json(AuditPage { entries, next_before }))
}
