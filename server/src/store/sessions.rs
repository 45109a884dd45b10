//! Sessions of the dashboard (only hashes of tokens are stored) and the rate limiters' attempts.

use super::{Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::TherapistId;

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub therapist_id: TherapistId,
    pub csrf_token: String,
    pub created_ms: Millis,
    pub last_seen_ms: Millis,
}

/// What a rate limiter made of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateAttempt {
    /// Counted, as this attempt (to uncount it should it succeed).
    Counted(i64),
    /// Too many already: not counted; the window has room again after this long.
    Refused { retry_after_ms: Millis },
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert_session(&self, token_hash: &str, session: &SessionRecord) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    async fn touch_session(&self, token_hash: &str, now: Millis) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    async fn delete_sessions_of(&self, therapist: TherapistId) -> StoreResult<()>;

    /// Counts an attempt against `key` unless `max` attempts already fall in the sliding window of `window_ms`
    /// ending `now`; then it is not counted, and the answer says when the oldest of them leaves the window.
    /// Attempts older than the window are purged (of every key). Kept in the database so that several server
    /// instances share one limit. `key` should be a hash: it is stored as given.
    async fn rate_attempt(&self, key: &str, max: u32, window_ms: Millis, now: Millis) -> StoreResult<RateAttempt>;
    /// Uncounts one attempt (it succeeded, and only failures count).
    async fn rate_forget(&self, attempt: i64) -> StoreResult<()>;
    /// Uncounts every attempt of `key` (a success resets the count).
    async fn rate_reset(&self, key: &str) -> StoreResult<()>;
}
