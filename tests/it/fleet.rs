//! The fleet example as the figures' test: 4 worker processes x 16 calls in flight share one
//! context through each store, against the embedded sandbox with bunq's rate limits on and
//! 20 s sessions. One installation, one device, one session-server call per expiry, no failed
//! call, no 429; and a worker killed while it holds the renewal lease holds the others up no
//! longer than the lease. `BUNQ_FLEET_SECONDS` sets the length (default 40; the README's
//! figures are of 60 s runs). The stores' fleets run at the same time, each with its own sandbox.

use crate::common;

use std::process::Command;

const SESSION: f64 = 20.0;
const MARGIN: f64 = 2.0;
/// Short enough that the survivors renew within the run after the kill.
const LEASE: f64 = 5.0;

fn seconds() -> u64 {
    std::env::var("BUNQ_FLEET_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(40)
}

/// The number after `label` on the line that starts with it.
fn figure(output: &str, label: &str) -> f64 {
    let line = output.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("no `{label}` in:\n{output}"));
    let rest = line[label.len()..].trim_start();
    let number: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    number.parse().unwrap_or_else(|_| panic!("`{line}` has no number"))
}

/// Runs the fleet with the store at `address`; its output.
fn fleet(address: &str, extra: &[&str]) -> String {
    let mut features = Vec::new();
    if cfg!(feature = "redis") {
        features.push("redis");
    }
    if cfg!(feature = "postgres") {
        features.push("postgres");
    }
    let binary = common::example_binary_with("fleet", &features);
    let seconds = seconds().to_string();
    let output = Command::new(binary)
        .args(["--processes", "4", "--concurrency", "16", "--seconds", &seconds, "--session-timeout", "20"])
        .args(extra)
        .env("BUNQ_STORE", address)
        .env_remove("BUNQ_BASE_URL")
        .env_remove("BUNQ_API_KEY")
        .output()
        .expect("the fleet runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    println!("{text}");
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the fleet failed:\n{text}");
    text
}

fn check_figures(name: &str, output: &str) {
    assert_eq!(figure(output, "failed calls:"), 0.0, "{name}: failed calls");
    assert_eq!(figure(output, "429 responses seen:"), 0.0, "{name}: 429s");
    assert_eq!(figure(output, "installations made by the workers:"), 1.0, "{name}: installations");
    assert_eq!(figure(output, "devices of the user:"), 1.0, "{name}: devices");
    let sandbox = output.lines().find(|l| l.starts_with("sandbox:")).expect("sandbox line");
    assert!(sandbox.contains("installations 1,"), "{name}: {sandbox}");
    let calls = figure(output, "session-server calls:");
    assert!(sandbox.contains(&format!("session-server calls {calls},")), "{name}: every call counted: {sandbox}");
    assert!(sandbox.contains(&format!("sessions opened {calls},")), "{name}: every session-server call opened one");
    // One renewal per expiry: at least one expiry in the run, and no two renewals for one.
    assert!(calls >= 2.0, "{name}: the session expired at least once");
    let line = output.lines().find(|l| l.starts_with("session-server calls:")).unwrap();
    let gap = figure(&line[line.find("shortest gap between two:").unwrap()..], "shortest gap between two:");
    assert!(gap >= SESSION - MARGIN, "{name}: two session-server calls {gap} s apart: one expiry renewed twice");
    assert!(figure(output, "calls made:") > 50.0, "{name}: the workers got work done");
}

fn stores() -> Vec<(&'static str, String, Option<common::servers::Server>)> {
    let dir = common::temp_dir("fleet");
    #[allow(unused_mut)]
    let mut stores = vec![("files", dir.to_string_lossy().into_owned(), None)];
    #[cfg(feature = "redis")]
    if let Some(server) = common::servers::redis() {
        stores.push(("Redis", server.url.clone(), Some(server)));
    }
    #[cfg(feature = "postgres")]
    if let Some(server) = common::servers::postgres() {
        stores.push(("PostgreSQL", server.url.clone(), Some(server)));
    }
    if !cfg!(all(feature = "redis", feature = "postgres")) {
        common::servers::skipped(
            "Redis and PostgreSQL fleet",
            "run cargo test --features redis,postgres --test it -- fleet::",
        );
    }
    stores
}

#[test]
fn four_processes_share_one_identity_session_and_rate_limits() {
    let stores = stores();
    let outputs: Vec<(&str, String)> = std::thread::scope(|scope| {
        let runs: Vec<_> =
            stores.iter().map(|(name, address, _)| (*name, scope.spawn(move || fleet(address, &[])))).collect();
        runs.into_iter().map(|(name, run)| (name, run.join().expect("the fleet's thread"))).collect()
    });
    for (name, output) in outputs {
        check_figures(name, &output);
    }
}

#[test]
fn a_worker_killed_holding_the_renewal_lease_stops_the_others_no_longer_than_the_lease() {
    let stores = stores();
    // The last store this build has (PostgreSQL, Redis or files) is enough.
    let (name, address, _server) = stores.last().unwrap();
    let output = fleet(address, &["--kill-lease-holder", "--lease", "5"]);
    assert!(output.contains("fleet: killed worker pid"), "{name}: nobody held the lease:\n{output}");
    assert_eq!(figure(&output, "failed calls:"), 0.0, "{name}: the survivors' calls");
    assert_eq!(figure(&output, "429 responses seen:"), 0.0, "{name}: 429s");
    // The dead holder's lease ran out (its time left when killed, never more than the lease:
    // a living holder extends it), then a survivor took it and renewed in bunq's next slot.
    let line = output.lines().find(|l| l.starts_with("killed:")).expect("the kill line");
    let after = |label: &str| figure(&line[line.find(label).unwrap() + label.len()..], "");
    let left = figure(line.split(", ").nth(1).unwrap(), "");
    let (slot, renewed) = (after("slot"), after("renewed"));
    println!("{name}: lease left at the kill {left} s, next slot {slot} s after it; renewed {renewed} s after it");
    assert!(left <= LEASE + 0.5, "{name}: {left} s of the lease left, more than the lease");
    let bound = left.max(slot) + 3.0;
    assert!(renewed <= bound, "{name}: the survivors waited {renewed} s after the kill, more than {bound} s");
}
