//! SQL of [`PainStore`], and the pain reports a push of logs writes.

use super::docs::{IDS_PER_STATEMENT, placeholders};
use super::{Db, This, begin};
use crate::store::push_plan::PainChange;
use crate::store::{Millis, PainStore, StoreError, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::{ChildId, ClinicId, TherapistId};
use homeplay_core::pain::{PainReport, PainScore};
use sqlx::Row;

/// Writes a push's pain changes in its transaction; `now` is when the reports were received.
pub(super) async fn write_pain_changes(
    tx: &mut sqlx::Transaction<'_, Db>,
    changes: &[PainChange],
    now: Millis,
) -> StoreResult<()> {
    for change in changes {
        match *change {
            PainChange::Report { log, child, date, score } => {
                sqlx::query(
                    "INSERT INTO pain_reports (log_id, child_id, occ_date, score, reported_ms) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (log_id) DO UPDATE SET score = excluded.score, reported_ms = excluded.reported_ms",
                )
                .bind(log.to_string())
                .bind(child.to_string())
                .bind(date.to_string())
                .bind(score.map(i64::from))
                .bind(now)
                .execute(&mut **tx)
                .await?;
            }
            PainChange::Withdraw(log) => {
                sqlx::query("DELETE FROM pain_reports WHERE log_id = $1")
                    .bind(log.to_string())
                    .execute(&mut **tx)
                    .await?;
            }
        }
    }
    Ok(())
}

const UNSEEN: &str = "FROM pain_reports p JOIN children c ON c.id = p.child_id
     LEFT JOIN pain_seen s ON s.child_id = p.child_id
     WHERE p.child_id = $1 AND c.clinic_id = $2 AND (s.seen_ms IS NULL OR p.reported_ms > s.seen_ms)";

/// A pain report as stored, back to the core's type.
fn pain_report(r: &<Db as sqlx::Database>::Row) -> StoreResult<PainReport> {
    let date: String = r.try_get("occ_date")?;
    let score: Option<i64> = r.try_get("score")?;
    Ok(PainReport {
        date: date.parse().map_err(|_| StoreError::NotFound("pain report date"))?,
        score: score
            .map(|s| u8::try_from(s).ok().and_then(|s| PainScore::new(s).ok()))
            .map(|s| s.ok_or(StoreError::NotFound("pain score")))
            .transpose()?,
    })
}

#[async_trait]
impl PainStore for This {
    async fn unseen_pain(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<PainReport>> {
        let rows = sqlx::query(&format!("SELECT p.occ_date, p.score {UNSEEN} ORDER BY p.occ_date, p.log_id"))
            .bind(child.to_string())
            .bind(clinic.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(pain_report).collect()
    }

    async fn unseen_pain_of_children(
        &self,
        clinic: ClinicId,
        children: &[ChildId],
    ) -> StoreResult<Vec<(ChildId, PainReport)>> {
        let mut out = Vec::new();
        for chunk in children.chunks(IDS_PER_STATEMENT) {
            let sql = format!(
                "SELECT p.child_id, p.occ_date, p.score FROM pain_reports p JOIN children c ON c.id = p.child_id
                 LEFT JOIN pain_seen s ON s.child_id = p.child_id
                 WHERE c.clinic_id = $1 AND p.child_id IN ({})
                   AND (s.seen_ms IS NULL OR p.reported_ms > s.seen_ms)
                 ORDER BY p.child_id, p.occ_date, p.log_id",
                placeholders(2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(clinic.to_string());
            for c in chunk {
                query = query.bind(c.to_string());
            }
            for r in query.fetch_all(&self.pool).await? {
                let child: String = r.try_get("child_id")?;
                let child = child.parse().map_err(|_| StoreError::NotFound("child id"))?;
                out.push((child, pain_report(&r)?));
            }
        }
        Ok(out)
    }

    async fn mark_pain_seen(
        &self,
        clinic: ClinicId,
        child: ChildId,
        therapist: TherapistId,
        now: Millis,
    ) -> StoreResult<u32> {
        let mut tx = begin(&self.pool).await?;
        let unseen: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {UNSEEN} AND p.reported_ms <= $3"))
            .bind(child.to_string())
            .bind(clinic.to_string())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        let known: Option<String> = sqlx::query_scalar("SELECT id FROM children WHERE id = $1 AND clinic_id = $2")
            .bind(child.to_string())
            .bind(clinic.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(StoreError::NotFound("child"));
        }
        // The mark only moves forward: a late request with an older time cannot hide newer reports.
        sqlx::query(
            "INSERT INTO pain_seen (child_id, seen_ms, therapist_id) VALUES ($1, $2, $3)
             ON CONFLICT (child_id) DO UPDATE SET seen_ms = excluded.seen_ms, therapist_id = excluded.therapist_id
             WHERE pain_seen.seen_ms < excluded.seen_ms",
        )
        .bind(child.to_string())
        .bind(now)
        .bind(therapist.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(u32::try_from(unseen).unwrap_or(u32::MAX))
    }
}
