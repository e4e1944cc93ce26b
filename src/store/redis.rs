//! [`RedisStore`]: contexts, leases and rate-limit windows in Redis; every step that reads and
//! writes is one Lua script, so it is atomic on the server.
//!
//! Keys (with the default prefix `bunq-api`), the context key in braces so that one identity's
//! keys share a cluster slot: `bunq-api:{KEY}:context` (hash: `data`, `version`),
//! `bunq-api:{KEY}:lease` (hash: `token`, `holder`; expires with the lease) and
//! `bunq-api:{KEY}:fence` (the last fencing token handed out).

use super::{
    ContextStore, Lease, LeaseInfo, SharedLimiter, Slot, StoreFuture, Stored, Swap, check_key, failure, redacted_url,
};
use crate::Result;
use bunq_protocol::rate_limit::Limit;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::fmt;
use std::sync::LazyLock;
use std::time::Duration;

/// Compare-and-swap: the version must match and, with a fence, no later lease may exist.
static SWAP: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if version ~= tonumber(ARGV[1]) then return 0 end
if ARGV[2] ~= '' and tonumber(redis.call('GET', KEYS[2]) or '0') ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[3], 'version', version + 1)
return version + 1
",
    )
});

/// Takes the lease if nobody holds one; the token comes from a counter that only grows.
static ACQUIRE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'token', token, 'holder', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return token
",
    )
});

/// Drops the lease if it is still the caller's.
static RELEASE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
if tonumber(redis.call('HGET', KEYS[1], 'token') or '0') == tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
end
return 1
",
    )
});

/// Sets the lease's time to live again if it is still the caller's.
static EXTEND: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
if tonumber(redis.call('HGET', KEYS[1], 'token') or '0') ~= tonumber(ARGV[1]) then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
",
    )
});

/// Token, holder and milliseconds left of the lease, or nothing.
static INFO: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local lease = redis.call('HMGET', KEYS[1], 'token', 'holder')
local left = redis.call('PTTL', KEYS[1])
if not lease[1] or left <= 0 then return {} end
return {lease[1], lease[2] or '', tostring(left)}
",
    )
});

/// A Redis server as a [`ContextStore`] (and a [`SharedLimiter`]).
///
/// One multiplexed connection that reconnects by itself; each command times out after 5 s.
/// Plain TCP only (no TLS): use it on a trusted network, and seal contexts with a
/// [`ContextKey`](crate::ContextKey) — without one, anyone who can read the keys can act at bunq
/// as you.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    address: String,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore").field("address", &self.address).field("prefix", &self.prefix).finish()
    }
}

impl RedisStore {
    /// Connects to `redis://[user:password@]host[:port][/db]`.
    pub async fn connect(url: &str) -> Result<Self> {
        let address = redacted_url(url);
        let name = format!("Redis at {address}");
        let client = redis::Client::open(url).map_err(|e| failure(&name, problem(&e)))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(5)))
            .set_response_timeout(Some(Duration::from_secs(5)))
            .set_number_of_retries(2);
        let connection =
            ConnectionManager::new_with_config(client, config).await.map_err(|e| failure(&name, problem(&e)))?;
        Ok(Self { connection, prefix: "bunq-api".to_owned(), address })
    }

    /// Puts every key under `prefix` instead of `bunq-api`.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn name(&self) -> String {
        format!("Redis at {}", self.address)
    }

    fn key(&self, key: &str, part: &str) -> String {
        format!("{}:{{{key}}}:{part}", self.prefix)
    }

    /// Runs a script with these keys and arguments.
    async fn run<T: redis::FromRedisValue>(
        &self,
        script: &redis::Script,
        keys: &[String],
        args: &[&[u8]],
    ) -> Result<T> {
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(key);
        }
        for arg in args {
            invocation.arg(*arg);
        }
        invocation.invoke_async(&mut self.connection.clone()).await.map_err(|e| failure(&self.name(), problem(&e)))
    }
}

/// A driver error as a sentence, without anything the server echoed back.
fn problem(error: &redis::RedisError) -> String {
    if error.is_timeout() {
        "it did not answer within 5 s".to_owned()
    } else if error.is_connection_refusal() {
        "it cannot be reached (connection refused)".to_owned()
    } else if error.is_io_error() {
        // An I/O error's text is the operating system's, not the server's.
        format!("it cannot be reached ({error})")
    } else if error.is_connection_dropped() {
        "the connection was dropped".to_owned()
    } else {
        format!("it refused the command ({})", error.kind_description())
    }
}

/// The kind of a driver error, in the driver's words (never the server's message, which may
/// quote a command's arguments).
trait KindDescription {
    fn kind_description(&self) -> String;
}

impl KindDescription for redis::RedisError {
    fn kind_description(&self) -> String {
        match self.code() {
            Some(code) => format!("{:?}: {code}", self.kind()),
            None => format!("{:?}", self.kind()),
        }
    }
}

impl ContextStore for RedisStore {
    fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Stored>> {
        Box::pin(async move {
            check_key(key)?;
            let mut connection = self.connection.clone();
            let (data, version): (Option<Vec<u8>>, Option<u64>) = redis::cmd("HMGET")
                .arg(self.key(key, "context"))
                .arg("data")
                .arg("version")
                .query_async(&mut connection)
                .await
                .map_err(|e| failure(&self.name(), problem(&e)))?;
            Ok(data.zip(version).map(|(bytes, version)| Stored { version, bytes }))
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
            let fence = fence.map(|lease| lease.token.to_string()).unwrap_or_default();
            let keys = [self.key(key, "context"), self.key(key, "fence")];
            let written: u64 =
                self.run(&SWAP, &keys, &[expected.to_string().as_bytes(), fence.as_bytes(), bytes]).await?;
            Ok(if written == 0 { Swap::Conflict } else { Swap::Written(written) })
        })
    }

    fn acquire_lease<'a>(&'a self, key: &'a str, holder: &'a str, ttl: Duration) -> StoreFuture<'a, Option<Lease>> {
        Box::pin(async move {
            check_key(key)?;
            let ttl = ttl.as_millis().max(1).to_string();
            let keys = [self.key(key, "lease"), self.key(key, "fence")];
            let token: u64 = self.run(&ACQUIRE, &keys, &[holder.as_bytes(), ttl.as_bytes()]).await?;
            Ok((token != 0).then_some(Lease { token }))
        })
    }

    fn release_lease<'a>(&'a self, key: &'a str, lease: Lease) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            check_key(key)?;
            let _: u64 = self.run(&RELEASE, &[self.key(key, "lease")], &[lease.token.to_string().as_bytes()]).await?;
            Ok(())
        })
    }

    fn extend_lease<'a>(&'a self, key: &'a str, lease: Lease, ttl: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            check_key(key)?;
            let (token, ttl) = (lease.token.to_string(), ttl.as_millis().max(1).to_string());
            let kept: u64 = self.run(&EXTEND, &[self.key(key, "lease")], &[token.as_bytes(), ttl.as_bytes()]).await?;
            Ok(kept == 1)
        })
    }

    fn lease_info<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<LeaseInfo>> {
        Box::pin(async move {
            check_key(key)?;
            let info: Vec<String> = self.run(&INFO, &[self.key(key, "lease")], &[]).await?;
            let number = |text: &str| text.parse::<u64>().ok();
            let info = match info.as_slice() {
                [token, holder, left] => number(token).zip(number(left)).map(|(t, l)| (t, holder.clone(), l)),
                _ => None,
            };
            Ok(info.map(|(token, holder, left)| LeaseInfo { holder, token, expires_in: Duration::from_millis(left) }))
        })
    }
}

// The shared rate limiter in the same store.

/// `next_slot` of `bunq_protocol::rate_limit`, in Lua: prune, find the slot, book it.
static SLOT: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local calls, per = tonumber(ARGV[1]), tonumber(ARGV[2])
while true do
  local head = redis.call('LINDEX', KEYS[1], 0)
  if not head or tonumber(head) + per > now then break end
  redis.call('LPOP', KEYS[1])
end
local length = redis.call('LLEN', KEYS[1])
local slot = now
if length >= calls then
  local at = tonumber(redis.call('LINDEX', KEYS[1], length - calls)) + per
  if at > slot then slot = at end
end
if ARGV[3] == '1' then
  redis.call('RPUSH', KEYS[1], string.format('%d', slot))
  redis.call('PEXPIRE', KEYS[1], string.format('%d', slot - now + per))
end
return {slot - now, slot}
",
    )
});

/// Removes one booking at a time (others may have booked the same millisecond).
static CANCEL: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new("return redis.call('LREM', KEYS[1], 1, ARGV[1])"));

impl SharedLimiter for RedisStore {
    fn next_slot<'a>(&'a self, bucket: &'a str, endpoint: &'a str, limit: Limit, book: bool) -> StoreFuture<'a, Slot> {
        Box::pin(async move {
            let key = self.key(&format!("rate:{bucket}"), endpoint);
            let (calls, per) = (limit.calls.to_string(), limit.per.as_millis().to_string());
            let book = if book { "1" } else { "0" };
            let (wait, at): (u64, u64) =
                self.run(&SLOT, &[key], &[calls.as_bytes(), per.as_bytes(), book.as_bytes()]).await?;
            Ok(Slot { wait: Duration::from_millis(wait), at })
        })
    }

    fn cancel<'a>(&'a self, bucket: &'a str, endpoint: &'a str, at: u64) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let key = self.key(&format!("rate:{bucket}"), endpoint);
            let _: u64 = self.run(&CANCEL, &[key], &[at.to_string().as_bytes()]).await?;
            Ok(())
        })
    }
}
