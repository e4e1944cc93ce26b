//! Any bytes as the answer of any operation (the first two bytes pick it), and as bunq's error
//! envelope: an error or a value, never a panic.
#![no_main]

use std::sync::OnceLock;

use bunq_api::types::{ErrorResponse, PaymentListing};
use libfuzzer_sys::fuzz_target;

/// Every operation id of the embedded spec.
fn operations() -> &'static [String] {
    static IDS: OnceLock<Vec<String>> = OnceLock::new();
    IDS.get_or_init(|| {
        let spec: serde_json::Value = serde_json::from_str(bunq_api::documents::OPENAPI).expect("the spec is JSON");
        let paths = spec["paths"].as_object().expect("the spec has paths");
        paths
            .values()
            .filter_map(serde_json::Value::as_object)
            .flat_map(|item| item.values())
            .filter_map(|operation| operation.get("operationId")?.as_str().map(str::to_owned))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<ErrorResponse>(data);
    if let Ok(listing) = serde_json::from_slice::<PaymentListing>(data)
        && let Some(pagination) = listing.pagination.as_ref()
    {
        let _ = (pagination.older_id(), pagination.newer_id());
    }
    if let [high, low, body @ ..] = data {
        let operations = operations();
        let pick = usize::from(u16::from_be_bytes([*high, *low])) % operations.len();
        let _ = bunq_api::api::decode_answer(&operations[pick], body);
    }
});
