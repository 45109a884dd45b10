//! SQL of [`LibraryStore`]: the clinic's exercises and routines.

use super::This;
use crate::store::codec::json;
use crate::store::{Archivable, LibraryStore, Millis, StoreError, StoreResult};
use async_trait::async_trait;
use homeplay_core::exercise::Exercise;
use homeplay_core::ids::{ChildId, ClinicId, ExerciseId, RoutineId};
use homeplay_core::routine::Routine;
use sqlx::Row;
use std::collections::HashMap;

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
}
