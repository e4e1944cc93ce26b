//! Every operation of spec/bunq.json against the embedded sandbox, table-driven from the spec
//! itself: one request each through the generated client's hooks (its token, its signature,
//! its check of the sandbox's signature), with ids of objects made earlier in the run and bodies
//! made from the request schemas. Each must get a well-formed signed answer: a 2xx decoded by
//! the generated envelope type, or bunq's error shape for a 4xx (ids that do not exist).

use crate::common;

use crate::common::api::{self, Answer, Api, Op};
use reqwest::Method;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};

/// An id nobody has.
const NOBODYS: &str = "999999999";

/// The generated `decode_answer` knows exactly the operations that answer JSON.
#[test]
fn decode_answer_covers_every_json_answer() {
    for op in api::operations() {
        let json_answer = op.body.pointer("/responses/200/content/application~1json").is_some();
        assert_eq!(bunq_api::api::decode_answer(op.id, b"{}").is_some(), json_answer, "{}", op.id);
    }
}

/// `{…}` → `{}`: the path as a collection template.
fn template(path: &str) -> String {
    let parts: Vec<&str> =
        path.trim_start_matches('/').split('/').map(|p| if p.starts_with('{') { "{}" } else { p }).collect();
    parts.join("/")
}

/// The order the table runs in: creates (parents first), reads and listings, updates, deletes;
/// ending the session last.
fn rank(op: &Op) -> (u8, usize) {
    let stage = match (op.method.as_str(), op.id) {
        (_, "delete_session") => 5,
        ("POST", _) => 0,
        ("GET", _) => 1,
        ("PUT", _) => 2,
        _ => 3,
    };
    (stage, op.path.matches('/').count())
}

/// A request body for a schema: its required fields, plus those that make money calls work.
fn example(name: &str, schema: &Value, depth: usize) -> Value {
    let schemas = &api::spec().document["components"]["schemas"];
    if let Some(target) = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
        return match target {
            "Amount" => json!({"value": "1.00", "currency": "EUR"}),
            "Pointer" => json!({"type": "EMAIL", "value": "sugardaddy@bunq.com", "name": "Sugar Daddy"}),
            "LabelMonetaryAccount" => json!({"iban": "NL91ABNA0417164300", "display_name": "Elsewhere é"}),
            _ => example(name, &schemas[target], depth),
        };
    }
    if let Some(first) = schema["x-bunq-values"].get(0) {
        return first.clone();
    }
    match schema["type"].as_str() {
        Some("string") => json!(match name {
            "currency" => "EUR",
            "statement_format" => "PDF",
            "date_start" => "2026-01-01",
            "date_end" => "2026-12-31",
            "time_start" => "2020-01-01 00:00:00.000000",
            "client_public_key" => "",
            // Loopback, a port nobody serves: callbacks go nowhere, the filters are kept.
            "notification_target" => "http://127.0.0.1:9/bunq",
            _ if name.ends_with("iban") => "NL91ABNA0417164300",
            _ => "table é € 😀 https://bunq.com/t",
        }),
        Some("integer") | Some("number") => json!(1),
        Some("boolean") => json!(false),
        Some("array") if depth < 4 => json!([example(name, &schema["items"], depth + 1)]),
        Some("object") if depth < 4 => {
            let useful = [
                "amount",
                "amount_inquired",
                "counterparty_alias",
                "description",
                "payment",
                "schedule",
                "entries",
                "time_start",
                "recurrence_unit",
                "statement_format",
                "date_start",
                "date_end",
                "currency",
                "bunqme_tab_entry",
            ];
            let required: Vec<&str> =
                schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let mut object = Map::new();
            for (field, property) in schema["properties"].as_object().into_iter().flatten() {
                if required.contains(&field.as_str()) || useful.contains(&field.as_str()) {
                    object.insert(field.clone(), example(field, property, depth + 1));
                }
            }
            Value::Object(object)
        }
        _ => json!([]),
    }
}

/// What a call got.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Answered(u16),
    Refused(u16),
    Bad(String),
}

fn judge(op: &Op, answer: &Answer) -> Outcome {
    let json_answer = op.body.pointer("/responses/200/content/application~1json").is_some();
    match answer.status {
        200..=299 if json_answer => match bunq_api::api::decode_answer(op.id, &answer.body) {
            Some(Ok(())) => Outcome::Answered(answer.status),
            None => Outcome::Bad("decode_answer does not know it".into()),
            Some(Err(e)) => Outcome::Bad(format!("{} does not decode: {e}: {}", answer.status, answer.text())),
        },
        200..=299 if answer.body.is_empty() => Outcome::Bad("an empty file".into()),
        200..=299 => Outcome::Answered(answer.status),
        400 | 404 | 405 | 490 => match serde_json::from_slice::<bunq_api::types::ErrorResponse>(&answer.body) {
            Ok(error) if !error.error.is_empty() => Outcome::Refused(answer.status),
            _ => Outcome::Bad(format!("{} not in bunq's error shape: {}", answer.status, answer.text())),
        },
        other => Outcome::Bad(format!("{other}: {}", answer.text())),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_answers_through_the_generated_client() {
    let sandbox = common::sandbox(Default::default()).await;
    let api = Api::new(&sandbox).await;
    api::fund(&api, "400.00").await;
    // Ids of objects made so far, per collection template.
    let mut made: HashMap<String, String> = HashMap::new();
    made.insert("user".into(), api.user.to_string());
    made.insert("user/{}/monetary-account".into(), api.account.to_string());
    let installation = api.get("/installation").await.expect(200).item("Id")["id"].to_string();
    made.insert("installation".into(), installation);
    let device = api.get("/device-server").await.expect(200).item("DeviceServer")["id"].to_string();
    made.insert("device-server".into(), device.clone());
    made.insert("device".into(), device);
    made.insert("session".into(), "0".into());
    // A request from another sandbox user gives this one a request-response to answer.
    let other = Api::new(&sandbox).await;
    let email = api.get(&format!("/user/{}", api.user)).await.item("UserPerson")["alias"][0]["value"].clone();
    let request = json!({"amount_inquired": {"value": "1.00", "currency": "EUR"},
        "counterparty_alias": {"type": "EMAIL", "value": email}, "description": "for the table"});
    other.post(&other.account_path("request-inquiry"), request).await.expect(200);
    let response =
        api.get(&api.account_path("request-response")).await.expect(200).item("RequestResponse")["id"].to_string();
    made.insert("user/{}/monetary-account/{}/request-response".into(), response);

    // Every answer and every body sent, for the scan for made-up values below; the other
    // user's own object, and the account that sugardaddy's money came from, are state too.
    let mut answers: Vec<Value> = vec![other.get(&format!("/user/{}", other.user)).await.expect(200).json()];
    answers.push(other.get(&other.user_path("monetary-account")).await.expect(200).json());
    answers.push(api.get(&api.account_path("payment")).await.expect(200).json());
    let mut sent: Vec<Value> = Vec::new();
    let mut operations: Vec<&Op> = api::operations().iter().collect();
    operations.sort_by_key(|op| (rank(op), op.path));
    let mut outcomes: Vec<(&Op, Outcome)> = Vec::new();
    let schemas = &api::spec().document["components"]["schemas"];
    for op in operations {
        let segments: Vec<&str> = op.path.trim_start_matches('/').split('/').collect();
        let mut path = String::new();
        for (i, segment) in segments.iter().enumerate() {
            path.push('/');
            if !segment.starts_with('{') {
                path.push_str(segment);
                continue;
            }
            let collection = template(&segments[..i].join("/"));
            let id = match (segment.trim_matches(|c| c == '{' || c == '}'), made.get(&collection)) {
                (_, Some(id)) => id.clone(),
                ("user_id", _) => api.user.to_string(),
                ("monetary_account_id", _) => api.account.to_string(),
                _ => NOBODYS.to_owned(),
            };
            path.push_str(&id);
        }
        let content = op.body.pointer("/requestBody/content").and_then(Value::as_object);
        let (body, content_type) = match content {
            None => (Vec::new(), None),
            Some(content) if content.contains_key("application/json") => {
                let schema = &content["application/json"]["schema"];
                let mut body = example("", &schemas[schema["$ref"].as_str().unwrap().rsplit('/').next().unwrap()], 0);
                match op.id {
                    "create_installation" => {
                        body = json!({"client_public_key": common::client_key().public_key().to_pem().unwrap()});
                    }
                    "create_device_server" | "create_session_server" => {
                        body["secret"] = json!(api.api_key);
                    }
                    _ => {}
                }
                (serde_json::to_vec(&body).unwrap(), Some("application/json"))
            }
            Some(_) => (b"\x89PNG\r\n\x1a\n sandbox".to_vec(), Some("image/png")),
        };
        if content_type == Some("application/json") {
            sent.push(serde_json::from_slice(&body).unwrap());
        }
        let answer = api.call(op.id, op.method.clone(), &path, body, content_type).await;
        if (200..300).contains(&answer.status) && answer.body.first() == Some(&b'{') {
            answers.push(answer.json());
        }
        let outcome = judge(op, &answer);
        if outcome == Outcome::Refused(400) {
            println!("  400 {}: {}", op.id, answer.error());
        }
        // Ids of listed objects serve as parents and objects later in the run.
        let listed = op.method == Method::GET && answer.body.first() == Some(&b'{');
        if listed && outcome == Outcome::Answered(200) && !made.contains_key(&template(op.path)) {
            let json = answer.json();
            let first = json["Response"].get(0).and_then(Value::as_object).and_then(|o| o.values().next());
            if let Some(id) = first.and_then(|o| o.get("id")).filter(|id| id.as_i64().is_some_and(|i| i > 0)) {
                made.insert(template(op.path), id.to_string());
            }
        }
        if op.method == Method::POST && matches!(outcome, Outcome::Answered(_)) {
            let json = answer.json();
            let first = json["Response"].get(0).and_then(Value::as_object).and_then(|o| o.values().next());
            let id = first.and_then(|o| o.get("id").or(o.get("uuid")));
            if let Some(id) = id {
                made.insert(template(op.path), id.as_str().map_or_else(|| id.to_string(), str::to_owned));
            }
        }
        outcomes.push((op, outcome));
    }

    let bad: Vec<String> = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Bad(_)))
        .map(|(op, o)| format!("{} {}: {o:?}", op.method, op.path))
        .collect();
    let answered = outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Answered(_))).count();
    let refused: BTreeMap<u16, usize> = outcomes.iter().fold(BTreeMap::new(), |mut counts, (_, o)| {
        if let Outcome::Refused(status) = o {
            *counts.entry(*status).or_default() += 1;
        }
        counts
    });
    println!(
        "{} operations: {answered} answered 2xx, refused {refused:?}, {} not well-formed",
        outcomes.len(),
        bad.len()
    );
    for (op, outcome) in &outcomes {
        if let Outcome::Refused(status) = outcome {
            println!("  {status} {} {}", op.method, op.path);
        }
    }
    assert_eq!(outcomes.len(), 480);
    assert!(bad.is_empty(), "not well-formed:\n{}", bad.join("\n"));
    let invented = invented_values(&answers, &sent);
    assert!(invented.is_empty(), "values the sandbox's state never issued:\n{}", invented.join("\n"));

    // The user and account listings: GET with Pagination below /user/{user_id}.
    let listings: Vec<&(&Op, Outcome)> = outcomes
        .iter()
        .filter(|(op, _)| op.method == Method::GET && op.path.starts_with("/user/{user_id}"))
        .filter(|(op, _)| {
            op.body.pointer("/responses/200/content/application~1json/schema/$ref").is_some_and(|r| {
                let name = r.as_str().unwrap().rsplit('/').next().unwrap();
                schemas[name]["properties"].get("Pagination").is_some()
            })
        })
        .collect();
    // Those whose parents (other than the user and an account) the API lets a client create.
    let reachable = |op: &Op| {
        let segments: Vec<&str> = op.path.trim_start_matches('/').split('/').collect();
        segments.iter().enumerate().all(|(i, s)| {
            !s.starts_with('{')
                || matches!(*s, "{user_id}" | "{monetary_account_id}")
                || made.contains_key(&template(&segments[..i].join("/")))
        })
    };
    let answering = listings.iter().filter(|(_, o)| *o == Outcome::Answered(200)).count();
    let within: Vec<_> = listings.iter().filter(|(op, _)| reachable(op)).collect();
    let within_answering = within.iter().filter(|(_, o)| *o == Outcome::Answered(200)).count();
    let share = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
    println!(
        "user/account listings answering a signed envelope: {answering} of {} ({:.1}%); of those whose parents a client can create: {within_answering} of {} ({:.1}%)",
        listings.len(),
        share(answering, listings.len()),
        within.len(),
        share(within_answering, within.len())
    );
    for (op, outcome) in &listings {
        if *outcome != Outcome::Answered(200) {
            println!("  not answering: {} ({outcome:?})", op.path);
        }
    }
    assert!(share(within_answering, within.len()) >= 95.0);
    // Those a user reaches with their own ids only (user and account): every one answers.
    let own_ids = |op: &Op| {
        op.path.split('/').filter(|s| s.starts_with('{')).all(|s| matches!(s, "{user_id}" | "{monetary_account_id}"))
    };
    let own: Vec<_> = listings.iter().filter(|(op, _)| own_ids(op)).collect();
    let own_answering = own.iter().filter(|(_, o)| *o == Outcome::Answered(200)).count();
    println!("  of the listings under the user's and an account's ids only: {own_answering} of {}", own.len());
    assert_eq!(own_answering, own.len());
    sandbox.shutdown().await;
}

/// Whether `text` is a UUID (8-4-4-4-12 hex digits).
fn is_uuid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12]) && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether `text` looks like an IBAN: country, check digits, then letters and digits.
fn is_iban(text: &str) -> bool {
    let bytes = text.as_bytes();
    (15..=34).contains(&bytes.len())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && bytes[4..].iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Every string and number anywhere in `value`.
fn leaves(value: &Value, out: &mut Vec<Value>) {
    match value {
        Value::Object(fields) => fields.values().for_each(|v| leaves(v, out)),
        Value::Array(items) => items.iter().for_each(|v| leaves(v, out)),
        Value::String(_) | Value::Number(_) => out.push(value.clone()),
        _ => {}
    }
}

/// The UUIDs, IBANs and object ids in `answers` that the sandbox's state never issued: issued are
/// the identities of the objects answered and of their entries (their `id`, `uuid` and
/// `public_uuid`, a create's `Id` or `Uuid`), the IBANs of the accounts and payments booked, and
/// whatever the client sent. Run on the sandbox before issue 21 it found placeholder UUIDs
/// (`00000000-…`), IBANs (`NL87BUNQ2099999999`) and ids (`0`) in nested objects.
fn invented_values(answers: &[Value], sent: &[Value]) -> Vec<String> {
    let mut issued: Vec<Value> = Vec::new();
    sent.iter().for_each(|body| leaves(body, &mut issued));
    let items = answers.iter().flat_map(|a| a["Response"].as_array().cloned().unwrap_or_default());
    let objects: Vec<(String, Value)> = items
        .filter_map(|item| item.as_object().and_then(|o| o.iter().next()).map(|(k, v)| (k.clone(), v.clone())))
        .collect();
    for (key, object) in &objects {
        // An object's own identities, and those of its entries (a draft's payments, a tab's entry).
        let entries =
            object.as_object().into_iter().flatten().filter(|(k, _)| k.ends_with("entry") || k.ends_with("entries"));
        let entries = entries.flat_map(|(_, e)| if let Value::Array(all) = e { all.clone() } else { vec![e.clone()] });
        for own in std::iter::once(object.clone()).chain(entries) {
            for field in ["id", "uuid", "public_uuid"] {
                issued.extend(own.get(field).cloned());
            }
        }
        if key.starts_with("MonetaryAccount") || key == "Payment" {
            for alias in object["alias"].as_array().into_iter().flatten() {
                issued.extend(alias.get("value").cloned());
            }
            issued.extend(object.pointer("/counterparty_alias/iban").cloned());
        }
    }
    let mut invented = Vec::new();
    let check = |item: &str, key: &str, value: &Value, invented: &mut Vec<String>| {
        let suspect = match value {
            Value::String(text) => is_uuid(text) || is_iban(text),
            Value::Number(_) => key == "id" || key.ends_with("_id"),
            _ => false,
        };
        if suspect && !issued.contains(value) {
            invented.push(format!("{item}.{key}: {value}"));
        }
    };
    fn walk(key: &str, value: &Value, check: &mut dyn FnMut(&str, &Value)) {
        match value {
            Value::Object(fields) => fields.iter().for_each(|(k, v)| walk(k, v, check)),
            Value::Array(items) => items.iter().for_each(|v| walk(key, v, check)),
            _ => check(key, value),
        }
    }
    for (item, object) in &objects {
        walk("", object, &mut |key, value| check(item, key, value, &mut invented));
    }
    invented.sort();
    invented.dedup();
    invented
}
