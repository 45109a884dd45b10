//! SQLite: the embedded default. One file, WAL, full fsync on commit (nothing acknowledged is lost).

use super::StoreResult;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
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
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }
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

// One SQL source, two drivers: `sql/` is compiled here for SQLite and in `postgres.rs` for PostgreSQL, which is
// what clippy's duplicate_mod warns of.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;
