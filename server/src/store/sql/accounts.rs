//! SQL of [`AccountStore`]: disabled accounts, temporary passwords, the second factor, pending sign-ins.

use super::clinics::therapist_record;
use super::{Db, This, begin};
use crate::store::codec::{name_of, parse_name};
use crate::store::{AccountStore, Millis, StoreResult, TherapistRecord, TwoFactorPolicy};
use async_trait::async_trait;
use homeplay_core::ids::{ClinicId, TherapistId};

/// Drops the therapist's recovery codes, with the second factor they belonged to (turned off, or replaced).
async fn delete_recovery_codes(tx: &mut sqlx::Transaction<'_, Db>, id: TherapistId) -> StoreResult<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE therapist_id = $1").bind(id.to_string()).execute(&mut **tx).await?;
    Ok(())
}

#[async_trait]
impl AccountStore for This {
    async fn set_disabled(&self, clinic: ClinicId, id: TherapistId, disabled: Option<Millis>) -> StoreResult<bool> {
        let mut tx = begin(&self.pool).await?;
        let done = sqlx::query("UPDATE therapists SET disabled_ms = $3 WHERE id = $1 AND clinic_id = $2")
            .bind(id.to_string())
            .bind(clinic.to_string())
            .bind(disabled)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        if disabled.is_some() {
            sqlx::query("DELETE FROM sessions WHERE therapist_id = $1").bind(id.to_string()).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM login_challenges WHERE therapist_id = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn set_must_change_password(&self, id: TherapistId, must: bool) -> StoreResult<()> {
        sqlx::query("UPDATE therapists SET must_change_password = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(must)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn accounts_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<TherapistRecord>> {
        let rows = sqlx::query(
            "SELECT t.doc, t.password_hash, t.disabled_ms, t.must_change_password, t.totp_secret,
               c.two_factor_policy
             FROM therapists t JOIN clinics c ON c.id = t.clinic_id WHERE t.clinic_id = $1 ORDER BY t.email",
        )
        .bind(clinic.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(therapist_record).collect()
    }

    async fn two_factor_policy(&self, clinic: ClinicId) -> StoreResult<TwoFactorPolicy> {
        let name: Option<String> = sqlx::query_scalar("SELECT two_factor_policy FROM clinics WHERE id = $1")
            .bind(clinic.to_string())
            .fetch_optional(&self.pool)
            .await?;
        name.map(|n| parse_name(&n)).transpose().map(Option::unwrap_or_default)
    }

    async fn set_two_factor_policy(&self, clinic: ClinicId, policy: TwoFactorPolicy) -> StoreResult<()> {
        sqlx::query("UPDATE clinics SET two_factor_policy = $2 WHERE id = $1")
            .bind(clinic.to_string())
            .bind(name_of(&policy)?)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_totp_pending(&self, id: TherapistId, secret: Option<&str>) -> StoreResult<()> {
        sqlx::query("UPDATE therapists SET totp_pending = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(secret)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn totp_pending(&self, id: TherapistId) -> StoreResult<Option<String>> {
        let pending: Option<Option<String>> = sqlx::query_scalar("SELECT totp_pending FROM therapists WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        Ok(pending.flatten())
    }

    async fn enable_totp(&self, id: TherapistId, recovery_hashes: &[String]) -> StoreResult<bool> {
        let mut tx = begin(&self.pool).await?;
        let done = sqlx::query(
            "UPDATE therapists SET totp_secret = totp_pending, totp_pending = NULL
             WHERE id = $1 AND totp_pending IS NOT NULL",
        )
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        delete_recovery_codes(&mut tx, id).await?;
        for hash in recovery_hashes {
            sqlx::query("INSERT INTO recovery_codes (therapist_id, code_hash) VALUES ($1, $2)")
                .bind(id.to_string())
                .bind(hash)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn take_totp_step(&self, id: TherapistId, step: i64) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE therapists SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2")
            .bind(id.to_string())
            .bind(step)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn use_recovery_code(&self, id: TherapistId, code_hash: &str, now: Millis) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_ms = $3
             WHERE therapist_id = $1 AND code_hash = $2 AND used_ms IS NULL",
        )
        .bind(id.to_string())
        .bind(code_hash)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn recovery_codes_left(&self, id: TherapistId) -> StoreResult<u32> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE therapist_id = $1 AND used_ms IS NULL")
                .bind(id.to_string())
                .fetch_one(&self.pool)
                .await?;
        Ok(u32::try_from(n).unwrap_or(0))
    }

    async fn reset_totp(&self, clinic: ClinicId, id: TherapistId) -> StoreResult<bool> {
        let mut tx = begin(&self.pool).await?;
        let done = sqlx::query(
            "UPDATE therapists SET totp_secret = NULL, totp_pending = NULL WHERE id = $1 AND clinic_id = $2",
        )
        .bind(id.to_string())
        .bind(clinic.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        delete_recovery_codes(&mut tx, id).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn insert_login_challenge(&self, token_hash: &str, id: TherapistId, expires: Millis) -> StoreResult<()> {
        sqlx::query("INSERT INTO login_challenges (token_hash, therapist_id, expires_ms) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(id.to_string())
            .bind(expires)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn login_challenge(&self, token_hash: &str, now: Millis) -> StoreResult<Option<TherapistId>> {
        sqlx::query("DELETE FROM login_challenges WHERE expires_ms <= $1").bind(now).execute(&self.pool).await?;
        let id: Option<String> = sqlx::query_scalar("SELECT therapist_id FROM login_challenges WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(id.and_then(|i| i.parse().ok()))
    }

    async fn delete_login_challenge(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_challenges WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }
}
