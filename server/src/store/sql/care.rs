//! SQL of [`CareStore`]: care teams, the clinic's policy for those outside them, goals with their versions,
//! reviews and the family's check-ins.

use super::sync::write_feed;
use super::{Db, This, begin};
use crate::store::codec::{json, name_of, parse, parse_name};
use crate::store::{CareStore, ChildWithTeam, FeedEntry, GoalVersionRecord, Millis, StoreError, StoreResult};
use async_trait::async_trait;
use homeplay_core::care_team::{CareTeam, CareTeamMember, OutsideTeamPolicy};
use homeplay_core::family::Child;
use homeplay_core::goal::{FamilyGoal, Goal, GoalCheckIn, GoalReview};
use homeplay_core::ids::{ChildId, ClinicId, DeviceId, FamilyId, GoalId, TherapistId};
use homeplay_core::sync::Change;
use sqlx::Row;
use std::collections::BTreeMap;

fn member(r: &<Db as sqlx::Database>::Row) -> StoreResult<(ChildId, CareTeamMember)> {
    let child: String = r.try_get("child_id")?;
    let therapist: String = r.try_get("therapist_id")?;
    Ok((
        child.parse().map_err(|_| StoreError::NotFound("child id"))?,
        CareTeamMember {
            therapist_id: therapist.parse().map_err(|_| StoreError::NotFound("therapist id"))?,
            discipline: parse_name(&r.try_get::<String, _>("discipline")?)?,
            role: parse_name(&r.try_get::<String, _>("role")?)?,
        },
    ))
}

#[async_trait]
impl CareStore for This {
    async fn outside_team_policy(&self, clinic: ClinicId) -> StoreResult<OutsideTeamPolicy> {
        let name: Option<String> = sqlx::query_scalar("SELECT outside_team_policy FROM clinics WHERE id = $1")
            .bind(clinic.to_string())
            .fetch_optional(&self.pool)
            .await?;
        name.map_or(Ok(OutsideTeamPolicy::default()), |n| parse_name(&n))
    }

    async fn set_outside_team_policy(&self, clinic: ClinicId, policy: OutsideTeamPolicy) -> StoreResult<()> {
        let done = sqlx::query("UPDATE clinics SET outside_team_policy = $2 WHERE id = $1")
            .bind(clinic.to_string())
            .bind(name_of(&policy)?)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("clinic"));
        }
        Ok(())
    }

    async fn child_with_team(&self, clinic: ClinicId, id: ChildId) -> StoreResult<Option<ChildWithTeam>> {
        let row = sqlx::query(
            "SELECT c.doc, k.outside_team_policy FROM children c JOIN clinics k ON k.id = c.clinic_id
             WHERE c.id = $1 AND c.clinic_id = $2",
        )
        .bind(id.to_string())
        .bind(clinic.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let child: Child = parse(&row.try_get::<String, _>("doc")?)?;
        let policy = parse_name(&row.try_get::<String, _>("outside_team_policy")?)?;
        let rows = sqlx::query(
            "SELECT child_id, therapist_id, discipline, role FROM care_team_members WHERE child_id = $1
             ORDER BY added_ms, therapist_id",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let members = rows.iter().map(|r| member(r).map(|(_, m)| m)).collect::<StoreResult<_>>()?;
        Ok(Some(ChildWithTeam { child, team: CareTeam { child_id: id, members }, policy }))
    }

    async fn care_teams_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<CareTeam>> {
        let rows = sqlx::query(
            "SELECT m.child_id, m.therapist_id, m.discipline, m.role FROM care_team_members m
             JOIN children c ON c.id = m.child_id WHERE c.clinic_id = $1
             ORDER BY m.child_id, m.added_ms, m.therapist_id",
        )
        .bind(clinic.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut teams: BTreeMap<ChildId, Vec<CareTeamMember>> = BTreeMap::new();
        for r in &rows {
            let (child, m) = member(r)?;
            teams.entry(child).or_default().push(m);
        }
        Ok(teams.into_iter().map(|(child_id, members)| CareTeam { child_id, members }).collect())
    }

    async fn family_of_device(&self, clinic: ClinicId, device: DeviceId) -> StoreResult<Option<FamilyId>> {
        let family: Option<String> =
            sqlx::query_scalar("SELECT family_id FROM devices WHERE id = $1 AND clinic_id = $2")
                .bind(device.to_string())
                .bind(clinic.to_string())
                .fetch_optional(&self.pool)
                .await?;
        family.map(|f| f.parse().map_err(|_| StoreError::NotFound("family id"))).transpose()
    }

    async fn put_care_team(&self, clinic: ClinicId, team: &CareTeam, now: Millis) -> StoreResult<()> {
        let mut tx = begin(&self.pool).await?;
        // Locks the child's row: two teams saved at once for one child take turns (on PostgreSQL the
        // second would otherwise insert members the first inserted too, and fail on the key).
        let owner: Option<String> = sqlx::query_scalar(
            "UPDATE children SET updated_ms = updated_ms WHERE id = $1 AND clinic_id = $2 RETURNING id",
        )
        .bind(team.child_id.to_string())
        .bind(clinic.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if owner.is_none() {
            return Err(StoreError::NotFound("child"));
        }
        // Members who stay keep the date they joined.
        let rows = sqlx::query("SELECT therapist_id, added_ms FROM care_team_members WHERE child_id = $1")
            .bind(team.child_id.to_string())
            .fetch_all(&mut *tx)
            .await?;
        let mut joined: BTreeMap<String, i64> = BTreeMap::new();
        for r in &rows {
            joined.insert(r.try_get("therapist_id")?, r.try_get("added_ms")?);
        }
        sqlx::query("DELETE FROM care_team_members WHERE child_id = $1")
            .bind(team.child_id.to_string())
            .execute(&mut *tx)
            .await?;
        for (i, m) in team.members.iter().enumerate() {
            let id = m.therapist_id.to_string();
            let done = sqlx::query(
                "INSERT INTO care_team_members (child_id, therapist_id, discipline, role, added_ms)
                 SELECT $1, id, $3, $4, $5 FROM therapists WHERE id = $2 AND clinic_id = $6",
            )
            .bind(team.child_id.to_string())
            .bind(&id)
            .bind(name_of(&m.discipline)?)
            .bind(name_of(&m.role)?)
            // Joined in the order given, so the team reads back in that order.
            .bind(joined.get(&id).copied().unwrap_or(now + i as i64))
            .bind(clinic.to_string())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound("therapist"));
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn put_goal(&self, clinic: ClinicId, g: &Goal, by: TherapistId, now: Millis) -> StoreResult<()> {
        let mut tx = begin(&self.pool).await?;
        let doc = json(g)?;
        let status = name_of(&g.status)?;
        // The child must be this clinic's; its family's devices receive the goal in plain words, in
        // this transaction, so a device never misses a version the clinic committed.
        let family: Option<String> =
            sqlx::query_scalar("SELECT family_id FROM children WHERE id = $1 AND clinic_id = $2")
                .bind(g.child_id.to_string())
                .bind(clinic.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        let family: FamilyId =
            family.ok_or(StoreError::NotFound("child"))?.parse().map_err(|_| StoreError::NotFound("family id"))?;
        let change = Change::Goal(FamilyGoal::from(g));
        write_feed(&mut tx, family, &[FeedEntry::new(change)]).await?;
        let written = if g.version == 1 {
            sqlx::query(
                "INSERT INTO goals (id, clinic_id, child_id, version, status, doc, updated_ms)
                 VALUES ($1, $2, $3, 1, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            )
            .bind(g.id.to_string())
            .bind(clinic.to_string())
            .bind(g.child_id.to_string())
            .bind(&status)
            .bind(&doc)
            .bind(now)
            .execute(&mut *tx)
            .await?
        } else {
            sqlx::query(
                "UPDATE goals SET version = $4, status = $5, doc = $6, updated_ms = $7
                 WHERE id = $1 AND clinic_id = $2 AND child_id = $3 AND version = $4 - 1",
            )
            .bind(g.id.to_string())
            .bind(clinic.to_string())
            .bind(g.child_id.to_string())
            .bind(i64::from(g.version))
            .bind(&status)
            .bind(&doc)
            .bind(now)
            .execute(&mut *tx)
            .await?
        };
        if written.rows_affected() == 0 {
            return Err(StoreError::Conflict("another version of this goal; reload it and try again"));
        }
        sqlx::query(
            "INSERT INTO goal_versions (goal_id, version, therapist_id, at_ms, doc) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(g.id.to_string())
        .bind(i64::from(g.version))
        .bind(by.to_string())
        .bind(now)
        .bind(&doc)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn goal(&self, clinic: ClinicId, id: GoalId) -> StoreResult<Option<Goal>> {
        self.doc("SELECT doc FROM goals WHERE id = $1 AND clinic_id = $2", &[id.to_string(), clinic.to_string()]).await
    }

    async fn goals_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<Goal>> {
        self.docs(
            "SELECT doc FROM goals WHERE child_id = $1 AND clinic_id = $2 ORDER BY id",
            &[child.to_string(), clinic.to_string()],
        )
        .await
    }

    async fn goal_versions(&self, clinic: ClinicId, id: GoalId) -> StoreResult<Vec<GoalVersionRecord>> {
        let rows = sqlx::query(
            "SELECT v.therapist_id, v.at_ms, v.doc FROM goal_versions v JOIN goals g ON g.id = v.goal_id
             WHERE v.goal_id = $1 AND g.clinic_id = $2 ORDER BY v.version",
        )
        .bind(id.to_string())
        .bind(clinic.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let therapist: String = r.try_get("therapist_id")?;
                Ok(GoalVersionRecord {
                    therapist_id: therapist.parse().map_err(|_| StoreError::NotFound("therapist id"))?,
                    at_ms: r.try_get("at_ms")?,
                    goal: parse(&r.try_get::<String, _>("doc")?)?,
                })
            })
            .collect()
    }

    async fn insert_goal_review(&self, clinic: ClinicId, r: &GoalReview, now: Millis) -> StoreResult<()> {
        // The goal must be this clinic's and this child's: checked in the same statement.
        let done = sqlx::query(
            "INSERT INTO goal_reviews (id, clinic_id, goal_id, child_id, review_date, doc, created_ms)
             SELECT $1, clinic_id, id, child_id, $4, $5, $6 FROM goals
             WHERE id = $2 AND clinic_id = $3 AND child_id = $7",
        )
        .bind(r.id.to_string())
        .bind(r.goal_id.to_string())
        .bind(clinic.to_string())
        .bind(r.date.to_string())
        .bind(json(r)?)
        .bind(now)
        .bind(r.child_id.to_string())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("goal"));
        }
        Ok(())
    }

    async fn reviews_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<GoalReview>> {
        self.docs(
            "SELECT doc FROM goal_reviews WHERE child_id = $1 AND clinic_id = $2
             ORDER BY review_date, created_ms, id",
            &[child.to_string(), clinic.to_string()],
        )
        .await
    }

    async fn put_check_ins(
        &self,
        clinic: ClinicId,
        family: FamilyId,
        check_ins: &[GoalCheckIn],
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = begin(&self.pool).await?;
        let mut feed = Vec::new();
        for c in check_ins {
            let stored = sqlx::query("INSERT INTO goal_check_ins (id, clinic_id, child_id, goal_id, hlc_wall, hlc_counter, doc, received_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (id) DO UPDATE SET hlc_wall = excluded.hlc_wall, hlc_counter = excluded.hlc_counter,
                   doc = excluded.doc, received_ms = excluded.received_ms
                 WHERE goal_check_ins.clinic_id = excluded.clinic_id
                   AND goal_check_ins.child_id = excluded.child_id AND goal_check_ins.goal_id = excluded.goal_id
                   AND (goal_check_ins.hlc_wall < excluded.hlc_wall
                     OR (goal_check_ins.hlc_wall = excluded.hlc_wall AND goal_check_ins.hlc_counter < excluded.hlc_counter))")
            .bind(c.id.to_string())
            .bind(clinic.to_string())
            .bind(c.child_id.to_string())
            .bind(c.goal_id.to_string())
            .bind(i64::try_from(c.hlc.wall_ms).unwrap_or(i64::MAX))
            .bind(i64::from(c.hlc.counter))
            .bind(json(c)?)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if stored {
                feed.push(FeedEntry::new(Change::CheckIn(c.clone())));
            }
        }
        write_feed(&mut tx, family, &feed).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn check_ins_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<GoalCheckIn>> {
        self.docs(
            "SELECT doc FROM goal_check_ins WHERE child_id = $1 AND clinic_id = $2 ORDER BY id",
            &[child.to_string(), clinic.to_string()],
        )
        .await
    }
}
