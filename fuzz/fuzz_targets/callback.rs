//! Any bytes as a callback body from any address: a notification or a refusal, never a panic
//! (bunq does not sign callbacks, so this is what anyone on the network can send).
#![no_main]

use bunq_api::callbacks::Receiver;
use libfuzzer_sys::fuzz_target;
use std::net::{IpAddr, Ipv4Addr};

fuzz_target!(|body: &[u8]| {
    let receiver = Receiver::from_anywhere();
    let from = IpAddr::V4(Ipv4Addr::LOCALHOST);
    // Twice: the second delivery of the same event meets the duplicate check.
    let _ = receiver.receive(from, body);
    let _ = receiver.receive(from, body);
    let _ = Receiver::new().receive(from, body);
});
