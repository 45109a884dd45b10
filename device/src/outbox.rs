//! The outbox: every version this device made of anything the family records (logs, goal check-ins), kept
//! until the server acknowledges that same version, or refused by it and kept for the family to see. One
//! table for every kind (`kind` is the push request's array the item travels in), holding the very version
//! to send, so a new kind of recorded thing (see `homeplay_core::recorded`) needs no queue of its own.

use crate::error::{DeviceError, Result};
use crate::store::Db;
use homeplay_core::hlc::Hlc;
use homeplay_core::recorded::{Accepted, Recorded};
use sqlx::{Row, Sqlite, Transaction};

/// Something the server refused, kept for the family to see.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RejectedItem {
    /// Which kind of record: `logs`, `check_ins` (its array in the push request).
    pub kind: String,
    pub id: String,
    pub reason: String,
    pub field: Option<String>,
    pub message: String,
}

fn wall(hlc: Hlc) -> i64 {
    i64::try_from(hlc.wall_ms).unwrap_or(i64::MAX)
}

impl Db {
    /// Queues this version of `item`, inside the transaction that stores it: stored and queued, or neither.
    /// It replaces an older version still waiting, and clears a refusal (the new version may fix it).
    pub(crate) async fn queue<T: Recorded>(tx: &mut Transaction<'_, Sqlite>, item: &T) -> Result<()> {
        sqlx::query(
            "INSERT INTO outbox (kind, id, hlc_wall, hlc_counter, doc) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (kind, id) DO UPDATE SET hlc_wall = excluded.hlc_wall, hlc_counter = excluded.hlc_counter,
               doc = excluded.doc, rejected_reason = NULL, rejected_field = NULL, rejected_message = NULL",
        )
        .bind(T::FIELD)
        .bind(item.id().to_string())
        .bind(wall(item.hlc()))
        .bind(i64::from(item.hlc().counter))
        .bind(serde_json::to_string(item)?)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Up to `limit` waiting versions of one kind, oldest first.
    pub(crate) async fn pending<T: Recorded>(&self, limit: usize) -> Result<Vec<T>> {
        let docs: Vec<String> = sqlx::query_scalar(
            "SELECT doc FROM outbox WHERE kind = ?1 AND rejected_reason IS NULL
             ORDER BY hlc_wall, hlc_counter LIMIT ?2",
        )
        .bind(T::FIELD)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        docs.iter().map(|d| serde_json::from_str(d).map_err(DeviceError::from)).collect()
    }

    /// The server has these versions (or newer ones): they leave the outbox, unless a newer local version
    /// replaced one of them in the meantime.
    pub(crate) async fn acked<T: Recorded>(&self, acks: &[Accepted<T::Id>]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for a in acks {
            sqlx::query("DELETE FROM outbox WHERE kind = ?1 AND id = ?2 AND hlc_wall = ?3 AND hlc_counter = ?4")
                .bind(T::FIELD)
                .bind(a.id.to_string())
                .bind(wall(a.hlc))
                .bind(i64::from(a.hlc.counter))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The server refused the version `hlc` of an item: it stays, marked, for the family to see; sending it
    /// again cannot succeed. A newer local version made since stays queued: it may fix what was refused.
    pub(crate) async fn refused<T: Recorded>(
        &self,
        id: T::Id,
        hlc: Hlc,
        reason: &str,
        field: Option<&str>,
        message: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET rejected_reason = ?5, rejected_field = ?6, rejected_message = ?7
             WHERE kind = ?1 AND id = ?2 AND hlc_wall = ?3 AND hlc_counter = ?4",
        )
        .bind(T::FIELD)
        .bind(id.to_string())
        .bind(wall(hlc))
        .bind(i64::from(hlc.counter))
        .bind(reason)
        .bind(field)
        .bind(message)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// `(waiting, rejected)` counts of the outbox, every kind together.
    pub async fn outbox_counts(&self) -> Result<(u64, u64)> {
        let row = sqlx::query(
            "SELECT COUNT(*) FILTER (WHERE rejected_reason IS NULL), COUNT(*) FILTER (WHERE rejected_reason IS NOT NULL)
             FROM outbox",
        )
        .fetch_one(&self.pool)
        .await?;
        let waiting: i64 = row.try_get(0)?;
        let rejected: i64 = row.try_get(1)?;
        Ok((u64::try_from(waiting).unwrap_or(0), u64::try_from(rejected).unwrap_or(0)))
    }

    /// What the server refused, oldest first.
    pub async fn rejected(&self) -> Result<Vec<RejectedItem>> {
        let rows = sqlx::query(
            "SELECT kind, id, rejected_reason, rejected_field, rejected_message FROM outbox
             WHERE rejected_reason IS NOT NULL ORDER BY hlc_wall, hlc_counter",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RejectedItem {
                    kind: r.try_get(0)?,
                    id: r.try_get(1)?,
                    reason: r.try_get(2)?,
                    field: r.try_get(3)?,
                    message: r.try_get::<Option<String>, _>(4)?.unwrap_or_default(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use homeplay_core::goal::{CheckInFace, GoalCheckIn};
    use homeplay_core::ids::{ChildId, DeviceId, GoalCheckInId, GoalId};
    use homeplay_core::text::Name;

    fn check_in(wall_ms: u64, face: CheckInFace) -> GoalCheckIn {
        GoalCheckIn {
            id: GoalCheckInId::new_v7(),
            goal_id: GoalId::new_v7(),
            child_id: ChildId::new_v7(),
            week: "2026-11-30".parse().unwrap(),
            face,
            note: None,
            answered_by: Name::new("Mum").unwrap(),
            device_id: DeviceId::new_v7(),
            hlc: Hlc::new(wall_ms, 0),
            undone: false,
        }
    }

    /// Every kind waits in the one outbox, counted together, each read back only as its own kind; an ack,
    /// a refusal and a newer version work on a check-in exactly as on a log.
    #[tokio::test]
    async fn every_kind_shares_the_one_outbox_and_its_rules() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("device.db")).await.unwrap();
        let first = check_in(1_000, CheckInFace::SoSo);
        let other = check_in(2_000, CheckInFace::Good);
        for c in [&first, &other] {
            db.save_check_in(c).await.unwrap();
        }
        let changed = GoalCheckIn { face: CheckInFace::Great, hlc: Hlc::new(3_000, 0), ..first.clone() };
        db.save_check_in(&changed).await.unwrap();
        assert_eq!(db.outbox_counts().await.unwrap(), (2, 0), "one entry per check-in, the newest version");
        assert_eq!(db.pending::<GoalCheckIn>(10).await.unwrap(), vec![other.clone(), changed.clone()]);
        assert!(db.pending::<homeplay_core::log::CompletionLog>(10).await.unwrap().is_empty());

        // The ack of the first version leaves the newer one queued; the refusal of `other` keeps it, marked.
        db.acked::<GoalCheckIn>(&[Accepted { id: first.id, hlc: first.hlc }]).await.unwrap();
        db.refused::<GoalCheckIn>(other.id, other.hlc, "unknown_goal", Some("goal_id"), "not the child's goal")
            .await
            .unwrap();
        assert_eq!(db.outbox_counts().await.unwrap(), (1, 1));
        assert_eq!(db.pending::<GoalCheckIn>(10).await.unwrap(), vec![changed.clone()]);
        assert_eq!(
            db.rejected().await.unwrap(),
            vec![RejectedItem {
                kind: "check_ins".into(),
                id: other.id.to_string(),
                reason: "unknown_goal".into(),
                field: Some("goal_id".into()),
                message: "not the child's goal".into(),
            }]
        );
        db.acked::<GoalCheckIn>(&[Accepted { id: changed.id, hlc: changed.hlc }]).await.unwrap();
        assert_eq!(db.outbox_counts().await.unwrap(), (0, 1));
    }
}
