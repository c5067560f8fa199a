//! Rate limits: how many attempts a key may make per window, counted in the database so every
//! instance sees the same count.

use crate::db::limits;
use crate::error::ApiError;
use crate::ports::{Sql, Statement};

/// Counts one attempt under `key`; refuses with 429 once `limit` attempts fall in the window.
/// One conditional upsert, so concurrent attempts cannot slip past the limit.
pub async fn rate_limit(sql: &dyn Sql, key: &str, limit: i64, window: i64, now: i64) -> Result<(), ApiError> {
    count_attempt(sql, key, limit, window, now).await.map(|_| ())
}

/// One attempt counted by [`count_attempt`]: the key and the window it was counted in.
#[derive(Debug)]
pub struct CountedAttempt {
    key: String,
    window_start: i64,
}

impl CountedAttempt {
    /// Takes the attempt back (it succeeded), if its window is still the current one.
    pub fn refund(&self) -> Statement {
        limits::refund(&self.key, self.window_start)
    }
}

/// [`rate_limit`] that also returns the counted attempt, so a success can be handed back.
pub async fn count_attempt(sql: &dyn Sql, key: &str, limit: i64, window: i64, now: i64) -> Result<CountedAttempt, ApiError> {
    let attempts = limits::count(sql, key, window, now).await?;
    if attempts.count > limit {
        return Err(ApiError::TooManyRequests { retry_after: (attempts.window_start + window - now).max(1) });
    }
    Ok(CountedAttempt { key: key.to_owned(), window_start: attempts.window_start })
}
