//! Operation groups (spec/groups.json): which cargo feature builds which operations, and the
//! spec cut down to the groups that are on — their operations, and only the schemas those reach.
//!
//! Less spec, less code: the generated client is most of what a build of bunq-api compiles.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The group every build generates: what the handwritten layer and most programs use.
pub const CORE: &str = "core";

/// The extension marking each kept operation with its group (for the docs' feature notes).
pub const GROUP_EXTENSION: &str = "x-bunq-group";

const SCHEMAS: &str = "#/components/schemas/";
/// The keys of a path item that are operations.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// spec/groups.json, read.
pub struct Groups {
    /// Resource (a path's last literal segment) -> its group.
    group_of: BTreeMap<String, String>,
    /// Resources that go with the one they hang under.
    inherit: BTreeSet<String>,
    /// Schemas kept whichever groups are on.
    keep: Vec<String>,
    /// Every group but core, in the file's order.
    optional: Vec<String>,
}

impl Groups {
    pub fn read(json: &str) -> Result<Self, String> {
        let doc: Value = serde_json::from_str(json).map_err(|e| format!("spec/groups.json: not JSON: {e}"))?;
        let strings = |v: &Value| -> Result<Vec<String>, String> {
            v.as_array()
                .ok_or("spec/groups.json: expected a list")?
                .iter()
                .map(|s| s.as_str().map(str::to_owned).ok_or_else(|| "spec/groups.json: expected text".to_owned()))
                .collect()
        };
        let groups = doc.get("groups").and_then(Value::as_object).ok_or("spec/groups.json: no `groups`")?;
        let mut group_of = BTreeMap::new();
        let mut optional = Vec::new();
        for (group, resources) in groups {
            if group != CORE {
                optional.push(group.clone());
            }
            for resource in strings(resources)? {
                if let Some(other) = group_of.insert(resource.clone(), group.clone()) {
                    return Err(format!("spec/groups.json: `{resource}` is in both `{other}` and `{group}`"));
                }
            }
        }
        if !groups.contains_key(CORE) {
            return Err(format!("spec/groups.json: no `{CORE}` group"));
        }
        let inherit = strings(doc.get("inherit").unwrap_or(&Value::Array(Vec::new())))?.into_iter().collect();
        let keep = doc.get("keep").and_then(Value::as_object).map(|k| k.keys().cloned().collect()).unwrap_or_default();
        Ok(Self { group_of, inherit, keep, optional })
    }

    /// The groups a cargo feature turns on (every group but core).
    pub fn optional(&self) -> &[String] {
        &self.optional
    }

    /// The group of an operation on `path`.
    pub fn of(&self, path: &str) -> Result<&str, String> {
        let resources = path.split('/').filter(|s| !s.is_empty() && !s.starts_with('{'));
        let resource = resources.rev().find(|r| !self.inherit.contains(*r)).unwrap_or("");
        self.group_of.get(resource).map(String::as_str).ok_or_else(|| {
            format!("`{path}`: no group of spec/groups.json lists its resource `{resource}`; add it to one")
        })
    }
}

/// Every operation of a spec as (method, path, operation), in the spec's order.
pub fn operations(spec: &Value) -> impl Iterator<Item = (&'static str, &str, &Value)> {
    spec.get("paths").and_then(Value::as_object).into_iter().flatten().flat_map(|(path, item)| {
        METHODS.iter().filter_map(move |method| Some((*method, path.as_str(), item.get(*method)?)))
    })
}

/// Every operation's (method, path) and group, in the spec's order; an operation no group lists is an error.
pub fn classify<'s>(spec: &'s Value, groups: &Groups) -> Result<Vec<(&'s str, &'s str, String)>, String> {
    spec.get("paths").and_then(Value::as_object).ok_or("the spec has no paths")?;
    operations(spec).map(|(method, path, _)| Ok((method, path, groups.of(path)?.to_owned()))).collect()
}

/// Keeps the operations of core and of the groups `on` accepts, marking each with its group,
/// then drops the schemas none of what is left reaches.
pub fn prune(spec: &mut Value, groups: &Groups, on: &dyn Fn(&str) -> bool) -> Result<(), String> {
    let kept: Vec<(String, String, String)> = classify(spec, groups)?
        .into_iter()
        .filter(|(_, _, group)| group == CORE || on(group))
        .map(|(method, path, group)| (method.to_owned(), path.to_owned(), group))
        .collect();
    let paths = spec.get_mut("paths").and_then(Value::as_object_mut).ok_or("the spec has no paths")?;
    let mut pruned = serde_json::Map::new();
    for (method, path, group) in kept {
        let item = pruned.entry(path.clone()).or_insert_with(|| {
            // Everything of the path item but its operations (shared parameters, …).
            let mut item = paths[&path].clone();
            if let Some(fields) = item.as_object_mut() {
                fields.retain(|k, _| !METHODS.contains(&k.as_str()));
            }
            item
        });
        let mut operation = paths[&path][&method].clone();
        operation[GROUP_EXTENSION] = Value::String(group);
        item[&method] = operation;
    }
    *paths = pruned;
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object).ok_or("the spec has no schemas")?;
    // Roots: everything outside the schemas (paths, responses, …) and the schemas always kept.
    let mut reached = BTreeSet::new();
    let mut todo: Vec<String> = groups.keep.clone();
    for (key, value) in spec.as_object().into_iter().flatten() {
        match (key.as_str(), value.as_object()) {
            ("components", Some(components)) => {
                components.iter().filter(|(k, _)| *k != "schemas").for_each(|(_, v)| references(v, &mut todo))
            }
            _ => references(value, &mut todo),
        }
    }
    while let Some(name) = todo.pop() {
        if reached.insert(name.clone()) {
            let schema = schemas.get(&name).ok_or(format!("`{name}` is referenced but no schema"))?;
            references(schema, &mut todo);
        }
    }
    let schemas = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut).expect("checked above");
    schemas.retain(|name, _| reached.contains(name));
    Ok(())
}

/// The schema names `$ref`s in `value` point at.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v.as_str().and_then(|r| r.strip_prefix(SCHEMAS))) {
                    ("$ref", Some(name)) => out.push(name.to_owned()),
                    _ => references(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}
