//! Liveness and readiness for load balancers and orchestrators.

use crate::error::Failure;
use crate::state::AppState;
use axum::extract::State;
use homeplay_core::sync::ErrorCode;

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: its database answers.
pub async fn readyz(State(state): State<AppState>) -> Result<&'static str, Failure> {
    state.store.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "database not ready");
        Failure::new(ErrorCode::Unavailable, "the database is not reachable")
    })?;
    Ok("ready")
}
