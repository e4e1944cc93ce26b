//! OAuth end to end: register an app as an OAuth client, have a user approve it, exchange the
//! code, and act for that user — within OAuth's limits.
//!
//! With no configuration it starts the embedded sandbox, whose authorization page approves at
//! once as a new sandbox user. Like the quickstart it honours `BUNQ_BASE_URL` + `BUNQ_API_KEY`
//! for any bunq-speaking server; that user then also approves (its key goes to the authorization
//! page as `Authorization: Bearer`), which needs a server that approves at once, as the embedded
//! sandbox and its runner `sandbox_server` do.
//!
//! ```text
//! cargo run --example oauth
//! ```

mod common;

use bunq_api::oauth::{Endpoints, OAuthApp};
use bunq_api::types::{Amount, NewOauthCallbackUrl, NewOauthClient, NewPayment, NewRequestInquiry, Pointer, User};
use bunq_api::{ApiContext, ContextOptions, Environment, Secret};
use common::{Failure, show, step};

/// Where the app wants users back. Nothing needs to listen there: the example reads the redirect.
const REDIRECT: &str = "https://app.example/bunq/oauth-back";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Failure> {
    // The developer: the user who registers the app.
    let connection = common::connect("bunq-api oauth (developer)").await?;
    let developer = &connection.context;
    let environment = developer.environment().clone();
    if environment == Environment::Production {
        return Err("this example approves its own app automatically: run it on a sandbox, not production".into());
    }
    // Who approves: the user of BUNQ_API_KEY if given, else the sandbox makes a new user.
    let approver = std::env::var("BUNQ_API_KEY").ok().filter(|k| !k.is_empty()).map(Secret::from);

    step("registering an OAuth client with a redirect URL");
    let me = developer.me()?;
    let client_id = me.oauth_clients().create(&NewOauthClient::default()).await?;
    me.oauth_client(client_id).callback_urls().create(&NewOauthCallbackUrl { url: REDIRECT.to_owned() }).await?;
    let client = me.oauth_client(client_id).get().await?;
    let (Some(id), Some(secret)) = (client.client_id, client.secret) else {
        return Err("the OAuth client came without client_id or secret".into());
    };
    println!("    client {client_id}: client_id {id}, redirect {REDIRECT}");
    let app = OAuthApp::new(&environment, id, secret, REDIRECT);

    step("the authorization URL (where a user approves the app)");
    let request = app.authorization();
    println!("    {}", request.url);

    step("following it: the sandbox approves at once and redirects");
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let mut approval = http.get(&request.url);
    if let Some(key) = &approver {
        approval = approval.bearer_auth(key.expose());
    }
    let response = approval.send().await?;
    let status = response.status();
    let location = response.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_owned);
    let Some(location) = location.filter(|_| status.is_redirection()) else {
        return Err(format!(
            "the authorization page answered {status} without a redirect (is {} a sandbox that approves at once?)",
            Endpoints::for_environment(&environment).authorize
        )
        .into());
    };
    println!("    {status}, back to {}?…", location.split('?').next().unwrap_or_default());

    step("checking state, exchanging the code");
    let code = app.code_from_redirect(&location, &request.state)?;
    let token = app.exchange(&code).await?;
    println!("    access token received ({token:?})");

    step("opening a context as the app");
    let context =
        ApiContext::create_with(environment, token, "bunq-api oauth (app)", &["*"], ContextOptions::new()).await?;
    let granted_by = context.granted_by().await?.ok_or("the session is not an OAuth one")?;
    let requested_by = match context.me()?.get().await? {
        User::UserApiKey(key) => key.requested_by_user.and_then(|u| u.user_person).map(|u| *u.id),
        _ => None,
    };
    println!(
        "    UserApiKey {} (the id in paths), granted by user {} ({}), requested by user {}",
        context.user_id().ok_or("no user id")?,
        granted_by.id(),
        granted_by.display_name().unwrap_or("?"),
        requested_by.map_or("?".to_owned(), |id| id.to_string())
    );

    step("the granting user's accounts, as the app sees them");
    let accounts = context.me()?.monetary_account_banks().list().await?.items;
    for account in &accounts {
        println!("    account {} ({}): {}", account.id, account.iban().unwrap_or("no IBAN"), show(&account.balance));
    }
    let first = accounts.first().ok_or("the granting user has no current account")?;
    let account = context.me()?.monetary_account(first.id);

    step("asking sugardaddy@bunq.com for 10.00 EUR (request-inquiries are allowed)");
    let funds = NewRequestInquiry::new(Amount::eur(10), Pointer::email("sugardaddy@bunq.com"), "OAuth funds");
    let inquiry = account.request_inquiries().create(&funds).await?;
    println!(
        "    request {inquiry}: {}",
        account.request_inquiry(inquiry).get().await?.status.as_deref().unwrap_or("?")
    );

    step("paying 1.00 EUR to sugardaddy@bunq.com (someone else: OAuth does not allow it)");
    let payment = NewPayment::new(Amount::eur(1), Pointer::email("sugardaddy@bunq.com"), "OAuth payment");
    match account.payments().create(&payment).await {
        Err(error) if error.is_forbidden() => println!("    refused as expected: {error}"),
        Err(error) => return Err(format!("refused, but not as OAuth's limit: {error}").into()),
        Ok(id) => return Err(format!("payment {id} went through although OAuth allows only own accounts").into()),
    }
    println!("\ndone.");
    Ok(())
}
