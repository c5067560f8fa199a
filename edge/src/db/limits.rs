//! Rate limits: attempts counted per key in fixed windows.

use super::{first, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError};

/// The count of the current window after one more attempt, and when that window started.
pub(crate) struct Attempts {
    pub count: i64,
    pub window_start: i64,
}

impl FromRow for Attempts {
    const COLUMNS: &'static [&'static str] = &["count", "window_start"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Attempts { count: row.int("count")?, window_start: row.int("window_start")? })
    }
}

const COUNT: &str = "INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
     ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,
         window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END
     RETURNING count, window_start";

/// Counts one attempt under `key` (a window starts anew once `window` seconds have passed), in
/// one conditional upsert so concurrent attempts cannot slip past, and prunes windows a day old.
pub(crate) async fn count(sql: &dyn Sql, key: &str, window: i64, now: i64) -> Result<Attempts, StorageError> {
    let attempts = first::<Attempts>(sql, COUNT, vec![key.into(), now.into(), window.into()])
        .await?
        .ok_or_else(|| StorageError("rate limit upsert returned nothing".into()))?;
    // Windows a day old are pruned lazily here, so the table holds at most a day of keys.
    sql.batch(vec![Statement::new("DELETE FROM rate_limits WHERE window_start < ? AND key <> ?", vec![(now - 86_400).into(), key.into()])])
        .await
        .map_err(StorageError::from)?;
    Ok(attempts)
}

/// Takes one attempt back, if its window is still the current one.
pub(crate) fn refund(key: &str, window_start: i64) -> Statement {
    Statement::new(
        "UPDATE rate_limits SET count = count - 1 WHERE key = ? AND window_start = ? AND count > 0",
        vec![key.into(), window_start.into()],
    )
}

/// Forgets every attempt under `key`.
pub(crate) fn clear(key: &str) -> Statement {
    Statement::new("DELETE FROM rate_limits WHERE key = ?", vec![key.into()])
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    vec![super::checked::<Attempts>(COUNT)]
}
