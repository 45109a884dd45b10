//! Storage: one trait, one implementation per database (SQLite for a small practice, PostgreSQL for a network
//! of clinics), and one conformance suite that runs against both (`store_conformance`, in the server's tests).
//!
//! Records whose shape belongs to `homeplay-core` are stored whole as JSON, with the columns queries filter on
//! beside them, so both databases hold the same data in the same way and the SQL stays portable.
//!
//! The store is cut by aggregate. Each has a trait in this folder (`families.rs`: [`FamilyStore`], …), which
//! [`Store`] requires, and one SQL implementation in `sql/` (`sql/families.rs`), compiled once for each
//! database: `sqlite.rs` and `postgres.rs` each include every file of `sql/` as a module of their own, giving
//! it the driver (`Db`), the store type (`This`) and how to begin a writing transaction (`begin`). The SQL is
//! written once, with `$1` placeholders, which both drivers bind by number. Rules that are not SQL (which
//! pushed log wins, what a push changes in the per-day rollup) are pure functions beside the traits
//! (`push_plan.rs`), tested without a database.
//!
//! To add a table:
//! 1. a migration for each database, `migrations/sqlite/` and `migrations/postgres/` (same name and meaning);
//! 2. a method on the aggregate's trait (or a new trait, required by [`Store`] and re-exported here);
//! 3. its SQL in the aggregate's file in `sql/` (a new file is included in both `sqlite.rs` and
//!    `postgres.rs`); read JSON documents with `self.doc` / `self.docs` (`sql/docs.rs`);
//! 4. a test in the `store_conformance` suite, which runs it on both databases.

mod accounts;
mod audit;
mod audit_queue;
mod care;
mod clinics;
mod codec;
mod devices;
mod families;
mod invitations;
mod library;
pub mod lifecycle;
mod media;
mod messages;
mod pain;
mod postgres;
mod program;
mod push_plan;
mod sessions;
mod sqlite;
mod sync;

pub use accounts::{AccountState, AccountStore, TwoFactorPolicy};
pub use audit::{AuditEntry, AuditRecord, AuditStore};
pub use care::{CareStore, ChildWithTeam, GoalVersionRecord};
pub use clinics::{ClinicStore, TherapistRecord};
pub use devices::{DeviceRecord, DeviceStore, Redeemed};
pub use families::FamilyStore;
pub use invitations::{InvitationState, InvitationStore};
pub use library::{Archivable, LibraryStore};
pub use lifecycle::{Discharge, Erased, LifecycleStore};
pub use media::{MediaRecord, MediaStore};
pub use messages::{MessageStore, MessageWrite};
pub use pain::PainStore;
pub use postgres::PgStore;
pub use program::{HistoryRecord, ProgramStore};
pub use sessions::{RateAttempt, SessionRecord, SessionStore};
pub use sqlite::SqliteStore;
pub use sync::{DevicePull, FeedEntry, FeedItem, LogWrite, SyncStore};

use async_trait::async_trait;
use std::sync::Arc;

/// A snake_case enum's name (`team_only`, `everyone`), as stored and sent.
pub fn care_name<T: serde::Serialize>(value: &T) -> String {
    codec::name_of(value).unwrap_or_default()
}

/// Milliseconds since the Unix epoch: every stored time.
pub type Millis = i64;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored record does not parse: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error("the database's epoch is not a UUID: {0}")]
    BadEpoch(String),
    #[error("already exists: {0}")]
    Conflict(&'static str),
    #[error("not found: {0}")]
    NotFound(&'static str),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// Whether the database refused for load, not for the request: every connection busy, SQLite's write lock
    /// held past the busy timeout, or PostgreSQL giving up a transaction to a deadlock, a serialization
    /// conflict or a lock wait. The same request may succeed a moment later.
    pub fn is_overload(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::PoolTimedOut) => true,
            StoreError::Db(sqlx::Error::Database(e)) => {
                // SQLITE_BUSY and SQLITE_LOCKED with their extended codes; PostgreSQL's SQLSTATEs.
                matches!(
                    e.code().as_deref(),
                    Some("5" | "6" | "261" | "262" | "517" | "40001" | "40P01" | "55P03" | "53300")
                )
            }
            _ => false,
        }
    }
}

/// Everything the server stores, one trait per aggregate. Every method that reads a clinic's data takes the
/// clinic's id and filters by it: tenancy is enforced in the query, not only in the handler. The aggregates'
/// methods are callable on `dyn Store` as they are (a trait object carries its supertraits' methods).
#[async_trait]
pub trait Store:
    ClinicStore
    + AccountStore
    + InvitationStore
    + SessionStore
    + FamilyStore
    + LibraryStore
    + ProgramStore
    + DeviceStore
    + SyncStore
    + MediaStore
    + AuditStore
    + CareStore
    + LifecycleStore
    + PainStore
    + MessageStore
    + Send
    + Sync
    + std::fmt::Debug
    + 'static
{
    /// Which database this is: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// The connection pool's use at this moment (for metrics): read from the pool, no query.
    fn pool_use(&self) -> PoolUse;
    /// The database's epoch, read once when the store opens: a restore happens into a database no server
    /// has open, so it cannot change under a running server.
    fn epoch(&self) -> homeplay_core::ids::ServerEpoch;
    async fn ping(&self) -> StoreResult<()>;
}

pub type DynStore = Arc<dyn Store>;

/// A connection pool's use: connections open (busy or idle), idle, and the most it may open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

/// Opens the database a URL names (`sqlite://path` or `postgres://…`), creating and migrating it as needed.
pub async fn open(url: &str) -> StoreResult<DynStore> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::open(url).await?))
    } else {
        Ok(Arc::new(SqliteStore::open(url).await?))
    }
}
