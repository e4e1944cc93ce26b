//! Many processes, one bunq identity: N worker processes share one context, one session and
//! bunq's rate limits through the store named by `BUNQ_STORE`, making reads and small payments.
//!
//! ```sh
//! cargo run --release --example fleet -- --processes 4 --seconds 60
//! BUNQ_STORE=redis://127.0.0.1:6379 cargo run --release --features redis --example fleet -- --processes 4
//! BUNQ_STORE=postgres://bunq@127.0.0.1:5432/bunq cargo run --release --features postgres --example fleet
//! ```
//!
//! `BUNQ_STORE` is `redis://…`, `postgres://…` or a directory (default: a new temporary one).
//! Without `BUNQ_BASE_URL` the parent starts the embedded sandbox with bunq's rate limits on and
//! 20 s sessions, and passes its URL and a new user's API key to the workers; with
//! `BUNQ_BASE_URL` and `BUNQ_API_KEY` the workers talk to that server instead (and only read in
//! production). Options: `--concurrency C` (calls in flight per process, default 16),
//! `--session-timeout S` (embedded sandbox only, default 20), `--lease S` (renewal lease,
//! default 10), `--kill-lease-holder` (SIGKILL the worker holding the renewal lease, once).
//! Exits non-zero if any call of a surviving worker failed.

use bunq_api::store::{self, ContextStore};
use bunq_api::types::{Amount, NewPayment, NewRequestInquiry, Pointer};
use bunq_api::{ApiContext, ContextOptions, Decimal, Envelope, Environment, RetryPolicy};
use std::collections::BTreeMap;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// The command line: `--name value` pairs and `--flag`s.
struct Args(BTreeMap<String, String>);

impl Args {
    fn parse() -> Result<Self, Failure> {
        let mut map = BTreeMap::new();
        let mut args = std::env::args().skip(1).peekable();
        while let Some(arg) = args.next() {
            let name = arg.strip_prefix("--").ok_or_else(|| format!("unexpected argument `{arg}`"))?.to_owned();
            let value = match args.peek() {
                Some(next) if !next.starts_with("--") => args.next().unwrap_or_default(),
                _ => String::new(),
            };
            map.insert(name, value);
        }
        Ok(Self(map))
    }
    fn number(&self, name: &str, default: u64) -> Result<u64, Failure> {
        match self.0.get(name) {
            Some(value) => value.parse().map_err(|_| format!("--{name} takes a number, not `{value}`").into()),
            None => Ok(default),
        }
    }
    fn text(&self, name: &str) -> Result<&str, Failure> {
        self.0.get(name).map(String::as_str).ok_or_else(|| format!("--{name} is missing").into())
    }
    fn flag(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build();
    let result = runtime.map_err(Failure::from).and_then(|runtime| {
        runtime.block_on(async {
            let args = Args::parse()?;
            if args.flag("worker") { worker::run(&args).await } else { parent(&args).await }
        })
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("fleet: {error}");
            ExitCode::FAILURE
        }
    }
}

/// One worker's figures, printed by it as one line `RESULT k=v …` and read back by the parent.
#[derive(Default, Debug)]
struct Figures {
    calls: u64,
    failures: u64,
    rate_limited: u64,
    installations: u64,
    session_server_calls: u64,
    longest_stall_ms: u64,
    devices: u64,
    /// Calls still waiting (for a slot or a session) when the time was up, dropped unsent or unanswered.
    cut: u64,
    /// Unix milliseconds of each session-server call this worker made.
    session_server_at: Vec<u64>,
}

impl Figures {
    fn line(&self) -> String {
        let at: Vec<String> = self.session_server_at.iter().map(u64::to_string).collect();
        format!(
            "RESULT calls={} failures={} rate_limited={} installations={} session_server_calls={} longest_stall_ms={} \
             devices={} cut={} session_server_at={}",
            self.calls,
            self.failures,
            self.rate_limited,
            self.installations,
            self.session_server_calls,
            self.longest_stall_ms,
            self.devices,
            self.cut,
            at.join(",")
        )
    }

    fn from_line(line: &str) -> Option<Self> {
        let mut figures = Self::default();
        for pair in line.strip_prefix("RESULT ")?.split(' ') {
            let (name, value) = pair.split_once('=')?;
            let number = || value.parse::<u64>().ok();
            match name {
                "calls" => figures.calls = number()?,
                "failures" => figures.failures = number()?,
                "rate_limited" => figures.rate_limited = number()?,
                "installations" => figures.installations = number()?,
                "session_server_calls" => figures.session_server_calls = number()?,
                "longest_stall_ms" => figures.longest_stall_ms = number()?,
                "devices" => figures.devices = number()?,
                "cut" => figures.cut = number()?,
                "session_server_at" => {
                    figures.session_server_at = value.split(',').filter_map(|v| v.parse().ok()).collect()
                }
                _ => {}
            }
        }
        Some(figures)
    }
}

fn unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

async fn parent(args: &Args) -> Result<bool, Failure> {
    let processes = args.number("processes", 4)?;
    let seconds = args.number("seconds", 60)?;
    let concurrency = args.number("concurrency", 16)?;
    let session_timeout = args.number("session-timeout", 20)?;
    let lease = args.number("lease", 10)?;
    let store_address = match std::env::var("BUNQ_STORE").ok().filter(|s| !s.is_empty()) {
        Some(address) => address,
        None => std::env::temp_dir()
            .join(format!("bunq-fleet-{}", bunq_api::headers::new_request_id()))
            .to_string_lossy()
            .into_owned(),
    };
    let (sandbox, base_url, api_key) = match std::env::var("BUNQ_BASE_URL").ok().filter(|s| !s.is_empty()) {
        Some(url) => {
            let key = std::env::var("BUNQ_API_KEY").map_err(|_| "BUNQ_BASE_URL is set but BUNQ_API_KEY is not")?;
            (None, url, key)
        }
        None => {
            let config = bunq_sandbox::SandboxConfig::default()
                .rate_limits(true)
                .session_timeout(Duration::from_secs(session_timeout));
            let sandbox = bunq_sandbox::Sandbox::start_with(config).await?;
            let key = sandbox.create_user().await;
            let url = sandbox.base_url();
            (Some(sandbox), url, key)
        }
    };
    let key = format!("fleet-{}", &bunq_api::headers::new_request_id()[..8]);
    let store = store::connect(&store_address).await?.as_store();
    println!(
        "fleet: {processes} processes x {concurrency} calls in flight for {seconds} s, one context `{key}` in {store:?}"
    );
    match &sandbox {
        Some(_) => {
            println!("fleet: embedded sandbox at {base_url}, bunq's rate limits on, {session_timeout} s sessions")
        }
        None => println!("fleet: server {base_url}"),
    }

    let exe = std::env::current_exe()?;
    let started = unix_ms();
    let mut children: Vec<(u32, Child)> = Vec::new();
    for index in 0..processes {
        let child = Command::new(&exe)
            .args(["--worker", "--index", &index.to_string(), "--key", &key])
            .args(["--seconds", &seconds.to_string(), "--concurrency", &concurrency.to_string()])
            .args(["--lease", &lease.to_string()])
            // The embedded sandbox counts devices itself; another server is asked by worker 0.
            .args(if sandbox.is_none() && index == 0 { &["--count-devices"][..] } else { &[] })
            .env("BUNQ_BASE_URL", &base_url)
            .env("BUNQ_API_KEY", &api_key)
            .env("BUNQ_STORE", &store_address)
            .stdout(Stdio::piped())
            .spawn()?;
        children.push((child.id(), child));
    }

    let mut killed = None;
    if args.flag("kill-lease-holder") {
        killed = kill_lease_holder(&*store, &key, &mut children, Duration::from_secs(seconds)).await?;
    }

    let mut total = Figures::default();
    let mut all_ok = true;
    for (pid, child) in children {
        let output = tokio::task::spawn_blocking(move || child.wait_with_output()).await??;
        if killed.as_ref().is_some_and(|(victim, _, _)| *victim == pid) {
            continue;
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let Some(figures) = text.lines().find_map(Figures::from_line) else {
            eprintln!("fleet: worker pid {pid} ended ({}) without its figures", output.status);
            all_ok = false;
            continue;
        };
        all_ok &= output.status.success();
        total.calls += figures.calls;
        total.failures += figures.failures;
        total.rate_limited += figures.rate_limited;
        total.installations += figures.installations;
        total.session_server_calls += figures.session_server_calls;
        total.longest_stall_ms = total.longest_stall_ms.max(figures.longest_stall_ms);
        total.devices = total.devices.max(figures.devices);
        total.cut += figures.cut;
        total.session_server_at.extend(figures.session_server_at);
    }
    total.session_server_at.sort_unstable();
    let gaps: Vec<f64> = total.session_server_at.windows(2).map(|w| (w[1] - w[0]) as f64 / 1000.0).collect();
    let shortest = gaps.iter().copied().fold(f64::INFINITY, f64::min);

    println!("calls made: {}", total.calls);
    println!("failed calls: {}", total.failures);
    println!("calls cut when the time was up (still waiting for a slot or a session): {}", total.cut);
    println!("429 responses seen: {}", total.rate_limited);
    println!(
        "session-server calls: {} (1 to create the context, {} to renew; shortest gap between two: {})",
        total.session_server_calls,
        total.session_server_calls.saturating_sub(1),
        if gaps.is_empty() { "-".to_owned() } else { format!("{shortest:.1} s") }
    );
    let at: Vec<String> =
        total.session_server_at.iter().map(|t| format!("{:.1}", t.saturating_sub(started) as f64 / 1000.0)).collect();
    println!("session-server calls at (s after the start): {}", at.join(", "));
    println!("installations made by the workers: {}", total.installations);
    let stats = sandbox.as_ref().map(bunq_sandbox::Sandbox::stats);
    println!("devices of the user: {}", stats.map_or(total.devices, |s| s.devices));
    println!("longest time a surviving worker completed no call: {:.1} s", total.longest_stall_ms as f64 / 1000.0);
    if let Some((pid, left, at)) = &killed {
        let renewed = total.session_server_at.iter().find(|&&t| t > *at).map(|t| (t - at) as f64 / 1000.0);
        // bunq's next session-server slot: 30 s after the last call before the kill.
        let last = total.session_server_at.iter().rev().find(|&&t| t <= *at);
        let slot = last.map_or(0.0, |t| ((t + 30_000).saturating_sub(*at)) as f64 / 1000.0);
        println!(
            "killed: worker pid {pid} while it held the renewal lease, {:.1} s of it left (the lease: {lease} s); \
             bunq's next session-server slot {slot:.1} s after the kill; the survivors renewed {} after the kill",
            left.as_secs_f64(),
            renewed.map_or("never".to_owned(), |s| format!("{s:.1} s"))
        );
    }
    println!("the run took {:.1} s (setup included)", (unix_ms() - started) as f64 / 1000.0);
    if let (Some(sandbox), Some(stats)) = (sandbox, stats) {
        println!(
            "sandbox: installations {}, session-server calls {}, sessions opened {}, requests {}, payments {}",
            stats.installations, stats.session_server_calls, stats.sessions_opened, stats.requests, stats.payments
        );
        sandbox.shutdown().await;
    }
    if total.failures > 0 || !all_ok {
        eprintln!("fleet: FAILED ({} failed calls)", total.failures);
        return Ok(false);
    }
    println!("fleet: OK");
    Ok(true)
}

/// Waits for a worker to hold the renewal lease (after the context exists: a renewal, not the
/// creation), kills it, and says which one and how much of its lease was left.
async fn kill_lease_holder(
    store: &dyn ContextStore,
    key: &str,
    children: &mut [(u32, Child)],
    within: Duration,
) -> Result<Option<(u32, Duration, u64)>, Failure> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if store.load(key).await?.is_none() {
            continue;
        }
        let Some(lease) = store.lease_info(key).await? else { continue };
        let Some(pid) = lease.holder.strip_prefix("pid ").and_then(|p| p.parse::<u32>().ok()) else { continue };
        if let Some((_, child)) = children.iter_mut().find(|(id, _)| *id == pid) {
            child.kill()?;
            println!("fleet: killed worker pid {pid} while it held the renewal lease (token {})", lease.token);
            return Ok(Some((pid, lease.expires_in, unix_ms())));
        }
    }
    println!("fleet: no worker held the renewal lease during the run; nobody was killed");
    Ok(None)
}

mod worker {
    use super::*;

    /// Counts, from the client's own trace events, every answer with status 429 and every
    /// installation and session-server attempt this process made.
    #[derive(Default)]
    pub struct Counts {
        pub rate_limited: AtomicU64,
        pub installations: AtomicU64,
        pub session_server_at: Mutex<Vec<u64>>,
    }

    struct Counting(Arc<Counts>);

    #[derive(Default)]
    struct Fields {
        message: String,
        operation: String,
        answer: String,
    }

    impl tracing::field::Visit for Fields {
        fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
            if field.name() == "operation" {
                self.operation = value.to_owned();
            }
        }
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            match field.name() {
                "message" => self.message = format!("{value:?}"),
                "answer" => self.answer = format!("{value:?}"),
                "operation" => self.operation = format!("{value:?}"),
                _ => {}
            }
        }
    }

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Counting {
        fn enabled(&self, metadata: &tracing::Metadata<'_>, _: tracing_subscriber::layer::Context<'_, S>) -> bool {
            metadata.target().starts_with("bunq_api")
        }
        fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
            let mut fields = Fields::default();
            event.record(&mut fields);
            if fields.message != "attempt" {
                return;
            }
            if fields.answer.contains("status: 429") {
                self.0.rate_limited.fetch_add(1, Ordering::Relaxed);
            }
            match fields.operation.as_str() {
                "create_installation" => {
                    self.0.installations.fetch_add(1, Ordering::Relaxed);
                }
                "create_session_server" => self.0.session_server_at.lock().unwrap().push(unix_ms()),
                _ => {}
            }
        }
    }

    pub async fn run(args: &Args) -> Result<bool, Failure> {
        use tracing_subscriber::layer::SubscriberExt;
        let counts = Arc::new(Counts::default());
        // BUNQ_FLEET_TRACE=1: the client's debug events on stderr too.
        let trace = std::env::var_os("BUNQ_FLEET_TRACE")
            .map(|_| tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_target(false).without_time());
        tracing::subscriber::set_global_default(
            tracing_subscriber::registry().with(Counting(counts.clone())).with(trace),
        )?;

        let seconds = args.number("seconds", 60)?;
        let concurrency = args.number("concurrency", 16)?;
        let index = args.number("index", 0)?;
        let lease = args.number("lease", 10)?;
        let key = args.text("key")?;
        let environment = Environment::Custom(std::env::var("BUNQ_BASE_URL")?);
        let production = environment.base_url().starts_with(Environment::Production.base_url());
        let api_key = std::env::var("BUNQ_API_KEY")?;
        let shared = store::connect(&std::env::var("BUNQ_STORE")?).await?;

        let options = ContextOptions::new()
            .refresh_margin(Duration::from_secs(2))
            .renewal_lease(Duration::from_secs(lease))
            .shared_rate_limits(shared.clone().as_limiter(), "fleet")
            .retry(RetryPolicy { max_retries: 5, ..RetryPolicy::default() });
        let context =
            ApiContext::open(shared.as_store(), key, environment, api_key, "bunq-api fleet", &["*"], options).await?;
        let user = context.user_id().ok_or("the context has no user")?;
        let client = context.client().clone();
        let account = client.list_monetary_account_banks(&user, None, None, None).await?.into_inner().into_first()?;
        if !production {
            let funds = NewRequestInquiry::new(Amount::eur(5), Pointer::email("sugardaddy@bunq.com"), "fleet");
            client.create_request_inquiry(&user, &account.id, &funds).await?;
        }

        let started = Instant::now();
        let deadline = started + Duration::from_secs(seconds);
        let calls = Arc::new(AtomicU64::new(2));
        let failures = Arc::new(AtomicU64::new(0));
        let cut = Arc::new(AtomicU64::new(0));
        let last_success = Arc::new(AtomicU64::new(unix_ms()));
        let longest_stall = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for task in 0..concurrency {
            let (client, account) = (client.clone(), account.id);
            let (calls, failures, cut) = (calls.clone(), failures.clone(), cut.clone());
            let (last_success, longest_stall) = (last_success.clone(), longest_stall.clone());
            tasks.push(tokio::spawn(async move {
                let mut round = task;
                while Instant::now() < deadline {
                    round += 1;
                    let call = async {
                        match round % 4 {
                            0 => client.get_user(&user).await.map(drop).map_err(Into::into),
                            1 => client
                                .list_payments(&user, &account, None, None, None)
                                .await
                                .map(drop)
                                .map_err(Into::into),
                            2 if !production => {
                                let to = Pointer::email("sugardaddy@bunq.com");
                                let payment = NewPayment::new(Amount::eur(Decimal::new(1, 2)), to, "fleet");
                                client.create_payment(&user, &account, &payment).await.map(drop).map_err(Into::into)
                            }
                            _ => client
                                .list_monetary_account_banks(&user, None, None, None)
                                .await
                                .map(drop)
                                .map_err(Into::into),
                        }
                    };
                    // Calls queued behind bunq's limits at the end would go on for up to two
                    // session slots (60 s): the time is up for them too.
                    let Ok(result): Result<Result<(), bunq_api::Error>, _> =
                        tokio::time::timeout_at(deadline.into(), call).await
                    else {
                        cut.fetch_add(1, Ordering::Relaxed);
                        break;
                    };
                    calls.fetch_add(1, Ordering::Relaxed);
                    match result {
                        Ok(()) => {
                            let now = unix_ms();
                            let before = last_success.swap(now, Ordering::Relaxed);
                            longest_stall.fetch_max(now.saturating_sub(before), Ordering::Relaxed);
                        }
                        Err(error) => {
                            if failures.fetch_add(1, Ordering::Relaxed) < 5 {
                                eprintln!("worker {index}: a call failed: {error}");
                            }
                        }
                    }
                }
            }));
        }
        for task in tasks {
            task.await?;
        }
        // Worker 0 counts the devices registered for the API key on a server other than the
        // embedded sandbox (which counts them itself).
        let devices = if args.flag("count-devices") {
            client.list_device_servers(None, None, None).await.map(|d| d.into_inner().into_items().len() as u64)?
        } else {
            0
        };
        let session_server_at = counts.session_server_at.lock().unwrap().clone();
        let figures = Figures {
            calls: calls.load(Ordering::Relaxed),
            failures: failures.load(Ordering::Relaxed),
            rate_limited: counts.rate_limited.load(Ordering::Relaxed),
            installations: counts.installations.load(Ordering::Relaxed),
            session_server_calls: session_server_at.len() as u64,
            session_server_at,
            longest_stall_ms: longest_stall.load(Ordering::Relaxed),
            devices,
            cut: cut.load(Ordering::Relaxed),
        };
        println!("{}", figures.line());
        Ok(figures.failures == 0)
    }
}
