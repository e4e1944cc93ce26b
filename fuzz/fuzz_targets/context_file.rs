//! Any bytes as a saved context file: restored or refused with a reason, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bunq_api::fuzzing::parse_context_file(data);
});
