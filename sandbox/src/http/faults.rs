//! Fault injection: broken signatures, error storms, bunq's front door, slow answers and
//! dropped connections.

use super::Shared;
use std::sync::Arc;
use std::time::Duration;

/// A handle to make the sandbox misbehave on purpose (cheap to clone).
///
/// Every fault applies to the next `n` responses to calls that need a token — every call except
/// `POST /installation` and `POST /sandbox-user-person` (and paths the sandbox does not know) —
/// and then stops. [`reads`](Self::reads) and [`writes`](Self::writes) give a handle whose faults
/// count only GETs, or only the other methods. Faults of different kinds combine; setting a kind
/// again replaces its count.
///
/// * `fail`, `fail_unsigned` and `gateway_error` answer *instead of* executing the call;
/// * `forge_after_executing`, `delay` and `reset_connection` act *after* the call has executed,
///   so a write happened even though its answer is unsigned, late or never comes;
/// * `tamper_body`, `sign_with_wrong_key` and `drop_signature` spoil the signature of whatever
///   answer goes out, errors included.
#[derive(Clone)]
pub struct Faults {
    pub(crate) shared: Arc<Shared>,
    pub(crate) scope: Scope,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Faults").field("scope", &self.scope).field("state", &*super::lock(&self.shared.faults)).finish()
    }
}

/// Which calls a fault counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    All,
    Reads,
    Writes,
}

/// How an answer given instead of (or after) the call looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Substitute {
    /// bunq's error JSON, signed.
    Signed(u16),
    /// bunq's error JSON, unsigned: bunq's rate limiter (429).
    Unsigned(u16),
    /// An HTML page, unsigned: a load balancer in front of bunq (502/503/504).
    Gateway(u16),
}

/// The counts left of each fault, for one scope.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    tamper: u32,
    wrong_key: u32,
    drop_signature: u32,
    instead: Option<Substitute>,
    instead_left: u32,
    after: Option<Substitute>,
    after_left: u32,
    delay: Duration,
    delay_left: u32,
    reset: u32,
}

/// The counts of every scope.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    all: Counts,
    reads: Counts,
    writes: Counts,
}

/// What to do to one response.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Answer this instead of executing.
    pub instead: Option<Substitute>,
    /// Execute, then answer this.
    pub after: Option<Substitute>,
    pub delay: Option<Duration>,
    pub reset: bool,
    pub tamper: bool,
    pub wrong_key: bool,
    pub drop_signature: bool,
}

/// Uses up one of `left`; says whether there was one.
fn take(left: &mut u32) -> bool {
    let had = *left > 0;
    *left = left.saturating_sub(1);
    had
}

impl Counts {
    fn next(&mut self) -> Plan {
        Plan {
            instead: if take(&mut self.instead_left) { self.instead } else { None },
            after: if take(&mut self.after_left) { self.after } else { None },
            delay: take(&mut self.delay_left).then_some(self.delay),
            reset: take(&mut self.reset),
            tamper: take(&mut self.tamper),
            wrong_key: take(&mut self.wrong_key),
            drop_signature: take(&mut self.drop_signature),
        }
    }
}

impl Plan {
    /// Both plans at once; `self` wins where both substitute an answer.
    fn and(self, other: Plan) -> Plan {
        Plan {
            instead: self.instead.or(other.instead),
            after: self.after.or(other.after),
            delay: self.delay.or(other.delay),
            reset: self.reset || other.reset,
            tamper: self.tamper || other.tamper,
            wrong_key: self.wrong_key || other.wrong_key,
            drop_signature: self.drop_signature || other.drop_signature,
        }
    }
}

impl FaultState {
    /// The faults for the next response to a call (`read`: a GET), counted down.
    pub(crate) fn next(&mut self, read: bool) -> Plan {
        let scoped = if read { self.reads.next() } else { self.writes.next() };
        scoped.and(self.all.next())
    }

    fn counts(&mut self, scope: Scope) -> &mut Counts {
        match scope {
            Scope::All => &mut self.all,
            Scope::Reads => &mut self.reads,
            Scope::Writes => &mut self.writes,
        }
    }
}

/// Changes a signed body so that it stays JSON but no longer matches its signature: the last
/// digit is bumped (a balance or id changes), or a space is added when there is none.
pub(crate) fn tamper(body: &mut Vec<u8>) {
    match body.iter_mut().rev().find(|b| b.is_ascii_digit()) {
        Some(digit) => *digit = b'0' + (*digit - b'0' + 1) % 10,
        None => body.push(b' '),
    }
}

impl Faults {
    fn edit(&self, change: impl FnOnce(&mut Counts)) {
        change(super::lock(&self.shared.faults).counts(self.scope));
    }

    /// A handle whose faults count only reads (GET).
    pub fn reads(&self) -> Faults {
        Faults { shared: self.shared.clone(), scope: Scope::Reads }
    }

    /// A handle whose faults count only writes (POST, PUT, DELETE).
    pub fn writes(&self) -> Faults {
        Faults { shared: self.shared.clone(), scope: Scope::Writes }
    }

    /// The next `n` bodies are changed after signing.
    pub fn tamper_body(&self, n: u32) {
        self.edit(|f| f.tamper = n);
    }

    /// The next `n` responses are signed with a key other than the server key.
    pub fn sign_with_wrong_key(&self, n: u32) {
        self.edit(|f| f.wrong_key = n);
    }

    /// The next `n` responses carry no `X-Bunq-Server-Signature`.
    pub fn drop_signature(&self, n: u32) {
        self.edit(|f| f.drop_signature = n);
    }

    fn instead(&self, substitute: Substitute, n: u32) {
        self.edit(|f| {
            f.instead = Some(substitute);
            f.instead_left = n;
        });
    }

    /// The next `n` calls are answered with `status` (429, 491, 500, 503, …) and an error body,
    /// signed, without being executed. A status outside 100–999 is answered as 500.
    pub fn fail(&self, status: u16, n: u32) {
        self.instead(Substitute::Signed(status), n);
    }

    /// Like [`fail`](Self::fail), but the error comes without a signature — as bunq's rate
    /// limiter answers its 429s.
    pub fn fail_unsigned(&self, status: u16, n: u32) {
        self.instead(Substitute::Unsigned(status), n);
    }

    /// The next `n` calls are answered by "a load balancer": `status` (502, 503, 504) with an
    /// HTML page and no signature, without being executed.
    pub fn gateway_error(&self, status: u16, n: u32) {
        self.instead(Substitute::Gateway(status), n);
    }

    /// The next `n` calls execute, then are answered with an unsigned `status` (bunq's error
    /// JSON) instead of their real answer: a forger on the path, or a proxy that gave up late.
    pub fn forge_after_executing(&self, status: u16, n: u32) {
        self.edit(|f| {
            f.after = Some(Substitute::Unsigned(status));
            f.after_left = n;
        });
    }

    /// The next `n` answers are held back for `by` (after the call has executed).
    pub fn delay(&self, by: Duration, n: u32) {
        self.edit(|f| {
            f.delay = by;
            f.delay_left = n;
        });
    }

    /// The next `n` calls execute, then their connection is closed without an answer.
    pub fn reset_connection(&self, n: u32) {
        self.edit(|f| f.reset = n);
    }

    /// Ends every open session now: their tokens get 401 from the next call on.
    pub fn expire_sessions(&self) {
        super::lock(&self.shared.world).access.end_all_sessions();
    }

    /// Stops every pending fault, of every scope.
    pub fn clear(&self) {
        *super::lock(&self.shared.faults) = FaultState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_count_down_independently() {
        let mut state = FaultState::default();
        state.all.tamper = 2;
        state.all.instead = Some(Substitute::Signed(503));
        state.all.instead_left = 1;
        assert_eq!(state.next(true), Plan { tamper: true, instead: Some(Substitute::Signed(503)), ..Plan::default() });
        assert_eq!(state.next(false), Plan { tamper: true, ..Plan::default() });
        assert_eq!(state.next(true), Plan::default());
    }

    #[test]
    fn scoped_faults_count_only_their_calls() {
        let mut state = FaultState::default();
        state.reads.drop_signature = 1;
        state.writes.reset = 1;
        assert_eq!(state.next(false), Plan { reset: true, ..Plan::default() });
        assert_eq!(state.next(false), Plan::default());
        assert_eq!(state.next(true), Plan { drop_signature: true, ..Plan::default() });
        assert_eq!(state.next(true), Plan::default());
    }

    #[test]
    fn tampering_keeps_json_but_changes_bytes() {
        let mut body = br#"{"Response":[{"Id":{"id":19}}]}"#.to_vec();
        tamper(&mut body);
        assert_eq!(body, br#"{"Response":[{"Id":{"id":10}}]}"#);
        let mut empty = b"{}".to_vec();
        tamper(&mut empty);
        assert_eq!(empty, b"{} ");
    }
}
