//! Failures the hooks find. progenitor lets a hook fail only with `Error::Custom(String)`, so a
//! failure travels as the sentence a person reads — [`crate::Error`]'s `Display` — and is read
//! back into the same [`crate::Error`] from that sentence. Nothing but the sentence is in the text.

use crate::signing::SignatureError;

/// What the hooks can fail with: the parts of [`crate::Error`] that arise before progenitor
/// decodes an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HookFailure {
    Signature { problem: SignatureError, response_id: Option<String> },
    Unverified { status: u16, problem: SignatureError, retries: u32 },
    TooLarge { limit: usize },
    OutcomeUnknown { request_id: String, message: String },
    Context(String),
}

impl From<HookFailure> for crate::Error {
    fn from(failure: HookFailure) -> Self {
        match failure {
            HookFailure::Signature { problem, response_id } => Self::ServerSignature { problem, response_id },
            HookFailure::Unverified { status, problem, retries } => Self::Unverified { status, problem, retries },
            HookFailure::TooLarge { limit } => Self::ResponseTooLarge { limit },
            HookFailure::OutcomeUnknown { request_id, message } => Self::OutcomeUnknown { request_id, message },
            HookFailure::Context(message) => Self::Context(message),
        }
    }
}

impl std::fmt::Display for HookFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::Error::from(self.clone()).fmt(f)
    }
}

impl HookFailure {
    pub(crate) fn into_progenitor<E>(self) -> progenitor_client::Error<E> {
        progenitor_client::Error::Custom(self.to_string())
    }

    /// The failure a sentence of [`Display`](std::fmt::Display) stands for, if it is one.
    pub(crate) fn decode(sentence: &str) -> Option<Self> {
        let problems = [SignatureError::Missing, SignatureError::Malformed, SignatureError::Invalid];
        let mut candidates: Vec<HookFailure> = Vec::new();
        if let Some((_, response_id)) = crate::error::signature_parts(sentence) {
            candidates.extend(
                problems.map(|problem| HookFailure::Signature { problem, response_id: response_id.map(str::to_owned) }),
            );
        }
        if let Some((status, retries)) = crate::error::unverified_parts(sentence) {
            candidates.extend(problems.map(|problem| HookFailure::Unverified { status, problem, retries }));
        }
        if let Some(limit) = crate::error::too_large_limit(sentence) {
            candidates.push(HookFailure::TooLarge { limit });
        }
        if let Some((request_id, message)) = crate::error::outcome_unknown_parts(sentence) {
            candidates.push(HookFailure::OutcomeUnknown { request_id, message });
        }
        if let Some(message) = sentence.strip_prefix(crate::error::CONTEXT_PREFIX) {
            candidates.push(HookFailure::Context(message.to_owned()));
        }
        // A reading counts only if it says exactly the same sentence again.
        candidates.into_iter().find(|candidate| candidate.to_string() == sentence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_reads_back_from_its_sentence() {
        let failures = [
            HookFailure::Signature { problem: SignatureError::Invalid, response_id: Some("abc-1".into()) },
            HookFailure::Signature { problem: SignatureError::Missing, response_id: None },
            HookFailure::Signature { problem: SignatureError::Malformed, response_id: Some("a (b) c".into()) },
            HookFailure::Unverified { status: 429, problem: SignatureError::Missing, retries: 3 },
            HookFailure::Unverified { status: 503, problem: SignatureError::Invalid, retries: 0 },
            HookFailure::TooLarge { limit: 7 },
            HookFailure::OutcomeUnknown { request_id: "r-1".into(), message: "reset: by peer (os error 104)".into() },
            HookFailure::Context("no installation yet: create the API context first".into()),
        ];
        for failure in failures {
            let sentence = failure.to_string();
            assert!(!sentence.contains("bunq-api/"), "{sentence}");
            assert_eq!(HookFailure::decode(&sentence), Some(failure), "{sentence}");
        }
        assert_eq!(HookFailure::decode("something else"), None);
    }
}
