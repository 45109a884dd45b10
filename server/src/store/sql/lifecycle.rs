//! SQL of [`LifecycleStore`]: discharge, re-admission, devices closed at the end of a program, erasure.

use super::sync::write_feed;
use super::{Db, This, begin};
use crate::store::codec::json;
use crate::store::lifecycle::{DISCHARGED, Discharge, Erased};
use crate::store::{FeedEntry, LifecycleStore, Millis, StoreError, StoreResult};
use async_trait::async_trait;
use homeplay_core::family::Child;
use homeplay_core::ids::{ChildId, ClinicId, DeviceId, FamilyId};
use homeplay_core::sync::{Change, Entity, Removed};
use sqlx::Row;

type Tx<'a> = sqlx::Transaction<'a, Db>;

#[async_trait]
impl LifecycleStore for This {
    async fn discharge_child(
        &self,
        clinic: ClinicId,
        child: &Child,
        by: homeplay_core::ids::TherapistId,
        reason: Option<&str>,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = begin(&self.pool).await?;
        write_state(&mut tx, clinic, child, Some((by.to_string(), reason)), now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn readmit_child(&self, clinic: ClinicId, child: &Child, now: Millis) -> StoreResult<()> {
        let mut tx = begin(&self.pool).await?;
        write_state(&mut tx, clinic, child, None, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn discharge_of(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Option<Discharge>> {
        let row = sqlx::query(
            "SELECT doc, discharged_by, discharged_ms, discharge_reason FROM children WHERE id = $1 AND clinic_id = $2",
        )
        .bind(child.to_string())
        .bind(clinic.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let doc: Child = crate::store::codec::parse(&row.try_get::<String, _>("doc")?)?;
        let (Some(on), Some(by)) = (doc.discharged_on, row.try_get::<Option<String>, _>("discharged_by")?) else {
            return Ok(None);
        };
        Ok(Some(Discharge {
            on,
            by: by.parse().map_err(|_| StoreError::NotFound("therapist id"))?,
            at_ms: row.try_get::<Option<i64>, _>("discharged_ms")?.unwrap_or_default(),
            reason: row.try_get("discharge_reason")?,
        }))
    }

    async fn close_device(&self, clinic: ClinicId, device: DeviceId, now: Millis) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE devices SET revoked_ms = $3, revoked_reason = $4
             WHERE id = $1 AND clinic_id = $2 AND revoked_ms IS NULL",
        )
        .bind(device.to_string())
        .bind(clinic.to_string())
        .bind(now)
        .bind(DISCHARGED)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn revoked_reason(&self, device: DeviceId) -> StoreResult<Option<String>> {
        let reason: Option<Option<String>> =
            sqlx::query_scalar("SELECT revoked_reason FROM devices WHERE id = $1 AND revoked_ms IS NOT NULL")
                .bind(device.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(reason.flatten())
    }

    async fn erase_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Erased> {
        let mut tx = begin(&self.pool).await?;
        let family: Option<String> =
            sqlx::query_scalar("SELECT family_id FROM children WHERE id = $1 AND clinic_id = $2")
                .bind(child.to_string())
                .bind(clinic.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        let family_text = family.ok_or(StoreError::NotFound("child"))?;
        let family_id: FamilyId = family_text.parse().map_err(|_| StoreError::NotFound("family id"))?;
        // Locks the family's feed counter first, as every writer of the family does, so no push or pull
        // interleaves with the erasure.
        sqlx::query("UPDATE families SET feed_seq = feed_seq WHERE id = $1 AND clinic_id = $2")
            .bind(&family_text)
            .bind(clinic.to_string())
            .execute(&mut *tx)
            .await?;
        let others: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM children WHERE family_id = $1 AND id <> $2")
            .bind(&family_text)
            .bind(child.to_string())
            .fetch_one(&mut *tx)
            .await?;
        let family_removed = others == 0;
        let c = child.to_string();
        let mut rows = Vec::new();
        // Children's rows before their parents' (PostgreSQL checks the foreign keys on each statement).
        let by_child: &[(&'static str, &'static str)] = &[
            (
                "feed",
                "DELETE FROM feed WHERE family_id = (SELECT family_id FROM children WHERE id = $1) AND (
                   (entity = 'child' AND entity_id = $1)
                   OR (entity = 'assignment' AND entity_id IN (SELECT id FROM assignments WHERE child_id = $1))
                   OR (entity = 'log' AND entity_id IN (SELECT id FROM logs WHERE child_id = $1))
                   OR (entity = 'feedback' AND entity_id IN (SELECT id FROM feedback WHERE child_id = $1))
                   OR (entity = 'goal' AND entity_id IN (SELECT id FROM goals WHERE child_id = $1))
                   OR (entity = 'check_in' AND entity_id IN (SELECT id FROM goal_check_ins WHERE child_id = $1))
                   OR (entity = 'message' AND entity_id IN (SELECT id FROM messages WHERE child_id = $1))
                   OR (entity = 'thread_read' AND entity_id IN (SELECT child_id || '.' || side FROM message_reads
                                                               WHERE child_id = $1))
                   OR (entity = 'routine' AND entity_id IN (SELECT id FROM routines WHERE child_id = $1)))",
            ),
            (
                "assignment_goals",
                "DELETE FROM assignment_goals
                 WHERE assignment_id IN (SELECT id FROM assignments WHERE child_id = $1)
                    OR goal_id IN (SELECT id FROM goals WHERE child_id = $1)",
            ),
            (
                "assignment_history",
                "DELETE FROM assignment_history WHERE assignment_id IN (SELECT id FROM assignments WHERE child_id = $1)",
            ),
            ("logs", "DELETE FROM logs WHERE child_id = $1"),
            ("log_days", "DELETE FROM log_days WHERE child_id = $1"),
            ("pain_reports", "DELETE FROM pain_reports WHERE child_id = $1"),
            ("pain_seen", "DELETE FROM pain_seen WHERE child_id = $1"),
            ("messages", "DELETE FROM messages WHERE child_id = $1"),
            ("message_reads", "DELETE FROM message_reads WHERE child_id = $1"),
            ("goal_check_ins", "DELETE FROM goal_check_ins WHERE child_id = $1"),
            ("goal_reviews", "DELETE FROM goal_reviews WHERE child_id = $1"),
            ("goal_versions", "DELETE FROM goal_versions WHERE goal_id IN (SELECT id FROM goals WHERE child_id = $1)"),
            ("goals", "DELETE FROM goals WHERE child_id = $1"),
            ("assignments", "DELETE FROM assignments WHERE child_id = $1"),
            ("feedback", "DELETE FROM feedback WHERE child_id = $1"),
            ("routines", "DELETE FROM routines WHERE child_id = $1"),
            ("care_team_members", "DELETE FROM care_team_members WHERE child_id = $1"),
            ("children", "DELETE FROM children WHERE id = $1"),
        ];
        for (table, sql) in by_child {
            let n = sqlx::query(sql).bind(&c).execute(&mut *tx).await?.rows_affected();
            if n > 0 {
                rows.push((*table, n));
            }
        }
        if family_removed {
            for (table, sql) in [
                ("feed", "DELETE FROM feed WHERE family_id = $1"),
                ("devices", "DELETE FROM devices WHERE family_id = $1"),
                ("pairing_codes", "DELETE FROM pairing_codes WHERE family_id = $1"),
                ("caregivers", "DELETE FROM caregivers WHERE family_id = $1"),
                ("families", "DELETE FROM families WHERE id = $1"),
            ] {
                let n = sqlx::query(sql).bind(&family_text).execute(&mut *tx).await?.rows_affected();
                if n > 0 {
                    match rows.iter_mut().find(|(t, _)| *t == table) {
                        Some((_, total)) => *total += n,
                        None => rows.push((table, n)),
                    }
                }
            }
        } else {
            let removed = Change::Removed(Removed { entity: Entity::Child, id: child.0 });
            write_feed(&mut tx, family_id, &[FeedEntry::new(removed)]).await?;
        }
        tx.commit().await?;
        Ok(Erased { child_id: child, family_id, family_removed, rows })
    }
}

/// Writes the child's document and its discharge columns (set, or cleared with `None`), and the change to the
/// family's feed.
async fn write_state(
    tx: &mut Tx<'_>,
    clinic: ClinicId,
    child: &Child,
    discharge: Option<(String, Option<&str>)>,
    now: Millis,
) -> StoreResult<()> {
    let (by, reason) = match discharge {
        Some((by, reason)) => (Some(by), reason),
        None => (None, None),
    };
    let at = by.as_ref().map(|_| now);
    let done = sqlx::query(
        "UPDATE children SET doc = $1, updated_ms = $2, discharged_by = $3, discharged_ms = $4,
           discharge_reason = $5
         WHERE id = $6 AND clinic_id = $7 AND family_id = $8",
    )
    .bind(json(child)?)
    .bind(now)
    .bind(by)
    .bind(at)
    .bind(reason)
    .bind(child.id.to_string())
    .bind(clinic.to_string())
    .bind(child.family_id.to_string())
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound("child"));
    }
    write_feed(tx, child.family_id, &[FeedEntry::new(Change::Child(child.clone()))]).await
}
