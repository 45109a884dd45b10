//! Liveness and readiness for load balancers and orchestrators.

use crate::error::Failure;
use crate::state::AppState;
use axum::extract::State;
use homeplay_core::sync::{ApiError, ErrorCode};

/// Liveness
///
/// The process is up. Needs no credentials and reads nothing: it cannot fail while the process answers.
#[utoipa::path(
    get, path = "/healthz", tag = "health", operation_id = "healthz",
    security(()),
    responses((status = 200, description = "`ok`", body = String, content_type = "text/plain")),
)]
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness
///
/// The process can serve: its database answers.
#[utoipa::path(
    get, path = "/readyz", tag = "health", operation_id = "readyz",
    security(()),
    responses(
        (status = 200, description = "`ready`", body = String, content_type = "text/plain"),
        (status = 503, description = "The database is not reachable", body = ApiError),
    ),
)]
pub async fn readyz(State(state): State<AppState>) -> Result<&'static str, Failure> {
    state.store.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "database not ready");
        Failure::new(ErrorCode::Unavailable, "the database is not reachable")
    })?;
    Ok("ready")
}
