//! SQL of [`SyncStore`]: the family's change feed, pushed logs with their per-day rollup, and pulls.

use super::devices::device_record_with;
use super::{Db, This, begin};
use crate::store::codec::{json, parse};
use crate::store::push_plan::plan_push;
use crate::store::{DevicePull, FeedEntry, FeedItem, LogWrite, Millis, StoreError, StoreResult, SyncStore};
use async_trait::async_trait;
use homeplay_core::assignment::Assignment;
use homeplay_core::clinic::FamilyClinicSettings;
use homeplay_core::family::Child;
use homeplay_core::ids::{ChildId, ClinicId, FamilyId, LogId};
use homeplay_core::log::CompletionLog;
use homeplay_core::sync::Change;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

type Tx<'a> = sqlx::Transaction<'a, Db>;

/// Appends records to a family's feed, each at a new sequence number. Taking the numbers with
/// `UPDATE … RETURNING` locks the family's row until commit, so numbers are used in commit order.
pub(super) async fn write_feed(tx: &mut Tx<'_>, family: FamilyId, entries: &[FeedEntry]) -> StoreResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let first = reserve_feed(tx, family, entries.len()).await?;
    write_feed_at(tx, family, first, entries).await
}

/// Takes `count` new sequence numbers of the family's feed and returns the first. `UPDATE … RETURNING` locks
/// the family's row until commit, so numbers are used in commit order. Numbers taken and not used leave a gap,
/// which cursors do not mind: they only compare.
async fn reserve_feed(tx: &mut Tx<'_>, family: FamilyId, count: usize) -> StoreResult<i64> {
    let count = i64::try_from(count).map_err(|_| StoreError::Conflict("feed size"))?;
    let last: i64 = sqlx::query_scalar("UPDATE families SET feed_seq = feed_seq + $2 WHERE id = $1 RETURNING feed_seq")
        .bind(family.to_string())
        .bind(count)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("family"))?;
    Ok(last - count + 1)
}

/// Writes records to the feed at numbers reserved from `first` on, in order (at most as many as reserved).
async fn write_feed_at(tx: &mut Tx<'_>, family: FamilyId, first: i64, entries: &[FeedEntry]) -> StoreResult<()> {
    // A record changed twice in one batch keeps its last change only.
    let mut latest: HashMap<(&str, &str), (i64, Option<String>)> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let doc = match e.change {
            Change::Log(_) => None,
            ref c => Some(json(c)?),
        };
        latest.insert((e.entity, e.entity_id.as_str()), (first + i as i64, doc));
    }
    let mut rows: Vec<_> = latest.into_iter().map(|((entity, id), (seq, doc))| (entity, id, seq, doc)).collect();
    rows.sort_by_key(|r| r.2);
    super::rows::put_feed(tx, family, &rows).await?;
    Ok(())
}

/// A feed row (`doc`, and `log_doc` for a log, whose feed row has no doc) as the device receives it.
fn feed_item(seq: i64, r: &<Db as sqlx::Database>::Row) -> StoreResult<FeedItem> {
    let change_json = match r.try_get::<Option<String>, _>("doc")? {
        Some(doc) => doc,
        None => {
            let log: Option<String> = r.try_get("log_doc")?;
            format!("{{\"type\":\"log\",\"data\":{}}}", log.ok_or(StoreError::NotFound("log"))?)
        }
    };
    Ok(FeedItem { seq, change_json })
}

#[async_trait]
impl SyncStore for This {
    async fn put_feed(&self, family: FamilyId, feed: &[FeedEntry]) -> StoreResult<()> {
        let mut tx = begin(&self.pool).await?;
        write_feed(&mut tx, family, feed).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn push_logs(
        &self,
        family: FamilyId,
        clinic: ClinicId,
        logs: &[CompletionLog],
        now: Millis,
    ) -> StoreResult<Vec<LogWrite>> {
        if logs.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = begin(&self.pool).await?;
        // Lock the family's feed first (a write, so SQLite takes its write lock before reading), taking at once
        // a feed number for each log, as if all were new: one statement fewer per push than locking and
        // numbering apart; a log already current leaves its number unused.
        let first_seq = reserve_feed(&mut tx, family, logs.len()).await?;
        let mut stored: HashMap<LogId, CompletionLog> = HashMap::new();
        let mut foreign: HashSet<LogId> = HashSet::new();
        let ids: Vec<LogId> = logs.iter().map(|l| l.id).collect();
        for (family_id, doc) in super::rows::stored_logs(&mut tx, &ids).await? {
            let log: CompletionLog = parse(&doc)?;
            if family_id == family.to_string() {
                stored.insert(log.id, log);
            } else {
                foreign.insert(log.id);
            }
        }
        let plan = plan_push(&stored, &foreign, logs).map_err(|_| StoreError::Conflict("log id"))?;
        super::rows::upsert_logs(&mut tx, clinic, family, &plan.writes, now).await?;
        // The per-day rollup: how many logs count on each of the child's dates, changed by this push.
        super::rows::add_log_days(&mut tx, &plan.day_deltas).await?;
        super::pain::write_pain_changes(&mut tx, &plan.pain, now).await?;
        let entries: Vec<FeedEntry> = plan.writes.into_iter().map(|l| FeedEntry::new(Change::Log(l))).collect();
        write_feed_at(&mut tx, family, first_seq, &entries).await?;
        tx.commit().await?;
        Ok(plan.outcomes)
    }

    async fn family_for_push(&self, family: FamilyId) -> StoreResult<(Vec<Child>, Vec<Assignment>)> {
        let rows = sqlx::query(
            "SELECT c.doc AS child_doc, c.created_ms, c.id, CAST(NULL AS TEXT) AS assignment_doc
             FROM children c WHERE c.family_id = $1
             UNION ALL
             SELECT NULL, NULL, a.id, a.doc FROM assignments a JOIN children c ON c.id = a.child_id
             WHERE c.family_id = $1",
        )
        .bind(family.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut children = Vec::new();
        let mut assignments = Vec::new();
        for r in &rows {
            let id: String = r.try_get("id")?;
            if let Some(doc) = r.try_get::<Option<String>, _>("child_doc")? {
                children.push(((r.try_get::<Option<i64>, _>("created_ms")?, id), parse::<Child>(&doc)?));
            } else if let Some(doc) = r.try_get::<Option<String>, _>("assignment_doc")? {
                assignments.push((id, parse::<Assignment>(&doc)?));
            }
        }
        // The orders of the two reads this one replaces, so that nothing downstream sees a difference.
        children.sort_by(|a, b| a.0.cmp(&b.0));
        assignments.sort_by(|a, b| a.0.cmp(&b.0));
        Ok((children.into_iter().map(|(_, c)| c).collect(), assignments.into_iter().map(|(_, a)| a).collect()))
    }

    async fn pull(&self, family: FamilyId, after_seq: i64, limit: u32) -> StoreResult<Vec<FeedItem>> {
        let rows = sqlx::query(
            "SELECT f.seq, f.doc, l.doc AS log_doc FROM feed f
             LEFT JOIN logs l ON f.entity = 'log' AND l.id = f.entity_id AND l.family_id = f.family_id
             WHERE f.family_id = $1 AND f.seq > $2 ORDER BY f.seq LIMIT $3",
        )
        .bind(family.to_string())
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| feed_item(r.try_get("seq")?, r)).collect()
    }

    async fn pull_by_token(&self, token_hash: &str, after_seq: i64, limit: u32) -> StoreResult<Option<DevicePull>> {
        // The device's row with its clinic's settings, then the page of its family's feed, then the family's
        // children (a pull that hands over changes audits a read of each): one round trip, where the pull's
        // time goes (bench/README.md). The family is found by a scalar subquery, so the page is read in feed
        // order straight off (family_id, seq) and stops at the limit, as `pull` does; the row order of a UNION
        // is not promised, hence the sorts below.
        let rows = sqlx::query(
            "SELECT d.doc AS device_doc, d.clinic_id, d.last_seen_ms, d.revoked_ms, d.language,
                    k.pain_advice_at, k.family_contact,
                    CAST(NULL AS BIGINT) AS seq, CAST(NULL AS TEXT) AS doc, CAST(NULL AS TEXT) AS log_doc,
                    CAST(NULL AS TEXT) AS child_doc, CAST(NULL AS BIGINT) AS child_created_ms,
                    CAST(NULL AS TEXT) AS child_id
             FROM devices d JOIN clinics k ON k.id = d.clinic_id WHERE d.token_hash = $1
             UNION ALL
             SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, page.seq, page.doc, page.log_doc, NULL, NULL, NULL FROM (
               SELECT f.seq, f.doc, l.doc AS log_doc FROM feed f
               LEFT JOIN logs l ON f.entity = 'log' AND l.id = f.entity_id AND l.family_id = f.family_id
               WHERE f.family_id = (SELECT family_id FROM devices WHERE token_hash = $1 AND revoked_ms IS NULL)
                 AND f.seq > $2
               ORDER BY f.seq LIMIT $3
             ) page
             UNION ALL
             SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, c.doc, c.created_ms, c.id
             FROM children c
             WHERE c.family_id = (SELECT family_id FROM devices WHERE token_hash = $1 AND revoked_ms IS NULL)",
        )
        .bind(token_hash)
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut device = None;
        let mut items = Vec::with_capacity(rows.len());
        let mut children = Vec::new();
        for r in &rows {
            if let Some(doc) = r.try_get::<Option<String>, _>("device_doc")? {
                let advice_at: i64 = r.try_get("pain_advice_at")?;
                let clinic = FamilyClinicSettings {
                    pain_advice_at: u8::try_from(advice_at)
                        .map_err(|_| StoreError::NotFound("pain advice threshold"))?,
                    family_contact: r.try_get("family_contact")?,
                };
                device = Some((device_record_with(&doc, r)?, clinic));
            } else if let Some(doc) = r.try_get::<Option<String>, _>("child_doc")? {
                let created: Option<i64> = r.try_get("child_created_ms")?;
                let id: Option<String> = r.try_get("child_id")?;
                children.push(((created, id), parse::<Child>(&doc)?));
            } else {
                items.push(feed_item(r.try_get::<Option<i64>, _>("seq")?.unwrap_or(0), r)?);
            }
        }
        items.sort_by_key(|i| i.seq);
        children.sort_by(|a, b| a.0.cmp(&b.0));
        let children = children.into_iter().map(|(_, c)| c).collect();
        Ok(device.map(|(device, clinic)| DevicePull { device, clinic, items, children }))
    }

    async fn logs_of_child(
        &self,
        clinic: ClinicId,
        child: ChildId,
        from: &str,
        to: &str,
    ) -> StoreResult<Vec<CompletionLog>> {
        self.docs(
            "SELECT doc FROM logs WHERE child_id = $1 AND clinic_id = $2 AND occ_date >= $3 AND occ_date <= $4
             ORDER BY occ_date, id",
            &[child.to_string(), clinic.to_string(), from.to_string(), to.to_string()],
        )
        .await
    }

    async fn logs_of_clinic(&self, clinic: ClinicId, from: &str, to: &str) -> StoreResult<Vec<CompletionLog>> {
        // No ORDER BY: sorting a clinic's month in the database cost more than the read (an `IN` list of ids
        // with an ORDER BY took twice as long on PostgreSQL); the caller orders each child's few logs.
        self.docs(
            "SELECT l.doc FROM children c JOIN logs l ON l.child_id = c.id
             WHERE c.clinic_id = $1 AND l.clinic_id = $1 AND l.occ_date >= $2 AND l.occ_date <= $3",
            &[clinic.to_string(), from.to_string(), to.to_string()],
        )
        .await
    }

    async fn data_days_of_child(
        &self,
        clinic: ClinicId,
        child: ChildId,
        from: &str,
        to: &str,
    ) -> StoreResult<Vec<chrono::NaiveDate>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT d.occ_date FROM log_days d JOIN children c ON c.id = d.child_id
             WHERE d.child_id = $1 AND c.clinic_id = $2 AND d.occ_date >= $3 AND d.occ_date <= $4
               AND d.logs > 0
             ORDER BY d.occ_date",
        )
        .bind(child.to_string())
        .bind(clinic.to_string())
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|d| d.parse().map_err(|_| StoreError::NotFound("log date"))).collect()
    }

    async fn family_has_media(&self, family: FamilyId, media: &str) -> StoreResult<bool> {
        let hit: Option<i64> =
            sqlx::query_scalar("SELECT seq FROM feed WHERE family_id = $1 AND entity = 'media' AND entity_id = $2")
                .bind(family.to_string())
                .bind(media)
                .fetch_optional(&self.pool)
                .await?;
        Ok(hit.is_some())
    }
}
