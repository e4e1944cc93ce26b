//! Any text as the URL an OAuth redirect brought back: a code or an error, never a panic.
#![no_main]

use bunq_api::Environment;
use bunq_api::oauth::OAuthApp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|redirect: &str| {
    let app = OAuthApp::new(&Environment::Sandbox, "client", "secret", "https://app.example/back");
    let _ = app.code_from_redirect(redirect, "expected-state");
    let _ = app.code_from_redirect(redirect, "");
});
