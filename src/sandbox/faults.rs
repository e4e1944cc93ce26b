//! Fault injection: broken signatures, error storms, slow answers and dropped connections.

use super::Shared;
use std::sync::Arc;
use std::time::Duration;

/// A handle to make the sandbox misbehave on purpose (cheap to clone).
///
/// Every fault applies to the next `n` responses to calls that need a token — every call except
/// `POST /installation` and `POST /sandbox-user-person` (and paths the sandbox does not know) —
/// and then stops. Faults of different kinds combine; setting a kind again replaces its count.
///
/// * `fail`/`fail_unsigned` answer *instead of* executing the call;
/// * `delay` and `reset_connection` act *after* the call has executed, so a write happened even
///   though its answer comes late or never (what a client sees as "outcome unknown");
/// * `tamper_body`, `sign_with_wrong_key` and `drop_signature` spoil the signature of whatever
///   answer goes out, errors included.
#[derive(Clone)]
pub struct Faults {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Faults").field(&*super::lock(&self.shared.faults)).finish()
    }
}

/// The counts left of each fault.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    tamper: u32,
    wrong_key: u32,
    drop_signature: u32,
    fail: Option<(u16, bool)>,
    fail_left: u32,
    delay: Duration,
    delay_left: u32,
    reset: u32,
}

/// What to do to one response.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Answer with this status instead of executing; signed or not.
    pub fail: Option<(u16, bool)>,
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

impl FaultState {
    /// The faults for the next response, counted down.
    pub(crate) fn next(&mut self) -> Plan {
        Plan {
            fail: if take(&mut self.fail_left) { self.fail } else { None },
            delay: take(&mut self.delay_left).then_some(self.delay),
            reset: take(&mut self.reset),
            tamper: take(&mut self.tamper),
            wrong_key: take(&mut self.wrong_key),
            drop_signature: take(&mut self.drop_signature),
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
    fn edit(&self, change: impl FnOnce(&mut FaultState)) {
        change(&mut super::lock(&self.shared.faults));
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

    /// The next `n` calls are answered with `status` (429, 491, 500, 503, …) and an error body,
    /// signed, without being executed. A status outside 100–999 is answered as 500.
    pub fn fail(&self, status: u16, n: u32) {
        self.edit(|f| {
            f.fail = Some((status, true));
            f.fail_left = n;
        });
    }

    /// Like [`fail`](Self::fail), but the error comes without a signature.
    pub fn fail_unsigned(&self, status: u16, n: u32) {
        self.edit(|f| {
            f.fail = Some((status, false));
            f.fail_left = n;
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

    /// Stops every pending fault.
    pub fn clear(&self) {
        self.edit(|f| *f = FaultState::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_count_down_independently() {
        let mut state = FaultState { tamper: 2, fail: Some((503, true)), fail_left: 1, ..FaultState::default() };
        assert_eq!(state.next(), Plan { tamper: true, fail: Some((503, true)), ..Plan::default() });
        assert_eq!(state.next(), Plan { tamper: true, ..Plan::default() });
        assert_eq!(state.next(), Plan::default());
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
