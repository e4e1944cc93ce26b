//! OAuth: the authorization URL, the state check, the code exchange's errors. (The whole flow
//! against the embedded sandbox's OAuth is in tests/oauth_flow.rs.)

use bunq_api::oauth::{Endpoints, OAuthApp};
use bunq_api::{Environment, Secret};

fn app() -> OAuthApp {
    OAuthApp::new(&Environment::Sandbox, "client-7", "s3cret-value", "https://example.com/back?x=1")
}

#[test]
fn hosts_per_environment() {
    let sandbox = Endpoints::for_environment(&Environment::Sandbox);
    assert_eq!(sandbox.authorize, "https://oauth.sandbox.bunq.com/auth");
    assert_eq!(sandbox.token, "https://api-oauth.sandbox.bunq.com/v1/token");
    let production = Endpoints::for_environment(&Environment::Production);
    assert_eq!(production.authorize, "https://oauth.bunq.com/auth");
    assert_eq!(production.token, "https://api.oauth.bunq.com/v1/token");
    let custom = Endpoints::for_environment(&Environment::Custom("http://127.0.0.1:9/v1/".into()));
    assert_eq!(
        (custom.authorize.as_str(), custom.token.as_str()),
        ("http://127.0.0.1:9/oauth/auth", "http://127.0.0.1:9/v1/token")
    );
}

#[test]
fn the_authorization_url_carries_the_app_and_a_fresh_state() {
    let (first, second) = (app().authorization(), app().authorization());
    assert_ne!(first.state, second.state);
    let url = reqwest::Url::parse(&first.url).unwrap();
    assert_eq!(url.host_str(), Some("oauth.sandbox.bunq.com"));
    let params: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    assert_eq!(get("response_type"), Some("code"));
    assert_eq!(get("client_id"), Some("client-7"));
    assert_eq!(get("redirect_uri"), Some("https://example.com/back?x=1"), "encoded and decoded whole");
    assert_eq!(get("state"), Some(first.state.as_str()));
    assert!(!first.url.contains("s3cret"), "the secret never goes to the user's browser");
}

#[test]
fn only_the_redirect_with_our_state_gives_a_code() {
    let app = app();
    let code = app.code_from_redirect("https://example.com/back?code=abc&state=s-1", "s-1").unwrap();
    assert_eq!(code.expose(), "abc");
    let wrong = app.code_from_redirect("https://example.com/back?code=abc&state=s-2", "s-1").unwrap_err();
    assert!(wrong.to_string().contains("state"), "{wrong}");
    let missing = app.code_from_redirect("https://example.com/back?code=abc", "s-1").unwrap_err();
    assert!(missing.to_string().contains("state"), "{missing}");
    let denied = app.code_from_redirect("https://example.com/back?error=access_denied&state=s-1", "s-1").unwrap_err();
    assert!(denied.to_string().contains("did not grant"), "{denied}");
    assert!(app.code_from_redirect("not a url", "s-1").is_err());
}

#[test]
fn secrets_stay_hidden() {
    let shown = format!("{:?}", app());
    assert!(!shown.contains("s3cret-value") && shown.contains("[redacted]"), "{shown}");
    assert_eq!(format!("{:?}", Secret::new("token")), "[redacted]");
}

#[tokio::test]
async fn an_unreachable_token_endpoint_is_a_transport_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app =
        OAuthApp::new(&Environment::Custom(format!("http://127.0.0.1:{port}/v1")), "c", "s3cret-value", "https://x/");
    let error = app.exchange(&Secret::new("code")).await.unwrap_err();
    assert!(error.is_transport(), "{error}");
    assert!(!error.to_string().contains("s3cret-value"), "no secret in the message: {error}");
}
