//! SQL of [`FamilyStore`]: families, children, caregivers, each write also in the family's feed.

use super::sync::write_feed;
use super::{This, begin};
use crate::store::codec::json;
use crate::store::{FamilyStore, FeedEntry, Millis, StoreError, StoreResult};
use async_trait::async_trait;
use homeplay_core::family::{Caregiver, Child, Family};
use homeplay_core::ids::{ChildId, ClinicId, FamilyId};
use homeplay_core::sync::{Change, Entity, Removed};

#[async_trait]
impl FamilyStore for This {
    async fn insert_family(&self, family: &Family, now: Millis) -> StoreResult<()> {
        let mut tx = begin(&self.pool).await?;
        sqlx::query("INSERT INTO families (id, clinic_id, doc, created_ms) VALUES ($1, $2, $3, $4)")
            .bind(family.id.to_string())
            .bind(family.clinic_id.to_string())
            .bind(json(family)?)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let change = Change::Family(family.clone());
        write_feed(&mut tx, family.id, &[FeedEntry::new(change)]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn family(&self, clinic: ClinicId, id: FamilyId) -> StoreResult<Option<Family>> {
        self.doc("SELECT doc FROM families WHERE id = $1 AND clinic_id = $2", &[id.to_string(), clinic.to_string()])
            .await
    }

    async fn put_child(&self, clinic: ClinicId, child: &Child, now: Millis) -> StoreResult<()> {
        write_child(self, clinic, child, None, now).await
    }

    async fn put_child_with_record_number(
        &self,
        clinic: ClinicId,
        child: &Child,
        record_number: Option<&str>,
        now: Millis,
    ) -> StoreResult<()> {
        write_child(self, clinic, child, Some(record_number), now).await
    }

    async fn child_by_record_number(&self, clinic: ClinicId, number: &str) -> StoreResult<Option<ChildId>> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT id FROM children WHERE clinic_id = $1 AND record_number = $2")
                .bind(clinic.to_string())
                .bind(number)
                .fetch_optional(&self.pool)
                .await?;
        id.map(|id| id.parse().map_err(|_| StoreError::NotFound("child id"))).transpose()
    }

    async fn child_record_number(&self, clinic: ClinicId, id: ChildId) -> StoreResult<Option<String>> {
        let number: Option<Option<String>> =
            sqlx::query_scalar("SELECT record_number FROM children WHERE id = $1 AND clinic_id = $2")
                .bind(id.to_string())
                .bind(clinic.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(number.flatten())
    }

    async fn child(&self, clinic: ClinicId, id: ChildId) -> StoreResult<Option<Child>> {
        self.doc("SELECT doc FROM children WHERE id = $1 AND clinic_id = $2", &[id.to_string(), clinic.to_string()])
            .await
    }

    async fn children_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Child>> {
        self.docs("SELECT doc FROM children WHERE clinic_id = $1 ORDER BY created_ms, id", &[clinic.to_string()]).await
    }

    async fn children_of_family(&self, family: FamilyId) -> StoreResult<Vec<Child>> {
        self.docs("SELECT doc FROM children WHERE family_id = $1 ORDER BY created_ms, id", &[family.to_string()]).await
    }

    async fn put_caregiver(&self, c: &Caregiver) -> StoreResult<()> {
        let mut tx = begin(&self.pool).await?;
        write_feed(&mut tx, c.family_id, &[FeedEntry::new(Change::Caregiver(c.clone()))]).await?;
        sqlx::query(
            "INSERT INTO caregivers (id, family_id, doc) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET doc = excluded.doc WHERE caregivers.family_id = excluded.family_id",
        )
        .bind(c.id.to_string())
        .bind(c.family_id.to_string())
        .bind(json(c)?)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn caregivers_of_family(&self, family: FamilyId) -> StoreResult<Vec<Caregiver>> {
        self.docs("SELECT doc FROM caregivers WHERE family_id = $1 ORDER BY id", &[family.to_string()]).await
    }
}

/// Writes the child (and its feed entry); with `record_number`, sets or clears its record number too, in the
/// same transaction (a number another child of the clinic has: `Conflict`, nothing written).
async fn write_child(
    store: &This,
    clinic: ClinicId,
    child: &Child,
    record_number: Option<Option<&str>>,
    now: Millis,
) -> StoreResult<()> {
    let mut tx = begin(&store.pool).await?;
    // The family must be this clinic's: checked inside the transaction, before anything is written.
    let owner: Option<String> =
        sqlx::query_scalar("UPDATE families SET feed_seq = feed_seq WHERE id = $1 AND clinic_id = $2 RETURNING id")
            .bind(child.family_id.to_string())
            .bind(clinic.to_string())
            .fetch_optional(&mut *tx)
            .await?;
    if owner.is_none() {
        return Err(StoreError::NotFound("family"));
    }
    let moved: Option<String> = sqlx::query_scalar("SELECT family_id FROM children WHERE id = $1 AND clinic_id = $2")
        .bind(child.id.to_string())
        .bind(clinic.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO children (id, clinic_id, family_id, doc, created_ms, updated_ms)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (id) DO UPDATE SET family_id = excluded.family_id, doc = excluded.doc,
           updated_ms = excluded.updated_ms
         WHERE children.clinic_id = excluded.clinic_id",
    )
    .bind(child.id.to_string())
    .bind(clinic.to_string())
    .bind(child.family_id.to_string())
    .bind(json(child)?)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    write_feed(&mut tx, child.family_id, &[FeedEntry::new(Change::Child(child.clone()))]).await?;
    if let Some(old) = moved.filter(|f| *f != child.family_id.to_string()) {
        let old: FamilyId = old.parse().map_err(|_| StoreError::NotFound("family id"))?;
        let removed = Change::Removed(Removed { entity: Entity::Child, id: child.id.0 });
        write_feed(&mut tx, old, &[FeedEntry::new(removed)]).await?;
    }
    if let Some(number) = record_number {
        let set = sqlx::query("UPDATE children SET record_number = $1 WHERE id = $2 AND clinic_id = $3")
            .bind(number)
            .bind(child.id.to_string())
            .bind(clinic.to_string())
            .execute(&mut *tx)
            .await;
        match set {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(StoreError::Conflict("another child of the clinic with this record number"));
            }
            other => other.map(|_| ())?,
        }
    }
    tx.commit().await?;
    Ok(())
}
