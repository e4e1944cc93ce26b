//! Runs the embedded bunq sandbox as a standalone server, for clients in any language.
//!
//! ```text
//! cargo run -p bunq-sandbox -- --listen 127.0.0.1:0
//! ```
//!
//! The first line on stdout is the base URL (e.g. `http://127.0.0.1:39123/v1/`); then it serves
//! until Ctrl-C. Create users with `POST {base}sandbox-user-person`.
//!
//! `--help` lists the options ([`OPTIONS`]).

use bunq_protocol::keys::PrivateKey;
use bunq_sandbox::{CallbackRetry, Sandbox, SandboxConfig};
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

/// What the command line asked for.
#[derive(Debug, Default, PartialEq)]
struct Options {
    listen: Option<SocketAddr>,
    session_timeout: Option<u64>,
    legacy_signatures: bool,
    rate_limits: bool,
    no_signature_check: bool,
    server_key: Option<String>,
    fail_next: Option<(u16, u32)>,
    fail_unsigned_next: Option<(u16, u32)>,
    gateway_error_next: Option<(u16, u32)>,
    drop_signature_next: Option<u32>,
    tamper_next: Option<u32>,
    faults_on: Option<String>,
    callback_retry: Option<(u32, u64)>,
}

const USAGE: &str = "usage: sandbox_server [--listen ADDR] [--session-timeout SECS] [--legacy-signatures] \
[--rate-limits] [--no-signature-check] [--server-key PEM_FILE] [--fail-next STATUS:N] \
[--fail-unsigned-next STATUS:N] [--gateway-error-next STATUS:N] [--drop-signature-next N] [--tamper-next N] \
[--faults-on all|reads|writes] [--callback-retry N:SECS]";

/// What `--help` prints after [`USAGE`].
const OPTIONS: &str = "\
Runs the embedded bunq sandbox: every operation of bunq-api's spec/bunq.json, bunq's wire protocol
(tokens, signatures, sessions), money between sandbox users. The first line on stdout is the base URL,
then it serves until Ctrl-C. Create users with POST {base}sandbox-user-person. Notification filters
(notification-filter-url) make it POST callbacks to their targets: https, or http on this machine.
OAuth: register clients under {base}user/ID/oauth-client; GET {origin}/oauth/auth approves at once (as the
user whose API key comes as `Authorization: Bearer`, else a new user) and POST {base}token exchanges codes.

  --listen ADDR            address to listen on (default 127.0.0.1:0, a free port)
  --session-timeout SECS   how long sessions of new users last (default one week)
  --legacy-signatures      sign responses with the older status+headers+body scheme
  --rate-limits            answer 429 above bunq's rate limits
  --no-signature-check     accept requests without a valid X-Bunq-Client-Signature
  --server-key PEM_FILE    sign responses with this PKCS#8 key instead of a generated one
  --fail-next STATUS:N     answer the next N token-carrying calls with STATUS (signed)
  --fail-unsigned-next STATUS:N
                           the same without a signature, as bunq's rate limiter answers 429
  --gateway-error-next STATUS:N
                           answer like a load balancer: STATUS with an HTML page, unsigned
  --drop-signature-next N  send the next N answers without X-Bunq-Server-Signature
  --tamper-next N          change the next N response bodies after signing
  --faults-on all|reads|writes
                           which calls the faults above count (default all; reads are GETs)
  --callback-retry N:SECS  try a failed callback N times in all, SECS apart (default bunq's: 6:60)";

/// `STATUS:N`.
fn status_count(name: &str, text: &str) -> Result<(u16, u32), String> {
    let parsed = text.split_once(':').and_then(|(s, n)| Some((s.parse().ok()?, n.parse().ok()?)));
    parsed.ok_or(format!("{name}: {text:?} is not STATUS:N"))
}

/// `N`.
fn count(name: &str, text: &str) -> Result<u32, String> {
    text.parse().map_err(|_| format!("{name}: {text:?} is not a count"))
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--listen" => {
                let text = value("--listen")?;
                options.listen = Some(text.parse().map_err(|_| format!("--listen: {text:?} is not an address"))?);
            }
            "--session-timeout" => {
                let text = value("--session-timeout")?;
                let secs = text.parse().ok().filter(|s| *s > 0);
                options.session_timeout =
                    Some(secs.ok_or(format!("--session-timeout: {text:?} is not a number of seconds"))?);
            }
            "--legacy-signatures" => options.legacy_signatures = true,
            "--rate-limits" => options.rate_limits = true,
            "--no-signature-check" => options.no_signature_check = true,
            "--server-key" => options.server_key = Some(value("--server-key")?),
            "--fail-next" => options.fail_next = Some(status_count(&arg, &value(&arg)?)?),
            "--fail-unsigned-next" => options.fail_unsigned_next = Some(status_count(&arg, &value(&arg)?)?),
            "--gateway-error-next" => options.gateway_error_next = Some(status_count(&arg, &value(&arg)?)?),
            "--drop-signature-next" => options.drop_signature_next = Some(count(&arg, &value(&arg)?)?),
            "--tamper-next" => options.tamper_next = Some(count(&arg, &value(&arg)?)?),
            "--faults-on" => {
                let scope = value(&arg)?;
                if !matches!(scope.as_str(), "all" | "reads" | "writes") {
                    return Err(format!("--faults-on: {scope:?} is not all, reads or writes"));
                }
                options.faults_on = Some(scope);
            }
            "--callback-retry" => {
                let text = value(&arg)?;
                let parsed = text.split_once(':').and_then(|(n, s)| Some((n.parse().ok()?, s.parse().ok()?)));
                options.callback_retry =
                    Some(parsed.filter(|(n, _)| *n > 0).ok_or(format!("--callback-retry: {text:?} is not N:SECS"))?);
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(options)
}

fn config(options: &Options) -> Result<SandboxConfig, String> {
    let mut config = SandboxConfig::default()
        .legacy_signatures(options.legacy_signatures)
        .rate_limits(options.rate_limits)
        .require_signatures(!options.no_signature_check);
    if let Some(addr) = options.listen {
        config = config.listen(addr);
    }
    if let Some(secs) = options.session_timeout {
        config = config.session_timeout(Duration::from_secs(secs));
    }
    if let Some((attempts, secs)) = options.callback_retry {
        config = config.callback_retry(CallbackRetry { attempts, interval: Duration::from_secs(secs) });
    }
    if let Some(path) = &options.server_key {
        let pem = std::fs::read_to_string(path).map_err(|e| format!("--server-key {path}: {e}"))?;
        config = config.server_key(PrivateKey::from_pem(&pem).map_err(|e| format!("--server-key {path}: {e}"))?);
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)).and_then(|o| Ok((config(&o)?, o))) {
        Ok(parsed) => parsed,
        // Asked for help: the usage and the options on stdout, and success.
        Err(message) if message == USAGE => {
            println!("{USAGE}\n\n{OPTIONS}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let (config, options) = options;
    let sandbox = match Sandbox::start_with(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("could not start the sandbox: {error}");
            return ExitCode::FAILURE;
        }
    };
    let faults = match options.faults_on.as_deref() {
        Some("reads") => sandbox.faults().reads(),
        Some("writes") => sandbox.faults().writes(),
        _ => sandbox.faults(),
    };
    if let Some((status, n)) = options.fail_next {
        faults.fail(status, n);
    }
    if let Some((status, n)) = options.fail_unsigned_next {
        faults.fail_unsigned(status, n);
    }
    if let Some((status, n)) = options.gateway_error_next {
        faults.gateway_error(status, n);
    }
    if let Some(n) = options.drop_signature_next {
        faults.drop_signature(n);
    }
    if let Some(n) = options.tamper_next {
        faults.tamper_body(n);
    }
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{}", sandbox.base_url()).and_then(|()| stdout.flush()).is_err() {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    let _ = tokio::signal::ctrl_c().await;
    let stats = sandbox.stats();
    sandbox.shutdown().await;
    eprintln!("served {} requests, {} payments", stats.requests, stats.payments);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn arguments_parse() {
        let options = parse(args(
            "--listen 127.0.0.1:0 --session-timeout 30 --legacy-signatures --rate-limits --no-signature-check \
             --fail-next 503:2 --fail-unsigned-next 429:3 --gateway-error-next 504:1 --drop-signature-next 7 \
             --tamper-next 1 --faults-on reads --callback-retry 3:1",
        ))
        .unwrap();
        assert_eq!(
            options,
            Options {
                listen: Some("127.0.0.1:0".parse().unwrap()),
                session_timeout: Some(30),
                legacy_signatures: true,
                rate_limits: true,
                no_signature_check: true,
                server_key: None,
                fail_next: Some((503, 2)),
                fail_unsigned_next: Some((429, 3)),
                gateway_error_next: Some((504, 1)),
                drop_signature_next: Some(7),
                tamper_next: Some(1),
                faults_on: Some("reads".to_owned()),
                callback_retry: Some((3, 1)),
            }
        );
        assert_eq!(parse(Vec::new()).unwrap(), Options::default());
        for bad in [
            "--listen",
            "--listen nowhere",
            "--session-timeout 0",
            "--fail-next 503",
            "--faults-on gets",
            "--drop-signature-next x",
            "--bogus",
            "--callback-retry 0:1",
            "--callback-retry 3",
            "--help",
        ] {
            assert!(parse(args(bad)).is_err(), "{bad}");
        }
    }
}
