//! bunq-api's tests, in one binary (the client, aws-lc and hyper are linked once): a module per
//! capability. Run one with `cargo test --test it MODULE::` (e.g. `cargo test --test it errors::`).

mod common;

mod amounts;
mod callbacks;
mod context_lifecycle;
mod context_stores;
mod decoding;
mod encryption;
mod errors;
mod faults;
mod fleet;
mod front_door;
mod listed_values;
mod logging;
mod module_graph;
mod oauth;
mod pinning;
mod psd2;
mod psd2_encryption_vectors;
mod sandbox_money;
mod sandbox_spec;
mod sandbox_state;
mod sandbox_wire;
mod save_durability;
mod secrets;
mod server_signatures;
mod session_renewal;
mod shared_context;
mod signing_vectors;
mod wrong_calls;
