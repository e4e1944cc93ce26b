//! A PSD2 provider end to end on the embedded sandbox: a self-signed certificate made in memory,
//! the provider's login with it, an OAuth client, a sandbox user who consents, and the provider
//! reading that user's accounts and drafting a payment on one of them.
//!
//! A licensed provider uses its eIDAS certificate and key instead; bunq's own sandbox, like the
//! embedded one, accepts a self-signed certificate.
//!
//! ```text
//! cargo run --example psd2
//! ```

mod common;

use bunq_api::keys::PrivateKey;
use bunq_api::oauth::OAuthApp;
use bunq_api::types::{
    Amount, NewDraftPayment, NewDraftPaymentEntry, NewOauthCallbackUrl, NewOauthClient, Pointer, User,
};
use bunq_api::{ApiContext, ContextOptions, ProviderCertificate};
use bunq_sandbox::Sandbox;
use common::{Failure, show, step};

/// Where the provider wants users back. Nothing needs to listen there: the example reads the redirect.
const REDIRECT: &str = "https://provider.example/bunq/back";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

/// A self-signed certificate for a new RSA key: the PEM, and the key.
fn self_signed_certificate() -> Result<(String, PrivateKey), Failure> {
    let key = PrivateKey::generate()?;
    let signer = rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(&key.to_pem()?, &rcgen::PKCS_RSA_SHA256)?;
    let mut params = rcgen::CertificateParams::new(vec!["psd2.example".to_owned()])?;
    params.distinguished_name.push(rcgen::DnType::CommonName, "psd2.example");
    params.distinguished_name.push(rcgen::DnType::OrganizationName, "Example Provider B.V.");
    params.distinguished_name.push(rcgen::DnType::CountryName, "NL");
    Ok((params.self_signed(&signer)?.pem(), key))
}

async fn run() -> Result<(), Failure> {
    step("starting the embedded bunq sandbox");
    let sandbox = Sandbox::start().await?;
    let environment = sandbox.environment();

    step("making a self-signed certificate (RSA-2048) in memory");
    let (certificate, key) = self_signed_certificate()?;
    println!("    {} bytes of PEM", certificate.len());

    step("logging in as a provider: installation, credential, device, session");
    let provider = ProviderCertificate::new(certificate.clone(), key, &[&certificate]);
    let context = ApiContext::create_for_psd2_with(
        environment.clone(),
        &provider,
        "bunq-api psd2",
        &["*"],
        ContextOptions::new(),
    )
    .await?;
    let User::UserPaymentServiceProvider(me) = context.me()?.get().await? else {
        return Err("the session is not a provider's".into());
    };
    println!(
        "    UserPaymentServiceProvider {}: {} ({})",
        me.id,
        me.display_name.as_deref().unwrap_or("?"),
        me.certificate_distinguished_name.as_deref().unwrap_or("?")
    );

    step("registering an OAuth client with a redirect URL");
    let me = context.me()?;
    let client_id = me.oauth_clients().create(&NewOauthClient::default()).await?;
    me.oauth_client(client_id).callback_urls().create(&NewOauthCallbackUrl { url: REDIRECT.to_owned() }).await?;
    let client = me.oauth_client(client_id).get().await?;
    let (Some(id), Some(secret)) = (client.client_id, client.secret) else {
        return Err("the OAuth client came without client_id or secret".into());
    };
    let app = OAuthApp::new(&environment, id, secret, REDIRECT);

    step("a sandbox user consents (the sandbox's authorization page approves at once)");
    let user_key = ApiContext::create_sandbox_user(&environment).await?;
    let request = app.authorization();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let response = http.get(&request.url).bearer_auth(user_key.expose()).send().await?;
    let location = response.headers().get("location").and_then(|l| l.to_str().ok()).ok_or("no redirect")?;
    let code = app.code_from_redirect(location, &request.state)?;
    let token = app.exchange(&code).await?;

    step("acting for that user: their accounts");
    let acting =
        ApiContext::create_with(environment, token, "bunq-api psd2 (for a user)", &["*"], ContextOptions::new())
            .await?;
    let accounts = acting.me()?.monetary_account_banks().list().await?.items;
    for account in &accounts {
        println!("    account {} ({}): {}", account.id, account.iban().unwrap_or("no IBAN"), show(&account.balance));
    }
    let first = accounts.first().ok_or("the consenting user has no current account")?;

    step("drafting a payment of 1.00 EUR for the user to accept");
    let shop = Pointer::iban("NL91ABNA0417164300", "A shop");
    let entry = NewDraftPaymentEntry::new(Amount::eur(1), shop).with_description("drafted by a provider");
    let draft = NewDraftPayment::new(vec![entry], 1);
    let account = acting.me()?.monetary_account(first.id);
    let draft_id = account.draft_payments().create(&draft).await?;
    let status = account.draft_payment(draft_id).get().await?.status.unwrap_or_default();
    println!("    draft payment {draft_id}: {status}");
    println!("\ndone.");
    Ok(())
}
