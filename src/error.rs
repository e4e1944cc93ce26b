//! One error type for everything a call can run into.

use crate::api::types::ErrorResponse;
use crate::headers;
use crate::keys::KeyError;
use crate::signing::SignatureError;
use std::fmt;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong. Match on it, or ask with the `is_*` helpers.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// bunq answered with an error status.
    Api(ApiError),
    /// The response's `X-Bunq-Server-Signature` was missing or wrong; the response was discarded.
    ServerSignature {
        /// Missing, malformed or not matching.
        problem: SignatureError,
        /// bunq's id of the discarded response, if it had one.
        response_id: Option<String>,
    },
    /// The response body was larger than the client accepts; it was discarded.
    ResponseTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// No answer: connection refused or reset, timeout, TLS failure.
    Transport(reqwest::Error),
    /// A write was sent but no answer came back: it may or may not have been executed.
    /// Do not resend it blindly; send it again under the same request id
    /// ([`crate::with_request_id`]) — bunq refuses an id it has seen — or look it up first.
    OutcomeUnknown {
        /// The `X-Bunq-Client-Request-Id` the write was sent with.
        request_id: String,
        /// What went wrong on the way.
        message: String,
    },
    /// The answer did not have the shape the spec says.
    Decode(String),
    /// The request could not be built or sent as asked.
    InvalidRequest(String),
    /// The context cannot serve the call (e.g. no session yet, or a closed one).
    Context(String),
    /// A context file could not be read or written.
    ContextFile {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// A key could not be generated, loaded or used.
    Key(KeyError),
}

/// An error answer from bunq: `{"Error":[{"error_description":…}]}` with its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status (bunq uses 400, 401, 403, 404, 405, 429, 466, 490, 491, 500).
    pub status: u16,
    /// Every `error_description`, in order.
    pub descriptions: Vec<String>,
    /// `X-Bunq-Client-Response-Id`: quote it to bunq support.
    pub response_id: Option<String>,
    /// `X-Bunq-Warning`, if bunq sent one.
    pub warning: Option<String>,
}

impl Error {
    /// The HTTP status, when bunq answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::Transport(e) => e.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// bunq's `X-Bunq-Client-Response-Id`, when there was a response.
    pub fn response_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.response_id.as_deref(),
            Self::ServerSignature { response_id, .. } => response_id.as_deref(),
            _ => None,
        }
    }

    /// 401: the token is wrong or expired.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }
    /// 403: e.g. the IP address is not permitted for this API key.
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403)
    }
    /// 404: no such object.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
    /// 429: too many requests; wait and try again.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }
    /// 466: bunq wanted a valid request signature.
    pub fn is_signature_required(&self) -> bool {
        self.status() == Some(466)
    }
    /// 490: a parameter is missing or invalid (e.g. insufficient funds); see the descriptions.
    pub fn is_user_error(&self) -> bool {
        self.status() == Some(490)
    }
    /// 491: bunq is in maintenance.
    pub fn is_maintenance(&self) -> bool {
        self.status() == Some(491)
    }
    /// 5xx: bunq failed.
    pub fn is_server_error(&self) -> bool {
        self.status().is_some_and(|s| (500..600).contains(&s))
    }
    /// The response was not signed by bunq's key and was discarded.
    pub fn is_server_signature(&self) -> bool {
        matches!(self, Self::ServerSignature { .. })
    }
    /// No answer reached us (connection, timeout, TLS).
    pub fn is_transport(&self) -> bool {
        matches!(self, Self::Transport(_))
    }
    /// A write got no answer: it may have been executed.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Self::OutcomeUnknown { .. })
    }
    /// The descriptions bunq gave, if it answered with an error.
    pub fn descriptions(&self) -> &[String] {
        match self {
            Self::Api(api) => &api.descriptions,
            _ => &[],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => {
                write!(f, "bunq answered {}", api.status)?;
                if !api.descriptions.is_empty() {
                    write!(f, ": {}", api.descriptions.join("; "))?;
                }
                if let Some(id) = &api.response_id {
                    write!(f, " (response id {id})")?;
                }
                match api.status {
                    401 => f.write_str("; the token is wrong or expired: open a new session"),
                    429 => f.write_str("; rate limited: wait a few seconds and retry"),
                    466 => f.write_str("; the request signature is missing or wrong: check the installation key"),
                    491 => f.write_str("; bunq is in maintenance: retry later"),
                    _ => Ok(()),
                }
            }
            Self::ServerSignature { problem, response_id } => {
                write!(f, "response rejected, its server signature is {problem}")?;
                if let Some(id) = response_id {
                    write!(f, " (response id {id})")?;
                }
                f.write_str("; it was not signed by the server key of this installation and was treated as an attack")
            }
            Self::ResponseTooLarge { limit } => {
                write!(f, "response body over {limit} bytes; it was discarded (raise the limit if this is expected)")
            }
            Self::Transport(e) => write!(f, "no answer from the server: {e}"),
            Self::OutcomeUnknown { request_id, message } => write!(
                f,
                "a write got no answer ({message}); it may have been executed: retry it only under request id {request_id}"
            ),
            Self::Decode(message) => write!(f, "unexpected response shape: {message}"),
            Self::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Self::Context(message) => write!(f, "API context: {message}"),
            Self::ContextFile { path, problem } => write!(f, "context file {}: {problem}", path.display()),
            Self::Key(e) => write!(f, "key: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(e) => Some(e),
            Self::Key(e) => Some(e),
            Self::ServerSignature { problem, .. } => Some(problem),
            _ => None,
        }
    }
}

impl From<KeyError> for Error {
    fn from(e: KeyError) -> Self {
        Self::Key(e)
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Self::Transport(e)
    }
}

fn header(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

impl From<progenitor_client::Error<ErrorResponse>> for Error {
    fn from(e: progenitor_client::Error<ErrorResponse>) -> Self {
        use progenitor_client::Error as E;
        match e {
            E::ErrorResponse(value) => Self::Api(ApiError {
                status: value.status().as_u16(),
                response_id: header(value.headers(), headers::RESPONSE_ID),
                warning: header(value.headers(), headers::WARNING),
                descriptions: value.into_inner().error.into_iter().map(|d| d.error_description).collect(),
            }),
            E::UnexpectedResponse(response) => Self::Api(ApiError {
                status: response.status().as_u16(),
                response_id: header(response.headers(), headers::RESPONSE_ID),
                warning: header(response.headers(), headers::WARNING),
                descriptions: Vec::new(),
            }),
            E::CommunicationError(e) | E::ResponseBodyError(e) | E::InvalidUpgrade(e) => Self::Transport(e),
            // The payload is not quoted: it may hold tokens.
            E::InvalidResponsePayload(_, e) => Self::Decode(e.to_string()),
            E::InvalidRequest(message) => Self::InvalidRequest(message),
            E::Custom(message) => crate::hook_failure::HookFailure::decode(&message).into(),
        }
    }
}
