//! What a handler gets ([`Call`]) and gives back ([`Output`], [`Failure`]), and the answer that
//! goes on the wire ([`Reply`]), written as bunq writes JSON.

use super::access::Caller;
use super::bank::BankError;
use super::listing::Page;
use super::router::PathId;
use super::spec::Operation;
use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::net::IpAddr;

/// A call that passed authentication, ready for its handler.
pub(crate) struct Call<'a> {
    pub operation: &'static Operation,
    pub ids: &'a [PathId],
    /// The request path without the query, e.g. `/v1/user/5/monetary-account`.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub body: &'a [u8],
    pub headers: &'a HeaderMap,
    pub caller: Option<Caller>,
    pub ip: IpAddr,
}

impl Call<'_> {
    /// The operation's id.
    pub(crate) fn op(&self) -> &'static str {
        &self.operation.id
    }

    /// The path's `n`th id as a number (`-1` when there is none).
    pub(crate) fn id(&self, n: usize) -> i64 {
        self.ids.get(n).and_then(PathId::int).unwrap_or(-1)
    }

    /// The path's last id.
    pub(crate) fn last_id(&self) -> Option<&PathId> {
        self.ids.last()
    }

    /// The body as the operation's request type.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Failure> {
        serde_json::from_slice(self.body)
            .map_err(|e| Failure::new(400, format!("The body does not fit this call: {e}.")))
    }

    /// The body as JSON; an empty body is `{}`.
    pub(crate) fn value(&self) -> Result<Value, Failure> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(json!({}));
        }
        serde_json::from_slice(self.body).map_err(|e| Failure::new(400, format!("The body is not JSON: {e}.")))
    }

    /// The listing parameters.
    pub(crate) fn page(&self) -> Result<Page, Failure> {
        Page::from_query(self.query).map_err(|m| Failure::new(400, m))
    }

    /// The installation behind the token.
    pub(crate) fn installation(&self) -> Result<i64, Failure> {
        self.caller.map(Caller::installation).ok_or_else(|| Failure::new(401, "This call needs a token."))
    }

    /// The session's user.
    pub(crate) fn session_user(&self) -> Result<i64, Failure> {
        match self.caller {
            Some(Caller::Session { user, .. }) => Ok(user),
            _ => Err(Failure::new(401, "This call needs a session token.")),
        }
    }

    /// The session's user, who must be the user in the path.
    pub(crate) fn path_user(&self) -> Result<i64, Failure> {
        let user = self.session_user()?;
        if self.id(0) == user { Ok(user) } else { Err(Failure::new(404, "No such user for this session.")) }
    }

    /// A request header as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What a handler answers with.
#[derive(Debug)]
pub(crate) enum Output {
    /// bunq's envelope (completed by the fill before it goes out).
    Json(Value),
    /// A file's bytes.
    File(Vec<u8>),
}

/// A refused call: status and description.
#[derive(Debug)]
pub(crate) struct Failure {
    pub status: u16,
    pub message: String,
}

impl Failure {
    pub(crate) fn new(status: u16, message: impl Into<String>) -> Self {
        Failure { status, message: message.into() }
    }

    /// 404 for an object that is not there for this user.
    pub(crate) fn not_found(what: &str) -> Self {
        Failure::new(404, format!("No such {what} for this user."))
    }
}

impl From<BankError> for Failure {
    fn from(error: BankError) -> Failure {
        match error {
            BankError::NotFound(what) => Failure::not_found(what),
            BankError::Refused(message) => Failure::new(490, message),
        }
    }
}

/// An answer: status and body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: &'static str,
    /// For 405: the methods the path takes.
    pub allow: Option<String>,
    /// For a redirect (302): where to.
    pub location: Option<String>,
    /// Given by bunq's front door (rate limiter, load balancer), not the API: no signature,
    /// no response id.
    pub front_door: bool,
}

impl Reply {
    /// `status` with a JSON body, written as bunq writes it.
    pub(crate) fn json(status: u16, value: &Value) -> Reply {
        match bunq_protocol::json::to_vec(value) {
            Ok(body) => {
                Reply { status, body, content_type: "application/json", allow: None, location: None, front_door: false }
            }
            Err(e) => Failure::new(500, format!("The sandbox could not encode its answer: {e}.")).into(),
        }
    }

    /// 200 with a file.
    pub(crate) fn file(body: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            body,
            content_type: "application/octet-stream",
            allow: None,
            location: None,
            front_door: false,
        }
    }

    /// bunq's rate limiter refusing a call: 429 with an error body, unsigned.
    pub(crate) fn rate_limited() -> Reply {
        let message = "Too many requests. You can do a limited number of calls per endpoint in a few seconds.";
        Reply { front_door: true, ..Failure::new(429, message).into() }
    }

    /// A load balancer's error page: an HTML body, unsigned.
    pub(crate) fn gateway(status: u16) -> Reply {
        let title = match status {
            502 => "502 Bad Gateway",
            503 => "503 Service Temporarily Unavailable",
            504 => "504 Gateway Time-out",
            _ => "Error",
        };
        let body = format!(
            "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n</body>\r\n</html>\r\n"
        );
        Reply {
            status,
            body: body.into_bytes(),
            content_type: "text/html",
            allow: None,
            location: None,
            front_door: true,
        }
    }
}

impl From<Failure> for Reply {
    fn from(failure: Failure) -> Reply {
        let error = json!({ "Error": [{
            "error_description": failure.message,
            "error_description_translated": failure.message,
        }] });
        let body = bunq_protocol::json::to_vec(&error).unwrap_or_default();
        Reply {
            status: failure.status,
            body,
            content_type: "application/json",
            allow: None,
            location: None,
            front_door: false,
        }
    }
}
