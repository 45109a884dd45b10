//! Entry points for suites outside this crate that must build a device's data byte for byte the same on every
//! run (the phone web app's view vectors, `src-tauri/tests/view_vectors.rs`): a fixed clock that also makes the
//! new ids, the pull's page-apply path without a server, and the tables as the web engine's `Snapshot` holds
//! them. Not for the app: nothing here is called outside tests.

use crate::error::Result;
use crate::{Engine, Pairing};
use chrono::{DateTime, Utc};
use homeplay_core::hlc::Hlc;
use homeplay_core::ids::LogId;
use homeplay_core::log::CompletionLog;
use homeplay_core::sync::Change;
use serde_json::{Map, Value, json};
use sqlx::Row;
use uuid::Uuid;

#[derive(Debug, Clone, Copy)]
pub(crate) struct FixedClock {
    now: DateTime<Utc>,
    ids: u64,
}

impl Engine {
    pub(crate) fn fixed_now(&self) -> Option<DateTime<Utc>> {
        self.fixed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).map(|f| f.now)
    }

    /// A new UUIDv7: from the wall clock, or, with a fixed clock, from its time and a counter (still time-ordered).
    pub(crate) fn new_uuid(&self) -> Uuid {
        let mut fixed = self.fixed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match fixed.as_mut() {
            None => Uuid::now_v7(),
            Some(f) => {
                f.ids += 1;
                let mut tail = [0u8; 10];
                tail[2..].copy_from_slice(&f.ids.to_be_bytes());
                let ms = u64::try_from(f.now.timestamp_millis()).unwrap_or(0);
                uuid::Builder::from_unix_timestamp_millis(ms, &tail).into_uuid()
            }
        }
    }

    /// From now on this engine's time is `now` (stamps, "this week", read marks) and its new ids come from it
    /// and a counter, until it is fixed again.
    #[doc(hidden)]
    pub fn fix_clock(&self, now: DateTime<Utc>) {
        let mut fixed = self.fixed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let ids = fixed.map_or(0, |f| f.ids);
        *fixed = Some(FixedClock { now, ids });
    }

    /// Pairs without a server: what a successful pairing stores.
    #[doc(hidden)]
    pub async fn seed_pairing(&self, pairing: &Pairing) -> Result<()> {
        self.db.save_pairing(pairing).await
    }

    /// Applies a page of pulled changes through the pull's own path, as if the server had sent it.
    #[doc(hidden)]
    pub async fn apply_pulled(&self, changes: &[Change], cursor: &str) -> Result<()> {
        let _writing = self.writes.lock().await;
        self.db.apply_page(changes, cursor).await
    }

    /// The server refused version `hlc` of a log, as a push answer would say.
    #[doc(hidden)]
    pub async fn refuse_log(
        &self,
        id: LogId,
        hlc: Hlc,
        reason: &str,
        field: Option<&str>,
        message: &str,
    ) -> Result<()> {
        self.db.refused::<CompletionLog>(id, hlc, reason, field, message).await
    }

    /// A sync attempt as the sync loop notes it (`ok`, `offline`, `error`).
    #[doc(hidden)]
    pub async fn note_sync_attempt(&self, at_ms: i64, outcome: &str, detail: &str) -> Result<()> {
        self.db.note_attempt(at_ms, outcome, detail).await
    }

    /// The tables the family screens are answered from, as the web engine's `Snapshot`
    /// (`ui/phone/engine/snapshot.ts`), each in its primary key's order.
    #[doc(hidden)]
    pub async fn tables_json(&self) -> Result<Value> {
        let pool = &self.db.pool;
        let parse = |s: String| -> Result<Value> { Ok(serde_json::from_str(&s)?) };
        let mut settings = Map::new();
        for r in sqlx::query("SELECT key, value FROM settings ORDER BY key").fetch_all(pool).await? {
            settings.insert(r.try_get(0)?, Value::String(r.try_get(1)?));
        }
        let mut records = Vec::new();
        for r in sqlx::query("SELECT entity, id, doc FROM records ORDER BY entity, id").fetch_all(pool).await? {
            records.push(json!({"entity": r.try_get::<String, _>(0)?, "id": r.try_get::<String, _>(1)?,
                "doc": parse(r.try_get(2)?)?}));
        }
        let mut logs = Vec::new();
        for r in sqlx::query("SELECT doc FROM logs ORDER BY id").fetch_all(pool).await? {
            logs.push(parse(r.try_get(0)?)?);
        }
        let mut outbox = Vec::new();
        let rows = sqlx::query(
            "SELECT kind, id, hlc_wall, hlc_counter, doc, rejected_reason, rejected_field, rejected_message
             FROM outbox ORDER BY kind, id",
        )
        .fetch_all(pool)
        .await?;
        for r in rows {
            outbox.push(json!({
                "kind": r.try_get::<String, _>(0)?, "id": r.try_get::<String, _>(1)?,
                "hlc_wall": r.try_get::<i64, _>(2)?, "hlc_counter": r.try_get::<i64, _>(3)?,
                "doc": parse(r.try_get(4)?)?,
                "rejected_reason": r.try_get::<Option<String>, _>(5)?,
                "rejected_field": r.try_get::<Option<String>, _>(6)?,
                "rejected_message": r.try_get::<Option<String>, _>(7)?,
            }));
        }
        let mut messages = Vec::new();
        for r in sqlx::query("SELECT id, child_id, doc FROM messages ORDER BY id").fetch_all(pool).await? {
            messages.push(json!({"id": r.try_get::<String, _>(0)?, "child_id": r.try_get::<String, _>(1)?,
                "doc": parse(r.try_get(2)?)?}));
        }
        let mut reads = Vec::new();
        let rows = sqlx::query("SELECT child_id, side, up_to, doc FROM thread_reads ORDER BY child_id, side")
            .fetch_all(pool)
            .await?;
        for r in rows {
            reads.push(json!({"child_id": r.try_get::<String, _>(0)?, "side": r.try_get::<String, _>(1)?,
                "up_to": r.try_get::<String, _>(2)?, "doc": parse(r.try_get(3)?)?}));
        }
        Ok(json!({"settings": settings, "records": records, "logs": logs, "outbox": outbox, "messages": messages,
            "threadReads": reads}))
    }
}
