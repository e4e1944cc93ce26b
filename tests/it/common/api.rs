//! Any operation of spec/bunq.json called through the generated client's own hooks (token,
//! request signature, bunq's response signature checked, retries), with a raw JSON body and a
//! raw answer. Every answer is checked on the way: signed (the hooks refuse it otherwise), no
//! byte above 0x7F, and every object in a 2xx envelope carries every field of its type.
#![allow(dead_code)]

use bunq_api::ApiContext;
use bunq_sandbox::Sandbox;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::OnceLock;

/// The document, and the wire facts.
pub struct Spec {
    pub document: Value,
    pub facts: Value,
}

pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| Spec {
        document: serde_json::from_str(include_str!("../../../spec/bunq.json")).unwrap(),
        facts: serde_json::from_str(include_str!("../../../spec/wire-facts.json")).unwrap(),
    })
}

/// One operation: id, method, path as written, and the operation object.
pub struct Op {
    pub id: &'static str,
    pub method: Method,
    pub path: &'static str,
    pub body: &'static Value,
}

/// Every operation of the document.
pub fn operations() -> &'static [Op] {
    static OPS: OnceLock<Vec<Op>> = OnceLock::new();
    OPS.get_or_init(|| {
        let mut ops = Vec::new();
        for (path, item) in spec().document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                ops.push(Op {
                    id: operation["operationId"].as_str().unwrap(),
                    method: method.to_uppercase().parse().unwrap(),
                    path,
                    body: operation,
                });
            }
        }
        ops
    })
}

/// The operation a method and a concrete path (`/user/7/card`, no `/v1`) call.
pub fn operation_for(method: &Method, path: &str) -> &'static Op {
    let path = path.split('?').next().unwrap_or_default();
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let fits = |op: &&Op| {
        let template: Vec<&str> = op.path.trim_start_matches('/').split('/').collect();
        template.len() == parts.len()
            && template.iter().zip(&parts).all(|(t, p)| t.starts_with('{') || t == p)
            && op.method == *method
    };
    let literals = |op: &&Op| op.path.split('/').filter(|s| !s.starts_with('{')).count();
    operations().iter().filter(fits).max_by_key(literals).unwrap_or_else(|| panic!("no operation {method} {path}"))
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub operation: &'static str,
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{}: {e}: {}", self.operation, self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status, status, "{}: {}", self.operation, self.text());
        self
    }
    /// The first error description.
    pub fn error(&self) -> String {
        self.json()["Error"][0]["error_description"].as_str().unwrap_or_default().to_owned()
    }
    /// The first item's object under `key`.
    pub fn item(&self, key: &str) -> Value {
        let json = self.json();
        let items =
            json["Response"].as_array().unwrap_or_else(|| panic!("{}: no Response: {}", self.operation, self.text()));
        items
            .iter()
            .find_map(|i| i.get(key))
            .cloned()
            .unwrap_or_else(|| panic!("{}: no {key}: {}", self.operation, self.text()))
    }
    /// The id a create answered.
    pub fn id(&self) -> i64 {
        self.item("Id")["id"].as_i64().unwrap()
    }
    /// Every item's objects under `key`.
    pub fn items(&self, key: &str) -> Vec<Value> {
        self.json()["Response"].as_array().unwrap().iter().filter_map(|i| i.get(key)).cloned().collect()
    }
}

/// A sandbox user with an API context.
pub struct Api {
    pub context: ApiContext,
    pub api_key: String,
    pub user: i64,
    pub account: i64,
}

impl Api {
    /// A new sandbox user and a context on it.
    pub async fn new(sandbox: &Sandbox) -> Api {
        let api_key = sandbox.create_user().await;
        let context = ApiContext::create_with(
            sandbox.environment(),
            api_key.clone(),
            "bunq-api spec tests",
            &["*"],
            bunq_api::ContextOptions::new().key(super::client_key()).rate_limits(false),
        )
        .await
        .expect("context");
        let user = *context.user_id().unwrap();
        let mut api = Api { context, api_key, user, account: 0 };
        let accounts = api.get(&format!("/user/{user}/monetary-account-bank")).await.expect(200);
        api.account = accounts.items("MonetaryAccountBank")[0]["id"].as_i64().unwrap();
        api
    }

    pub fn user_path(&self, rest: &str) -> String {
        format!("/user/{}/{rest}", self.user)
    }

    pub fn account_path(&self, rest: &str) -> String {
        format!("/user/{}/monetary-account/{}/{rest}", self.user, self.account)
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(&body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PUT, path, Some(&body)).await
    }
    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }

    /// Calls the operation behind `method` and `path` with a JSON body.
    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let op = operation_for(&method, path);
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
        self.call(op.id, method, path, bytes, body.is_some().then_some("application/json")).await
    }

    /// Calls `operation` through the generated client's hooks; checks the answer (see the module).
    pub async fn call(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        body: Vec<u8>,
        content_type: Option<&str>,
    ) -> Answer {
        let client = self.context.client();
        let url = format!("{}{path}", client.baseurl().trim_end_matches('/'));
        let mut builder = client.client().request(method, url).body(body);
        if let Some(content_type) = content_type {
            builder = builder.header("content-type", content_type);
        }
        let mut request = builder.build().unwrap();
        let info = OperationInfo { operation_id: operation };
        client.pre::<()>(&mut request, &info).await.unwrap_or_else(|e| panic!("{operation}: {e}"));
        let response = client.exec(request, &info).await.unwrap_or_else(|e| panic!("{operation}: {e}"));
        let status = response.status().as_u16();
        let body = response.bytes().await.unwrap().to_vec();
        // The hooks turn an answer whose signature fails into an empty 502 of their own.
        assert!(!(status == 502 && body.is_empty()), "{operation}: the answer was not signed by the sandbox");
        let answer = Answer { operation, status, body };
        check(&answer);
        answer
    }
}

/// What every answer of the suite must be: ASCII only (files aside), and complete when it is a
/// 2xx envelope.
pub fn check(answer: &Answer) {
    let op = operations().iter().find(|o| o.id == answer.operation).unwrap();
    let file = op.body.pointer("/responses/200/content/application~1octet-stream").is_some();
    if file && (200..300).contains(&answer.status) {
        return;
    }
    if let Some(at) = answer.body.iter().position(|b| *b > 0x7f) {
        panic!("{}: byte {at} of the answer is above 0x7F: {}", answer.operation, answer.text());
    }
    if (200..300).contains(&answer.status)
        && answer.body.first() == Some(&b'{')
        && let Err(missing) = complete(answer.operation, &answer.json())
    {
        panic!("{}: {missing}", answer.operation);
    }
}

/// Every object of an envelope has every field of its schema and of its wire facts.
pub fn complete(operation: &str, envelope: &Value) -> Result<(), String> {
    let op = operations().iter().find(|o| o.id == operation).unwrap_or_else(|| panic!("no operation {operation}"));
    let schemas = &spec().document["components"]["schemas"];
    let variants = variants(op);
    for item in envelope["Response"].as_array().into_iter().flatten() {
        for (key, object) in item.as_object().into_iter().flatten() {
            let Some(object) = object.as_object() else { continue };
            let schema = variants.iter().find(|(k, _)| k == key).map(|(_, s)| &schemas[s.as_str()]);
            let fields = schema.and_then(|s| s["properties"].as_object()).into_iter().flatten().map(|(k, _)| k);
            let facts = spec().facts["objects"][key.as_str()].as_object().into_iter().flatten().map(|(k, _)| k);
            for field in fields.chain(facts) {
                if !object.contains_key(field) {
                    return Err(format!("{key} lacks the field {field}"));
                }
            }
        }
    }
    Ok(())
}

/// `(item key, schema name)` of every item an operation's envelope may hold.
pub fn variants(op: &Op) -> Vec<(String, String)> {
    let schemas = &spec().document["components"]["schemas"];
    let name = |r: &Value| r["$ref"].as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned();
    let Some(envelope) = op.body.pointer("/responses/200/content/application~1json/schema") else { return Vec::new() };
    let item = &schemas[name(envelope).as_str()]["properties"]["Response"]["items"];
    let item = &schemas[name(item).as_str()];
    let alternatives: Vec<&Value> = match item["oneOf"].as_array() {
        Some(all) => all.iter().collect(),
        None => vec![item],
    };
    alternatives
        .into_iter()
        .flat_map(|a| a["properties"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), name(v))))
        .collect()
}

/// Asks sugardaddy for `value` EUR on the API's first account.
pub async fn fund(api: &Api, value: &str) {
    let body = json!({"amount_inquired": {"value": value, "currency": "EUR"},
        "counterparty_alias": {"type": "EMAIL", "value": "sugardaddy@bunq.com"}, "description": "funds"});
    api.post(&api.account_path("request-inquiry"), body).await.expect(200);
}
