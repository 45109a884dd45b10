//! SQL of [`MediaStore`]: uploaded files by clinic and content hash.

use super::This;
use crate::store::{MediaRecord, MediaStore, Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::ClinicId;
use sqlx::Row;

#[async_trait]
impl MediaStore for This {
    async fn put_media(
        &self,
        clinic: ClinicId,
        sha256: &str,
        content_type: &str,
        data: &[u8],
        now: Millis,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO media (clinic_id, sha256, content_type, bytes, data, created_ms)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (clinic_id, sha256) DO NOTHING",
        )
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
        let row = sqlx::query("SELECT content_type, data FROM media WHERE clinic_id = $1 AND sha256 = $2")
            .bind(clinic.to_string())
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(MediaRecord { content_type: r.try_get("content_type")?, data: r.try_get("data")? })).transpose()
    }

    async fn media_info(&self, clinic: ClinicId, sha256: &str) -> StoreResult<Option<(String, u64)>> {
        let row = sqlx::query("SELECT content_type, bytes FROM media WHERE clinic_id = $1 AND sha256 = $2")
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
}
