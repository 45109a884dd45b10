//! SQL of [`InvitationStore`]: first-sign-in links.

use super::{This, begin};
use crate::store::{InvitationState, InvitationStore, Millis, StoreError, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::{ClinicId, TherapistId};
use sqlx::Row;

#[async_trait]
impl InvitationStore for This {
    async fn insert_invitation(
        &self,
        token_hash: &str,
        therapist: TherapistId,
        clinic: ClinicId,
        now: Millis,
        expires: Millis,
    ) -> StoreResult<()> {
        let mut tx = begin(&self.pool).await?;
        sqlx::query("DELETE FROM invitations WHERE therapist_id = $1 AND used_ms IS NULL")
            .bind(therapist.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO invitations (token_hash, therapist_id, clinic_id, created_ms, expires_ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(therapist.to_string())
        .bind(clinic.to_string())
        .bind(now)
        .bind(expires)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn invitation(&self, token_hash: &str, now: Millis) -> StoreResult<InvitationState> {
        let row =
            sqlx::query("SELECT therapist_id, clinic_id, expires_ms, used_ms FROM invitations WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        let Some(row) = row else {
            return Ok(InvitationState::Unknown);
        };
        let used: Option<i64> = row.try_get("used_ms")?;
        let expires: i64 = row.try_get("expires_ms")?;
        if used.is_some() {
            return Ok(InvitationState::Used);
        }
        if expires <= now {
            return Ok(InvitationState::Expired);
        }
        let therapist: String = row.try_get("therapist_id")?;
        let clinic: String = row.try_get("clinic_id")?;
        Ok(InvitationState::Live {
            therapist_id: therapist.parse().map_err(|_| StoreError::NotFound("therapist id"))?,
            clinic_id: clinic.parse().map_err(|_| StoreError::NotFound("clinic id"))?,
        })
    }

    async fn accept_invitation(&self, token_hash: &str, password_hash: &str, now: Millis) -> StoreResult<bool> {
        let mut tx = begin(&self.pool).await?;
        // The one statement that decides: of two racing uses, one updates the row and the other finds it used.
        let therapist: Option<String> = sqlx::query_scalar(
            "UPDATE invitations SET used_ms = $2
             WHERE token_hash = $1 AND used_ms IS NULL AND expires_ms > $2 RETURNING therapist_id",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(therapist) = therapist else {
            return Ok(false);
        };
        sqlx::query("UPDATE therapists SET password_hash = $2, must_change_password = FALSE WHERE id = $1")
            .bind(&therapist)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE therapist_id = $1").bind(&therapist).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }
}
