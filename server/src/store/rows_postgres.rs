//! A push's rows, many at once, as PostgreSQL takes them best: one array per column, unpacked by `UNNEST`.
//! The statement is the same short text whatever the batch size, so it is parsed and planned once per
//! connection; a `VALUES` list of 13 parameters a row was parsed, bound and planned row by row, and left an
//! HTTP push at 0.54× a plain `UNNEST` insert of the same rows (bench/README.md, "Sync path (issue 16)").
//! SQLite's versions, with the same meaning, are in `rows_sqlite.rs`.

use crate::store::codec::json;
use crate::store::{Millis, StoreResult};
use chrono::NaiveDate;
use homeplay_core::ids::{ChildId, ClinicId, FamilyId, LogId};
use homeplay_core::log::CompletionLog;
use sqlx::Row;

type Tx<'a> = sqlx::Transaction<'a, sqlx::Postgres>;

/// The stored logs among `ids`: each one's family and document.
pub(super) async fn stored_logs(tx: &mut Tx<'_>, ids: &[LogId]) -> StoreResult<Vec<(String, String)>> {
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows = sqlx::query("SELECT family_id, doc FROM logs WHERE id = ANY($1::text[])")
        .bind(ids)
        .fetch_all(&mut **tx)
        .await?;
    rows.iter().map(|r| Ok((r.try_get("family_id")?, r.try_get("doc")?))).collect()
}

/// Inserts the logs, or replaces a stored one of the same family (the push plan has decided it wins).
pub(super) async fn upsert_logs(
    tx: &mut Tx<'_>,
    clinic: ClinicId,
    family: FamilyId,
    logs: &[CompletionLog],
    now: Millis,
) -> StoreResult<()> {
    if logs.is_empty() {
        return Ok(());
    }
    let col = |f: &dyn Fn(&CompletionLog) -> String| logs.iter().map(f).collect::<Vec<String>>();
    let docs = logs.iter().map(json).collect::<StoreResult<Vec<String>>>()?;
    sqlx::query(
        "INSERT INTO logs (id, clinic_id, family_id, child_id, assignment_id, exercise_id, occ_date, slot,
         hlc_wall, hlc_counter, device_id, doc, received_ms)
         SELECT t.id, $2, $3, t.child_id, t.assignment_id, t.exercise_id, t.occ_date, t.slot, t.hlc_wall,
                t.hlc_counter, t.device_id, t.doc, $4
         FROM UNNEST($1::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int4[], $10::int8[],
                     $11::int8[], $12::text[], $13::text[])
              AS t (id, child_id, assignment_id, exercise_id, occ_date, slot, hlc_wall, hlc_counter, device_id, doc)
         ON CONFLICT (id) DO UPDATE SET hlc_wall = excluded.hlc_wall, hlc_counter = excluded.hlc_counter,
           device_id = excluded.device_id, doc = excluded.doc, received_ms = excluded.received_ms
         WHERE logs.family_id = excluded.family_id",
    )
    .bind(col(&|l| l.id.to_string()))
    .bind(clinic.to_string())
    .bind(family.to_string())
    .bind(now)
    .bind(col(&|l| l.child_id.to_string()))
    .bind(col(&|l| l.assignment_id.to_string()))
    .bind(col(&|l| l.exercise_id.to_string()))
    .bind(col(&|l| l.occurrence.date.to_string()))
    .bind(logs.iter().map(|l| i32::from(l.occurrence.slot)).collect::<Vec<i32>>())
    .bind(logs.iter().map(|l| i64::try_from(l.hlc.wall_ms).unwrap_or(i64::MAX)).collect::<Vec<i64>>())
    .bind(logs.iter().map(|l| i64::from(l.hlc.counter)).collect::<Vec<i64>>())
    .bind(col(&|l| l.device_id.to_string()))
    .bind(docs)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds each delta to its child's day in the per-day rollup, creating the day when it is new.
pub(super) async fn add_log_days(tx: &mut Tx<'_>, deltas: &[(ChildId, NaiveDate, i64)]) -> StoreResult<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO log_days (child_id, occ_date, logs)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::int8[])
         ON CONFLICT (child_id, occ_date) DO UPDATE SET logs = log_days.logs + excluded.logs",
    )
    .bind(deltas.iter().map(|(c, _, _)| c.to_string()).collect::<Vec<String>>())
    .bind(deltas.iter().map(|(_, d, _)| d.to_string()).collect::<Vec<String>>())
    .bind(deltas.iter().map(|(_, _, n)| *n).collect::<Vec<i64>>())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Puts records in the family's feed at the given sequence numbers (one row per record: a record changed
/// again moves to its new number).
pub(super) async fn put_feed(
    tx: &mut Tx<'_>,
    family: FamilyId,
    rows: &[(&str, &str, i64, Option<String>)],
) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO feed (family_id, entity, entity_id, seq, doc)
         SELECT $1, t.entity, t.entity_id, t.seq, t.doc
         FROM UNNEST($2::text[], $3::text[], $4::int8[], $5::text[]) AS t (entity, entity_id, seq, doc)
         ON CONFLICT (family_id, entity, entity_id) DO UPDATE SET seq = excluded.seq, doc = excluded.doc",
    )
    .bind(family.to_string())
    .bind(rows.iter().map(|r| r.0.to_owned()).collect::<Vec<String>>())
    .bind(rows.iter().map(|r| r.1.to_owned()).collect::<Vec<String>>())
    .bind(rows.iter().map(|r| r.2).collect::<Vec<i64>>())
    .bind(rows.iter().map(|r| r.3.clone()).collect::<Vec<Option<String>>>())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
