//! bunq's front door: its rate limiter answers 429 without a signature, and a load balancer may
//! answer 502/503/504 without one. Such an answer is never data, but its status is acted on:
//! reads wait and retry, a write refused with 429 goes again under its own request id (so it
//! runs once even when the 429 was forged over a write that ran), and a write met by an unsigned
//! 5xx is reported as outcome unknown. Figures: reads recovered, writes executed exactly once.

use crate::common;

use bunq_api::types::*;
use bunq_api::{ApiContext, ContextOptions, Decimal, Envelope, Error, RetryPolicy};
use bunq_sandbox::SandboxConfig;
use std::process::Command;
use std::time::Duration;

fn fast_retries() -> ContextOptions {
    let retry =
        RetryPolicy { max_retries: 3, base_delay: Duration::from_millis(20), max_delay: Duration::from_millis(80) };
    ContextOptions::new().retry(retry)
}

async fn accounts(context: &ApiContext) -> Result<Vec<MonetaryAccountBank>, Error> {
    let user = context.user_id().unwrap();
    Ok(context.client().list_monetary_account_banks(&user, None, None, None).await?.into_inner().into_items())
}

#[tokio::test]
async fn reads_wait_out_unsigned_429s_and_gateway_errors() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, fast_retries()).await;
    let faults = sandbox.faults();
    let (mut reads, mut recovered, mut retries) = (0, 0, 0);
    for n in 1..=3 {
        let storms: [(&str, &dyn Fn()); 4] = [
            ("unsigned 429", &|| faults.fail_unsigned(429, n)),
            ("gateway 502", &|| faults.gateway_error(502, n)),
            ("gateway 503", &|| faults.gateway_error(503, n)),
            ("gateway 504", &|| faults.gateway_error(504, n)),
        ];
        for (name, inject) in storms {
            let before = sandbox.stats().requests;
            inject();
            reads += 1;
            match accounts(&context).await {
                Ok(listed) if listed.len() == 1 => recovered += 1,
                other => eprintln!("{name} x{n}: {other:?}"),
            }
            retries += sandbox.stats().requests - before - 1;
        }
    }
    println!("reads met by unsigned front-door answers: {reads}; recovered: {recovered}; retries: {retries}");
    assert_eq!(recovered, reads);
    assert_eq!(retries, 4 * (1 + 2 + 3), "one retry per refused attempt, no more");
}

#[tokio::test]
async fn writes_refused_by_the_rate_limiter_run_exactly_once() {
    // bunq's limits on, ours off: the burst meets the sandbox's rate limiter, like a fleet that
    // shares an IP address would.
    let sandbox = common::sandbox(SandboxConfig::default().rate_limits(true)).await;
    let retry =
        RetryPolicy { max_retries: 8, base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(3) };
    let context = common::context(&sandbox, ContextOptions::new().retry(retry)).await;
    let user = context.user_id().unwrap();
    let account = common::first_account(&context).await.id;
    common::fund(&context, account, "100.00").await;
    let before = sandbox.stats();
    let burst = 12;
    let mut tasks = Vec::new();
    for i in 0..burst {
        let context = context.clone();
        tasks.push(tokio::spawn(async move {
            let body = common::payment("1.00", Pointer::email("sugardaddy@bunq.com"), &format!("burst-{i}"));
            context.client().create_payment(&user, &account, &body).await.map_err(Error::from)
        }));
    }
    let mut failed = 0;
    for task in tasks {
        if let Err(error) = task.await.unwrap() {
            eprintln!("{error}");
            failed += 1;
        }
    }
    let stats = sandbox.stats();
    let payments = stats.payments - before.payments;
    let refused = stats.requests - before.requests - burst;
    println!(
        "burst of {burst} payments: executed {payments}, refused with unsigned 429 and retried {refused}, failed {failed}"
    );
    assert_eq!(failed, 0);
    assert_eq!(payments, burst, "each payment executed exactly once");
    assert!(refused > 0, "the burst met the rate limiter");
    let listed = context.client().list_payments(&user, &account, Some(200), None, None).await.unwrap();
    let mut descriptions: Vec<String> =
        listed.into_inner().into_items().into_iter().filter_map(|p| p.description).collect();
    descriptions.retain(|d| d.starts_with("burst-"));
    descriptions.sort();
    descriptions.dedup();
    assert_eq!(descriptions.len() as u64, burst);
}

#[tokio::test]
async fn a_write_whose_429_was_forged_after_it_ran_is_not_run_again() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, fast_retries()).await;
    let user = context.user_id().unwrap();
    let account = common::first_account(&context).await.id;
    common::fund(&context, account, "10.00").await;
    sandbox.faults().forge_after_executing(429, 1);
    let body = common::payment("2.50", Pointer::email("sugardaddy@bunq.com"), "forged");
    let error = Error::from(context.client().create_payment(&user, &account, &body).await.unwrap_err());
    assert!(error.is_outcome_unknown(), "{error}");
    assert!(error.to_string().contains("may or may not have been executed"), "{error}");
    let balance = common::first_account(&context).await.balance.unwrap();
    assert_eq!(balance, Amount::eur(Decimal::new(750, 2)), "executed once");
}

/// Runs the quickstart against the standalone runner with `args`; its exit status and output.
fn quickstart_against_runner(args: &[&str]) -> (bool, String) {
    let quickstart = common::example_binary("quickstart");
    let (base, mut runner) = common::start_runner(args);
    let context_file = common::temp_dir("front-door").join("context.json");
    let output = Command::new(quickstart)
        .env("BUNQ_BASE_URL", &base)
        .env_remove("BUNQ_API_KEY")
        .env("BUNQ_CONTEXT", &context_file)
        .output()
        .unwrap();
    runner.kill().ok();
    runner.wait().ok();
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[test]
fn the_quickstart_completes_through_unsigned_429s_and_503s() {
    for fault in [["--fail-unsigned-next", "429:3"], ["--gateway-error-next", "503:3"]] {
        let (ok, output) = quickstart_against_runner(&["--faults-on", "reads", fault[0], fault[1]]);
        assert!(ok, "{fault:?}:\n{output}");
        assert!(output.contains("done."), "{output}");
    }
}

#[test]
fn the_quickstart_stops_with_a_sentence_when_reads_are_unsigned() {
    let (ok, output) = quickstart_against_runner(&["--faults-on", "reads", "--drop-signature-next", "100000"]);
    assert!(!ok, "{output}");
    let failure = output.lines().find(|l| l.starts_with("failed: ")).unwrap_or_else(|| panic!("{output}"));
    assert!(failure.contains("server signature is missing"), "{failure}");
    for tag in ["bunq-api/", "Custom", "Error Response"] {
        assert!(!failure.contains(tag), "{failure}");
    }
}
