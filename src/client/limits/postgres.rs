//! The shared limiter in PostgreSQL: one row of booked send times per bucket and endpoint, locked
//! for the length of one transaction (the upsert takes the row lock), on the server's clock.

use super::{SharedLimiter, Slot};
use crate::context::store::{PostgresStore, StoreFuture};
use bunq_protocol::rate_limit::{Limit, next_slot};
use std::time::Duration;

/// Makes the row if needed and locks it; its slots and the server's time in milliseconds.
const LOCK_WINDOW: &str = "
INSERT INTO bunq_api_rate_windows AS w (bucket, endpoint) VALUES ($1, $2)
ON CONFLICT (bucket, endpoint) DO UPDATE SET slots = w.slots
RETURNING slots, (extract(epoch FROM clock_timestamp()) * 1000)::bigint";

const PEEK_WINDOW: &str = "
SELECT coalesce((SELECT slots FROM bunq_api_rate_windows WHERE bucket = $1 AND endpoint = $2), '{}'),
       (extract(epoch FROM clock_timestamp()) * 1000)::bigint";

/// Removes one booking at `$3` (others may have booked the same millisecond).
const CANCEL: &str = "
UPDATE bunq_api_rate_windows
SET slots = slots[:array_position(slots, $3::bigint) - 1] || slots[array_position(slots, $3::bigint) + 1:]
WHERE bucket = $1 AND endpoint = $2 AND array_position(slots, $3::bigint) IS NOT NULL";

impl SharedLimiter for PostgresStore {
    fn next_slot<'a>(&'a self, bucket: &'a str, endpoint: &'a str, limit: Limit, book: bool) -> StoreFuture<'a, Slot> {
        Box::pin(async move {
            let mut connection = self.connection().await?;
            let window_and_now = |row: tokio_postgres::Row| {
                let slots: Vec<i64> = row.get(0);
                (slots.into_iter().map(|s| s.max(0) as u64).collect::<Vec<u64>>(), row.get::<_, i64>(1).max(0) as u64)
            };
            if !book {
                let row = connection.query_one(PEEK_WINDOW, &[&bucket, &endpoint]).await.map_err(|e| self.fail(&e))?;
                let (mut window, now) = window_and_now(row);
                let slot = next_slot(&mut window, limit, now, false);
                return Ok(Slot { wait: Duration::from_millis(slot - now), at: slot });
            }
            let transaction = connection.transaction().await.map_err(|e| self.fail(&e))?;
            let row = transaction.query_one(LOCK_WINDOW, &[&bucket, &endpoint]).await.map_err(|e| self.fail(&e))?;
            let (mut window, now) = window_and_now(row);
            let slot = next_slot(&mut window, limit, now, true);
            let slots: Vec<i64> = window.into_iter().map(|s| s as i64).collect();
            transaction
                .execute(
                    "UPDATE bunq_api_rate_windows SET slots = $3 WHERE bucket = $1 AND endpoint = $2",
                    &[&bucket, &endpoint, &slots],
                )
                .await
                .map_err(|e| self.fail(&e))?;
            transaction.commit().await.map_err(|e| self.fail(&e))?;
            Ok(Slot { wait: Duration::from_millis(slot - now), at: slot })
        })
    }

    fn cancel<'a>(&'a self, bucket: &'a str, endpoint: &'a str, at: u64) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let connection = self.connection().await?;
            connection.execute(CANCEL, &[&bucket, &endpoint, &(at as i64)]).await.map_err(|e| self.fail(&e))?;
            Ok(())
        })
    }
}
