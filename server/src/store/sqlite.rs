//! SQLite: the embedded default. One file, WAL, full fsync on commit (nothing acknowledged is lost).

use super::StoreResult;
use super::audit_queue::AuditQueue;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    audit: AuditQueue,
    epoch: homeplay_core::ids::ServerEpoch,
}

impl SqliteStore {
    /// Opens (creating if missing) and migrates the database at `url` (`sqlite://path/to/file.db`).
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(15))
            .foreign_keys(true);
        // No ping before each use: sqlx already pings a connection as it goes back to the pool (the profile and
        // its numbers: bench/README.md, "the pull made six round trips").
        let pool = SqlitePoolOptions::new().max_connections(8).test_before_acquire(false).connect_with(options).await?;
        migrate(&pool).await?;
        let epoch = sql::epoch(&pool).await?;
        let audit = sql::audit::queue(&pool);
        Ok(Self { pool, audit, epoch })
    }
}

/// Migrates under SQLite's one write lock. sqlx takes no lock on SQLite, so instances started together on a new
/// file would each find nothing applied and each create the same tables (all but one failing). Here the whole
/// run, from reading what is applied to the last migration, is one `BEGIN IMMEDIATE` transaction: the others
/// wait their turn (up to the busy timeout), then find the work done. sqlx runs each migration in a savepoint
/// of it, so a failing migration still leaves nothing behind.
async fn migrate(pool: &SqlitePool) -> StoreResult<()> {
    let mut tx = begin(pool).await?;
    sqlx::migrate!("./migrations/sqlite").run(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Starts a transaction that will write. SQLite's default `BEGIN` (deferred) takes the write lock only at the
/// first write, and a transaction that read first then finds another writer has moved on fails at once with
/// "database is locked", whatever the busy timeout. `BEGIN IMMEDIATE` takes the lock up front, so concurrent
/// writers wait their turn (up to the busy timeout) instead.
async fn begin(pool: &SqlitePool) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

type Db = sqlx::Sqlite;
type This = SqliteStore;
const BACKEND: &str = "sqlite";

#[path = "rows_sqlite.rs"]
mod rows;

// One SQL source, two drivers: `sql/` is compiled here for SQLite and in `postgres.rs` for PostgreSQL, which is
// what clippy's duplicate_mod warns of.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;
