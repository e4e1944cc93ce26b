//! Errors the hooks make travel through progenitor as the sentence `Display` prints
//! (`progenitor_client::Error::Custom`) and come back as the same `bunq_api::Error`.

use bunq_api::Error;
use bunq_api::signing::SignatureError;
use bunq_api::types::ErrorResponse;

/// The error `?` makes of a hook failure that travelled through progenitor as its sentence.
fn through_progenitor(sentence: &str) -> Error {
    Error::from(progenitor_client::Error::<ErrorResponse>::Custom(sentence.to_owned()))
}

/// Every answer a caller can ask an error for.
fn answers(error: &Error) -> String {
    format!(
        "status {:?}, response id {:?}, descriptions {:?}, unauthorized {} forbidden {} not found {} \
         rate limited {} signature required {} user error {} maintenance {} server error {} \
         server signature {} unverified {} transport {} outcome unknown {}",
        error.status(),
        error.response_id(),
        error.descriptions(),
        error.is_unauthorized(),
        error.is_forbidden(),
        error.is_not_found(),
        error.is_rate_limited(),
        error.is_signature_required(),
        error.is_user_error(),
        error.is_maintenance(),
        error.is_server_error(),
        error.is_server_signature(),
        error.is_unverified(),
        error.is_transport(),
        error.is_outcome_unknown(),
    )
}

#[test]
fn every_hook_failure_reads_back_from_its_sentence() {
    let failures = [
        Error::ServerSignature { problem: SignatureError::Invalid, response_id: Some("abc-1".into()) },
        Error::ServerSignature { problem: SignatureError::Missing, response_id: None },
        Error::ServerSignature { problem: SignatureError::Malformed, response_id: Some("a (b) c".into()) },
        Error::Unverified { status: 429, problem: SignatureError::Missing, retries: 3 },
        Error::Unverified { status: 503, problem: SignatureError::Invalid, retries: 0 },
        Error::ResponseTooLarge { limit: 7 },
        Error::OutcomeUnknown { request_id: "r-1".into(), message: "reset: by peer (os error 104)".into() },
        Error::Context("no installation yet: create the API context first".into()),
    ];
    for failure in failures {
        let sentence = failure.to_string();
        assert!(!sentence.contains("bunq-api/"), "{sentence}");
        let back = through_progenitor(&sentence);
        assert_eq!(back.to_string(), sentence);
        assert_eq!(answers(&back), answers(&failure), "{sentence}");
        // The same variant with the same fields.
        assert_eq!(format!("{back:?}"), format!("{failure:?}"), "{sentence}");
    }
}

#[test]
fn other_sentences_are_not_read_as_hook_failures() {
    let error = through_progenitor("something else");
    assert!(matches!(&error, Error::InvalidRequest(message) if message == "something else"), "{error:?}");
}
