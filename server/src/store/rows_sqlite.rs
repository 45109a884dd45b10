//! A push's rows, many at once, as SQLite takes them: multi-row `VALUES` in chunks under its limit of bound
//! parameters (SQLite has no arrays; in-process, the statement's size costs little). PostgreSQL's versions,
//! with the same meaning, are in `rows_postgres.rs`.

use crate::store::codec::json;
use crate::store::{Millis, StoreResult};
use chrono::NaiveDate;
use homeplay_core::ids::{ChildId, ClinicId, FamilyId, LogId};
use homeplay_core::log::CompletionLog;
use sqlx::{QueryBuilder, Row, Sqlite};

type Tx<'a> = sqlx::Transaction<'a, Sqlite>;

/// The stored logs among `ids`: each one's family and document.
pub(super) async fn stored_logs(tx: &mut Tx<'_>, ids: &[LogId]) -> StoreResult<Vec<(String, String)>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT family_id, doc FROM logs WHERE id IN (");
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(id.to_string());
        }
        q.push(")");
        for row in q.build().fetch_all(&mut **tx).await? {
            found.push((row.try_get("family_id")?, row.try_get("doc")?));
        }
    }
    Ok(found)
}

/// Inserts the logs, or replaces a stored one of the same family (the push plan has decided it wins).
pub(super) async fn upsert_logs(
    tx: &mut Tx<'_>,
    clinic: ClinicId,
    family: FamilyId,
    logs: &[CompletionLog],
    now: Millis,
) -> StoreResult<()> {
    for chunk in logs.chunks(400) {
        let docs = chunk.iter().map(json).collect::<StoreResult<Vec<String>>>()?;
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO logs (id, clinic_id, family_id, child_id, assignment_id, exercise_id, occ_date, slot,
             hlc_wall, hlc_counter, device_id, doc, received_ms) ",
        );
        q.push_values(chunk.iter().zip(docs), |mut b, (l, doc)| {
            b.push_bind(l.id.to_string())
                .push_bind(clinic.to_string())
                .push_bind(family.to_string())
                .push_bind(l.child_id.to_string())
                .push_bind(l.assignment_id.to_string())
                .push_bind(l.exercise_id.to_string())
                .push_bind(l.occurrence.date.to_string())
                .push_bind(i32::from(l.occurrence.slot))
                .push_bind(i64::try_from(l.hlc.wall_ms).unwrap_or(i64::MAX))
                .push_bind(i64::from(l.hlc.counter))
                .push_bind(l.device_id.to_string())
                .push_bind(doc)
                .push_bind(now);
        });
        q.push(
            " ON CONFLICT (id) DO UPDATE SET hlc_wall = excluded.hlc_wall, hlc_counter = excluded.hlc_counter,
              device_id = excluded.device_id, doc = excluded.doc, received_ms = excluded.received_ms
              WHERE logs.family_id = excluded.family_id",
        );
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Adds each delta to its child's day in the per-day rollup, creating the day when it is new.
pub(super) async fn add_log_days(tx: &mut Tx<'_>, deltas: &[(ChildId, NaiveDate, i64)]) -> StoreResult<()> {
    for chunk in deltas.chunks(500) {
        let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO log_days (child_id, occ_date, logs) ");
        q.push_values(chunk, |mut b, (child, date, delta)| {
            b.push_bind(child.to_string()).push_bind(date.to_string()).push_bind(*delta);
        });
        q.push(" ON CONFLICT (child_id, occ_date) DO UPDATE SET logs = log_days.logs + excluded.logs");
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Puts records in the family's feed at the given sequence numbers (one row per record: a record changed
/// again moves to its new number).
pub(super) async fn put_feed(
    tx: &mut Tx<'_>,
    family: FamilyId,
    rows: &[(&str, &str, i64, Option<String>)],
) -> StoreResult<()> {
    for chunk in rows.chunks(1000) {
        let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO feed (family_id, entity, entity_id, seq, doc) ");
        q.push_values(chunk, |mut b, (entity, id, seq, doc)| {
            b.push_bind(family.to_string())
                .push_bind(entity.to_string())
                .push_bind(id.to_string())
                .push_bind(*seq)
                .push_bind(doc.clone());
        });
        q.push(" ON CONFLICT (family_id, entity, entity_id) DO UPDATE SET seq = excluded.seq, doc = excluded.doc");
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}
