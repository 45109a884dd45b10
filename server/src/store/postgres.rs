//! PostgreSQL: for a network of clinics, with several stateless server instances sharing one database.

use super::StoreResult;
use super::audit_queue::AuditQueue;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    audit: AuditQueue,
    epoch: homeplay_core::ids::ServerEpoch,
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
        migrate(&pool).await?;
        let epoch = sql::epoch(&pool).await?;
        let audit = sql::audit::queue(&pool);
        Ok(Self { pool, audit, epoch })
    }
}

/// Migrates holding PostgreSQL's advisory lock for the migrator (`pg_advisory_lock` on a key sqlx derives
/// from the database's name, released when the run ends), so instances started together migrate once: the
/// others wait, then find every migration applied. It is sqlx's default, set here because several instances
/// on one database rely on it (`several_instances` in the server's tests) and a second lock of our own would
/// only wait on the same thing.
async fn migrate(pool: &PgPool) -> StoreResult<()> {
    let mut migrator = sqlx::migrate!("./migrations/postgres");
    migrator.set_locking(true);
    migrator.run(pool).await?;
    Ok(())
}

/// Starts a transaction that will write (READ COMMITTED; writes that could race lock their parent row first).
async fn begin(pool: &PgPool) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    pool.begin().await
}

type Db = sqlx::Postgres;
type This = PgStore;
const BACKEND: &str = "postgres";

#[path = "rows_postgres.rs"]
mod rows;

// One SQL source, two drivers: `sql/` is compiled here for PostgreSQL and in `sqlite.rs` for SQLite, which is
// what clippy's duplicate_mod warns of.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;
