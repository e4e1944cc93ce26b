//! Any bytes as any response envelope: an error or a value, never a panic.
#![no_main]

use bunq_api::types::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<PaymentListing>(data);
    let _ = serde_json::from_slice::<MonetaryAccountListing>(data);
    let _ = serde_json::from_slice::<UserListing>(data);
    let _ = serde_json::from_slice::<CreateSessionServerResponse>(data);
    let _ = serde_json::from_slice::<CreateInstallationResponse>(data);
    let _ = serde_json::from_slice::<PaymentBatchResponse>(data);
    let _ = serde_json::from_slice::<ErrorResponse>(data);
    if let Ok(listing) = serde_json::from_slice::<PaymentListing>(data) {
        if let Some(pagination) = listing.pagination.as_ref() {
            let _ = (pagination.older_id(), pagination.newer_id());
        }
    }
});
