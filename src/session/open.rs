//! Opening a session (`POST /session-server`), working out when it expires, and [`Local`]:
//! the renewal of a context of its own, which opens one.

use super::{RenewFuture, Renewal, Session, Want};
use crate::api::{Client, types};
use crate::{Error, Result};
use bunq_protocol::Secret;
use progenitor_client::ClientInfo;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// bunq's default auto-logout time, used when the user object carries none.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(7 * 24 * 3600);

/// Opens a new session with the context's API key and stores it in the client.
pub(crate) async fn open(client: &Client) -> Result<()> {
    let api_key = client
        .inner()
        .credentials()
        .api_key
        .clone()
        .ok_or_else(|| Error::Context("no API key in this context".to_owned()))?;
    // The session's clock starts when the call goes: wait for bunq's session-server slot first
    // (the call books it), or a wait inside the call would make the session look longer-lived.
    let state = client.inner();
    if state.settings().rate_limits {
        let limit = bunq_protocol::rate_limit::bunq_limit("create_session_server", &http::Method::POST);
        state.limiter().wait_for_free_slot("create_session_server", limit).await?;
    }
    let started = SystemTime::now();
    let body = types::NewSessionServer { secret: api_key.expose().to_owned() };
    let response = client.create_session_server(&body).await?.into_inner();
    let session = from_response(response, started)?;
    client.inner().credentials_mut().session = Some(session);
    Ok(())
}

/// The renewal of a context not shared with other processes: it opens a session.
#[derive(Debug)]
pub(crate) struct Local;

impl Renewal for Local {
    fn renew(self: Arc<Self>, client: Client, _want: Want) -> RenewFuture {
        Box::pin(async move { open(&client).await })
    }
}

/// Token, id, user and expiry from a session-server response.
fn from_response(response: types::SessionServerCreated, started: SystemTime) -> Result<Session> {
    use types::SessionServerCreatedItem as Item;
    let (mut id, mut token, mut user, mut provider) = (None, None, None, false);
    for item in response.response {
        match item {
            Item::Id(object) => id = Some(object.id),
            Item::Token(t) => token = Some(t.token),
            Item::UserPerson(u) => user = Some((u.id, u.session_timeout)),
            Item::UserCompany(u) => user = Some((u.id, u.session_timeout)),
            Item::UserPaymentServiceProvider(u) => {
                provider = true;
                user = Some((u.id, u.session_timeout))
            }
            Item::UserApiKey(u) => user = Some((u.id, api_key_timeout(&u))),
        }
    }
    let missing = |what: &str| Error::Decode(format!("the session-server response has no {what}"));
    let (user_id, timeout) = user.ok_or_else(|| missing("user"))?;
    let timeout = timeout.and_then(|s| u64::try_from(s).ok()).map(Duration::from_secs).unwrap_or(DEFAULT_TIMEOUT);
    Ok(Session {
        token: Secret::new(token.ok_or_else(|| missing("token"))?),
        id: *id.ok_or_else(|| missing("id"))?,
        user_id,
        expires_at: started + timeout,
        provider,
    })
}

/// For an OAuth key the session lives as long as the requesting user's auto-logout time.
fn api_key_timeout(user: &types::UserApiKey) -> Option<i64> {
    let anchored = user.requested_by_user.as_ref()?;
    anchored
        .user_person
        .as_ref()
        .and_then(|u| u.session_timeout)
        .or_else(|| anchored.user_company.as_ref().and_then(|u| u.session_timeout))
        .or_else(|| anchored.user_payment_service_provider.as_ref().and_then(|u| u.session_timeout))
}
