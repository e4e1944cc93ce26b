//! What every example needs: a server (the embedded sandbox unless `BUNQ_*` says otherwise),
//! an API key, and a context, resumed from `BUNQ_CONTEXT` when it was saved for the same
//! server and key.
#![allow(dead_code)]

use bunq_api::{ApiContext, ContextOptions, Environment, Secret};
use bunq_sandbox::Sandbox;
use std::path::PathBuf;

pub type Failure = Box<dyn std::error::Error>;

pub fn step(text: &str) {
    println!("==> {text}");
}

/// A connected context; `sandbox` keeps the embedded server alive while it is in use.
pub struct Connection {
    pub context: ApiContext,
    pub context_path: PathBuf,
    pub sandbox: Option<Sandbox>,
}

/// Where to run: the environment, the API key if one was given, and the embedded sandbox if started.
async fn target() -> Result<(Environment, Option<Secret>, Option<Sandbox>), Failure> {
    let api_key = std::env::var("BUNQ_API_KEY").ok().filter(|k| !k.is_empty()).map(Secret::from);
    let environment = match (std::env::var("BUNQ_BASE_URL"), std::env::var("BUNQ_ENVIRONMENT")) {
        (Ok(url), _) if !url.is_empty() => Environment::Custom(url),
        (_, Ok(name)) if name == "production" => Environment::Production,
        (_, Ok(name)) if name == "sandbox" => Environment::Sandbox,
        (_, Ok(name)) if !name.is_empty() => {
            return Err(format!("BUNQ_ENVIRONMENT must be `sandbox` or `production`, not `{name}`").into());
        }
        _ => {
            if api_key.is_some() {
                return Err("BUNQ_API_KEY is set but neither BUNQ_BASE_URL nor BUNQ_ENVIRONMENT is".into());
            }
            step("starting the embedded bunq sandbox");
            let sandbox = Sandbox::start().await?;
            println!("    listening on {}", sandbox.base_url());
            return Ok((sandbox.environment(), None, Some(sandbox)));
        }
    };
    Ok((environment, api_key, None))
}

/// Connects as the environment says, creating a sandbox user when no key is given.
pub async fn connect(description: &str) -> Result<Connection, Failure> {
    let (environment, api_key, sandbox) = target().await?;
    if environment == Environment::Production {
        println!("    PRODUCTION: real accounts and real money");
    }
    let api_key = match api_key {
        Some(key) => key,
        None => {
            step("creating a sandbox user");
            ApiContext::create_sandbox_user(&environment).await?
        }
    };
    let context_path = match std::env::var_os("BUNQ_CONTEXT") {
        Some(path) => PathBuf::from(path),
        None => std::env::temp_dir().join(format!("bunq-api-example-{}.json", std::process::id())),
    };
    // Each new session is saved to the same file, by a call or by `renew_session`.
    let options = || ContextOptions::new().save_on_renew(&context_path);
    let context = match ApiContext::restore_with(&context_path, options()) {
        Ok(saved) if saved.environment() == &environment && saved.is_for_api_key(&api_key) => {
            step(&format!("resuming the context saved in {}", context_path.display()));
            saved
        }
        _ => {
            step("creating the API context: installation, device, session");
            let context = ApiContext::create_with(environment, api_key, description, &["*"], options()).await?;
            context.save(&context_path)?;
            println!("    saved to {} (owner-only)", context_path.display());
            context
        }
    };
    Ok(Connection { context, context_path, sandbox })
}

/// In production, examples move money only when `BUNQ_ALLOW_REAL_PAYMENTS=1` says so.
pub fn may_move_money(environment: &Environment) -> bool {
    let allowed =
        *environment != Environment::Production || std::env::var("BUNQ_ALLOW_REAL_PAYMENTS").as_deref() == Ok("1");
    if !allowed {
        println!("    production: payments skipped (set BUNQ_ALLOW_REAL_PAYMENTS=1 to make them with real money)");
    }
    allowed
}

pub fn show(amount: &Option<bunq_api::types::Amount>) -> String {
    amount.as_ref().map(|a| format!("{} {}", a.value, a.currency)).unwrap_or_else(|| "?".to_owned())
}

/// Runs an example's body and turns a failure into a message and a non-zero exit.
pub fn exit(result: Result<(), Failure>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nfailed: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
