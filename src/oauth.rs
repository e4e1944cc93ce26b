//! OAuth: an app acting for other bunq users. The user approves the app at bunq's authorization
//! page; bunq sends them back to the app's redirect URL with a code; the app exchanges the code for
//! an access token; the token then works as an API key ([`ApiContext::create`]), and the session
//! acts as a `UserApiKey` whose id goes in paths.
//!
//! ```no_run
//! # async fn run() -> bunq_api::Result<()> {
//! use bunq_api::oauth::OAuthApp;
//! use bunq_api::{ApiContext, Environment};
//! let app = OAuthApp::new(&Environment::Sandbox, "client id", "client secret", "https://example.com/back");
//! let request = app.authorization();
//! // Send the user to request.url; keep request.state. bunq sends them back to …/back?code=…&state=…
//! # let redirect = "https://example.com/back?code=c&state=s";
//! let code = app.code_from_redirect(redirect, &request.state)?;
//! let token = app.exchange(&code).await?;
//! let context = ApiContext::create(Environment::Sandbox, token, "my app", &["*"]).await?;
//! let granted_by = context.granted_by().await?;
//! # Ok(()) }
//! ```

use crate::api::types::{ErrorDetail, User, UserApiKeyAnchoredUser};
use crate::{ApiContext, ApiError, Environment, Error, Result, Secret};
use reqwest::Url;
use serde::Deserialize;
use std::fmt;

/// Where bunq's OAuth pages live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// The page a user approves the app on.
    pub authorize: String,
    /// Where codes are exchanged for access tokens.
    pub token: String,
}

impl Endpoints {
    /// bunq's, per environment; for a custom base URL `…/v1` (the embedded sandbox):
    /// `<origin>/oauth/auth` and `<base>/token`.
    pub fn for_environment(environment: &Environment) -> Self {
        match environment {
            Environment::Production => Self {
                authorize: "https://oauth.bunq.com/auth".into(),
                token: "https://api.oauth.bunq.com/v1/token".into(),
            },
            Environment::Sandbox => Self {
                authorize: "https://oauth.sandbox.bunq.com/auth".into(),
                token: "https://api-oauth.sandbox.bunq.com/v1/token".into(),
            },
            Environment::Custom(_) => {
                let base = environment.base_url();
                let origin = base.strip_suffix("/v1").unwrap_or(base);
                Self { authorize: format!("{origin}/oauth/auth"), token: format!("{base}/token") }
            }
        }
    }
}

/// An app registered with bunq as an OAuth client.
#[derive(Clone)]
pub struct OAuthApp {
    client_id: String,
    client_secret: Secret,
    redirect_uri: String,
    endpoints: Endpoints,
    http: reqwest::Client,
}

impl fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthApp")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("redirect_uri", &self.redirect_uri)
            .field("endpoints", &self.endpoints)
            .finish()
    }
}

/// An authorization request: where to send the user, and the `state` to expect back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization {
    /// bunq's authorization page with the app's parameters.
    pub url: String,
    /// A random value the redirect must carry back unchanged: keep it (e.g. in the user's session).
    pub state: String,
}

impl OAuthApp {
    /// The app as registered: its client id and secret, and the redirect URL registered with them.
    pub fn new(
        environment: &Environment,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        redirect_uri: impl Into<String>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uri: redirect_uri.into(),
            endpoints: Endpoints::for_environment(environment),
            http: reqwest::Client::new(),
        }
    }

    /// Other endpoints than the environment's.
    pub fn with_endpoints(mut self, endpoints: Endpoints) -> Self {
        self.endpoints = endpoints;
        self
    }

    /// A new authorization request with a fresh random `state`.
    pub fn authorization(&self) -> Authorization {
        let state = crate::headers::new_request_id();
        Authorization { url: self.authorization_url(&state), state }
    }

    /// bunq's authorization page for this app and `state`.
    pub fn authorization_url(&self, state: &str) -> String {
        let params = [
            ("response_type", "code"),
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("state", state),
        ];
        match Url::parse_with_params(&self.endpoints.authorize, params) {
            Ok(url) => url.into(),
            Err(_) => self.endpoints.authorize.clone(),
        }
    }

    /// The code in the URL bunq redirected the user to, once its `state` is the one expected.
    pub fn code_from_redirect(&self, redirect: &str, expected_state: &str) -> Result<Secret> {
        let url = Url::parse(redirect).map_err(|_| Error::InvalidRequest(format!("{redirect:?} is not a URL")))?;
        let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
        if let Some(error) = param("error") {
            return Err(Error::InvalidRequest(format!("the user did not grant access ({error})")));
        }
        let state = param("state").unwrap_or_default();
        if !same(state.as_bytes(), expected_state.as_bytes()) {
            return Err(Error::InvalidRequest(
                "the redirect's state is not the one this authorization sent: it is not its answer (refused)".into(),
            ));
        }
        param("code").map(Secret::new).ok_or_else(|| Error::InvalidRequest("the redirect carries no code".into()))
    }

    /// Exchanges a code for an access token (a code works once).
    pub async fn exchange(&self, code: &Secret) -> Result<Secret> {
        let params = [
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
        ];
        let url = Url::parse_with_params(&self.endpoints.token, params)
            .map_err(|_| Error::InvalidRequest(format!("{:?} is not a URL", self.endpoints.token)))?;
        let response = self.http.post(url).send().await.map_err(|e| Error::Transport(e.without_url()))?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| Error::Transport(e.without_url()))?;
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        if status != 200 {
            let details = json
                .get("Error")
                .and_then(|e| e.as_array())
                .into_iter()
                .flatten()
                .filter_map(|d| ErrorDetail::deserialize(d).ok())
                .collect();
            return Err(Error::Api(ApiError::new(status, None, details)));
        }
        let token = json.get("access_token").and_then(|t| t.as_str());
        token.map(Secret::new).ok_or_else(|| Error::Decode("the token endpoint answered no access_token".into()))
    }
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

impl ApiContext {
    /// For a context opened with an OAuth access token: the user who granted the app access.
    /// `None` for a context of an ordinary API key.
    pub async fn granted_by(&self) -> Result<Option<User>> {
        match self.me()?.get().await? {
            User::UserApiKey(key) => Ok(key.granted_by_user.map(anchored_user).transpose()?),
            _ => Ok(None),
        }
    }
}

fn anchored_user(anchored: UserApiKeyAnchoredUser) -> Result<User> {
    let user = match anchored {
        UserApiKeyAnchoredUser { user_person: Some(u), .. } => User::UserPerson(*u),
        UserApiKeyAnchoredUser { user_company: Some(u), .. } => User::UserCompany(*u),
        UserApiKeyAnchoredUser { user_payment_service_provider: Some(u), .. } => User::UserPaymentServiceProvider(*u),
        _ => return Err(Error::Decode("the UserApiKey names no granting user".into())),
    };
    Ok(user)
}
