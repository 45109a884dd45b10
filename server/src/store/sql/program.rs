//! SQL of [`ProgramStore`]: assignments with their goals and history, and feedback.

use super::sync::write_feed;
use super::{This, begin};
use crate::store::codec::{json, parse};
use crate::store::{FeedEntry, HistoryRecord, Millis, ProgramStore, StoreError, StoreResult};
use async_trait::async_trait;
use homeplay_core::assignment::Assignment;
use homeplay_core::feedback::Feedback;
use homeplay_core::ids::{AssignmentId, ChildId, ClinicId, FamilyId, TherapistId};
use homeplay_core::sync::Change;
use sqlx::Row;

#[async_trait]
impl ProgramStore for This {
    async fn put_assignments(
        &self,
        clinic: ClinicId,
        family: FamilyId,
        assignments: &[Assignment],
        by: TherapistId,
        action: &str,
        feed: &[FeedEntry],
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = begin(&self.pool).await?;
        let mut entries = feed.to_vec();
        entries.extend(assignments.iter().map(|a| FeedEntry::new(Change::Assignment(a.clone()))));
        write_feed(&mut tx, family, &entries).await?;
        for a in assignments {
            // The child must be this clinic's and in this family.
            let owner: Option<String> =
                sqlx::query_scalar("SELECT id FROM children WHERE id = $1 AND clinic_id = $2 AND family_id = $3")
                    .bind(a.child_id.to_string())
                    .bind(clinic.to_string())
                    .bind(family.to_string())
                    .fetch_optional(&mut *tx)
                    .await?;
            if owner.is_none() {
                return Err(StoreError::NotFound("child"));
            }
            let doc = json(a)?;
            let result = sqlx::query(
                "INSERT INTO assignments (id, clinic_id, child_id, doc, updated_ms) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_ms = excluded.updated_ms
                 WHERE assignments.clinic_id = excluded.clinic_id AND assignments.child_id = excluded.child_id",
            )
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
            sqlx::query("DELETE FROM assignment_goals WHERE assignment_id = $1")
                .bind(a.id.to_string())
                .execute(&mut *tx)
                .await?;
            for goal in &a.goal_ids {
                sqlx::query("INSERT INTO assignment_goals (assignment_id, goal_id) VALUES ($1, $2)")
                    .bind(a.id.to_string())
                    .bind(goal.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO assignment_history (assignment_id, therapist_id, at_ms, action, doc)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(a.id.to_string())
            .bind(by.to_string())
            .bind(now)
            .bind(action)
            .bind(&doc)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn assignment(&self, clinic: ClinicId, id: AssignmentId) -> StoreResult<Option<Assignment>> {
        self.doc("SELECT doc FROM assignments WHERE id = $1 AND clinic_id = $2", &[id.to_string(), clinic.to_string()])
            .await
    }

    async fn assignments_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<Assignment>> {
        self.docs(
            "SELECT doc FROM assignments WHERE child_id = $1 AND clinic_id = $2 ORDER BY id",
            &[child.to_string(), clinic.to_string()],
        )
        .await
    }

    async fn assignments_of_children(&self, clinic: ClinicId, children: &[ChildId]) -> StoreResult<Vec<Assignment>> {
        self.docs_of_children(
            "SELECT doc FROM assignments WHERE clinic_id = $1 AND child_id IN ({children}) ORDER BY child_id, id",
            &[clinic.to_string()],
            children,
        )
        .await
    }

    async fn assignments_of_family(&self, family: FamilyId) -> StoreResult<Vec<Assignment>> {
        self.docs(
            "SELECT a.doc FROM assignments a JOIN children c ON c.id = a.child_id
             WHERE c.family_id = $1 ORDER BY a.id",
            &[family.to_string()],
        )
        .await
    }

    async fn assignment_history(&self, clinic: ClinicId, id: AssignmentId) -> StoreResult<Vec<HistoryRecord>> {
        let rows = sqlx::query(
            "SELECT h.therapist_id, h.at_ms, h.action, h.doc FROM assignment_history h
             JOIN assignments a ON a.id = h.assignment_id
             WHERE h.assignment_id = $1 AND a.clinic_id = $2 ORDER BY h.id",
        )
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

    async fn put_feedback(&self, clinic: ClinicId, family: FamilyId, f: &Feedback, now: Millis) -> StoreResult<()> {
        let mut tx = begin(&self.pool).await?;
        write_feed(&mut tx, family, &[FeedEntry::new(Change::Feedback(f.clone()))]).await?;
        sqlx::query("INSERT INTO feedback (id, clinic_id, child_id, doc, created_ms) VALUES ($1, $2, $3, $4, $5)")
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
        self.docs(
            "SELECT doc FROM feedback WHERE child_id = $1 AND clinic_id = $2 ORDER BY created_ms, id",
            &[child.to_string(), clinic.to_string()],
        )
        .await
    }
}
