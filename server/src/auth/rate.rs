//! Rate limits on what can be guessed (passwords, pairing codes, second factors): sliding windows kept in the
//! database, so every server instance shares them and `Retry-After` says when the window really has room.
//! Keys are hashed before they are stored, so whatever length a caller sends, a key costs one short row.

use super::tokens::sha256_hex;
use crate::error::{ApiResult, Failure};
use crate::state::{AppState, now_ms};
use crate::store::RateAttempt;

/// One counted attempt, to be uncounted if it succeeds.
#[derive(Debug, Clone)]
pub struct Counted {
    id: i64,
}

/// A limiter key: which limit it is (`login:ip`, `login:account` …), for metrics, and its stored form.
#[derive(Debug, Clone)]
pub struct Key {
    kind: &'static str,
    stored: String,
}

/// The key of limit `kind` for `value`. Only the kind is ever shown (as a metrics label); the value, an email
/// or an address, is kept hashed.
pub fn key(kind: &'static str, value: &str) -> Key {
    Key { kind, stored: sha256_hex(format!("{kind}\u{0}{value}")) }
}

/// Counts an attempt against `key`; refuses with 429 and a true `Retry-After` once `max` attempts fall in the
/// window (a refused attempt is not counted, so waiting the time it says is always enough).
pub async fn attempt(state: &AppState, key: &Key, max: u32) -> ApiResult<Counted> {
    let window = state.limits.rate_window_ms();
    match state.store.rate_attempt(&key.stored, max, window, now_ms()).await? {
        RateAttempt::Counted(id) => Ok(Counted { id }),
        RateAttempt::Refused { retry_after_ms } => {
            crate::metrics::rate_limited(key.kind);
            let secs = u64::try_from(retry_after_ms.max(0)).unwrap_or(0).div_ceil(1000).max(1);
            Err(Failure::rate_limited(secs))
        }
    }
}

/// Counts attempts against several limiters at once; if any refuses, none of them keeps the attempt.
pub async fn attempt_all(state: &AppState, limits: &[(&Key, u32)]) -> ApiResult<Vec<Counted>> {
    let mut counted = Vec::with_capacity(limits.len());
    for (key, max) in limits {
        match attempt(state, key, *max).await {
            Ok(c) => counted.push(c),
            Err(refused) => {
                forget(state, counted).await?;
                return Err(refused);
            }
        }
    }
    Ok(counted)
}

/// Uncounts attempts that succeeded: only failures count against a limit.
pub async fn forget(state: &AppState, counted: Vec<Counted>) -> ApiResult<()> {
    for c in counted {
        state.store.rate_forget(c.id).await?;
    }
    Ok(())
}

/// Clears a limiter (after a success, the failures before it no longer count).
pub async fn reset(state: &AppState, key: &Key) -> ApiResult<()> {
    state.store.rate_reset(&key.stored).await?;
    Ok(())
}
