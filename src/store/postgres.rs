//! [`PostgresStore`]: contexts, leases and rate-limit windows in PostgreSQL. Each step is one
//! statement (or one transaction holding a row lock), on the server's clock.
//!
//! Tables, created on connect if missing: `bunq_api_contexts` (`key`, `data`, `version`, `fence`,
//! `lease_holder`, `lease_until`) and `bunq_api_rate_windows` (`bucket`, `endpoint`, `slots`).

use super::{
    ContextStore, Lease, LeaseInfo, SharedLimiter, Slot, StoreFuture, Stored, Swap, check_key, failure, redacted_url,
};
use crate::Result;
use bunq_protocol::rate_limit::{Limit, next_slot};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;
use tokio_postgres::NoTls;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS bunq_api_contexts (
    key text PRIMARY KEY,
    data bytea,
    version bigint NOT NULL DEFAULT 0,
    fence bigint NOT NULL DEFAULT 0,
    lease_holder text,
    lease_until timestamptz
);
CREATE TABLE IF NOT EXISTS bunq_api_rate_windows (
    bucket text NOT NULL,
    endpoint text NOT NULL,
    slots bigint[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (bucket, endpoint)
);";

/// Any number: the advisory lock that keeps two processes from creating the tables at once.
const SCHEMA_LOCK: i64 = 0x6275_6e71_5f73_746f;

/// The first write of a key (expected version 0): the row may exist already, made by a lease.
const CREATE: &str = "
INSERT INTO bunq_api_contexts AS c (key, data, version) VALUES ($1, $2, 1)
ON CONFLICT (key) DO UPDATE SET data = excluded.data, version = c.version + 1
    WHERE c.version = 0 AND ($3::bigint IS NULL OR c.fence = $3)
RETURNING version";

const UPDATE: &str = "
UPDATE bunq_api_contexts SET data = $2, version = version + 1
WHERE key = $1 AND version = $4 AND ($3::bigint IS NULL OR fence = $3)
RETURNING version";

const ACQUIRE: &str = "
INSERT INTO bunq_api_contexts AS c (key, fence, lease_holder, lease_until)
VALUES ($1, 1, $2, clock_timestamp() + $3::float8 * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE
    SET fence = c.fence + 1, lease_holder = excluded.lease_holder, lease_until = excluded.lease_until
    WHERE c.lease_until IS NULL OR c.lease_until <= clock_timestamp()
RETURNING fence";

/// A PostgreSQL database as a [`ContextStore`] (and a [`SharedLimiter`]).
///
/// A pool of up to 8 plain connections (no TLS: use it on a trusted network or a local socket);
/// statements time out after 5 s. Seal contexts with a [`ContextKey`](crate::ContextKey) — without
/// one, anyone who can read `bunq_api_contexts` can act at bunq as you.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    address: String,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore").field("address", &self.address).finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to `postgres://user[:password]@host[:port]/database` (or a `key=value`
    /// connection string) and creates the tables if they are missing.
    pub async fn connect(url: &str) -> Result<Self> {
        let address = if url.contains("://") { redacted_url(url) } else { "(a connection string)".to_owned() };
        let name = format!("PostgreSQL at {address}");
        let mut config = tokio_postgres::Config::from_str(url)
            .map_err(|_| failure(&name, "the address is not a PostgreSQL connection string"))?;
        config.connect_timeout(Duration::from_secs(5));
        config.options("-c statement_timeout=5000 -c lock_timeout=5000");
        config.application_name("bunq-api");
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(8)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(5)))
            .create_timeout(Some(Duration::from_secs(5)))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(|e| failure(&name, format!("cannot make a connection pool: {e}")))?;
        let store = Self { pool, address };
        store.create_tables().await?;
        Ok(store)
    }

    fn name(&self) -> String {
        format!("PostgreSQL at {}", self.address)
    }

    /// A connection from the pool.
    async fn connection(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(|e| {
            let problem = match e {
                deadpool_postgres::PoolError::Backend(e) => problem(&e),
                deadpool_postgres::PoolError::Timeout(_) => "it cannot be reached (no connection within 5 s)".into(),
                other => format!("no connection ({other})"),
            };
            failure(&self.name(), problem)
        })
    }

    /// A driver error as this store's [`crate::Error::Store`].
    fn fail(&self, error: &tokio_postgres::Error) -> crate::Error {
        failure(&self.name(), problem(error))
    }

    async fn create_tables(&self) -> Result<()> {
        let mut connection = self.connection().await?;
        let transaction = connection.transaction().await.map_err(|e| self.fail(&e))?;
        transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK]).await.map_err(|e| self.fail(&e))?;
        transaction.batch_execute(SCHEMA).await.map_err(|e| self.fail(&e))?;
        transaction.commit().await.map_err(|e| self.fail(&e))
    }
}

/// A driver error as a sentence: the server's message and code, never a statement's parameters.
fn problem(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("it refused the statement ({}: {})", db.code().code(), db.message()),
        None if error.is_closed() => "the connection was closed".to_owned(),
        None => match std::error::Error::source(error) {
            Some(io) if io.is::<std::io::Error>() => format!("it cannot be reached ({io})"),
            _ => format!("it failed ({error})"),
        },
    }
}

impl ContextStore for PostgresStore {
    fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Stored>> {
        Box::pin(async move {
            check_key(key)?;
            let connection = self.connection().await?;
            let statement = "SELECT data, version FROM bunq_api_contexts WHERE key = $1 AND data IS NOT NULL";
            let row = connection.query_opt(statement, &[&key]).await.map_err(|e| self.fail(&e))?;
            Ok(row.map(|row| Stored { bytes: row.get(0), version: row.get::<_, i64>(1) as u64 }))
        })
    }

    fn compare_and_swap<'a>(
        &'a self,
        key: &'a str,
        expected: u64,
        fence: Option<Lease>,
        bytes: &'a [u8],
    ) -> StoreFuture<'a, Swap> {
        Box::pin(async move {
            check_key(key)?;
            let connection = self.connection().await?;
            let fence = fence.map(|lease| lease.token as i64);
            let row = if expected == 0 {
                connection.query_opt(CREATE, &[&key, &bytes, &fence]).await
            } else {
                connection.query_opt(UPDATE, &[&key, &bytes, &fence, &(expected as i64)]).await
            };
            let row = row.map_err(|e| self.fail(&e))?;
            Ok(row.map_or(Swap::Conflict, |row| Swap::Written(row.get::<_, i64>(0) as u64)))
        })
    }

    fn acquire_lease<'a>(&'a self, key: &'a str, holder: &'a str, ttl: Duration) -> StoreFuture<'a, Option<Lease>> {
        Box::pin(async move {
            check_key(key)?;
            let connection = self.connection().await?;
            let ttl = ttl.as_secs_f64() * 1000.0;
            let row = connection.query_opt(ACQUIRE, &[&key, &holder, &ttl]).await.map_err(|e| self.fail(&e))?;
            Ok(row.map(|row| Lease { token: row.get::<_, i64>(0) as u64 }))
        })
    }

    fn release_lease<'a>(&'a self, key: &'a str, lease: Lease) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            check_key(key)?;
            let connection = self.connection().await?;
            let statement = "UPDATE bunq_api_contexts SET lease_until = NULL WHERE key = $1 AND fence = $2";
            connection.execute(statement, &[&key, &(lease.token as i64)]).await.map_err(|e| self.fail(&e))?;
            Ok(())
        })
    }

    fn extend_lease<'a>(&'a self, key: &'a str, lease: Lease, ttl: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            check_key(key)?;
            let connection = self.connection().await?;
            let statement = "UPDATE bunq_api_contexts \
                SET lease_until = clock_timestamp() + $3::float8 * interval '1 millisecond' \
                WHERE key = $1 AND fence = $2 AND lease_until > clock_timestamp()";
            let ttl = ttl.as_secs_f64() * 1000.0;
            let kept =
                connection.execute(statement, &[&key, &(lease.token as i64), &ttl]).await.map_err(|e| self.fail(&e))?;
            Ok(kept == 1)
        })
    }

    fn lease_info<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<LeaseInfo>> {
        Box::pin(async move {
            check_key(key)?;
            let connection = self.connection().await?;
            let statement = "SELECT fence, coalesce(lease_holder, ''), \
                (extract(epoch FROM lease_until - clock_timestamp()) * 1000)::bigint \
                FROM bunq_api_contexts WHERE key = $1 AND lease_until > clock_timestamp()";
            let row = connection.query_opt(statement, &[&key]).await.map_err(|e| self.fail(&e))?;
            Ok(row.map(|row| LeaseInfo {
                token: row.get::<_, i64>(0) as u64,
                holder: row.get(1),
                expires_in: Duration::from_millis(row.get::<_, i64>(2).max(0) as u64),
            }))
        })
    }
}

// The shared rate limiter in the same store.

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
