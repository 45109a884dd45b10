//! Sync state pushed to the screens: each state the background loop reaches goes out as the whole [`AppStatus`]
//! (the header shows the pairing and the caregiver beside it), so the screens need not ask again and again.

use crate::api;
use crate::dto::AppStatus;
use homeplay_device::{Engine, SyncState};
use std::sync::Arc;
use tokio::sync::watch;

/// The event the screens listen to; its payload is an [`AppStatus`].
pub const SYNC_STATE: &str = "sync-state";

/// Where each new status goes: in the app, an event to the window; in tests, a channel.
pub type StatusSink = Arc<dyn Fn(AppStatus) + Send + Sync>;

/// Sends one status per state the loop reports, until the loop stops (its sender is then gone).
pub async fn forward(engine: Arc<Engine>, mut states: watch::Receiver<Option<SyncState>>, sink: StatusSink) {
    while states.changed().await.is_ok() {
        let Some(state) = states.borrow_and_update().clone() else { continue };
        match api::status_with(&engine, state).await {
            Ok(status) => sink(status),
            // The screens keep the last status they had, and ask again on focus or after the family's next action.
            Err(e) => tracing::warn!(kind = ?e.kind, "cannot read the status to send to the screens"),
        }
    }
}
