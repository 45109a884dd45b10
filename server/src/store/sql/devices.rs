//! SQL of [`DeviceStore`]: pairing codes and the family devices they register.

use super::{Db, This, begin};
use crate::store::codec::{json, parse};
use crate::store::{DeviceRecord, DeviceStore, Millis, Redeemed, StoreError, StoreResult};
use async_trait::async_trait;
use homeplay_core::family::Device;
use homeplay_core::ids::{ClinicId, DeviceId, FamilyId, TherapistId};
use homeplay_core::language::Language;
use homeplay_core::text::Name;
use sqlx::Row;

pub(super) fn device_record(r: &<Db as sqlx::Database>::Row) -> StoreResult<DeviceRecord> {
    device_record_with(&r.try_get::<String, _>("doc")?, r)
}

/// A device from its document and the row's `clinic_id`, `last_seen_ms`, `revoked_ms` and `language`.
pub(super) fn device_record_with(doc: &str, r: &<Db as sqlx::Database>::Row) -> StoreResult<DeviceRecord> {
    let mut device: Device = parse(doc)?;
    let clinic: String = r.try_get("clinic_id")?;
    device.last_seen_at =
        r.try_get::<Option<i64>, _>("last_seen_ms")?.and_then(chrono::DateTime::from_timestamp_millis);
    device.revoked_at = r.try_get::<Option<i64>, _>("revoked_ms")?.and_then(chrono::DateTime::from_timestamp_millis);
    // A tag an older or newer server wrote that this one does not know reads as unknown, not as an error.
    device.language = r.try_get::<Option<String>, _>("language")?.as_deref().and_then(Language::from_tag);
    Ok(DeviceRecord { device, clinic_id: clinic.parse().map_err(|_| StoreError::NotFound("clinic id"))? })
}

#[async_trait]
impl DeviceStore for This {
    async fn insert_pairing_code(
        &self,
        code_hash: &str,
        clinic: ClinicId,
        family: FamilyId,
        by: TherapistId,
        now: Millis,
        expires: Millis,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO pairing_codes (code_hash, clinic_id, family_id, created_by, created_ms, expires_ms)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
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

    async fn live_pairing_code(
        &self,
        code_hash: &str,
        clinic: ClinicId,
        now: Millis,
    ) -> StoreResult<Option<(FamilyId, Millis)>> {
        let row = sqlx::query(
            "SELECT family_id, expires_ms FROM pairing_codes
             WHERE code_hash = $1 AND clinic_id = $2 AND used_ms IS NULL AND expires_ms > $3",
        )
        .bind(code_hash)
        .bind(clinic.to_string())
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let family: String = r.try_get("family_id")?;
            Ok((family.parse().map_err(|_| StoreError::NotFound("family id"))?, r.try_get("expires_ms")?))
        })
        .transpose()
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
        let row = sqlx::query(
            "UPDATE pairing_codes SET used_ms = $2, device_id = $3
             WHERE code_hash = $1 AND used_ms IS NULL AND expires_ms > $2
             RETURNING family_id, clinic_id",
        )
        .bind(code_hash)
        .bind(now)
        .bind(device_id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            let state = sqlx::query("SELECT used_ms FROM pairing_codes WHERE code_hash = $1")
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
            language: None,
        };
        sqlx::query(
            "INSERT INTO devices (id, clinic_id, family_id, token_hash, doc, paired_ms)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
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
        let row =
            sqlx::query("SELECT doc, clinic_id, last_seen_ms, revoked_ms, language FROM devices WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| device_record(&r)).transpose()
    }

    async fn touch_device(&self, id: DeviceId, now: Millis) -> StoreResult<()> {
        sqlx::query("UPDATE devices SET last_seen_ms = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_device_language(&self, id: DeviceId, language: Language) -> StoreResult<()> {
        sqlx::query("UPDATE devices SET language = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(language.tag())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn devices_of_family(&self, clinic: ClinicId, family: FamilyId) -> StoreResult<Vec<Device>> {
        let rows = sqlx::query(
            "SELECT doc, clinic_id, last_seen_ms, revoked_ms, language FROM devices
             WHERE family_id = $1 AND clinic_id = $2 ORDER BY paired_ms, id",
        )
        .bind(family.to_string())
        .bind(clinic.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| device_record(r).map(|d| d.device)).collect()
    }

    async fn revoke_device(&self, clinic: ClinicId, id: DeviceId, now: Millis) -> StoreResult<bool> {
        let result =
            sqlx::query("UPDATE devices SET revoked_ms = $3 WHERE id = $1 AND clinic_id = $2 AND revoked_ms IS NULL")
                .bind(id.to_string())
                .bind(clinic.to_string())
                .bind(now)
                .execute(&self.pool)
                .await?;
        Ok(result.rows_affected() == 1)
    }
}
