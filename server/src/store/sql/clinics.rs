//! SQL of [`ClinicStore`]: clinics, therapists' profiles and passwords.

use super::{Db, This};
use crate::store::codec::{json, parse, parse_name};
use crate::store::{AccountState, ClinicStore, Millis, StoreError, StoreResult, TherapistRecord};
use async_trait::async_trait;
use homeplay_core::clinic::{Clinic, ClinicSettings, Therapist};
use homeplay_core::ids::{ClinicId, TherapistId};
use sqlx::{Pool, Row};

/// A therapist with the account's state: the row of `therapists t JOIN clinics c` with `t.doc, t.password_hash,
/// t.disabled_ms, t.must_change_password, t.totp_secret, c.two_factor_policy`.
pub(super) fn therapist_record(r: &<Db as sqlx::Database>::Row) -> StoreResult<TherapistRecord> {
    let policy: String = r.try_get("two_factor_policy")?;
    Ok(TherapistRecord {
        therapist: parse(&r.try_get::<String, _>("doc")?)?,
        password_hash: r.try_get("password_hash")?,
        account: AccountState {
            disabled: r.try_get::<Option<i64>, _>("disabled_ms")?.is_some(),
            must_change_password: r.try_get("must_change_password")?,
            totp_secret: r.try_get("totp_secret")?,
            clinic_policy: parse_name(&policy)?,
        },
    })
}

/// The one therapist `sql` finds by `key` (its `$1`), if any; it selects what [`therapist_record`] reads.
async fn fetch_therapist(pool: &Pool<Db>, sql: &'static str, key: String) -> StoreResult<Option<TherapistRecord>> {
    let row = sqlx::query(sql).bind(key).fetch_optional(pool).await?;
    row.map(|r| therapist_record(&r)).transpose()
}

#[async_trait]
impl ClinicStore for This {
    async fn insert_clinic(&self, clinic: &Clinic, now: Millis) -> StoreResult<()> {
        sqlx::query("INSERT INTO clinics (id, doc, created_ms) VALUES ($1, $2, $3)")
            .bind(clinic.id.to_string())
            .bind(json(clinic)?)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn clinic(&self, id: ClinicId) -> StoreResult<Option<Clinic>> {
        self.doc("SELECT doc FROM clinics WHERE id = $1", &[id.to_string()]).await
    }

    async fn insert_therapist(&self, t: &Therapist, password_hash: &str, now: Millis) -> StoreResult<()> {
        let result = sqlx::query(
            "INSERT INTO therapists (id, clinic_id, email, doc, password_hash, created_ms)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
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
        let sql = "SELECT t.doc, t.password_hash, t.disabled_ms, t.must_change_password, t.totp_secret,
                     c.two_factor_policy
                   FROM therapists t JOIN clinics c ON c.id = t.clinic_id WHERE t.email = $1";
        fetch_therapist(&self.pool, sql, email.to_lowercase()).await
    }

    async fn therapist(&self, id: TherapistId) -> StoreResult<Option<TherapistRecord>> {
        let sql = "SELECT t.doc, t.password_hash, t.disabled_ms, t.must_change_password, t.totp_secret,
                     c.two_factor_policy
                   FROM therapists t JOIN clinics c ON c.id = t.clinic_id WHERE t.id = $1";
        fetch_therapist(&self.pool, sql, id.to_string()).await
    }

    async fn therapists_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Therapist>> {
        self.docs("SELECT doc FROM therapists WHERE clinic_id = $1 ORDER BY email", &[clinic.to_string()]).await
    }

    async fn set_password(&self, id: TherapistId, password_hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE therapists SET password_hash = $2, must_change_password = FALSE WHERE id = $1")
            .bind(id.to_string())
            .bind(password_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn clinic_settings(&self, clinic: ClinicId) -> StoreResult<ClinicSettings> {
        let row = sqlx::query("SELECT locale, pain_advice_at, family_contact FROM clinics WHERE id = $1")
            .bind(clinic.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("clinic"))?;
        let advice_at: i64 = row.try_get("pain_advice_at")?;
        Ok(ClinicSettings {
            locale: row.try_get("locale")?,
            pain_advice_at: u8::try_from(advice_at).map_err(|_| StoreError::NotFound("pain advice threshold"))?,
            family_contact: row.try_get("family_contact")?,
        })
    }

    async fn set_clinic_settings(&self, clinic: ClinicId, settings: &ClinicSettings) -> StoreResult<()> {
        let done =
            sqlx::query("UPDATE clinics SET locale = $2, pain_advice_at = $3, family_contact = $4 WHERE id = $1")
                .bind(clinic.to_string())
                .bind(&settings.locale)
                .bind(i64::from(settings.pain_advice_at))
                .bind(settings.family_contact.as_deref())
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("clinic"));
        }
        Ok(())
    }
}
