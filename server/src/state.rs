//! What every handler shares: the store and the settings. Nothing about sessions or cursors is kept in
//! memory, so any number of server instances can serve the same database.

use crate::config::Limits;
use crate::store::{DynStore, Millis};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: DynStore,
    pub limits: Arc<Limits>,
}

/// The current time in milliseconds since the Unix epoch.
pub fn now_ms() -> Millis {
    chrono::Utc::now().timestamp_millis()
}
