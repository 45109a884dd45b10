//! The SQL of every aggregate, written once and compiled twice: `sqlite.rs` and `postgres.rs` each include
//! this folder as a module of their own, which sees that database's `Db` (the sqlx driver), `This` (the store
//! type) and `begin` (a transaction that will write). The schema is portable (TEXT ids and JSON, BIGINT
//! milliseconds) and both drivers bind `$1`-style placeholders by number, so the text needs no rewriting.
//! What differs between the databases lives in `sqlite.rs` and `postgres.rs`.

mod accounts;
mod audit;
mod care;
mod clinics;
mod devices;
mod docs;
mod families;
mod library;
mod lifecycle;
mod media;
mod messages;
mod pain;
mod program;
mod sessions;
mod sync;

use super::{BACKEND, Db, This, begin};
use crate::store::{Store, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl Store for This {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
