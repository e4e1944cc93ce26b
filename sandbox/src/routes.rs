//! Method and path to operation id (the spec's `operationId`s), and operation id to handler;
//! plus what a handler gets ([`Call`]) and gives back ([`Reply`], [`Failure`]).

use super::access::Caller;
use super::bank::BankError;
use super::listing::Page;
use super::{Shared, bank_calls, context_calls};
use bunq_api::api::types;
use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::net::IpAddr;

/// Every endpoint: method, path below `/v1/` (`{}` is a numeric id), operation id.
const ROUTES: &[(&str, &str, &str)] = &[
    ("POST", "installation", "create_installation"),
    ("GET", "installation", "list_installations"),
    ("GET", "installation/{}", "get_installation"),
    ("GET", "installation/{}/server-public-key", "list_server_public_keys"),
    ("POST", "device-server", "create_device_server"),
    ("GET", "device-server", "list_device_servers"),
    ("GET", "device-server/{}", "get_device_server"),
    ("POST", "session-server", "create_session_server"),
    ("DELETE", "session/{}", "delete_session"),
    ("POST", "sandbox-user-person", "create_sandbox_user_person"),
    ("GET", "user", "list_users"),
    ("GET", "user/{}", "get_user"),
    ("GET", "user/{}/monetary-account", "list_monetary_accounts"),
    ("GET", "user/{}/monetary-account/{}", "get_monetary_account"),
    ("GET", "user/{}/monetary-account-bank", "list_monetary_account_banks"),
    ("GET", "user/{}/monetary-account-bank/{}", "get_monetary_account_bank"),
    ("POST", "user/{}/monetary-account/{}/payment", "create_payment"),
    ("GET", "user/{}/monetary-account/{}/payment", "list_payments"),
    ("GET", "user/{}/monetary-account/{}/payment/{}", "get_payment"),
    ("POST", "user/{}/monetary-account/{}/payment-batch", "create_payment_batch"),
    ("GET", "user/{}/monetary-account/{}/payment-batch", "list_payment_batches"),
    ("GET", "user/{}/monetary-account/{}/payment-batch/{}", "get_payment_batch"),
    ("POST", "user/{}/monetary-account/{}/request-inquiry", "create_request_inquiry"),
    ("GET", "user/{}/monetary-account/{}/request-inquiry/{}", "get_request_inquiry"),
];

/// A matched endpoint.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Route {
    pub operation: &'static str,
    /// The path's ids, in order.
    pub ids: Vec<i64>,
}

/// Why no endpoint matched.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Miss {
    NotFound,
    /// The path exists with these methods only.
    Method(Vec<&'static str>),
}

/// The ids of `path` if it fits `template`.
fn fit(template: &str, path: &str) -> Option<Vec<i64>> {
    let (mut parts, mut ids) = (path.split('/'), Vec::new());
    for expected in template.split('/') {
        let part = parts.next()?;
        if expected == "{}" {
            ids.push(part.parse().ok().filter(|id: &i64| *id >= 0 && part.bytes().all(|b| b.is_ascii_digit()))?);
        } else if part != expected {
            return None;
        }
    }
    parts.next().is_none().then_some(ids)
}

/// The endpoint for a request.
pub(crate) fn resolve(method: &Method, path: &str) -> Result<Route, Miss> {
    let Some(rest) = path.strip_prefix("/v1/") else { return Err(Miss::NotFound) };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut allowed = Vec::new();
    for &(verb, template, operation) in ROUTES {
        if let Some(ids) = fit(template, rest) {
            if verb == method.as_str() {
                return Ok(Route { operation, ids });
            }
            allowed.push(verb);
        }
    }
    if allowed.is_empty() { Err(Miss::NotFound) } else { Err(Miss::Method(allowed)) }
}

/// A call that passed authentication, ready for its handler.
pub(crate) struct Call<'a> {
    pub operation: &'static str,
    pub ids: &'a [i64],
    /// The request path without the query, e.g. `/v1/user/5/monetary-account`.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub body: &'a [u8],
    pub caller: Option<Caller>,
    pub ip: IpAddr,
}

impl Call<'_> {
    /// The path's `n`th id.
    pub(crate) fn id(&self, n: usize) -> i64 {
        self.ids.get(n).copied().unwrap_or(-1)
    }

    /// The body as the operation's request type.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Failure> {
        serde_json::from_slice(self.body)
            .map_err(|e| Failure::new(400, format!("The body does not fit this call: {e}.")))
    }

    /// The listing parameters.
    pub(crate) fn page(&self) -> Result<Page, Failure> {
        Page::from_query(self.query).map_err(|m| Failure::new(400, m))
    }

    /// The installation behind the token.
    pub(crate) fn installation(&self) -> Result<i64, Failure> {
        self.caller.map(Caller::installation).ok_or_else(|| Failure::new(401, "This call needs a token."))
    }

    /// The session's user.
    pub(crate) fn session_user(&self) -> Result<i64, Failure> {
        match self.caller {
            Some(Caller::Session { user, .. }) => Ok(user),
            _ => Err(Failure::new(401, "This call needs a session token.")),
        }
    }

    /// The session's user, who must be the user in the path.
    pub(crate) fn path_user(&self) -> Result<i64, Failure> {
        let user = self.session_user()?;
        if self.id(0) == user { Ok(user) } else { Err(Failure::new(404, "No such user for this session.")) }
    }
}

/// An answer: status and body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    /// For 405: the methods the path takes.
    pub allow: Option<String>,
    /// Given by bunq's front door (rate limiter, load balancer), not the API: no signature,
    /// no response id.
    pub front_door: bool,
    /// `text/html` instead of JSON.
    pub html: bool,
}

impl Reply {
    /// 200 with a wire object.
    pub(crate) fn json<T: Serialize>(value: &T) -> Reply {
        match serde_json::to_vec(value) {
            Ok(body) => Reply { status: 200, body, allow: None, front_door: false, html: false },
            Err(e) => Failure::new(500, format!("The sandbox could not encode its answer: {e}.")).into(),
        }
    }

    /// bunq's rate limiter refusing a call: 429 with an error body, unsigned.
    pub(crate) fn rate_limited() -> Reply {
        let message = "Too many requests. You can do a limited number of calls per endpoint in a few seconds.";
        Reply { front_door: true, ..Failure::new(429, message).into() }
    }

    /// A load balancer's error page: an HTML body, unsigned.
    pub(crate) fn gateway(status: u16) -> Reply {
        let title = match status {
            502 => "502 Bad Gateway",
            503 => "503 Service Temporarily Unavailable",
            504 => "504 Gateway Time-out",
            _ => "Error",
        };
        let body = format!(
            "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n</body>\r\n</html>\r\n"
        );
        Reply { status, body: body.into_bytes(), allow: None, front_door: true, html: true }
    }
}

/// A refused call: status and description.
#[derive(Debug)]
pub(crate) struct Failure {
    pub status: u16,
    pub message: String,
}

impl Failure {
    pub(crate) fn new(status: u16, message: impl Into<String>) -> Self {
        Failure { status, message: message.into() }
    }
}

impl From<Failure> for Reply {
    fn from(failure: Failure) -> Reply {
        let detail = types::ErrorDetail {
            error_description: failure.message.clone(),
            error_description_translated: Some(failure.message),
        };
        let body = serde_json::to_vec(&types::ErrorResponse { error: vec![detail] }).unwrap_or_default();
        Reply { status: failure.status, body, allow: None, front_door: false, html: false }
    }
}

impl From<BankError> for Failure {
    fn from(error: BankError) -> Failure {
        match error {
            BankError::NotFound(what) => Failure::new(404, format!("No such {what} for this user.")),
            BankError::Refused(message) => Failure::new(490, message),
        }
    }
}

/// Runs the handler of the call's operation.
pub(crate) fn dispatch(shared: &Shared, call: &Call) -> Reply {
    let result = match call.operation {
        "create_installation" => context_calls::create_installation(shared, call),
        "list_installations" => context_calls::list_installations(call),
        "get_installation" => context_calls::get_installation(call),
        "list_server_public_keys" => context_calls::list_server_public_keys(shared, call),
        "create_device_server" => context_calls::create_device_server(shared, call),
        "list_device_servers" => context_calls::list_device_servers(shared, call),
        "get_device_server" => context_calls::get_device_server(shared, call),
        "create_session_server" => context_calls::create_session_server(shared, call),
        "delete_session" => context_calls::delete_session(shared, call),
        "create_sandbox_user_person" => Ok(context_calls::create_sandbox_user_person(shared)),
        "list_users" => context_calls::list_users(shared, call),
        "get_user" => context_calls::get_user(shared, call),
        "list_monetary_accounts" => bank_calls::list_monetary_accounts(shared, call),
        "get_monetary_account" => bank_calls::get_monetary_account(shared, call),
        "list_monetary_account_banks" => bank_calls::list_monetary_account_banks(shared, call),
        "get_monetary_account_bank" => bank_calls::get_monetary_account_bank(shared, call),
        "create_payment" => bank_calls::create_payment(shared, call),
        "list_payments" => bank_calls::list_payments(shared, call),
        "get_payment" => bank_calls::get_payment(shared, call),
        "create_payment_batch" => bank_calls::create_payment_batch(shared, call),
        "list_payment_batches" => bank_calls::list_payment_batches(shared, call),
        "get_payment_batch" => bank_calls::get_payment_batch(shared, call),
        "create_request_inquiry" => bank_calls::create_request_inquiry(shared, call),
        "get_request_inquiry" => bank_calls::get_request_inquiry(shared, call),
        other => Err(Failure::new(404, format!("The sandbox does not implement {other}."))),
    };
    result.unwrap_or_else(Reply::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn paths_resolve_to_operations() {
        let route = resolve(&Method::GET, "/v1/user/7/monetary-account/8/payment/9").unwrap();
        assert_eq!(route, Route { operation: "get_payment", ids: vec![7, 8, 9] });
        assert_eq!(resolve(&Method::POST, "/v1/installation/").unwrap().operation, "create_installation");
        assert_eq!(resolve(&Method::PUT, "/v1/installation"), Err(Miss::Method(vec!["POST", "GET"])));
        for missing in ["/v1/user/x", "/v1/user/-1", "/v1/user/+1", "/user", "/v1/nope", "/v1/user/1/extra/2", "/v1//"]
        {
            assert_eq!(resolve(&Method::GET, missing), Err(Miss::NotFound), "{missing}");
        }
    }

    /// Every route of the table is the spec's (bunq-api's `spec/bunq.json`): same operation id, method and path.
    #[test]
    fn routes_are_the_specs() {
        let spec = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/bunq.json")).unwrap();
        let spec: serde_json::Value = serde_json::from_str(&spec).unwrap();
        let mut in_spec = BTreeSet::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            let template: Vec<&str> =
                path.trim_start_matches('/').split('/').map(|p| if p.starts_with('{') { "{}" } else { p }).collect();
            for (method, operation) in item.as_object().unwrap() {
                if let Some(id) = operation.get("operationId").and_then(|v| v.as_str()) {
                    in_spec.insert((method.to_uppercase(), template.join("/"), id.to_owned()));
                }
            }
        }
        let routed: BTreeSet<_> =
            ROUTES.iter().map(|(m, p, o)| (m.to_string(), p.to_string(), o.to_string())).collect();
        let missing: Vec<_> = routed.difference(&in_spec).collect();
        assert!(missing.is_empty(), "not in the spec: {missing:?}");
        for (_, _, operation) in ROUTES {
            let expected = !matches!(*operation, "create_installation" | "create_sandbox_user_person");
            assert_eq!(bunq_api::api::operation_auth(operation).is_some(), expected, "{operation}");
        }
    }
}
