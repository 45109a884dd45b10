//! PostgreSQL: for a network of clinics, with several stateless server instances sharing one database.

use super::StoreResult;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to and migrates the database at `url` (`postgres://…`).
    pub async fn open(url: &str) -> StoreResult<Self> {
        // No ping before each use: sqlx already pings a connection as it goes back to the pool. The price: a
        // connection dropped while idle fails the one query that picks it up (bench/README.md, "the pull made
        // six round trips", has the profile).
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

/// Starts a transaction that will write (READ COMMITTED; writes that could race lock their parent row first).
async fn begin(pool: &PgPool) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    pool.begin().await
}

type Db = sqlx::Postgres;
type This = PgStore;
const BACKEND: &str = "postgres";

// One SQL source, two drivers: `sql/` is compiled here for PostgreSQL and in `sqlite.rs` for SQLite, which is
// what clippy's duplicate_mod warns of.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;
