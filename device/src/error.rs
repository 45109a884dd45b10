//! What can go wrong on a family's device, in terms the app can show.

use homeplay_core::sync::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("local database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("local database upgrade failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The data was saved by a newer version of the app; it is left untouched rather than misread.
    #[error(
        "this device's data was saved by a newer version of homeplay (database version {found}; this app \
         knows up to {known}): update the app"
    )]
    DatabaseTooNew { found: i64, known: i64 },
    #[error("stored data does not parse: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error("{0}")]
    Invalid(#[from] homeplay_core::ValidationError),
    #[error("this device is not paired with a clinic yet")]
    NotPaired,
    #[error("this device is already paired; unpair it first")]
    AlreadyPaired,
    #[error("no such {0} on this device")]
    NotFound(&'static str),
    #[error("cannot reach the clinic server: {0}")]
    Offline(String),
    /// The server answered with an error it means: a wrong code, a revoked device, an outdated app.
    #[error("{}", .0.message)]
    Server(ApiError),
    /// The clinic ended the family's home program and disconnected this device; the clinic's words.
    #[error("{0}")]
    Ended(String),
    /// The address answered, but not as a homeplay server: most often a typo in its path.
    #[error("that address answered, but it is not a homeplay server ({0}): check the address")]
    NotHomeplay(String),
    #[error("the server answered something this app does not understand: {0}")]
    Protocol(String),
    #[error("{0} logs have not reached the clinic yet; sync first")]
    UnsentLogs(u64),
    #[error("cannot store the device token: {0}")]
    Token(String),
}

pub type Result<T> = std::result::Result<T, DeviceError>;

impl DeviceError {
    /// Whether trying again later may help (network trouble, a busy or failing server).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Offline(_) => true,
            Self::Server(e) => e.error.is_retryable(),
            _ => false,
        }
    }
}
