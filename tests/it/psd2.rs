//! PSD2 providers over HTTP against the embedded sandbox: the login with a certificate (made by
//! openssl, tests/vectors/make.sh), the provider's OAuth client, a user who consents, the
//! provider reading that user's accounts and drafting a payment; and each bad credential refused
//! with its sentence, giving no secret.

use crate::common;

use bunq_api::keys::PrivateKey;
use bunq_api::oauth::OAuthApp;
use bunq_api::psd2;
use bunq_api::types::*;
use bunq_api::{ApiContext, ContextOptions, FileStore, ProviderCertificate};
use common::raw::Raw;
use serde_json::{Value, json};
use std::sync::Arc;

const REDIRECT: &str = "https://provider.example/back";

fn certificate() -> String {
    common::vectors::text("cases/psd2_credential/certificate.pem")
}

fn certificate_key() -> PrivateKey {
    PrivateKey::from_pem(&common::vectors::text("keys/provider.pem")).unwrap()
}

fn options() -> ContextOptions {
    ContextOptions::new().key(common::client_key()).rate_limits(false)
}

async fn provider(sandbox: &bunq_sandbox::Sandbox) -> ApiContext {
    let certificate = ProviderCertificate::new(certificate(), certificate_key(), &[&certificate()]);
    ApiContext::create_for_psd2_with(sandbox.environment(), &certificate, "a PSD2 provider", &["*"], options())
        .await
        .expect("the provider logs in")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_logs_in_and_acts_through_oauth_for_a_consenting_user() {
    let sandbox = common::sandbox(Default::default()).await;
    let context = provider(&sandbox).await;

    // The session is a UserPaymentServiceProvider's, named by the certificate; it renews like any other.
    let User::UserPaymentServiceProvider(me) = context.me().unwrap().get().await.unwrap() else {
        panic!("not a UserPaymentServiceProvider")
    };
    assert_eq!(Some(me.id), context.user_id());
    assert!(context.is_provider(), "the context knows it acts for a provider");
    assert!(!common::context(&sandbox, Default::default()).await.is_provider(), "a user's context is not");
    let subject = me.certificate_distinguished_name.as_deref().unwrap_or_default();
    assert!(subject.contains("CN=psd2.example"), "{subject}");
    assert_eq!(me.display_name.as_deref(), Some("bunq-api test provider"));
    context.renew_session().await.expect("a provider's session renews");

    // The same certificate logging in again is the same provider.
    assert_eq!(provider(&sandbox).await.user_id(), context.user_id());

    // The provider registers an OAuth client; a sandbox user consents.
    let me = context.me().unwrap();
    let client_id = me.oauth_clients().create(&NewOauthClient::default()).await.expect("an OAuth client");
    me.oauth_client(client_id).callback_urls().create(&NewOauthCallbackUrl { url: REDIRECT.into() }).await.unwrap();
    let client = me.oauth_client(client_id).get().await.unwrap();
    let app =
        OAuthApp::new(&sandbox.environment(), client.client_id.unwrap(), client.secret.unwrap(), REDIRECT.to_owned());
    let user_key = sandbox.create_user().await;
    let authorization = app.authorization();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let consent = http.get(&authorization.url).bearer_auth(&user_key).send().await.unwrap();
    assert_eq!(consent.status().as_u16(), 302);
    let location = consent.headers()["location"].to_str().unwrap().to_owned();
    let code = app.code_from_redirect(&location, &authorization.state).unwrap();
    let token = app.exchange(&code).await.unwrap();
    let acting = ApiContext::create_with(sandbox.environment(), token, "provider for a user", &["*"], options())
        .await
        .expect("the provider's OAuth context");

    // It reads the user's accounts and drafts a payment on one of them.
    let accounts = acting.me().unwrap().monetary_account_banks().list().await.unwrap().items;
    let account = accounts.first().expect("the consenting user's account");
    let to = Pointer::iban("NL91ABNA0417164300", "Elsewhere");
    let entry = NewDraftPaymentEntry::new(Amount::eur(1), to).with_description("drafted by a provider");
    let draft = NewDraftPayment::new(vec![entry], 1);
    let handle = acting.me().unwrap().monetary_account(account.id);
    let id = handle.draft_payments().create(&draft).await.expect("a draft payment");
    assert_eq!(handle.draft_payment(id).get().await.unwrap().status.as_deref(), Some("PENDING"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_store_opens_one_provider_for_every_process() {
    let sandbox = common::sandbox(Default::default()).await;
    let store = Arc::new(FileStore::new(common::temp_dir("psd2-store")).unwrap());
    let certificate = ProviderCertificate::new(certificate(), certificate_key(), &[&certificate()]);
    let env = sandbox.environment();
    let first = ApiContext::open_for_psd2(store.clone(), "provider", env.clone(), &certificate, "p", &["*"], options())
        .await
        .expect("the first process logs in");
    let second = ApiContext::open_for_psd2(store, "provider", env, &certificate, "p", &["*"], options())
        .await
        .expect("the second loads it");
    assert_eq!(first.user_id(), second.user_id());
    assert!(first.is_provider() && second.is_provider(), "loaded from the store, still a provider");
    assert_eq!(sandbox.stats().installations, 1, "one installation for both");
    assert!(format!("{certificate:?}").starts_with("ProviderCertificate"), "no key in Debug");
}

/// A credential request on a fresh installation, with `change` applied to the honest body.
async fn credential(change: impl FnOnce(&mut Value, &Raw)) -> (u16, String) {
    let sandbox = common::sandbox(Default::default()).await;
    let raw = Raw::install(&sandbox, common::client_key()).await;
    let signature = psd2::sign_credential(&certificate_key(), &raw.public_pem, &raw.token);
    let mut body = json!({
        "client_payment_service_provider_certificate": certificate(),
        "client_payment_service_provider_certificate_chain": certificate(),
        "client_public_key_signature": signature,
    });
    change(&mut body, &raw);
    let answer = raw.send("POST", "payment-service-provider-credential", &body.to_string(), &[]).await;
    assert!(!answer.1.contains("token_value"), "a refused login gives no secret: {}", answer.1);
    answer
}

#[tokio::test]
async fn bad_credentials_are_refused_with_their_sentence() {
    // The honest request passes (so each refusal below is for its one change).
    let sandbox = common::sandbox(Default::default()).await;
    let mut raw = Raw::install(&sandbox, common::client_key()).await;
    let signature = psd2::sign_credential(&certificate_key(), &raw.public_pem, &raw.token);
    let body = json!({
        "client_payment_service_provider_certificate": certificate(),
        "client_payment_service_provider_certificate_chain": certificate(),
        "client_public_key_signature": signature,
    });
    let (status, text) = raw.send("POST", "payment-service-provider-credential", &body.to_string(), &[]).await;
    assert_eq!(status, 200, "{text}");
    let answer: Value = serde_json::from_str(&text).unwrap();
    let secret = answer["Response"][0]["CredentialPasswordIp"]["token_value"].as_str().unwrap().to_owned();
    raw.login(&secret).await;

    let signed_by_another_key = |body: &mut Value, raw: &Raw| {
        body["client_public_key_signature"] =
            json!(psd2::sign_credential(&common::client_key(), &raw.public_pem, &raw.token));
    };
    let tampered = |body: &mut Value, _: &Raw| {
        let signature = body["client_public_key_signature"].as_str().unwrap();
        let flipped = if signature.starts_with('A') { "B" } else { "A" };
        body["client_public_key_signature"] = json!(format!("{flipped}{}", &signature[1..]));
    };
    for (change, what) in [
        (Box::new(signed_by_another_key) as Box<dyn FnOnce(&mut Value, &Raw)>, "wrong key"),
        (Box::new(tampered), "tampered signature"),
    ] {
        let (status, text) = credential(change).await;
        assert_eq!(status, 400, "{what}: {text}");
        assert!(text.contains("client_public_key_signature does not verify"), "{what}: {text}");
    }
    let (status, text) =
        credential(|body, _| body["client_payment_service_provider_certificate"] = json!("hello")).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("client_payment_service_provider_certificate is not an X.509 certificate in PEM"), "{text}");
    let not_pem = |body: &mut Value, _: &Raw| {
        body["client_payment_service_provider_certificate_chain"] =
            json!(format!("{}\nnot a certificate", certificate()));
    };
    let (status, text) = credential(not_pem).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("client_payment_service_provider_certificate_chain holds what is not an X.509"), "{text}");

    // The installation token is the one this call takes; a session token is refused.
    let (status, text) = raw.send("POST", "payment-service-provider-credential", &body.to_string(), &[]).await;
    assert_eq!(status, 401, "{text}");
}

#[tokio::test]
async fn a_wrong_certificate_key_fails_the_client_login_with_the_sandboxs_sentence() {
    let sandbox = common::sandbox(Default::default()).await;
    let wrong = ProviderCertificate::new(certificate(), common::client_key(), &[&certificate()]);
    let error =
        ApiContext::create_for_psd2_with(sandbox.environment(), &wrong, "p", &["*"], options()).await.unwrap_err();
    assert_eq!(error.status(), Some(400), "{error}");
    assert!(error.to_string().contains("client_public_key_signature does not verify"), "{error}");
    assert_eq!(sandbox.stats().devices, 0, "no device registered");
}
