//! The SQL both databases share. The schema is portable (TEXT ids and JSON, BIGINT milliseconds), so the
//! queries are the same; `sql_store!` expands them once per database with that database's driver types and
//! placeholder style. What differs between the two lives in `sqlite.rs` and `postgres.rs`.

use super::{StoreError, StoreResult};
use homeplay_core::log::CompletionLog;
use serde::de::DeserializeOwned;

pub(super) fn parse<T: DeserializeOwned>(doc: &str) -> StoreResult<T> {
    serde_json::from_str(doc).map_err(StoreError::from)
}

pub(super) fn json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(StoreError::from)
}

/// Which field of a stored log a new version may not change, if any.
pub(super) fn immutable_change(stored: &CompletionLog, new: &CompletionLog) -> Option<&'static str> {
    if stored.child_id != new.child_id {
        Some("child_id")
    } else if stored.assignment_id != new.assignment_id {
        Some("assignment_id")
    } else if stored.exercise_id != new.exercise_id {
        Some("exercise_id")
    } else if stored.occurrence != new.occurrence {
        Some("occurrence")
    } else {
        None
    }
}

macro_rules! sql_store {
    ($store:ident, $db:ty, $backend:literal, $sql:ident) => {
        use super::sql::{immutable_change, json, parse};
        use super::{
            AuditEntry, AuditRecord, DeviceRecord, FeedEntry, FeedItem, HistoryRecord, LogWrite, MediaRecord,
            Millis, Redeemed, SessionRecord, Store, StoreError, TherapistRecord,
        };
        use async_trait::async_trait;
        use homeplay_core::assignment::Assignment;
        use homeplay_core::clinic::{Clinic, Therapist};
        use homeplay_core::exercise::Exercise;
        use homeplay_core::family::{Caregiver, Child, Device, Family};
        use homeplay_core::feedback::Feedback;
        use homeplay_core::ids::{
            AssignmentId, ChildId, ClinicId, DeviceId, ExerciseId, FamilyId, RoutineId, TherapistId,
        };
        use homeplay_core::log::{merge, CompletionLog};
        use homeplay_core::routine::Routine;
        use homeplay_core::text::Name;
        use sqlx::{QueryBuilder, Row};
        use std::collections::HashMap;

        type Tx<'a> = sqlx::Transaction<'a, $db>;

        /// Appends records to a family's feed, each at a new sequence number. Taking the numbers with
        /// `UPDATE … RETURNING` locks the family's row until commit, so numbers are used in commit order.
        async fn write_feed(tx: &mut Tx<'_>, family: FamilyId, entries: &[FeedEntry]) -> StoreResult<()> {
            if entries.is_empty() {
                return Ok(());
            }
            let last: i64 = sqlx::query_scalar(&$sql(
                "UPDATE families SET feed_seq = feed_seq + $2 WHERE id = $1 RETURNING feed_seq",
            ))
            .bind(family.to_string())
            .bind(entries.len() as i64)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound("family"))?;
            let first = last - entries.len() as i64 + 1;
            // A record changed twice in one batch keeps its last change only.
            let mut latest: HashMap<(&str, &str), (i64, Option<String>)> = HashMap::new();
            for (i, e) in entries.iter().enumerate() {
                let doc = match e.change {
                    homeplay_core::sync::Change::Log(_) => None,
                    ref c => Some(json(c)?),
                };
                latest.insert((e.entity, e.entity_id.as_str()), (first + i as i64, doc));
            }
            let mut rows: Vec<_> = latest.into_iter().collect();
            rows.sort_by_key(|(_, (seq, _))| *seq);
            for chunk in rows.chunks(1000) {
                let mut q = QueryBuilder::<$db>::new("INSERT INTO feed (family_id, entity, entity_id, seq, doc) ");
                q.push_values(chunk, |mut b, ((entity, id), (seq, doc))| {
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

        fn therapist_record(r: &<$db as sqlx::Database>::Row) -> StoreResult<TherapistRecord> {
            let policy: String = r.try_get("two_factor_policy")?;
            Ok(TherapistRecord {
                therapist: parse(&r.try_get::<String, _>("doc")?)?,
                password_hash: r.try_get("password_hash")?,
                account: super::AccountState {
                    disabled: r.try_get::<Option<i64>, _>("disabled_ms")?.is_some(),
                    must_change_password: r.try_get("must_change_password")?,
                    totp_secret: r.try_get("totp_secret")?,
                    clinic_policy: super::care_sql::parse_name(&policy)?,
                },
            })
        }

        fn docs<T: serde::de::DeserializeOwned>(rows: Vec<String>) -> StoreResult<Vec<T>> {
            rows.iter().map(|d| parse(d)).collect()
        }

        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn insert_clinic(&self, clinic: &Clinic, now: Millis) -> StoreResult<()> {
                sqlx::query(&$sql("INSERT INTO clinics (id, doc, created_ms) VALUES ($1, $2, $3)"))
                    .bind(clinic.id.to_string())
                    .bind(json(clinic)?)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn clinic(&self, id: ClinicId) -> StoreResult<Option<Clinic>> {
                let doc: Option<String> = sqlx::query_scalar(&$sql("SELECT doc FROM clinics WHERE id = $1"))
                    .bind(id.to_string())
                    .fetch_optional(&self.pool)
                    .await?;
                doc.map(|d| parse(&d)).transpose()
            }

            async fn insert_therapist(&self, t: &Therapist, password_hash: &str, now: Millis) -> StoreResult<()> {
                let result = sqlx::query(&$sql(
                    "INSERT INTO therapists (id, clinic_id, email, doc, password_hash, created_ms)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                ))
                .bind(t.id.to_string())
                .bind(t.clinic_id.to_string())
                .bind(t.email.to_lowercase())
                .bind(json(t)?)
                .bind(password_hash)
                .bind(now)
                .execute(&self.pool)
                .await;
                match result {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        Err(StoreError::Conflict("a therapist with this email"))
                    }
                    other => other.map(|_| ()).map_err(StoreError::from),
                }
            }

            async fn therapist_by_email(&self, email: &str) -> StoreResult<Option<TherapistRecord>> {
                let row = sqlx::query(&$sql(
                    "SELECT t.doc, t.password_hash, t.disabled_ms, t.must_change_password, t.totp_secret,
                       c.two_factor_policy
                     FROM therapists t JOIN clinics c ON c.id = t.clinic_id WHERE t.email = $1",
                ))
                    .bind(email.to_lowercase())
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| therapist_record(&r)).transpose()
            }

            async fn therapist(&self, id: TherapistId) -> StoreResult<Option<TherapistRecord>> {
                let row = sqlx::query(&$sql(
                    "SELECT t.doc, t.password_hash, t.disabled_ms, t.must_change_password, t.totp_secret,
                       c.two_factor_policy
                     FROM therapists t JOIN clinics c ON c.id = t.clinic_id WHERE t.id = $1",
                ))
                    .bind(id.to_string())
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| therapist_record(&r)).transpose()
            }

            async fn therapists_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Therapist>> {
                let rows: Vec<String> =
                    sqlx::query_scalar(&$sql("SELECT doc FROM therapists WHERE clinic_id = $1 ORDER BY email"))
                        .bind(clinic.to_string())
                        .fetch_all(&self.pool)
                        .await?;
                docs(rows)
            }

            async fn set_password(&self, id: TherapistId, password_hash: &str) -> StoreResult<()> {
                sqlx::query(&$sql("UPDATE therapists SET password_hash = $2, must_change_password = FALSE WHERE id = $1"))
                    .bind(id.to_string())
                    .bind(password_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn insert_session(&self, token_hash: &str, s: &SessionRecord) -> StoreResult<()> {
                sqlx::query(&$sql(
                    "INSERT INTO sessions (token_hash, therapist_id, csrf_token, created_ms, last_seen_ms)
                     VALUES ($1, $2, $3, $4, $5)",
                ))
                .bind(token_hash)
                .bind(s.therapist_id.to_string())
                .bind(&s.csrf_token)
                .bind(s.created_ms)
                .bind(s.last_seen_ms)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
                let row = sqlx::query(&$sql(
                    "SELECT therapist_id, csrf_token, created_ms, last_seen_ms FROM sessions WHERE token_hash = $1",
                ))
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| {
                    let id: String = r.try_get("therapist_id")?;
                    Ok(SessionRecord {
                        therapist_id: id.parse().map_err(|_| StoreError::NotFound("therapist id"))?,
                        csrf_token: r.try_get("csrf_token")?,
                        created_ms: r.try_get("created_ms")?,
                        last_seen_ms: r.try_get("last_seen_ms")?,
                    })
                })
                .transpose()
            }

            async fn touch_session(&self, token_hash: &str, now: Millis) -> StoreResult<()> {
                sqlx::query(&$sql("UPDATE sessions SET last_seen_ms = $2 WHERE token_hash = $1"))
                    .bind(token_hash)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
                sqlx::query(&$sql("DELETE FROM sessions WHERE token_hash = $1"))
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_sessions_of(&self, therapist: TherapistId) -> StoreResult<()> {
                sqlx::query(&$sql("DELETE FROM sessions WHERE therapist_id = $1"))
                    .bind(therapist.to_string())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn rate_attempt(
                &self,
                key: &str,
                max: u32,
                window_ms: Millis,
                now: Millis,
            ) -> StoreResult<super::RateAttempt> {
                // No transaction: each statement commits on its own, so attempts racing each other see each
                // other's rows and are refused together rather than let through together.
                let since = now - window_ms.max(1);
                sqlx::query(&$sql("DELETE FROM rate_events WHERE at_ms <= $1")).bind(since).execute(&self.pool).await?;
                let id: i64 = sqlx::query_scalar(&$sql("INSERT INTO rate_events (key, at_ms) VALUES ($1, $2) RETURNING id"))
                    .bind(key)
                    .bind(now)
                    .fetch_one(&self.pool)
                    .await?;
                let row = sqlx::query(&$sql(
                    "SELECT COUNT(*) AS n, MIN(at_ms) AS oldest FROM rate_events WHERE key = $1 AND at_ms > $2 AND id <> $3",
                ))
                .bind(key)
                .bind(since)
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
                let before: i64 = row.try_get("n")?;
                if before < i64::from(max) {
                    return Ok(super::RateAttempt::Counted(id));
                }
                self.rate_forget(id).await?;
                let oldest: Option<i64> = row.try_get("oldest")?;
                Ok(super::RateAttempt::Refused { retry_after_ms: oldest.unwrap_or(now) + window_ms - now })
            }

            async fn rate_forget(&self, attempt: i64) -> StoreResult<()> {
                sqlx::query(&$sql("DELETE FROM rate_events WHERE id = $1")).bind(attempt).execute(&self.pool).await?;
                Ok(())
            }

            async fn rate_reset(&self, key: &str) -> StoreResult<()> {
                sqlx::query(&$sql("DELETE FROM rate_events WHERE key = $1")).bind(key).execute(&self.pool).await?;
                Ok(())
            }

            async fn insert_family(&self, family: &Family, now: Millis) -> StoreResult<()> {
                let mut tx = begin(&self.pool).await?;
                sqlx::query(&$sql("INSERT INTO families (id, clinic_id, doc, created_ms) VALUES ($1, $2, $3, $4)"))
                    .bind(family.id.to_string())
                    .bind(family.clinic_id.to_string())
                    .bind(json(family)?)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                let change = homeplay_core::sync::Change::Family(family.clone());
                write_feed(&mut tx, family.id, &[FeedEntry::new(change)]).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn family(&self, clinic: ClinicId, id: FamilyId) -> StoreResult<Option<Family>> {
                let doc: Option<String> =
                    sqlx::query_scalar(&$sql("SELECT doc FROM families WHERE id = $1 AND clinic_id = $2"))
                        .bind(id.to_string())
                        .bind(clinic.to_string())
                        .fetch_optional(&self.pool)
                        .await?;
                doc.map(|d| parse(&d)).transpose()
            }

            async fn put_child(&self, clinic: ClinicId, child: &Child, now: Millis) -> StoreResult<()> {
                let mut tx = begin(&self.pool).await?;
                // The family must be this clinic's: checked inside the transaction, before anything is written.
                let owner: Option<String> = sqlx::query_scalar(&$sql(
                    "UPDATE families SET feed_seq = feed_seq WHERE id = $1 AND clinic_id = $2 RETURNING id",
                ))
                .bind(child.family_id.to_string())
                .bind(clinic.to_string())
                .fetch_optional(&mut *tx)
                .await?;
                if owner.is_none() {
                    return Err(StoreError::NotFound("family"));
                }
                let moved: Option<String> = sqlx::query_scalar(&$sql(
                    "SELECT family_id FROM children WHERE id = $1 AND clinic_id = $2",
                ))
                .bind(child.id.to_string())
                .bind(clinic.to_string())
                .fetch_optional(&mut *tx)
                .await?;
                sqlx::query(&$sql(
                    "INSERT INTO children (id, clinic_id, family_id, doc, created_ms, updated_ms)
                     VALUES ($1, $2, $3, $4, $5, $5)
                     ON CONFLICT (id) DO UPDATE SET family_id = excluded.family_id, doc = excluded.doc,
                       updated_ms = excluded.updated_ms
                     WHERE children.clinic_id = excluded.clinic_id",
                ))
                .bind(child.id.to_string())
                .bind(clinic.to_string())
                .bind(child.family_id.to_string())
                .bind(json(child)?)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                write_feed(&mut tx, child.family_id, &[FeedEntry::new(homeplay_core::sync::Change::Child(child.clone()))])
                    .await?;
                if let Some(old) = moved.filter(|f| *f != child.family_id.to_string()) {
                    let old: FamilyId = old.parse().map_err(|_| StoreError::NotFound("family id"))?;
                    let removed = homeplay_core::sync::Change::Removed(homeplay_core::sync::Removed {
                        entity: homeplay_core::sync::Entity::Child,
                        id: child.id.0,
                    });
                    write_feed(&mut tx, old, &[FeedEntry::new(removed)]).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn child(&self, clinic: ClinicId, id: ChildId) -> StoreResult<Option<Child>> {
                let doc: Option<String> =
                    sqlx::query_scalar(&$sql("SELECT doc FROM children WHERE id = $1 AND clinic_id = $2"))
                        .bind(id.to_string())
                        .bind(clinic.to_string())
                        .fetch_optional(&self.pool)
                        .await?;
                doc.map(|d| parse(&d)).transpose()
            }

            async fn children_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Child>> {
                let rows: Vec<String> =
                    sqlx::query_scalar(&$sql("SELECT doc FROM children WHERE clinic_id = $1 ORDER BY created_ms, id"))
                        .bind(clinic.to_string())
                        .fetch_all(&self.pool)
                        .await?;
                docs(rows)
            }

            async fn children_of_family(&self, family: FamilyId) -> StoreResult<Vec<Child>> {
                let rows: Vec<String> =
                    sqlx::query_scalar(&$sql("SELECT doc FROM children WHERE family_id = $1 ORDER BY created_ms, id"))
                        .bind(family.to_string())
                        .fetch_all(&self.pool)
                        .await?;
                docs(rows)
            }

            async fn put_caregiver(&self, c: &Caregiver) -> StoreResult<()> {
                let mut tx = begin(&self.pool).await?;
                write_feed(&mut tx, c.family_id, &[FeedEntry::new(homeplay_core::sync::Change::Caregiver(c.clone()))])
                    .await?;
                sqlx::query(&$sql(
                    "INSERT INTO caregivers (id, family_id, doc) VALUES ($1, $2, $3)
                     ON CONFLICT (id) DO UPDATE SET doc = excluded.doc WHERE caregivers.family_id = excluded.family_id",
                ))
                .bind(c.id.to_string())
                .bind(c.family_id.to_string())
                .bind(json(c)?)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn caregivers_of_family(&self, family: FamilyId) -> StoreResult<Vec<Caregiver>> {
                let rows: Vec<String> =
                    sqlx::query_scalar(&$sql("SELECT doc FROM caregivers WHERE family_id = $1 ORDER BY id"))
                        .bind(family.to_string())
                        .fetch_all(&self.pool)
                        .await?;
                docs(rows)
            }

            async fn put_exercise(&self, clinic: ClinicId, e: &Exercise, now: Millis) -> StoreResult<()> {
                let result = sqlx::query(&$sql(
                    "INSERT INTO exercises (id, clinic_id, doc, updated_ms) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_ms = excluded.updated_ms
                     WHERE exercises.clinic_id = excluded.clinic_id",
                ))
                .bind(e.id.to_string())
                .bind(clinic.to_string())
                .bind(json(e)?)
                .bind(now)
                .execute(&self.pool)
                .await?;
                if result.rows_affected() == 0 {
                    return Err(StoreError::Conflict("an exercise with this id in another clinic"));
                }
                Ok(())
            }

            async fn exercise(&self, clinic: ClinicId, id: ExerciseId) -> StoreResult<Option<Exercise>> {
                let doc: Option<String> =
                    sqlx::query_scalar(&$sql("SELECT doc FROM exercises WHERE id = $1 AND clinic_id = $2"))
                        .bind(id.to_string())
                        .bind(clinic.to_string())
                        .fetch_optional(&self.pool)
                        .await?;
                doc.map(|d| parse(&d)).transpose()
            }

            async fn exercises_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Exercise>> {
                let rows: Vec<String> = sqlx::query_scalar(&$sql(
                    "SELECT doc FROM exercises WHERE clinic_id = $1 AND archived = FALSE ORDER BY updated_ms, id",
                ))
                .bind(clinic.to_string())
                .fetch_all(&self.pool)
                .await?;
                docs(rows)
            }

            async fn put_routine(&self, clinic: ClinicId, r: &Routine, now: Millis) -> StoreResult<()> {
                let result = sqlx::query(&$sql(
                    "INSERT INTO routines (id, clinic_id, doc, updated_ms) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_ms = excluded.updated_ms
                     WHERE routines.clinic_id = excluded.clinic_id",
                ))
                .bind(r.id.to_string())
                .bind(clinic.to_string())
                .bind(json(r)?)
                .bind(now)
                .execute(&self.pool)
                .await?;
                if result.rows_affected() == 0 {
                    return Err(StoreError::Conflict("a routine with this id in another clinic"));
                }
                Ok(())
            }

            async fn routine(&self, clinic: ClinicId, id: RoutineId) -> StoreResult<Option<Routine>> {
                let doc: Option<String> =
                    sqlx::query_scalar(&$sql("SELECT doc FROM routines WHERE id = $1 AND clinic_id = $2"))
                        .bind(id.to_string())
                        .bind(clinic.to_string())
                        .fetch_optional(&self.pool)
                        .await?;
                doc.map(|d| parse(&d)).transpose()
            }

            async fn archive(
                &self,
                clinic: ClinicId,
                entity: super::Archivable,
                id: uuid::Uuid,
                now: Millis,
            ) -> StoreResult<bool> {
                let sql = match entity {
                    super::Archivable::Exercise => $sql(
                        "UPDATE exercises SET archived = TRUE, updated_ms = $3
                         WHERE id = $1 AND clinic_id = $2 AND archived = FALSE",
                    ),
                    super::Archivable::Routine => $sql(
                        "UPDATE routines SET archived = TRUE, updated_ms = $3
                         WHERE id = $1 AND clinic_id = $2 AND archived = FALSE",
                    ),
                };
                let result =
                    sqlx::query(&sql).bind(id.to_string()).bind(clinic.to_string()).bind(now).execute(&self.pool).await?;
                Ok(result.rows_affected() == 1)
            }

            async fn routines_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Routine>> {
                let rows: Vec<String> = sqlx::query_scalar(&$sql(
                    "SELECT doc FROM routines WHERE clinic_id = $1 AND archived = FALSE ORDER BY updated_ms, id",
                ))
                .bind(clinic.to_string())
                .fetch_all(&self.pool)
                .await?;
                docs(rows)
            }

            async fn put_assignment(
                &self,
                clinic: ClinicId,
                family: FamilyId,
                a: &Assignment,
                by: TherapistId,
                action: &str,
                feed: &[FeedEntry],
                now: Millis,
            ) -> StoreResult<()> {
                let mut tx = begin(&self.pool).await?;
                let mut entries = feed.to_vec();
                entries.push(FeedEntry::new(homeplay_core::sync::Change::Assignment(a.clone())));
                write_feed(&mut tx, family, &entries).await?;
                // The child must be this clinic's and in this family.
                let owner: Option<String> = sqlx::query_scalar(&$sql(
                    "SELECT id FROM children WHERE id = $1 AND clinic_id = $2 AND family_id = $3",
                ))
                .bind(a.child_id.to_string())
                .bind(clinic.to_string())
                .bind(family.to_string())
                .fetch_optional(&mut *tx)
                .await?;
                if owner.is_none() {
                    return Err(StoreError::NotFound("child"));
                }
                let doc = json(a)?;
                let result = sqlx::query(&$sql(
                    "INSERT INTO assignments (id, clinic_id, child_id, doc, updated_ms) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_ms = excluded.updated_ms
                     WHERE assignments.clinic_id = excluded.clinic_id AND assignments.child_id = excluded.child_id",
                ))
                .bind(a.id.to_string())
                .bind(clinic.to_string())
                .bind(a.child_id.to_string())
                .bind(&doc)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if result.rows_affected() == 0 {
                    return Err(StoreError::Conflict("an assignment with this id for another child"));
                }
                // The goals it serves, kept beside the document so a goal's items are found without reading them all.
                sqlx::query(&$sql("DELETE FROM assignment_goals WHERE assignment_id = $1"))
                    .bind(a.id.to_string())
                    .execute(&mut *tx)
                    .await?;
                for goal in &a.goal_ids {
                    sqlx::query(&$sql("INSERT INTO assignment_goals (assignment_id, goal_id) VALUES ($1, $2)"))
                        .bind(a.id.to_string())
                        .bind(goal.to_string())
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query(&$sql(
                    "INSERT INTO assignment_history (assignment_id, therapist_id, at_ms, action, doc)
                     VALUES ($1, $2, $3, $4, $5)",
                ))
                .bind(a.id.to_string())
                .bind(by.to_string())
                .bind(now)
                .bind(action)
                .bind(&doc)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn assignment(&self, clinic: ClinicId, id: AssignmentId) -> StoreResult<Option<Assignment>> {
                let doc: Option<String> =
                    sqlx::query_scalar(&$sql("SELECT doc FROM assignments WHERE id = $1 AND clinic_id = $2"))
                        .bind(id.to_string())
                        .bind(clinic.to_string())
                        .fetch_optional(&self.pool)
                        .await?;
                doc.map(|d| parse(&d)).transpose()
            }

            async fn assignments_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<Assignment>> {
                let rows: Vec<String> = sqlx::query_scalar(&$sql(
                    "SELECT doc FROM assignments WHERE child_id = $1 AND clinic_id = $2 ORDER BY id",
                ))
                .bind(child.to_string())
                .bind(clinic.to_string())
                .fetch_all(&self.pool)
                .await?;
                docs(rows)
            }

            async fn assignments_of_family(&self, family: FamilyId) -> StoreResult<Vec<Assignment>> {
                let rows: Vec<String> = sqlx::query_scalar(&$sql(
                    "SELECT a.doc FROM assignments a JOIN children c ON c.id = a.child_id
                     WHERE c.family_id = $1 ORDER BY a.id",
                ))
                .bind(family.to_string())
                .fetch_all(&self.pool)
                .await?;
                docs(rows)
            }

            async fn assignment_history(&self, clinic: ClinicId, id: AssignmentId) -> StoreResult<Vec<HistoryRecord>> {
                let rows = sqlx::query(&$sql(
                    "SELECT h.therapist_id, h.at_ms, h.action, h.doc FROM assignment_history h
                     JOIN assignments a ON a.id = h.assignment_id
                     WHERE h.assignment_id = $1 AND a.clinic_id = $2 ORDER BY h.id",
                ))
                .bind(id.to_string())
                .bind(clinic.to_string())
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        let therapist: String = r.try_get("therapist_id")?;
                        Ok(HistoryRecord {
                            therapist_id: therapist.parse().map_err(|_| StoreError::NotFound("therapist id"))?,
                            at_ms: r.try_get("at_ms")?,
                            action: r.try_get("action")?,
                            assignment: parse(&r.try_get::<String, _>("doc")?)?,
                        })
                    })
                    .collect()
            }

            async fn put_feed(&self, family: FamilyId, feed: &[FeedEntry]) -> StoreResult<()> {
                let mut tx = begin(&self.pool).await?;
                write_feed(&mut tx, family, feed).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn put_feedback(&self, clinic: ClinicId, family: FamilyId, f: &Feedback, now: Millis) -> StoreResult<()> {
                let mut tx = begin(&self.pool).await?;
                write_feed(&mut tx, family, &[FeedEntry::new(homeplay_core::sync::Change::Feedback(f.clone()))])
                    .await?;
                sqlx::query(&$sql(
                    "INSERT INTO feedback (id, clinic_id, child_id, doc, created_ms) VALUES ($1, $2, $3, $4, $5)",
                ))
                .bind(f.id.to_string())
                .bind(clinic.to_string())
                .bind(f.child_id.to_string())
                .bind(json(f)?)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn feedback_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<Feedback>> {
                let rows: Vec<String> = sqlx::query_scalar(&$sql(
                    "SELECT doc FROM feedback WHERE child_id = $1 AND clinic_id = $2 ORDER BY created_ms, id",
                ))
                .bind(child.to_string())
                .bind(clinic.to_string())
                .fetch_all(&self.pool)
                .await?;
                docs(rows)
            }

            async fn insert_pairing_code(
                &self,
                code_hash: &str,
                clinic: ClinicId,
                family: FamilyId,
                by: TherapistId,
                now: Millis,
                expires: Millis,
            ) -> StoreResult<()> {
                sqlx::query(&$sql(
                    "INSERT INTO pairing_codes (code_hash, clinic_id, family_id, created_by, created_ms, expires_ms)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                ))
                .bind(code_hash)
                .bind(clinic.to_string())
                .bind(family.to_string())
                .bind(by.to_string())
                .bind(now)
                .bind(expires)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn redeem_pairing_code(
                &self,
                code_hash: &str,
                device_id: DeviceId,
                label: &str,
                token_hash: &str,
                now: Millis,
            ) -> StoreResult<Redeemed> {
                let mut tx = begin(&self.pool).await?;
                let row = sqlx::query(&$sql(
                    "UPDATE pairing_codes SET used_ms = $2, device_id = $3
                     WHERE code_hash = $1 AND used_ms IS NULL AND expires_ms > $2
                     RETURNING family_id, clinic_id",
                ))
                .bind(code_hash)
                .bind(now)
                .bind(device_id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else {
                    let state = sqlx::query(&$sql("SELECT used_ms FROM pairing_codes WHERE code_hash = $1"))
                        .bind(code_hash)
                        .fetch_optional(&mut *tx)
                        .await?;
                    return Ok(match state {
                        None => Redeemed::Unknown,
                        Some(r) if r.try_get::<Option<i64>, _>("used_ms")?.is_some() => Redeemed::AlreadyUsed,
                        Some(_) => Redeemed::Expired,
                    });
                };
                let family: String = row.try_get("family_id")?;
                let clinic: String = row.try_get("clinic_id")?;
                let family_id: FamilyId = family.parse().map_err(|_| StoreError::NotFound("family id"))?;
                let clinic_id: ClinicId = clinic.parse().map_err(|_| StoreError::NotFound("clinic id"))?;
                let device = Device {
                    id: device_id,
                    family_id,
                    label: Name::new(label).map_err(|_| StoreError::NotFound("device label"))?,
                    paired_at: chrono::DateTime::from_timestamp_millis(now).unwrap_or_default(),
                    last_seen_at: None,
                    revoked_at: None,
                };
                sqlx::query(&$sql(
                    "INSERT INTO devices (id, clinic_id, family_id, token_hash, doc, paired_ms)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                ))
                .bind(device_id.to_string())
                .bind(&clinic)
                .bind(&family)
                .bind(token_hash)
                .bind(json(&device)?)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Redeemed::Paired { family_id, clinic_id })
            }

            async fn device_by_token(&self, token_hash: &str) -> StoreResult<Option<DeviceRecord>> {
                let row = sqlx::query(&$sql(
                    "SELECT doc, clinic_id, last_seen_ms, revoked_ms FROM devices WHERE token_hash = $1",
                ))
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| device_record(&r)).transpose()
            }

            async fn touch_device(&self, id: DeviceId, now: Millis) -> StoreResult<()> {
                sqlx::query(&$sql("UPDATE devices SET last_seen_ms = $2 WHERE id = $1"))
                    .bind(id.to_string())
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn devices_of_family(&self, clinic: ClinicId, family: FamilyId) -> StoreResult<Vec<Device>> {
                let rows = sqlx::query(&$sql(
                    "SELECT doc, clinic_id, last_seen_ms, revoked_ms FROM devices
                     WHERE family_id = $1 AND clinic_id = $2 ORDER BY paired_ms, id",
                ))
                .bind(family.to_string())
                .bind(clinic.to_string())
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| device_record(r).map(|d| d.device)).collect()
            }

            async fn revoke_device(&self, clinic: ClinicId, id: DeviceId, now: Millis) -> StoreResult<bool> {
                let result = sqlx::query(&$sql(
                    "UPDATE devices SET revoked_ms = $3 WHERE id = $1 AND clinic_id = $2 AND revoked_ms IS NULL",
                ))
                .bind(id.to_string())
                .bind(clinic.to_string())
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(result.rows_affected() == 1)
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
                // Lock the family's feed first (a write, so SQLite takes its write lock before reading).
                let locked: Option<String> =
                    sqlx::query_scalar(&$sql("UPDATE families SET feed_seq = feed_seq WHERE id = $1 RETURNING id"))
                        .bind(family.to_string())
                        .fetch_optional(&mut *tx)
                        .await?;
                if locked.is_none() {
                    return Err(StoreError::NotFound("family"));
                }
                let mut existing: HashMap<String, CompletionLog> = HashMap::new();
                let mut foreign: std::collections::HashSet<String> = std::collections::HashSet::new();
                for chunk in logs.chunks(500) {
                    let mut q = QueryBuilder::<$db>::new("SELECT family_id, doc FROM logs WHERE id IN (");
                    let mut ids = q.separated(", ");
                    for l in chunk {
                        ids.push_bind(l.id.to_string());
                    }
                    q.push(")");
                    for row in q.build().fetch_all(&mut *tx).await? {
                        let log: CompletionLog = parse(&row.try_get::<String, _>("doc")?)?;
                        if row.try_get::<String, _>("family_id")? == family.to_string() {
                            existing.insert(log.id.to_string(), log);
                        } else {
                            foreign.insert(log.id.to_string());
                        }
                    }
                }
                let mut current: HashMap<String, CompletionLog> = existing.clone();
                let mut outcomes = Vec::with_capacity(logs.len());
                for log in logs {
                    let key = log.id.to_string();
                    if foreign.contains(&key) {
                        // Another family's log: never touched, whatever the push claims.
                        outcomes.push(LogWrite::ImmutableFieldChanged("id"));
                        continue;
                    }
                    match current.get(&key) {
                        Some(stored) => {
                            if let Some(field) = immutable_change(stored, log) {
                                outcomes.push(LogWrite::ImmutableFieldChanged(field));
                                continue;
                            }
                            let merged = merge(stored.clone(), log.clone()).map_err(|_| StoreError::Conflict("log id"))?;
                            if merged == *stored {
                                outcomes.push(LogWrite::AlreadyCurrent);
                            } else {
                                current.insert(key, merged);
                                outcomes.push(LogWrite::Stored);
                            }
                        }
                        None => {
                            current.insert(key, log.clone());
                            outcomes.push(LogWrite::Stored);
                        }
                    }
                }
                let changed: Vec<&CompletionLog> =
                    current.iter().filter(|(k, v)| existing.get(*k) != Some(*v)).map(|(_, v)| v).collect();
                for chunk in changed.chunks(400) {
                    let mut q = QueryBuilder::<$db>::new(
                        "INSERT INTO logs (id, clinic_id, family_id, child_id, assignment_id, exercise_id, occ_date, slot,
                         hlc_wall, hlc_counter, device_id, doc, received_ms) ",
                    );
                    let mut err = None;
                    q.push_values(chunk, |mut b, l| {
                        let doc = json(l).unwrap_or_else(|e| {
                            err = Some(e);
                            String::new()
                        });
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
                    if let Some(e) = err {
                        return Err(e);
                    }
                    q.push(
                        " ON CONFLICT (id) DO UPDATE SET hlc_wall = excluded.hlc_wall, hlc_counter = excluded.hlc_counter,
                          device_id = excluded.device_id, doc = excluded.doc, received_ms = excluded.received_ms
                          WHERE logs.family_id = excluded.family_id",
                    );
                    q.build().execute(&mut *tx).await?;
                }
                // The per-day rollup: how many logs count on each of the child's dates, changed by this push.
                let mut days: std::collections::BTreeMap<(String, String), i64> = std::collections::BTreeMap::new();
                for l in &changed {
                    let before = existing.get(&l.id.to_string()).map_or(0, |s| i64::from(s.counts()));
                    let delta = i64::from(l.counts()) - before;
                    if delta != 0 {
                        *days.entry((l.child_id.to_string(), l.occurrence.date.to_string())).or_default() += delta;
                    }
                }
                let days: Vec<_> = days.into_iter().collect();
                for chunk in days.chunks(500) {
                    let mut q = QueryBuilder::<$db>::new("INSERT INTO log_days (child_id, occ_date, logs) ");
                    q.push_values(chunk, |mut b, ((child, date), delta)| {
                        b.push_bind(child.clone()).push_bind(date.clone()).push_bind(*delta);
                    });
                    q.push(" ON CONFLICT (child_id, occ_date) DO UPDATE SET logs = log_days.logs + excluded.logs");
                    q.build().execute(&mut *tx).await?;
                }
                let entries: Vec<FeedEntry> =
                    changed.iter().map(|l| FeedEntry::new(homeplay_core::sync::Change::Log((*l).clone()))).collect();
                write_feed(&mut tx, family, &entries).await?;
                tx.commit().await?;
                Ok(outcomes)
            }

            async fn pull(&self, family: FamilyId, after_seq: i64, limit: u32) -> StoreResult<Vec<FeedItem>> {
                let rows = sqlx::query(&$sql(
                    "SELECT f.seq, f.doc, l.doc AS log_doc FROM feed f
                     LEFT JOIN logs l ON f.entity = 'log' AND l.id = f.entity_id AND l.family_id = f.family_id
                     WHERE f.family_id = $1 AND f.seq > $2 ORDER BY f.seq LIMIT $3",
                ))
                .bind(family.to_string())
                .bind(after_seq)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| feed_item(r.try_get("seq")?, r)).collect()
            }

            async fn pull_by_token(
                &self,
                token_hash: &str,
                after_seq: i64,
                limit: u32,
            ) -> StoreResult<Option<(DeviceRecord, Vec<FeedItem>)>> {
                // The device's row, then the page of its family's feed. The family is found by a scalar
                // subquery, so the page is read in feed order straight off (family_id, seq) and stops at the
                // limit, as `pull` does; the row order of a UNION is not promised, hence the sort below.
                let rows = sqlx::query(&$sql(
                    "SELECT d.doc AS device_doc, d.clinic_id, d.last_seen_ms, d.revoked_ms,
                            CAST(NULL AS BIGINT) AS seq, CAST(NULL AS TEXT) AS doc, CAST(NULL AS TEXT) AS log_doc
                     FROM devices d WHERE d.token_hash = $1
                     UNION ALL
                     SELECT NULL, NULL, NULL, NULL, page.seq, page.doc, page.log_doc FROM (
                       SELECT f.seq, f.doc, l.doc AS log_doc FROM feed f
                       LEFT JOIN logs l ON f.entity = 'log' AND l.id = f.entity_id AND l.family_id = f.family_id
                       WHERE f.family_id = (SELECT family_id FROM devices WHERE token_hash = $1 AND revoked_ms IS NULL)
                         AND f.seq > $2
                       ORDER BY f.seq LIMIT $3
                     ) page",
                ))
                .bind(token_hash)
                .bind(after_seq)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                let mut device = None;
                let mut items = Vec::with_capacity(rows.len());
                for r in &rows {
                    match r.try_get::<Option<String>, _>("device_doc")? {
                        Some(doc) => device = Some(device_record_with(&doc, r)?),
                        None => items.push(feed_item(r.try_get::<Option<i64>, _>("seq")?.unwrap_or(0), r)?),
                    }
                }
                items.sort_by_key(|i| i.seq);
                Ok(device.map(|d| (d, items)))
            }

            async fn logs_of_child(
                &self,
                clinic: ClinicId,
                child: ChildId,
                from: &str,
                to: &str,
            ) -> StoreResult<Vec<CompletionLog>> {
                let rows: Vec<String> = sqlx::query_scalar(&$sql(
                    "SELECT doc FROM logs WHERE child_id = $1 AND clinic_id = $2 AND occ_date >= $3 AND occ_date <= $4
                     ORDER BY occ_date, id",
                ))
                .bind(child.to_string())
                .bind(clinic.to_string())
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
                docs(rows)
            }

            async fn data_days_of_child(
                &self,
                clinic: ClinicId,
                child: ChildId,
                from: &str,
                to: &str,
            ) -> StoreResult<Vec<chrono::NaiveDate>> {
                let rows: Vec<String> = sqlx::query_scalar(&$sql(
                    "SELECT d.occ_date FROM log_days d JOIN children c ON c.id = d.child_id
                     WHERE d.child_id = $1 AND c.clinic_id = $2 AND d.occ_date >= $3 AND d.occ_date <= $4
                       AND d.logs > 0
                     ORDER BY d.occ_date",
                ))
                .bind(child.to_string())
                .bind(clinic.to_string())
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|d| d.parse().map_err(|_| StoreError::NotFound("log date"))).collect()
            }

            async fn family_has_media(&self, family: FamilyId, media: &str) -> StoreResult<bool> {
                let hit: Option<i64> = sqlx::query_scalar(&$sql(
                    "SELECT seq FROM feed WHERE family_id = $1 AND entity = 'media' AND entity_id = $2",
                ))
                .bind(family.to_string())
                .bind(media)
                .fetch_optional(&self.pool)
                .await?;
                Ok(hit.is_some())
            }

            async fn put_media(
                &self,
                clinic: ClinicId,
                sha256: &str,
                content_type: &str,
                data: &[u8],
                now: Millis,
            ) -> StoreResult<()> {
                sqlx::query(&$sql(
                    "INSERT INTO media (clinic_id, sha256, content_type, bytes, data, created_ms)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (clinic_id, sha256) DO NOTHING",
                ))
                .bind(clinic.to_string())
                .bind(sha256)
                .bind(content_type)
                .bind(data.len() as i64)
                .bind(data)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn media(&self, clinic: ClinicId, sha256: &str) -> StoreResult<Option<MediaRecord>> {
                let row =
                    sqlx::query(&$sql("SELECT content_type, data FROM media WHERE clinic_id = $1 AND sha256 = $2"))
                        .bind(clinic.to_string())
                        .bind(sha256)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(|r| Ok(MediaRecord { content_type: r.try_get("content_type")?, data: r.try_get("data")? }))
                    .transpose()
            }

            async fn media_info(&self, clinic: ClinicId, sha256: &str) -> StoreResult<Option<(String, u64)>> {
                let row =
                    sqlx::query(&$sql("SELECT content_type, bytes FROM media WHERE clinic_id = $1 AND sha256 = $2"))
                        .bind(clinic.to_string())
                        .bind(sha256)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(|r| {
                    let bytes: i64 = r.try_get("bytes")?;
                    Ok((r.try_get("content_type")?, u64::try_from(bytes).unwrap_or(0)))
                })
                .transpose()
            }

            async fn audit_many(&self, entries: &[AuditEntry]) -> StoreResult<()> {
                for chunk in entries.chunks(500) {
                    let mut q = QueryBuilder::<$db>::new(
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
                    q.build().execute(&self.pool).await?;
                }
                Ok(())
            }

            async fn audit_of_clinic(
                &self,
                clinic: ClinicId,
                before_id: Option<i64>,
                limit: u32,
            ) -> StoreResult<Vec<AuditRecord>> {
                let rows = sqlx::query(&$sql(
                    "SELECT id, at_ms, actor_kind, actor_id, action, child_id, detail, ip FROM audit
                     WHERE clinic_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                ))
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

        /// A feed row (`doc`, and `log_doc` for a log, whose feed row has no doc) as the device receives it.
        fn feed_item(seq: i64, r: &<$db as sqlx::Database>::Row) -> StoreResult<FeedItem> {
            let change_json = match r.try_get::<Option<String>, _>("doc")? {
                Some(doc) => doc,
                None => {
                    let log: Option<String> = r.try_get("log_doc")?;
                    format!("{{\"type\":\"log\",\"data\":{}}}", log.ok_or(StoreError::NotFound("log"))?)
                }
            };
            Ok(FeedItem { seq, change_json })
        }

        fn device_record(r: &<$db as sqlx::Database>::Row) -> StoreResult<DeviceRecord> {
            device_record_with(&r.try_get::<String, _>("doc")?, r)
        }

        fn device_record_with(doc: &str, r: &<$db as sqlx::Database>::Row) -> StoreResult<DeviceRecord> {
            let mut device: Device = parse(doc)?;
            let clinic: String = r.try_get("clinic_id")?;
            device.last_seen_at = r.try_get::<Option<i64>, _>("last_seen_ms")?.and_then(chrono::DateTime::from_timestamp_millis);
            device.revoked_at = r.try_get::<Option<i64>, _>("revoked_ms")?.and_then(chrono::DateTime::from_timestamp_millis);
            Ok(DeviceRecord { device, clinic_id: clinic.parse().map_err(|_| StoreError::NotFound("clinic id"))? })
        }
    };
}

pub(super) use sql_store;
