//! The session lifecycle: opening a session (`open.rs`), and renewing it — in this process
//! ([`Local`]) or once for every process sharing a store (`shared.rs`) — behind one
//! [`Renewal`] that the client state owns from the start.
//!
//! Every renewal goes through [`renew`]: the hooks' (a session about to expire, or refused by
//! bunq), and [`ApiContext::renew_session`](crate::ApiContext::renew_session)'s. It renews once
//! however many calls ask at the same moment, and then runs what the context was built to do
//! after a renewal (`ContextOptions::save_on_renew`).

mod open;
pub(crate) mod shared;

pub(crate) use open::{Local, open};

use crate::api::{Client, types};
use crate::saved::SavedSession;
use crate::{Error, Result};
use bunq_protocol::Secret;
use progenitor_client::ClientInfo;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// An open session.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    pub token: Secret,
    pub id: i64,
    pub user_id: types::UserId,
    pub expires_at: SystemTime,
    /// The session's user is a PSD2 payment service provider (`UserPaymentServiceProvider`).
    pub provider: bool,
}

impl From<&SavedSession> for Session {
    fn from(saved: &SavedSession) -> Self {
        Session {
            token: Secret::new(saved.token.clone()),
            id: saved.id,
            user_id: types::UserId(saved.user_id),
            expires_at: saved.expires_at(),
            provider: saved.provider,
        }
    }
}

impl From<&Session> for SavedSession {
    fn from(session: &Session) -> Self {
        SavedSession {
            token: session.token.expose().to_owned(),
            id: session.id,
            user_id: *session.user_id,
            expires_at: session.expires_at.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
            provider: session.provider,
        }
    }
}

/// Which session a renewal is after.
pub(crate) enum Want {
    /// One that is not about to expire (the current one is).
    Fresh,
    /// Any unexpired one but this token (bunq refused it, or the caller asked for a new one).
    Other(String),
    /// One that lasts longer than the local one (a periodic look in a store).
    Later(SystemTime),
}

/// A renewal's future: boxed, because opening a session is itself a call through the hooks,
/// which may renew; a named `Send` future keeps the compiler from chasing that cycle.
pub(crate) type RenewFuture = Pin<Box<dyn Future<Output = Result<()>> + Send>>;

/// How a context gets a new session into its client: [`Local`] opens one; a context opened
/// from a store takes one another process saved, or opens it under the store's lease.
pub(crate) trait Renewal: fmt::Debug + Send + Sync {
    /// Puts a session that `want` accepts into `client`.
    fn renew(self: Arc<Self>, client: Client, want: Want) -> RenewFuture;

    /// Before a call: take a session another process opened early, if it is time to look.
    fn sync_if_due(self: Arc<Self>, _client: Client) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(async {})
    }
}

/// What runs after each renewal (e.g. saving the context), given the renewed client.
pub(crate) type AfterRenewal = dyn Fn(&Client) + Send + Sync;

/// A client's sessions: how they are renewed, one renewal at a time, and what follows one.
/// Fixed when the client is built.
pub(crate) struct Sessions {
    renewal: Arc<dyn Renewal>,
    /// Held only while a new session is being got: one renewal at a time.
    renewing: tokio::sync::Mutex<()>,
    after: Option<Arc<AfterRenewal>>,
}

impl fmt::Debug for Sessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sessions").field("renewal", &self.renewal).finish_non_exhaustive()
    }
}

impl Sessions {
    pub(crate) fn new(renewal: Arc<dyn Renewal>, after: Option<Arc<AfterRenewal>>) -> Self {
        Self { renewal, renewing: tokio::sync::Mutex::new(()), after }
    }

    /// Before a call: see [`Renewal::sync_if_due`].
    pub(crate) async fn sync_if_due(&self, client: &Client) {
        self.renewal.clone().sync_if_due(client.clone()).await
    }
}

/// Gets `client` a session `want` accepts — once, however many calls ask at the same moment: a
/// call that waited while another renewed takes that session. A failure is
/// [`Error::Renewal`], carrying what went wrong (e.g. bunq's 403 for an IP not permitted).
pub(crate) async fn renew(client: &Client, want: Want) -> Result<Secret> {
    let state = client.inner();
    let sessions = state.sessions();
    let _one_at_a_time = sessions.renewing.lock().await;
    let replaced = match &want {
        Want::Fresh => state.fresh_session_token(),
        Want::Other(rejected) => state.session_token().filter(|t| t.expose() != rejected),
        Want::Later(_) => None,
    };
    if let Some(token) = replaced {
        return Ok(token);
    }
    sessions
        .renewal
        .clone()
        .renew(client.clone(), want)
        .await
        .map_err(|source| Error::Renewal { source: Box::new(source) })?;
    if let Some(after) = &sessions.after {
        after(client);
    }
    state.session_token().ok_or_else(|| Error::Context("the new session was not kept".to_owned()))
}
