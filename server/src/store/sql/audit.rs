//! SQL of [`AuditStore`]: the clinic's audit trail, newest first.

use super::{Db, This, begin};
use crate::store::{AuditEntry, AuditRecord, AuditStore, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::ClinicId;
use sqlx::{QueryBuilder, Row};

/// The store's audit writer: lines of requests writing at the same moment go in together through [`insert`].
pub(crate) fn queue(pool: &sqlx::Pool<Db>) -> crate::store::audit_queue::AuditQueue {
    let pool = pool.clone();
    crate::store::audit_queue::AuditQueue::start(move |entries| {
        let pool = pool.clone();
        async move { insert(&pool, entries).await }
    })
}

/// Stores audit lines in one transaction: the writer behind [`crate::store::audit_queue::AuditQueue`], which
/// gathers the lines of every request writing at the same moment.
pub(crate) async fn insert(pool: &sqlx::Pool<Db>, entries: Vec<AuditEntry>) -> StoreResult<()> {
    let mut tx = begin(pool).await?;
    for chunk in entries.chunks(500) {
        let mut q = QueryBuilder::<Db>::new(
            "INSERT INTO audit (clinic_id, at_ms, actor_kind, actor_id, action, child_id, detail, ip) ",
        );
        q.push_values(chunk, |mut b, e| {
            b.push_bind(e.clinic_id.to_string())
                .push_bind(e.at_ms)
                .push_bind(e.actor_kind)
                .push_bind(e.actor_id.clone())
                .push_bind(e.action.clone())
                .push_bind(e.child_id.map(|c| c.to_string()))
                .push_bind(e.detail.clone())
                .push_bind(e.ip.clone());
        });
        q.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[async_trait]
impl AuditStore for This {
    async fn audit_many(&self, entries: &[AuditEntry]) -> StoreResult<()> {
        self.audit.write(entries.to_vec()).await
    }

    async fn audit_of_clinic(
        &self,
        clinic: ClinicId,
        before_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditRecord>> {
        let rows = sqlx::query(
            "SELECT id, at_ms, actor_kind, actor_id, action, child_id, detail, ip FROM audit
             WHERE clinic_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(clinic.to_string())
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("actor_kind")?;
                let child: Option<String> = r.try_get("child_id")?;
                Ok(AuditRecord {
                    id: r.try_get("id")?,
                    entry: AuditEntry {
                        clinic_id: clinic,
                        at_ms: r.try_get("at_ms")?,
                        actor_kind: match kind.as_str() {
                            "therapist" => "therapist",
                            "device" => "device",
                            _ => "system",
                        },
                        actor_id: r.try_get("actor_id")?,
                        action: r.try_get("action")?,
                        child_id: child.and_then(|c| c.parse().ok()),
                        detail: r.try_get("detail")?,
                        ip: r.try_get("ip")?,
                    },
                })
            })
            .collect()
    }
}
