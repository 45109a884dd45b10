//! What every handler shares: the store and the settings. Nothing about sessions or cursors is kept in
//! memory, so any number of server instances can serve the same database.

use crate::config::Limits;
use crate::mail::Mailer;
use crate::store::{DynStore, Millis};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: DynStore,
    pub limits: Arc<Limits>,
    /// Sends email when the server has `[smtp]`; without it, none is sent and the dashboard shows links to copy.
    pub mailer: Option<Arc<Mailer>>,
}

impl AppState {
    /// The same state, sending email with `mailer`.
    pub fn with_mailer(mut self, mailer: Option<Mailer>) -> Self {
        self.mailer = mailer.map(Arc::new);
        self
    }
}

/// The current time in milliseconds since the Unix epoch.
pub fn now_ms() -> Millis {
    chrono::Utc::now().timestamp_millis()
}
