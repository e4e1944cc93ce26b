//! The shared limiter in Redis: one list of booked send times per bucket and endpoint, pruned
//! and booked by one Lua script on the server's clock (`TIME`), so every process sees one window.

use super::{SharedLimiter, Slot};
use crate::context::store::{RedisStore, StoreFuture};
use bunq_protocol::rate_limit::Limit;
use std::sync::LazyLock;
use std::time::Duration;

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
