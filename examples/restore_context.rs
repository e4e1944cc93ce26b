//! Saves a context, restores it without a new installation, and renews its session.
//!
//! ```text
//! cargo run --example restore_context
//! ```

mod common;

use bunq_api::{ApiContext, ContextOptions};
use common::{Failure, step};
use std::time::UNIX_EPOCH;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

fn expiry(context: &ApiContext) -> String {
    match context.session_expires_at().and_then(|t| t.duration_since(UNIX_EPOCH).ok()) {
        Some(t) => format!("session expires at {} (Unix time)", t.as_secs()),
        None => "no session".to_owned(),
    }
}

async fn run() -> Result<(), Failure> {
    let connection = common::connect("bunq-api restore_context").await?;
    println!("    {}", expiry(&connection.context));

    step(&format!("restoring from {}", connection.context_path.display()));
    let options = ContextOptions::new().save_on_renew(&connection.context_path);
    let restored = ApiContext::restore_with(&connection.context_path, options)?;
    let user = restored.user_id().ok_or("the saved context has no session")?;
    println!("    user {user}, {}", expiry(&restored));
    restored.user(user).get().await?;
    println!("    the restored session works");

    step("renewing the session and saving it again");
    restored.renew_session().await?;
    println!("    {}", expiry(&restored));
    let again = ApiContext::restore(&connection.context_path)?;
    again.user(user).get().await?;
    println!("    the renewed session was saved and works after another restore");

    step("closing the session");
    again.close().await?;
    Ok(())
}
