//! Failures the hooks find. progenitor lets a hook fail only with `Error::Custom(String)`, so a
//! failure travels as the sentence a person reads — [`crate::Error`]'s `Display` — and is read
//! back into the same [`crate::Error`] from that sentence (in `error.rs`, next to `Display`).
//! Nothing but the sentence is in the text.

use bunq_protocol::signing::SignatureError;

/// What the hooks can fail with: the parts of [`crate::Error`] that arise before progenitor
/// decodes an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HookFailure {
    Signature { problem: SignatureError, response_id: Option<String> },
    Unverified { status: u16, problem: SignatureError, retries: u32 },
    TooLarge { limit: usize },
    OutcomeUnknown { request_id: String, message: String },
    Context(String),
    Store { store: String, problem: String },
}

impl From<HookFailure> for crate::Error {
    fn from(failure: HookFailure) -> Self {
        match failure {
            HookFailure::Signature { problem, response_id } => Self::ServerSignature { problem, response_id },
            HookFailure::Unverified { status, problem, retries } => Self::Unverified { status, problem, retries },
            HookFailure::TooLarge { limit } => Self::ResponseTooLarge { limit },
            HookFailure::OutcomeUnknown { request_id, message } => Self::OutcomeUnknown { request_id, message },
            HookFailure::Context(message) => Self::Context(message),
            HookFailure::Store { store, problem } => Self::Store { store, problem },
        }
    }
}

impl std::fmt::Display for HookFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::Error::from(self.clone()).fmt(f)
    }
}

impl HookFailure {
    /// An error met inside the hooks: a store failure stays one, anything else is a context problem.
    pub(crate) fn from_error(error: crate::Error, doing: &str) -> Self {
        match error {
            crate::Error::Store { store, problem } => Self::Store { store, problem },
            other => Self::Context(format!("{doing}: {other}")),
        }
    }

    pub(crate) fn into_progenitor<E>(self) -> progenitor_client::Error<E> {
        progenitor_client::Error::Custom(self.to_string())
    }
}
