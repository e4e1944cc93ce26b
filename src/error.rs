//! One error type for everything a call can run into.

use crate::api::types::{ErrorDetail, ErrorResponse};
use bunq_protocol::headers;
use bunq_protocol::keys::KeyError;
use bunq_protocol::signing::SignatureError;
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
    /// An answer without a valid server signature, acted on for its status alone: a 429 from
    /// bunq's rate limiter or a 502/503/504 from a load balancer in front of bunq, once the
    /// retries ran out. Its body was not read. The call was not executed (429) or was a read.
    Unverified {
        /// The status the answer carried.
        status: u16,
        /// How its signature failed.
        problem: SignatureError,
        /// Retries made before giving up.
        retries: u32,
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
    /// A context store or shared rate limiter (files, Redis, PostgreSQL) failed or could not be
    /// reached. Its text never holds stored bytes or passwords.
    Store {
        /// Which store, e.g. `Redis at redis://127.0.0.1:6379`.
        store: String,
        /// What went wrong.
        problem: String,
    },
    /// No new session could be got. The `is_*` helpers, [`Error::status`] and the others answer
    /// for `source`: a 403 from `POST /session-server` (IP not permitted) is `is_forbidden()`.
    Renewal {
        /// Why: bunq's answer, the transport, the store.
        source: Box<Error>,
    },
}

/// An error answer from bunq: `{"Error":[{"error_description":…}]}` with its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status (bunq uses 400, 401, 403, 404, 405, 429, 466, 490, 491, 500).
    pub status: u16,
    /// Every `error_description`, in order.
    pub descriptions: Vec<String>,
    /// Every `error_description_translated` (the same description in the user's language), in
    /// the same order; where bunq sent no translation, the description itself.
    pub descriptions_translated: Vec<String>,
    /// `X-Bunq-Client-Response-Id`: quote it to bunq support.
    pub response_id: Option<String>,
    /// `X-Bunq-Warning`, if bunq sent one.
    pub warning: Option<String>,
}

impl ApiError {
    /// bunq's error answer: its status, its headers and the items of its `Error` list.
    pub(crate) fn new(status: u16, headers: Option<&reqwest::header::HeaderMap>, details: Vec<ErrorDetail>) -> Self {
        let header = |name| headers.and_then(|headers| header(headers, name));
        let (descriptions, descriptions_translated) = details
            .into_iter()
            .map(|d| {
                let translated = d.error_description_translated.unwrap_or_else(|| d.error_description.clone());
                (d.error_description, translated)
            })
            .unzip();
        Self {
            status,
            descriptions,
            descriptions_translated,
            response_id: header(headers::RESPONSE_ID),
            warning: header(headers::WARNING),
        }
    }
}

impl Error {
    /// What went wrong in the end: the failure inside a failed renewal, else this error.
    fn cause(&self) -> &Self {
        match self {
            Self::Renewal { source } => source.cause(),
            other => other,
        }
    }

    /// The HTTP status, when bunq answered.
    pub fn status(&self) -> Option<u16> {
        match self.cause() {
            Self::Api(api) => Some(api.status),
            Self::Transport(e) => e.status().map(|s| s.as_u16()),
            Self::Unverified { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// bunq's `X-Bunq-Client-Response-Id`, when there was a response.
    pub fn response_id(&self) -> Option<&str> {
        match self.cause() {
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
    /// The response was not signed by bunq's key and was discarded as an attack.
    pub fn is_server_signature(&self) -> bool {
        matches!(self.cause(), Self::ServerSignature { .. })
    }
    /// An unsigned 429 or 502/503/504 from bunq's front door, after the retries (see [`Error::Unverified`]).
    pub fn is_unverified(&self) -> bool {
        matches!(self.cause(), Self::Unverified { .. })
    }
    /// No answer reached us (connection, timeout, TLS).
    pub fn is_transport(&self) -> bool {
        matches!(self.cause(), Self::Transport(_))
    }
    /// A context store or shared rate limiter failed or could not be reached.
    pub fn is_store(&self) -> bool {
        matches!(self.cause(), Self::Store { .. })
    }
    /// A write got no answer: it may have been executed.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self.cause(), Self::OutcomeUnknown { .. })
    }
    /// The descriptions bunq gave, if it answered with an error.
    pub fn descriptions(&self) -> &[String] {
        match self.cause() {
            Self::Api(api) => &api.descriptions,
            _ => &[],
        }
    }
    /// The same descriptions in the user's language, as bunq translated them (bunq's
    /// `error_description_translated`): what to show the person using your app.
    pub fn descriptions_translated(&self) -> &[String] {
        match self.cause() {
            Self::Api(api) => &api.descriptions_translated,
            _ => &[],
        }
    }
}

/// The start of the sentence for a refused server signature.
const SIGNATURE_REFUSED: &str = "bunq's answer was refused: its server signature is ";
const SIGNATURE_ADVICE: &str = ". An answer not signed with this installation's server key is treated as an attack \
and never used; if this keeps happening, check that the base URL points at bunq and that nothing on the way \
rewrites answers.";
/// The sentence for a store failure, around the store's name and the problem.
const STORE_FAILED: (&str, &str, &str) = (
    "the context store (",
    ") failed: ",
    ". Calls that need it wait or fail (ContextOptions::when_store_down); none goes ahead without it.",
);
/// The start of the sentence for a context problem.
const CONTEXT_PREFIX: &str = "the API context cannot make this call: ";
const TOO_LARGE: (&str, &str) = (
    "bunq's answer was larger than ",
    " bytes and was discarded; raise ContextOptions::max_response_bytes if answers this large are expected.",
);
const OUTCOME_UNKNOWN: (&str, &str, &str) = (
    "a write got no trustworthy answer (",
    "), so it may or may not have been executed. Look it up before acting on it, or send it again only under \
request id ",
    ": bunq refuses a request id it has seen.",
);

/// How an answer's server signature failed, as a phrase: "without a server signature", ….
fn signature_phrase(problem: SignatureError) -> &'static str {
    match problem {
        SignatureError::Missing => "without a server signature",
        SignatureError::Malformed => "with a malformed server signature",
        _ => "with a server signature that does not verify",
    }
}

fn retries_phrase(retries: u32) -> String {
    match retries {
        0 => String::new(),
        1 => ", still after 1 retry".to_owned(),
        n => format!(", still after {n} retries"),
    }
}

/// The sentence for an unverified front-door answer.
fn unverified_sentence(status: u16, problem: SignatureError, retries: u32) -> String {
    let (signature, retries) = (signature_phrase(problem), retries_phrase(retries));
    match status {
        429 => format!(
            "bunq's rate limiter answered 429 {signature}{retries}; the call was not executed. \
             Slow down and try again in a few seconds."
        ),
        502..=504 => format!(
            "a load balancer in front of bunq answered {status} {signature}{retries}; bunq may be briefly \
             unavailable. Try again in a little while."
        ),
        _ => format!("an answer with status {status} came {signature}{retries} and was not used."),
    }
}

/// What to do about an error status bunq gave, as a sentence (empty when the descriptions say it).
fn advice(status: u16) -> &'static str {
    match status {
        400 => " Check the request against bunq's documentation.",
        401 => " The token is wrong or expired: open a new session.",
        403 => " The API key may not be used from this IP address, or the call is not allowed for it.",
        404 => " Check the ids in the call: they must name objects of this user.",
        405 => " This endpoint does not take this method.",
        429 => " Too many calls: wait a few seconds and try again.",
        466 => " The request signature is missing or wrong: check the installation key.",
        491 => " bunq is in maintenance: try again later.",
        500..=599 => " bunq failed to answer: try again later.",
        _ => "",
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => {
                write!(f, "bunq refused the call with status {}", api.status)?;
                if !api.descriptions.is_empty() {
                    // bunq's descriptions end in a full stop; the sentence goes on after them.
                    write!(f, ": {}", api.descriptions.join("; ").trim_end_matches('.'))?;
                }
                if let Some(id) = &api.response_id {
                    write!(f, " (response id {id})")?;
                }
                f.write_str(".")?;
                f.write_str(advice(api.status))
            }
            Self::ServerSignature { problem, response_id } => {
                write!(f, "{SIGNATURE_REFUSED}{problem}")?;
                if let Some(id) = response_id {
                    write!(f, " (response id {id})")?;
                }
                f.write_str(SIGNATURE_ADVICE)
            }
            Self::Unverified { status, problem, retries } => {
                f.write_str(&unverified_sentence(*status, *problem, *retries))
            }
            Self::ResponseTooLarge { limit } => write!(f, "{}{limit}{}", TOO_LARGE.0, TOO_LARGE.1),
            Self::Transport(e) => {
                write!(f, "no answer from the server ({e}); check the network connection and the base URL")
            }
            Self::OutcomeUnknown { request_id, message } => {
                let (start, middle, end) = OUTCOME_UNKNOWN;
                write!(f, "{start}{message}{middle}{request_id}{end}")
            }
            Self::Decode(message) => write!(f, "bunq's answer does not have the expected shape: {message}"),
            Self::InvalidRequest(message) => write!(f, "the request could not be made: {message}"),
            Self::Context(message) => write!(f, "{CONTEXT_PREFIX}{message}"),
            Self::ContextFile { path, problem } => {
                write!(f, "the context file {} cannot be used: {problem}", path.display())
            }
            Self::Key(e) => write!(f, "the key cannot be used: {e}"),
            Self::Store { store, problem } => {
                let (start, middle, end) = STORE_FAILED;
                write!(f, "{start}{store}{middle}{problem}{end}")
            }
            Self::Renewal { source } => write!(f, "{CONTEXT_PREFIX}could not open a new session: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(e) => Some(e),
            Self::Key(e) => Some(e),
            Self::ServerSignature { problem, .. } | Self::Unverified { problem, .. } => Some(problem),
            Self::Renewal { source } => Some(&**source),
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
            E::ErrorResponse(value) => {
                let (status, headers) = (value.status().as_u16(), value.headers().clone());
                Self::Api(ApiError::new(status, Some(&headers), value.into_inner().error))
            }
            E::UnexpectedResponse(response) => {
                Self::Api(ApiError::new(response.status().as_u16(), Some(response.headers()), Vec::new()))
            }
            E::CommunicationError(e) | E::ResponseBodyError(e) | E::InvalidUpgrade(e) => Self::Transport(e),
            // The payload is not quoted: it may hold tokens.
            E::InvalidResponsePayload(_, e) => Self::Decode(e.to_string()),
            E::InvalidRequest(message) => Self::InvalidRequest(message),
            E::Custom(message) => pending::claim(&message).unwrap_or(Self::InvalidRequest(message)),
        }
    }
}

/// Failures of the hooks on their way through progenitor, whose hooks can fail only with
/// `Error::Custom(String)`: the hook files its [`Error`] here and hands progenitor its sentence
/// with the key it was filed under; `From<progenitor_client::Error>` takes it out by that key.
/// So the typed value arrives as it was (a sentence is never read back into an error), and
/// anyone who prints progenitor's error directly still reads the sentence.
///
/// Bounded: a failure nobody converts (a caller who drops or only prints progenitor's error)
/// stays until `CAPACITY` later ones push it out; its text then reads as
/// [`Error::InvalidRequest`]. A conversion happens right after the call, so that is far more
/// than the failures in flight at once.
pub(crate) mod pending {
    use super::Error;
    use std::collections::VecDeque;
    use std::sync::Mutex;

    pub(super) const CAPACITY: usize = 1024;
    /// Before the key at the end of the text: it tells a reader of progenitor's error where
    /// the details went.
    const KEY_MARK: &str = " (bunq_api::Error #";

    struct Table {
        next: u64,
        entries: VecDeque<(u64, Error)>,
    }

    static TABLE: Mutex<Table> = Mutex::new(Table { next: 0, entries: VecDeque::new() });

    fn table() -> std::sync::MutexGuard<'static, Table> {
        TABLE.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Files `error`; the text for `Error::Custom`: its sentence and its key.
    pub(crate) fn file(error: Error) -> String {
        let sentence = error.to_string();
        let mut table = table();
        let key = table.next;
        table.next += 1;
        if table.entries.len() == CAPACITY {
            table.entries.pop_front();
        }
        table.entries.push_back((key, error));
        format!("{sentence}{KEY_MARK}{key})")
    }

    /// The error filed under the key `text` ends with, taken out of the table.
    pub(super) fn claim(text: &str) -> Option<Error> {
        let key: u64 = text.strip_suffix(')')?.rsplit_once(KEY_MARK)?.1.parse().ok()?;
        let mut table = table();
        let index = table.entries.iter().position(|(filed, _)| *filed == key)?;
        table.entries.remove(index).map(|(_, error)| error)
    }
}
