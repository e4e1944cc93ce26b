//! The main job: a first payment, end to end.
//!
//! With no configuration it starts the embedded sandbox. With `BUNQ_API_KEY` and either
//! `BUNQ_BASE_URL` or `BUNQ_ENVIRONMENT=sandbox|production` it runs against that server
//! (creating a sandbox user only when no key is given). The context is kept where
//! `BUNQ_CONTEXT` says, else in a temporary directory.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use bunq_api::sandbox::Sandbox;
use bunq_api::types::{Amount, MonetaryAccountBank, NewPayment, NewRequestInquiry, Payment, PaymentId, Pointer};
use bunq_api::{ApiContext, ContextOptions, Created, Envelope, Environment, Secret, paginate};
use futures_util::StreamExt;
use std::path::PathBuf;
use std::process::ExitCode;

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nquickstart failed: {error}");
            ExitCode::FAILURE
        }
    }
}

fn step(text: &str) {
    println!("==> {text}");
}

/// Where to run: the environment, and the API key if one was given.
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

async fn run() -> Result<(), Failure> {
    let (environment, api_key, _sandbox) = target().await?;
    if environment == Environment::Production {
        println!("    PRODUCTION: this moves real money (0.10 EUR to sugardaddy@bunq.com)");
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
        None => std::env::temp_dir().join(format!("bunq-api-quickstart-{}.json", std::process::id())),
    };
    let context = match ApiContext::restore(&context_path) {
        Ok(saved) if saved.environment() == &environment && saved.is_for_api_key(&api_key) => {
            step(&format!("resuming the context saved in {}", context_path.display()));
            saved
        }
        _ => {
            step("creating the API context: installation, device, session");
            let context = ApiContext::create_with(
                environment.clone(),
                api_key,
                "bunq-api quickstart",
                &["*"],
                ContextOptions::new(),
            )
            .await?;
            context.save(&context_path)?;
            println!("    saved to {} (owner-only)", context_path.display());
            context
        }
    };
    context.save_on_renew(&context_path);
    let user = context.user_id().ok_or("the session names no user")?;
    println!("    logged in as user {user}");
    let client = context.client();

    step("finding the current account");
    let account: MonetaryAccountBank =
        client.list_monetary_account_banks(&user, None, None, None).await?.into_inner().into_first()?;
    println!(
        "    account {} ({}), balance {}",
        account.id,
        account.iban().unwrap_or("no IBAN"),
        show(&account.balance)
    );

    step("asking sugardaddy@bunq.com for 100.00 EUR");
    let inquiry =
        NewRequestInquiry::new(Amount::new("100.00", "EUR"), Pointer::email("sugardaddy@bunq.com"), "Quickstart funds");
    let inquiry_id = client.create_request_inquiry(&user, &account.id, &inquiry).await?.into_inner().id()?;
    let inquiry = client.get_request_inquiry(&user, &account.id, &inquiry_id).await?.into_inner().into_first()?;
    println!("    request {inquiry_id}: {}", inquiry.status.as_deref().unwrap_or("?"));

    step("paying 12.50 EUR to sugardaddy@bunq.com");
    let payment =
        NewPayment::new(Amount::new("12.50", "EUR"), Pointer::email("sugardaddy@bunq.com"), "Quickstart payment");
    let payment_id = client.create_payment(&user, &account.id, &payment).await?.into_inner().id()?;
    println!("    payment {payment_id} created");

    step("reading it back");
    let payment: Payment = client.get_payment(&user, &account.id, &payment_id).await?.into_inner().into_first()?;
    println!("    {} \"{}\"", show(&payment.amount), payment.description.as_deref().unwrap_or(""));

    step("paging through the account's payments, 2 per page");
    let (pager, account_id) = (client.clone(), account.id);
    let mut payments = std::pin::pin!(paginate(move |older| {
        let client = pager.clone();
        async move { client.list_payments(&user, &account_id, Some(2), None, older.map(PaymentId).as_ref()).await }
    }));
    let mut count = 0;
    while let Some(payment) = payments.next().await {
        let payment = payment?;
        count += 1;
        println!("    #{} {:>10}  {}", payment.id, show(&payment.amount), payment.description.as_deref().unwrap_or(""));
    }
    println!("    {count} payments");

    step("balances");
    for account in client.list_monetary_account_banks(&user, None, None, None).await?.into_inner().into_items() {
        println!("    account {}: {}", account.id, show(&account.balance));
    }
    println!("\ndone.");
    Ok(())
}

fn show(amount: &Option<Amount>) -> String {
    amount.as_ref().map(|a| format!("{} {}", a.value, a.currency)).unwrap_or_else(|| "?".to_owned())
}
