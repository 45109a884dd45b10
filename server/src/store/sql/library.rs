//! SQL of [`LibraryStore`]: the clinic's exercises and routines.

use super::{Db, This};
use crate::store::codec::{json, parse, parse_name};
use crate::store::{Archivable, LibraryStore, Millis, StoreError, StoreResult};
use async_trait::async_trait;
use homeplay_core::assignment::{Assignment, Target};
use homeplay_core::exercise::Exercise;
use homeplay_core::ids::{ChildId, ClinicId, ExerciseId, ProgramTemplateId, RoutineId, TherapistId};
use homeplay_core::routine::Routine;
use homeplay_core::template::ProgramTemplate;
use sqlx::{QueryBuilder, Row};
use std::collections::{HashMap, HashSet};

#[async_trait]
impl LibraryStore for This {
    async fn put_exercise(&self, clinic: ClinicId, e: &Exercise, now: Millis) -> StoreResult<()> {
        let result = sqlx::query(
            "INSERT INTO exercises (id, clinic_id, doc, updated_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_ms = excluded.updated_ms
             WHERE exercises.clinic_id = excluded.clinic_id",
        )
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
        self.doc("SELECT doc FROM exercises WHERE id = $1 AND clinic_id = $2", &[id.to_string(), clinic.to_string()])
            .await
    }

    async fn exercises_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Exercise>> {
        self.docs(
            "SELECT doc FROM exercises WHERE clinic_id = $1 AND archived = FALSE ORDER BY updated_ms, id",
            &[clinic.to_string()],
        )
        .await
    }

    async fn put_routine(&self, clinic: ClinicId, r: &Routine, now: Millis) -> StoreResult<()> {
        let result = sqlx::query(
            "INSERT INTO routines (id, clinic_id, doc, updated_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_ms = excluded.updated_ms
             WHERE routines.clinic_id = excluded.clinic_id",
        )
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
        self.doc("SELECT doc FROM routines WHERE id = $1 AND clinic_id = $2", &[id.to_string(), clinic.to_string()])
            .await
    }

    async fn archive(&self, clinic: ClinicId, entity: Archivable, id: uuid::Uuid, now: Millis) -> StoreResult<bool> {
        let sql = match entity {
            Archivable::Exercise => {
                "UPDATE exercises SET archived = TRUE, updated_ms = $3
                 WHERE id = $1 AND clinic_id = $2 AND archived = FALSE"
            }
            Archivable::Routine => {
                "UPDATE routines SET archived = TRUE, updated_ms = $3
                 WHERE id = $1 AND clinic_id = $2 AND archived = FALSE"
            }
            Archivable::ProgramTemplate => {
                "UPDATE program_templates SET archived = TRUE, updated_ms = $3
                 WHERE id = $1 AND clinic_id = $2 AND archived = FALSE"
            }
        };
        let result =
            sqlx::query(sql).bind(id.to_string()).bind(clinic.to_string()).bind(now).execute(&self.pool).await?;
        Ok(result.rows_affected() == 1)
    }

    async fn routines_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Routine>> {
        self.docs(
            "SELECT doc FROM routines WHERE clinic_id = $1 AND archived = FALSE ORDER BY updated_ms, id",
            &[clinic.to_string()],
        )
        .await
    }

    async fn put_child_routine(&self, clinic: ClinicId, r: &Routine, child: ChildId, now: Millis) -> StoreResult<()> {
        sqlx::query("INSERT INTO routines (id, clinic_id, doc, updated_ms, child_id) VALUES ($1, $2, $3, $4, $5)")
            .bind(r.id.to_string())
            .bind(clinic.to_string())
            .bind(json(r)?)
            .bind(now)
            .bind(child.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn routine_owners(&self, clinic: ClinicId) -> StoreResult<HashMap<RoutineId, ChildId>> {
        let rows = sqlx::query("SELECT id, child_id FROM routines WHERE clinic_id = $1 AND child_id IS NOT NULL")
            .bind(clinic.to_string())
            .fetch_all(&self.pool)
            .await?;
        let mut owners = HashMap::new();
        for row in rows {
            let (id, child): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            let id = id.parse().map_err(|_| StoreError::NotFound("routine id"))?;
            owners.insert(id, child.parse().map_err(|_| StoreError::NotFound("child id"))?);
        }
        Ok(owners)
    }

    async fn routine_owner(&self, clinic: ClinicId, id: RoutineId) -> StoreResult<Option<ChildId>> {
        let owner: Option<Option<String>> =
            sqlx::query_scalar("SELECT child_id FROM routines WHERE id = $1 AND clinic_id = $2")
                .bind(id.to_string())
                .bind(clinic.to_string())
                .fetch_optional(&self.pool)
                .await?;
        owner.flatten().map(|c| c.parse().map_err(|_| StoreError::NotFound("child id"))).transpose()
    }

    async fn routines_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<Routine>> {
        self.docs(
            "SELECT doc FROM routines WHERE child_id = $1 AND clinic_id = $2 ORDER BY id",
            &[child.to_string(), clinic.to_string()],
        )
        .await
    }

    async fn clinic_exercises_among(&self, clinic: ClinicId, ids: &[ExerciseId]) -> StoreResult<HashSet<ExerciseId>> {
        let mut found = HashSet::new();
        for chunk in ids.chunks(500) {
            let mut q = QueryBuilder::<Db>::new("SELECT id FROM exercises WHERE archived = FALSE AND clinic_id = ");
            q.push_bind(clinic.to_string());
            q.push(" AND id IN (");
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(id.to_string());
            }
            q.push(")");
            for row in q.build().fetch_all(&self.pool).await? {
                found.insert(parse_name(&row.try_get::<String, _>("id")?)?);
            }
        }
        Ok(found)
    }

    async fn favourites(&self, therapist: TherapistId) -> StoreResult<Vec<ExerciseId>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT exercise_id FROM exercise_favourites WHERE therapist_id = $1 ORDER BY added_ms DESC, exercise_id",
        )
        .bind(therapist.to_string())
        .fetch_all(&self.pool)
        .await?;
        ids.iter().map(|id| parse_name(id)).collect()
    }

    async fn set_favourite(
        &self,
        therapist: TherapistId,
        exercise: ExerciseId,
        on: bool,
        now: Millis,
    ) -> StoreResult<()> {
        let (therapist, exercise) = (therapist.to_string(), exercise.to_string());
        let query = if on {
            sqlx::query(
                "INSERT INTO exercise_favourites (therapist_id, exercise_id, added_ms) VALUES ($1, $2, $3)
                 ON CONFLICT (therapist_id, exercise_id) DO NOTHING",
            )
            .bind(therapist)
            .bind(exercise)
            .bind(now)
        } else {
            sqlx::query("DELETE FROM exercise_favourites WHERE therapist_id = $1 AND exercise_id = $2")
                .bind(therapist)
                .bind(exercise)
        };
        query.execute(&self.pool).await?;
        Ok(())
    }

    async fn recent_exercises(
        &self,
        clinic: ClinicId,
        therapist: TherapistId,
        limit: usize,
    ) -> StoreResult<Vec<ExerciseId>> {
        // A page of the newest creations is enough: a therapist re-assigns the same few exercises.
        let docs: Vec<String> = sqlx::query_scalar(
            "SELECT h.doc FROM assignment_history h JOIN assignments a ON a.id = h.assignment_id
             WHERE h.therapist_id = $1 AND a.clinic_id = $2 AND h.action = 'create'
             ORDER BY h.at_ms DESC, h.id DESC LIMIT 200",
        )
        .bind(therapist.to_string())
        .bind(clinic.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut recent = Vec::new();
        for doc in docs {
            let assignment: Assignment = parse(&doc)?;
            if let Target::Exercise { exercise_id } = assignment.target
                && !recent.contains(&exercise_id)
            {
                recent.push(exercise_id);
                if recent.len() == limit {
                    break;
                }
            }
        }
        Ok(recent)
    }

    async fn put_program_template(&self, clinic: ClinicId, t: &ProgramTemplate, now: Millis) -> StoreResult<()> {
        let result = sqlx::query(
            "INSERT INTO program_templates (id, clinic_id, doc, updated_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_ms = excluded.updated_ms
             WHERE program_templates.clinic_id = excluded.clinic_id",
        )
        .bind(t.id.to_string())
        .bind(clinic.to_string())
        .bind(json(t)?)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::Conflict("a template with this id in another clinic"));
        }
        Ok(())
    }

    async fn program_template(&self, clinic: ClinicId, id: ProgramTemplateId) -> StoreResult<Option<ProgramTemplate>> {
        self.doc(
            "SELECT doc FROM program_templates WHERE id = $1 AND clinic_id = $2",
            &[id.to_string(), clinic.to_string()],
        )
        .await
    }

    async fn program_templates_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<ProgramTemplate>> {
        self.docs(
            "SELECT doc FROM program_templates WHERE clinic_id = $1 AND archived = FALSE ORDER BY updated_ms, id",
            &[clinic.to_string()],
        )
        .await
    }
}
