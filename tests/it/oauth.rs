//! OAuth: the authorization URL, the state check, the code exchange's errors. (The whole flow
//! against the embedded sandbox's OAuth is in `flow` below.)

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

mod flow {
    //! OAuth end to end over HTTP against the embedded sandbox: an app registered as an OAuth
    //! client, the authorization page (auto-approval), the code exchange, and a context as the app
    //! acting for the granting user within OAuth's limits.

    use crate::common;

    use bunq_api::oauth::OAuthApp;
    use bunq_api::types::*;
    use bunq_api::{ApiContext, Decimal, Secret};
    use bunq_sandbox::Sandbox;

    const REDIRECT: &str = "https://app.example/bunq/back?from=bunq";

    /// A sandbox with a developer whose app is registered with `REDIRECT`.
    struct Setup {
        sandbox: Sandbox,
        developer: ApiContext,
        client_id: String,
        secret: String,
    }

    impl Setup {
        async fn new() -> Setup {
            let sandbox = common::sandbox(Default::default()).await;
            let developer = common::context(&sandbox, Default::default()).await;
            let me = developer.me().unwrap();
            let id = me.oauth_clients().create(&NewOauthClient::default()).await.expect("OAuth client");
            let url = NewOauthCallbackUrl { url: REDIRECT.to_owned() };
            me.oauth_client(id).callback_urls().create(&url).await.expect("callback URL");
            let client = me.oauth_client(id).get().await.expect("the client");
            assert_eq!(client.status, Some(OauthClientStatus::Active));
            let urls: Vec<&str> = client.callback_url.iter().filter_map(|u| u.url.as_deref()).collect();
            assert_eq!(urls, [REDIRECT]);
            let (client_id, secret) = (client.client_id.unwrap(), client.secret.unwrap());
            assert!(client_id.len() >= 32 && secret.len() >= 32 && client_id != secret, "real, distinct values");
            Setup { sandbox, developer, client_id, secret }
        }

        fn app(&self) -> OAuthApp {
            self.app_with(&self.secret, REDIRECT)
        }

        fn app_with(&self, secret: &str, redirect: &str) -> OAuthApp {
            OAuthApp::new(&self.sandbox.environment(), self.client_id.clone(), secret.to_owned(), redirect)
        }
    }

    /// Follows an authorization URL without following its redirect: the status and `Location`.
    async fn follow(url: &str, approver: Option<&str>) -> (u16, Option<String>) {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let mut request = http.get(url);
        if let Some(api_key) = approver {
            request = request.bearer_auth(api_key);
        }
        let response = request.send().await.expect("the authorization page answers");
        let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        (response.status().as_u16(), location)
    }

    /// Approves `app` (as `approver`, or a new sandbox user) and returns the code from the redirect.
    async fn approve(app: &OAuthApp, approver: Option<&str>) -> Secret {
        let request = app.authorization();
        let (status, location) = follow(&request.url, approver).await;
        assert_eq!(status, 302, "auto-approval redirects");
        let location = location.expect("a Location");
        assert!(location.starts_with(&format!("{REDIRECT}&code=")), "{location}");
        app.code_from_redirect(&location, &request.state).expect("state matches")
    }

    async fn app_context(setup: &Setup, token: Secret) -> ApiContext {
        let options = bunq_api::ContextOptions::new().key(common::client_key()).rate_limits(false);
        ApiContext::create_with(setup.sandbox.environment(), token, "an OAuth app", &["*"], options)
            .await
            .expect("app context")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_app_acts_for_the_granting_user_within_oauths_limits() {
        let setup = Setup::new().await;
        // The granting user: two current accounts, 50.00 EUR in the first.
        let alice_key = setup.sandbox.create_user().await;
        let alice = ApiContext::create_with(
            setup.sandbox.environment(),
            alice_key.clone(),
            "alice",
            &["*"],
            bunq_api::ContextOptions::new().key(common::client_key()).rate_limits(false),
        )
        .await
        .unwrap();
        let alice_id = alice.user_id().unwrap();
        let first = common::first_account(&alice).await;
        let pot = NewMonetaryAccountBank::new("EUR").with_description("pot");
        let second = alice.me().unwrap().monetary_account_banks().create(&pot).await.unwrap();
        common::fund(&alice, first.id, "50.00").await;

        let app = setup.app();
        let code = approve(&app, Some(&alice_key)).await;
        let token = app.exchange(&code).await.expect("the code is exchanged");
        let context = app_context(&setup, token).await;

        // The session is a UserApiKey: its own id in paths, requested by the developer, granted by alice.
        let key_id = context.user_id().unwrap();
        assert_ne!(key_id, alice_id);
        let User::UserApiKey(key) = context.me().unwrap().get().await.unwrap() else { panic!("not a UserApiKey") };
        assert_eq!(key.id, key_id);
        let requested_by = key.requested_by_user.and_then(|u| u.user_person).expect("requested_by_user");
        assert_eq!(requested_by.id, setup.developer.user_id().unwrap());
        let granted_by = context.granted_by().await.unwrap().expect("granting user");
        assert_eq!(granted_by.id(), alice_id);
        assert!(setup.developer.granted_by().await.unwrap().is_none(), "an ordinary key grants nothing");

        // The granting user's accounts, under the key's id; alice's own id is not the app's to use.
        let accounts = context.me().unwrap().monetary_account_banks().list().await.unwrap().items;
        let mut ids: Vec<MonetaryAccountId> = accounts.iter().map(|a| a.id).collect();
        ids.sort();
        assert_eq!(ids, [first.id, second]);
        let other = context.client().list_monetary_account_banks(&alice_id, None, None, None).await.unwrap_err();
        assert_eq!(other.status().map(|s| s.as_u16()), Some(404), "{other}");

        // Allowed: a payment between alice's own accounts, and a request to sugardaddy.
        let account = context.me().unwrap().monetary_account(first.id);
        let second_iban = accounts.iter().find(|a| a.id == second).and_then(|a| a.iban()).unwrap().to_owned();
        let own = common::payment("12.50", Pointer::iban(second_iban, "alice"), "to my pot");
        let payment = account.payments().create(&own).await.expect("a payment between own accounts");
        assert_eq!(account.payment(payment).get().await.unwrap().amount, Some(Amount::eur(Decimal::new(-1250, 2))));
        let funds = NewRequestInquiry::new(Amount::eur(5), Pointer::email("sugardaddy@bunq.com"), "more");
        account.request_inquiries().create(&funds).await.expect("request-inquiries are allowed");

        // Refused: a payment to someone else, and opening an account.
        let elsewhere = common::payment("1.00", Pointer::email("sugardaddy@bunq.com"), "not mine");
        let refused = account.payments().create(&elsewhere).await.unwrap_err();
        assert!(refused.is_forbidden(), "{refused}");
        assert!(refused.descriptions().iter().any(|d| d.contains("own accounts")), "{refused}");
        let refused = context.me().unwrap().monetary_account_banks().create(&pot).await.unwrap_err();
        assert_eq!(refused.status(), Some(403), "{refused}");
        assert!(refused.to_string().contains("Insufficient authorisation"), "{refused}");

        // Alice sees what the app did, and only that.
        let balances: Vec<(MonetaryAccountId, Option<Amount>)> = alice
            .me()
            .unwrap()
            .monetary_account_banks()
            .list()
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|a| (a.id, a.balance))
            .collect();
        assert!(balances.contains(&(first.id, Some(Amount::eur(Decimal::new(4250, 2))))), "{balances:?}");
        assert!(balances.contains(&(second, Some(Amount::eur(Decimal::new(1250, 2))))), "{balances:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_an_approver_a_new_user_grants() {
        let setup = Setup::new().await;
        let app = setup.app();
        let code = approve(&app, None).await;
        let context = app_context(&setup, app.exchange(&code).await.unwrap()).await;
        let granted_by = context.granted_by().await.unwrap().unwrap();
        assert_ne!(granted_by.id(), setup.developer.user_id().unwrap());
        let accounts = context.me().unwrap().monetary_account_banks().list().await.unwrap().items;
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].balance, Some(Amount::eur(0)));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_redirect_with_another_state_gives_no_code() {
        let setup = Setup::new().await;
        let app = setup.app();
        let first = app.authorization();
        let (_, location) = follow(&first.url, None).await;
        let location = location.unwrap();
        // The answer to one authorization is not the answer to another.
        let other = app.authorization();
        let error = app.code_from_redirect(&location, &other.state).unwrap_err();
        assert!(error.to_string().contains("state"), "{error}");
        assert!(app.code_from_redirect(&location, &first.state).is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_code_works_once() {
        let setup = Setup::new().await;
        let app = setup.app();
        let code = approve(&app, None).await;
        let token = app.exchange(&code).await.expect("first exchange");
        let context = app_context(&setup, token.clone()).await;
        context.me().unwrap().monetary_account_banks().list().await.expect("the app reads");
        let again = app.exchange(&code).await.unwrap_err();
        assert_eq!(again.status(), Some(400), "{again}");
        assert!(again.descriptions().iter().any(|d| d.contains("used already")), "{again}");
        // A code presented twice may be stolen: the token it gave stops working, its session too.
        let ended = context.me().unwrap().monetary_account_banks().list().await.unwrap_err();
        assert!(ended.is_unauthorized(), "{ended}");
        let options = bunq_api::ContextOptions::new().key(common::client_key()).rate_limits(false);
        let refused = ApiContext::create_with(setup.sandbox.environment(), token, "again", &["*"], options).await;
        assert!(refused.is_err(), "a revoked token opens no context");
        let unknown = app.exchange(&Secret::new("not-a-code")).await.unwrap_err();
        assert!(unknown.descriptions().iter().any(|d| d.contains("not known")), "{unknown}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_wrong_client_secret_is_refused() {
        let setup = Setup::new().await;
        let code = approve(&setup.app(), None).await;
        let wrong = setup.app_with("0123456789abcdef0123456789abcdef", REDIRECT);
        let error = wrong.exchange(&code).await.unwrap_err();
        assert!(error.is_unauthorized(), "{error}");
        let shown = format!("{error} {error:?} {wrong:?}");
        assert!(!shown.contains("0123456789abcdef") && !shown.contains(code.expose()), "no secrets shown: {shown}");
        // The refusal did not use the code up.
        setup.app().exchange(&code).await.expect("the right secret still works");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn only_registered_redirects_get_a_code() {
        let setup = Setup::new().await;
        let elsewhere = setup.app_with(&setup.secret, "https://evil.example/steal");
        let (status, location) = follow(&elsewhere.authorization().url, None).await;
        assert_eq!((status, location), (400, None), "no redirect to a URL the client did not register");
        let unknown = OAuthApp::new(&setup.sandbox.environment(), "no-such-client", "x", REDIRECT);
        assert_eq!(follow(&unknown.authorization().url, None).await, (400, None));
        // An approver named by a key the sandbox does not know approves nothing.
        assert_eq!(follow(&setup.app().authorization().url, Some("sandbox_unknown")).await, (401, None));
        // A code is only good with the redirect it was given for.
        let code = approve(&setup.app(), None).await;
        let error = elsewhere.exchange(&code).await.unwrap_err();
        assert!(error.descriptions().iter().any(|d| d.contains("redirect_uri")), "{error}");
        // A client cancelled through the API approves nothing more, and its tokens stop working.
        let app = setup.app();
        let context = app_context(&setup, app.exchange(&approve(&app, None).await).await.unwrap()).await;
        context.me().unwrap().monetary_account_banks().list().await.expect("the app reads");
        let me = setup.developer.me().unwrap();
        let id = me.oauth_clients().list().await.unwrap().items[0].id;
        let cancel = OauthClientUpdate { status: Some("CANCELLED".into()) };
        me.oauth_client(id).update(&cancel).await.unwrap();
        assert_eq!(follow(&setup.app().authorization().url, None).await.0, 400);
        let ended = context.me().unwrap().monetary_account_banks().list().await.unwrap_err();
        assert!(ended.is_unauthorized(), "{ended}");
        let client = me.oauth_client(id).get().await.unwrap();
        assert_eq!(client.secret.as_deref(), Some(setup.secret.as_str()), "the secret stays");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wire_looks_like_bunqs() {
        let setup = Setup::new().await;
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let app = setup.app();
        let request = app.authorization();
        let (_, location) = follow(&request.url, None).await;
        let code = app.code_from_redirect(&location.unwrap(), &request.state).unwrap();
        let token_url = format!("{}token", setup.sandbox.base_url());
        let exchange = |code: &str, secret: &str| {
            let params = [
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("client_id", setup.client_id.as_str()),
                ("client_secret", secret),
            ];
            http.post(reqwest::Url::parse_with_params(&token_url, params).unwrap()).send()
        };

        // The token answer: bearer, the authorization's state, signed like every answer.
        let answer = exchange(code.expose(), &setup.secret).await.unwrap();
        assert_eq!(answer.status(), 200);
        assert!(answer.headers().contains_key("x-bunq-server-signature"));
        let json: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(
            (json["token_type"].as_str(), json["state"].as_str()),
            (Some("bearer"), Some(request.state.as_str()))
        );
        let token = json["access_token"].as_str().unwrap().to_owned();

        // Refusals are bunq's error envelope.
        let refused = exchange(code.expose(), &setup.secret).await.unwrap();
        assert_eq!(refused.status(), 400);
        let json: serde_json::Value = refused.json().await.unwrap();
        assert!(json["Error"][0]["error_description"].as_str().unwrap().contains("used already"), "{json}");
        let refused = exchange(code.expose(), "wrong").await.unwrap();
        assert_eq!(refused.status(), 401);
        assert_eq!(http.get(&token_url).send().await.unwrap().status(), 405);

        // The code was presented twice, so its token is revoked; another approval for the rest.
        let options = bunq_api::ContextOptions::new().key(common::client_key()).rate_limits(false);
        let revoked =
            ApiContext::create_with(setup.sandbox.environment(), Secret::new(token), "app", &["*"], options).await;
        assert!(revoked.is_err(), "a revoked token opens no context");
        let token = app.exchange(&approve(&app, None).await).await.unwrap();

        // The session's user and GET /user/{id}: a UserApiKey holding both users as one-key items.
        let context = app_context(&setup, token).await;
        let key_id = *context.user_id().unwrap();
        let api = common::api::Api { context, api_key: String::new(), user: key_id, account: 0 };
        let user = api.get(&format!("/user/{key_id}")).await.expect(200).item("UserApiKey");
        assert_eq!(user["id"], key_id);
        assert_eq!(user["requested_by_user"]["UserPerson"]["id"], *setup.developer.user_id().unwrap());
        let granting = &user["granted_by_user"]["UserPerson"];
        assert!(granting["id"].as_i64().is_some() && granting["id"] != user["id"], "{user}");
        assert_eq!(user["granted_by_user"].as_object().unwrap().len(), 1, "one kind of user: {user}");
        let listed = api.get("/user").await.expect(200).items("UserApiKey");
        assert_eq!(listed.len(), 1);

        // Beyond OAuth's reads and writes: 403, with bunq's error envelope.
        let refused = api.get(&api.user_path("oauth-client")).await.expect(403);
        assert!(refused.error().contains("Insufficient authorisation"), "{}", refused.error());
        let body = serde_json::json!({"description": "new"});
        api.post(&api.user_path("monetary-account-bank"), body).await.expect(403);
        api.put(&format!("/user-person/{key_id}"), serde_json::json!({"first_name": "X"})).await.expect(403);

        // The developer reads the client as bunq shows it: id, secret, callback URLs with their ids.
        let dev = &setup.developer;
        let path = format!("/user/{}/oauth-client", *dev.user_id().unwrap());
        let dev_api = common::api::Api { context: dev.clone(), api_key: String::new(), user: 0, account: 0 };
        let client = dev_api.get(&path).await.expect(200).items("OauthClient").remove(0);
        assert_eq!(client["client_id"], setup.client_id.as_str());
        assert_eq!(client["secret"], setup.secret.as_str());
        assert_eq!(client["callback_url"][0]["url"], REDIRECT);
        let url_id = client["callback_url"][0]["id"].as_i64().expect("callback URL id");
        let url_path = format!("{path}/{}/callback-url/{url_id}", client["id"]);
        dev_api.delete(&url_path).await.expect(200);
        let client = dev_api.get(&path).await.expect(200).items("OauthClient").remove(0);
        assert_eq!(client["callback_url"], serde_json::json!([]), "gone from the client too");
        assert_eq!(follow(&app.authorization().url, None).await.0, 400, "and no longer a redirect target");
    }

    /// The example against the standalone runner, approving as the user of `BUNQ_API_KEY`.
    #[tokio::test]
    async fn the_example_runs_against_the_runner() {
        let example = common::example_binary("oauth");
        let (base, mut runner) = common::start_runner(&[]);
        let created = reqwest::Client::new().post(format!("{base}sandbox-user-person")).send().await;
        let json: serde_json::Value = created.unwrap().json().await.unwrap();
        let api_key = json["Response"][0]["ApiKey"]["api_key"].as_str().unwrap().to_owned();
        let output = std::process::Command::new(example)
            .env("BUNQ_BASE_URL", &base)
            .env("BUNQ_API_KEY", &api_key)
            .env("BUNQ_CONTEXT", common::temp_dir("oauth-example").join("context.json"))
            .output()
            .unwrap();
        runner.kill().ok();
        runner.wait().ok();
        let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{text}");
        assert!(text.contains("refused as expected") && text.contains("302"), "{text}");
        assert!(!text.contains(&api_key), "the API key is not printed: {text}");
        // The developer approved its own app: granted and requested by the same user.
        let line = text.lines().find(|l| l.contains("granted by user")).unwrap();
        let ids: Vec<&str> = line.split_whitespace().filter(|w| w.chars().all(|c| c.is_ascii_digit())).collect();
        assert_eq!(ids.len(), 3, "{line}");
        assert_eq!(ids[1], ids[2], "{line}");
    }
}
