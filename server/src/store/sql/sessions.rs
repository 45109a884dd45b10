//! SQL of [`SessionStore`]: dashboard sessions and rate limiters' attempts.

use super::This;
use crate::store::{Millis, RateAttempt, SessionRecord, SessionStore, StoreError, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::TherapistId;
use sqlx::Row;

#[async_trait]
impl SessionStore for This {
    async fn insert_session(&self, token_hash: &str, s: &SessionRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, therapist_id, csrf_token, created_ms, last_seen_ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(s.therapist_id.to_string())
        .bind(&s.csrf_token)
        .bind(s.created_ms)
        .bind(s.last_seen_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(
            "SELECT therapist_id, csrf_token, created_ms, last_seen_ms FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let id: String = r.try_get("therapist_id")?;
            Ok(SessionRecord {
                therapist_id: id.parse().map_err(|_| StoreError::NotFound("therapist id"))?,
                csrf_token: r.try_get("csrf_token")?,
                created_ms: r.try_get("created_ms")?,
                last_seen_ms: r.try_get("last_seen_ms")?,
            })
        })
        .transpose()
    }

    async fn touch_session(&self, token_hash: &str, now: Millis) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_ms = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    async fn delete_sessions_of(&self, therapist: TherapistId) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE therapist_id = $1")
            .bind(therapist.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn rate_attempt(&self, key: &str, max: u32, window_ms: Millis, now: Millis) -> StoreResult<RateAttempt> {
        // No transaction: each statement commits on its own, so attempts racing each other see each
        // other's rows and are refused together rather than let through together.
        let since = now - window_ms.max(1);
        sqlx::query("DELETE FROM rate_events WHERE at_ms <= $1").bind(since).execute(&self.pool).await?;
        let id: i64 = sqlx::query_scalar("INSERT INTO rate_events (key, at_ms) VALUES ($1, $2) RETURNING id")
            .bind(key)
            .bind(now)
            .fetch_one(&self.pool)
            .await?;
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(at_ms) AS oldest FROM rate_events WHERE key = $1 AND at_ms > $2 AND id <> $3",
        )
        .bind(key)
        .bind(since)
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let before: i64 = row.try_get("n")?;
        if before < i64::from(max) {
            return Ok(RateAttempt::Counted(id));
        }
        self.rate_forget(id).await?;
        let oldest: Option<i64> = row.try_get("oldest")?;
        Ok(RateAttempt::Refused { retry_after_ms: oldest.unwrap_or(now) + window_ms - now })
    }

    async fn rate_forget(&self, attempt: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM rate_events WHERE id = $1").bind(attempt).execute(&self.pool).await?;
        Ok(())
    }

    async fn rate_reset(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM rate_events WHERE key = $1").bind(key).execute(&self.pool).await?;
        Ok(())
    }
}
