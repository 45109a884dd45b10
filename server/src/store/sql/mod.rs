//! The SQL of every aggregate, written once and compiled twice: `sqlite.rs` and `postgres.rs` each include
//! this folder as a module of their own, which sees that database's `Db` (the sqlx driver), `This` (the store
//! type) and `begin` (a transaction that will write). The schema is portable (TEXT ids and JSON, BIGINT
//! milliseconds) and both drivers bind `$1`-style placeholders by number, so the text needs no rewriting.
//! What differs between the databases lives in `sqlite.rs` and `postgres.rs`.

mod accounts;
pub(super) mod audit;
mod care;
mod clinics;
mod devices;
mod docs;
mod families;
mod invitations;
mod library;
mod lifecycle;
mod media;
mod messages;
mod pain;
mod program;
mod sessions;
mod sync;

use super::{BACKEND, Db, This, begin, rows};
use crate::store::{PoolUse, Store, StoreError, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::ServerEpoch;

/// The epoch the migrations made (or the last restore set).
pub(super) async fn epoch(pool: &sqlx::Pool<Db>) -> StoreResult<ServerEpoch> {
    let text: String = sqlx::query_scalar("SELECT epoch FROM server_epoch WHERE only_row = 1").fetch_one(pool).await?;
    text.parse().map_err(|_| StoreError::BadEpoch(text))
}

#[async_trait]
impl Store for This {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    fn pool_use(&self) -> PoolUse {
        PoolUse {
            open: self.pool.size(),
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            max: self.pool.options().get_max_connections(),
        }
    }

    fn epoch(&self) -> ServerEpoch {
        self.epoch
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
