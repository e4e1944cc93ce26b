//! The rule for every operation without money semantics: a create stores the fields it was
//! given that the wire type's read schema knows (plus id, timestamps, status, its own UUIDs, the
//! path's ids and the label of the account it belongs to), and answers what the spec says a create answers; reads, listings (newest
//! first, paginated), updates (merged) and deletes act on the store. A collection whose read
//! schema is one list that the create body also carries is a set: a create replaces it. Cards
//! ordered through `card-debit` or `card-credit` are read and listed under `card`.

use super::call::{Call, Failure, Output};
use super::router::PathId;
use super::spec::{self, Answer, Body, Operation, Segment, Verb};
use super::store::{Place, Stored};
use super::{World, listing, render, validate, wire};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::SystemTime;

/// What the spec says about a collection.
#[derive(Debug, Default)]
pub(crate) struct Resource {
    /// The wire type its objects are answered as; `None` when several are possible.
    pub key: Option<String>,
    /// Their read schema.
    pub schema: Option<String>,
    /// For a set: the one list it holds.
    pub set_field: Option<String>,
}

/// The resource behind a collection template (`user/{}/monetary-account/{}/bunqme-tab`).
pub(crate) fn resource(collection: &str) -> &'static Resource {
    static RESOURCES: OnceLock<HashMap<String, Resource>> = OnceLock::new();
    static NONE: Resource = Resource { key: None, schema: None, set_field: None };
    RESOURCES.get_or_init(resources).get(collection).unwrap_or(&NONE)
}

fn resources() -> HashMap<String, Resource> {
    let spec = spec::get();
    let mut by_collection: HashMap<String, Vec<&Operation>> = HashMap::new();
    for operation in &spec.operations {
        by_collection.entry(operation.collection()).or_default().push(operation);
    }
    let mut resources = HashMap::new();
    for (collection, operations) in by_collection {
        let rank = |o: &&Operation| match o.verb {
            Verb::Get if o.ends_with_id() => 0,
            Verb::List => 1,
            _ => 2,
        };
        let mut readers: Vec<&Operation> = operations
            .iter()
            .copied()
            .filter(|o| !matches!(o.answer, Answer::Bytes))
            .filter(|o| o.variants().iter().all(|v| v.key != "Id" && v.key != "Uuid"))
            .filter(|o| !o.variants().is_empty())
            .collect();
        readers.sort_by_key(rank);
        let Some(reader) = readers.first() else {
            resources.insert(collection, Resource::default());
            continue;
        };
        let (key, schema) = match reader.variants() {
            [one] => (Some(one.key.clone()), Some(one.schema.clone())),
            _ => (None, None),
        };
        let create_body = operations.iter().find_map(|o| match (&o.verb, &o.body) {
            (Verb::Create, Body::Json(name)) => spec.schema(name),
            _ => None,
        });
        let set_field = schema.as_deref().and_then(|s| spec.schema(s)).and_then(|read| {
            let properties = read.get("properties")?.as_object()?;
            let (field, property) = properties.iter().next().filter(|_| properties.len() == 1)?;
            let carried = create_body?.pointer(&format!("/properties/{field}")).is_some();
            (property.get("type")? == "array" && carried).then(|| field.clone())
        });
        resources.insert(collection, Resource { key, schema, set_field });
    }
    resources
}

/// Collections that only create, and the collection that reads what they create.
const CREATED_INTO: [(&str, &str); 2] =
    [("user/{}/card-debit", "user/{}/card"), ("user/{}/card-credit", "user/{}/card")];

/// The collection a call acts on and its parents' ids.
pub(crate) fn place(call: &Call) -> Place {
    let operation = call.operation;
    let parents = if operation.ends_with_id() { &call.ids[..call.ids.len().saturating_sub(1)] } else { call.ids };
    let collection = operation.collection();
    let collection = match CREATED_INTO.iter().find(|(created, _)| *created == collection) {
        Some((_, read)) => (*read).to_owned(),
        None => collection,
    };
    Place { collection, parents: parents.to_vec() }
}

/// The caller's user, if the call came with a session.
fn owner(call: &Call) -> Option<i64> {
    call.session_user().ok()
}

/// Whether the caller may see `object`.
pub(crate) fn visible(object: &Stored, call: &Call) -> bool {
    object.owner.is_none() || object.owner == owner(call)
}

/// A fresh UUID.
pub(crate) fn new_uuid() -> String {
    bunq_protocol::headers::new_request_id()
}

/// The read schema's fields, if known.
fn read_fields(resource: &Resource) -> Option<&'static Map<String, Value>> {
    let schema = spec::get().schema(resource.schema.as_deref()?)?;
    schema.get("properties")?.as_object()
}

/// `given`'s fields that the read schema knows and whose values fit it there (all of them when
/// there is no schema).
pub(crate) fn mapped(resource: &Resource, given: &Map<String, Value>) -> Map<String, Value> {
    let Some(known) = read_fields(resource) else { return given.clone() };
    let fits = |key: &String, value: &Value| known.get(key).is_some_and(|p| validate::fits(spec::get(), p, value));
    given.iter().filter(|(k, v)| fits(k, v)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Stores a new object made from `given` at the call's place; returns its id.
pub(crate) fn create_object(world: &mut World, call: &Call, given: &Map<String, Value>, now: SystemTime) -> i64 {
    let place = place(call);
    let resource = resource(&place.collection);
    let mut fields = mapped(resource, given);
    let known = read_fields(resource);
    let has = |field: &str| known.is_none_or(|k| k.contains_key(field));
    let (id, uuid, stamp) = (world.ids.next(), new_uuid(), render::timestamp(now));
    for (field, value) in [("id", json!(id)), ("created", json!(stamp)), ("updated", json!(stamp))] {
        if has(field) {
            fields.insert(field.to_owned(), value);
        }
    }
    if let Some(known) = known {
        if let Some(status) = known.get("status").filter(|_| !fields.contains_key("status")) {
            let first = status.get("x-bunq-values").and_then(|v| v.get(0)).cloned();
            fields.insert("status".to_owned(), first.unwrap_or_else(|| json!("ACTIVE")));
        }
        // The object's own UUIDs; any other `…_uuid` names an object the caller gives, or nothing.
        if known.contains_key("uuid") && !fields.contains_key("uuid") {
            fields.insert("uuid".to_owned(), json!(uuid));
        }
        if known.contains_key("public_uuid") && !fields.contains_key("public_uuid") {
            fields.insert("public_uuid".to_owned(), json!(new_uuid()));
        }
        if let Some(account) = own_account(world, call, given) {
            let label = render::label(&world.bank.party_of(account));
            for field in OWN_ACCOUNT_LABELS {
                let labelled = known.get(field).and_then(spec::ref_name) == Some("LabelMonetaryAccount");
                if labelled && !fields.contains_key(field) {
                    fields.insert(field.to_owned(), label.clone());
                }
            }
        }
        for (segment, path_id) in path_ids(call) {
            if known.contains_key(segment) && !given.contains_key(segment) {
                fields.insert(
                    segment.to_owned(),
                    path_id.int().map_or_else(|| json!(path_id_text(path_id)), |i| json!(i)),
                );
            }
        }
    }
    if resource.set_field.is_some() {
        let old: Vec<i64> = world.store.list(&place).iter().map(|o| o.id).collect();
        for old in old {
            world.store.remove(&place, &PathId::Int(old));
        }
    }
    let key = resource.key.clone().unwrap_or_else(|| place.collection.clone());
    world.store.insert(Stored { id, uuid, place, owner: owner(call), key, fields, private: Value::Null, bytes: None });
    id
}

/// Fields that show the account an object belongs to (as others see it).
const OWN_ACCOUNT_LABELS: [&str; 5] = [
    "alias",
    "alias_monetary_account",
    "label_monetary_account",
    "label_monetary_account_ordered",
    "label_monetary_account_current",
];

/// The account an object made by the call belongs to: the path's, else the one the body names
/// (a card's PIN assignment or fallback account), else the user's first.
fn own_account(world: &World, call: &Call, given: &Map<String, Value>) -> Option<i64> {
    let user = owner(call)?;
    let from_path = path_ids(call).find(|(name, _)| *name == "monetary_account_id").and_then(|(_, id)| id.int());
    let named = given.get("pin_code_assignment").and_then(|p| p.get(0)).and_then(|p| p.get("monetary_account_id"));
    let named = named.or(given.get("monetary_account_id_fallback")).and_then(Value::as_i64);
    let named = named.filter(|id| world.bank.account(user, *id).is_ok());
    from_path.or(named).or_else(|| world.bank.accounts_of(user).first().map(|a| a.id))
}

fn path_id_text(id: &PathId) -> String {
    match id {
        PathId::Int(i) => i.to_string(),
        PathId::Text(t) => t.clone(),
    }
}

/// The path's id parameters by name.
fn path_ids<'c>(call: &'c Call) -> impl Iterator<Item = (&'static str, &'c PathId)> {
    let names = call.operation.segments.iter().filter_map(|s| match s {
        Segment::Id { name, .. } => Some(name.as_str()),
        Segment::Literal(_) => None,
    });
    names.zip(call.ids.iter())
}

/// What a create, an update or a read answers for an object: per the operation's envelope.
pub(crate) fn answer(operation: &Operation, object: &Stored) -> Value {
    match operation.variants().first().map(|v| v.key.as_str()) {
        None => wire::empty(),
        Some("Id") => wire::id(object.id),
        Some("Uuid") => json!({ "Response": [{ "Uuid": { "uuid": object.uuid } }] }),
        Some(key) => wire::items(key, [Value::Object(object.fields.clone())]),
    }
}

/// Runs an operation by the rule.
pub(crate) fn handle(world: &mut World, call: &Call) -> Result<Output, Failure> {
    let now = SystemTime::now();
    match call.operation.verb {
        Verb::Create => {
            let id = match call.operation.body {
                Body::Upload => upload(world, call, now),
                _ => {
                    let given = call.value()?;
                    let given = given.as_object().cloned().unwrap_or_default();
                    create_object(world, call, &given, now)
                }
            };
            let object = world.store.by_id_mut(id).ok_or_else(|| Failure::new(500, "The new object is gone."))?;
            Ok(Output::Json(answer(call.operation, object)))
        }
        Verb::Get if call.operation.answer == Answer::Bytes => content(world, call),
        Verb::Get => {
            let object = find(world, call)?;
            Ok(Output::Json(answer(call.operation, object)))
        }
        Verb::List => list(world, call),
        Verb::Update => {
            let given = call.value()?;
            let given = given.as_object().cloned().unwrap_or_default();
            let object = update_object(world, call, &given, now)?;
            Ok(Output::Json(answer(call.operation, object)))
        }
        Verb::Delete => {
            find(world, call)?;
            world.store.remove(&place(call), call.last_id().unwrap_or(&PathId::Int(-1)));
            Ok(Output::Json(wire::empty()))
        }
    }
}

/// The object the path names (its last id), if the caller may see it.
pub(crate) fn find<'w>(world: &'w World, call: &Call) -> Result<&'w Stored, Failure> {
    let id = call.last_id().ok_or_else(|| Failure::not_found("object"))?;
    let object = world.store.get(&place(call), id).filter(|o| visible(o, call));
    object.ok_or_else(|| Failure::not_found(&noun(&place(call).collection)))
}

/// Merges `given` into the object the path names; bumps `updated`.
pub(crate) fn update_object<'w>(
    world: &'w mut World,
    call: &Call,
    given: &Map<String, Value>,
    now: SystemTime,
) -> Result<&'w Stored, Failure> {
    find(world, call)?;
    let place = place(call);
    let resource = resource(&place.collection);
    let id = call.last_id().cloned().unwrap_or(PathId::Int(-1));
    let object = world.store.get_mut(&place, &id).ok_or_else(|| Failure::not_found("object"))?;
    for (field, value) in mapped(resource, given) {
        if field != "id" && field != "created" {
            object.fields.insert(field, value);
        }
    }
    if object.fields.contains_key("updated") || read_fields(resource).is_some_and(|k| k.contains_key("updated")) {
        object.fields.insert("updated".to_owned(), json!(render::timestamp(now)));
    }
    Ok(object)
}

/// The listing of the call's place, newest first.
fn list(world: &World, call: &Call) -> Result<Output, Failure> {
    let page = call.page()?;
    let place = place(call);
    let key = call.operation.variants().first().map(|v| v.key.clone()).unwrap_or_default();
    let objects = world.store.list(&place).into_iter().filter(|o| visible(o, call));
    let items = objects.map(|o| (o.id, Value::Object(o.fields.clone()))).collect();
    let (items, pagination) = listing::paginate(&page, items, call.path);
    Ok(Output::Json(wire::listing(&key, items, &pagination)))
}

/// An upload: the bytes, their MIME type and description.
fn upload(world: &mut World, call: &Call, now: SystemTime) -> i64 {
    let mut file = Map::new();
    if let Some(description) = call.header("x-bunq-attachment-description") {
        file.insert("description".to_owned(), json!(description));
    }
    let content_type = call.header("content-type").unwrap_or("application/octet-stream");
    file.insert("content_type".to_owned(), json!(content_type));
    // Where the read type has an `attachment` object (`AttachmentPublic`), the file is told there.
    let nested = read_fields(resource(&place(call).collection)).is_some_and(|k| k.contains_key("attachment"));
    let given = if nested { Map::from_iter([("attachment".to_owned(), Value::Object(file))]) } else { file };
    let id = create_object(world, call, &given, now);
    if let Some(object) = world.store.by_id_mut(id) {
        object.bytes = Some(call.body.to_vec());
    }
    id
}

/// A file below an object (`…/{id}/content`): what was uploaded, else a small document.
fn content(world: &World, call: &Call) -> Result<Output, Failure> {
    let segments = &call.operation.segments;
    let Some(position) = segments.iter().rposition(|s| matches!(s, Segment::Id { .. })) else {
        return Err(Failure::not_found("file"));
    };
    let place = Place {
        collection: spec::template_of(&segments[..position]),
        parents: call.ids[..call.ids.len().saturating_sub(1)].to_vec(),
    };
    let id = call.last_id().ok_or_else(|| Failure::not_found("file"))?;
    let object = world.store.get(&place, id).filter(|o| visible(o, call));
    let object = object.ok_or_else(|| Failure::not_found(&noun(&place.collection)))?;
    Ok(Output::File(object.bytes.clone().unwrap_or_else(|| document(object))))
}

/// A small PDF-like file about an object (an export's content).
pub(crate) fn document(object: &Stored) -> Vec<u8> {
    let format = object.fields.get("statement_format").and_then(Value::as_str).unwrap_or("PDF");
    let title = format!("bunq sandbox {} {}", object.key, object.id);
    match format {
        "CSV" => format!("\"Date\",\"Amount\",\"Description\"\n\"{title}\",\"0.00\",\"\"\n").into_bytes(),
        "MT940" => format!(":20:{}\n:25:{title}\n:28C:1\n", object.id).into_bytes(),
        _ => format!(
            "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% {title}\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        )
        .into_bytes(),
    }
}

/// A collection's last word, for messages: `user/{}/card` → `card`.
pub(crate) fn noun(collection: &str) -> String {
    collection.rsplit('/').find(|s| *s != "{}").unwrap_or("object").replace('-', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_know_their_wire_type() {
        let tab = resource("user/{}/monetary-account/{}/bunqme-tab");
        assert_eq!((tab.key.as_deref(), tab.set_field.as_deref()), (Some("BunqMeTab"), None));
        let schedules = resource("user/{}/monetary-account/{}/schedule-payment");
        assert_eq!(schedules.key.as_deref(), Some("ScheduledPayment"));
        let filters = resource("user/{}/notification-filter-url");
        assert_eq!(filters.key.as_deref(), Some("NotificationFilterUrl"));
        assert_eq!(filters.set_field.as_deref(), Some("notification_filters"));
        assert_eq!(resource("user/{}/monetary-account").key, None, "several kinds");
        assert_eq!(noun("user/{}/monetary-account/{}/draft-payment"), "draft payment");
    }
}
