//! Failures the hooks find, carried through progenitor's `Error::Custom(String)` (the only
//! error a hook can return) and decoded back into [`crate::Error`] without loss.

use crate::signing::SignatureError;

#[derive(Debug)]
pub(crate) enum HookFailure {
    Signature { problem: SignatureError, response_id: Option<String> },
    TooLarge { limit: usize },
    OutcomeUnknown { request_id: String, message: String },
    Context(String),
    Other(String),
}

const TAG: &str = "bunq-api/";

impl HookFailure {
    pub fn encode(&self) -> String {
        match self {
            Self::Signature { problem, response_id } => {
                let code = match problem {
                    SignatureError::Missing => "signature-missing",
                    SignatureError::Malformed => "signature-malformed",
                    _ => "signature-invalid",
                };
                format!("{TAG}{code} {}: server signature {problem}", response_id.as_deref().unwrap_or("-"))
            }
            Self::TooLarge { limit } => format!("{TAG}too-large {limit}: response body over {limit} bytes"),
            Self::OutcomeUnknown { request_id, message } => format!("{TAG}outcome-unknown {request_id}: {message}"),
            Self::Context(message) => format!("{TAG}context -: {message}"),
            Self::Other(message) => message.clone(),
        }
    }

    pub fn decode(message: &str) -> Self {
        let parsed = message.strip_prefix(TAG).and_then(|rest| {
            let (head, text) = rest.split_once(": ")?;
            let (code, argument) = head.split_once(' ')?;
            let response_id = (argument != "-").then(|| argument.to_owned());
            let signature = |problem| Self::Signature { problem, response_id: response_id.clone() };
            Some(match code {
                "signature-missing" => signature(SignatureError::Missing),
                "signature-malformed" => signature(SignatureError::Malformed),
                "signature-invalid" => signature(SignatureError::Invalid),
                "too-large" => Self::TooLarge { limit: argument.parse().ok()? },
                "outcome-unknown" => Self::OutcomeUnknown { request_id: argument.to_owned(), message: text.to_owned() },
                "context" => Self::Context(text.to_owned()),
                _ => return None,
            })
        });
        parsed.unwrap_or_else(|| Self::Other(message.to_owned()))
    }

    pub fn into_progenitor<E>(self) -> progenitor_client::Error<E> {
        progenitor_client::Error::Custom(self.encode())
    }
}

impl From<HookFailure> for crate::Error {
    fn from(failure: HookFailure) -> Self {
        match failure {
            HookFailure::Signature { problem, response_id } => Self::ServerSignature { problem, response_id },
            HookFailure::TooLarge { limit } => Self::ResponseTooLarge { limit },
            HookFailure::OutcomeUnknown { request_id, message } => Self::OutcomeUnknown { request_id, message },
            HookFailure::Context(message) => Self::Context(message),
            HookFailure::Other(message) => Self::InvalidRequest(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_survive_the_round_trip() {
        let failure = HookFailure::Signature { problem: SignatureError::Invalid, response_id: Some("abc-1".into()) };
        match HookFailure::decode(&failure.encode()) {
            HookFailure::Signature { problem: SignatureError::Invalid, response_id } => {
                assert_eq!(response_id.as_deref(), Some("abc-1"))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            HookFailure::decode(&HookFailure::TooLarge { limit: 7 }.encode()),
            HookFailure::TooLarge { limit: 7 }
        ));
        let unknown = HookFailure::OutcomeUnknown { request_id: "r-1".into(), message: "reset: by peer".into() };
        match HookFailure::decode(&unknown.encode()) {
            HookFailure::OutcomeUnknown { request_id, message } => {
                assert_eq!((request_id.as_str(), message.as_str()), ("r-1", "reset: by peer"))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(HookFailure::decode("something else"), HookFailure::Other(_)));
    }
}
