//! The typed surface: a handle per resource of bunq's paths, with a method per operation that
//! answers what was asked for — an object, a page, an id, or nothing — as `bunq_api::Result`.
//!
//! `/user/{user_id}/monetary-account/{monetary_account_id}/payment/{payment_id}` becomes
//! `context.user(u).monetary_account(m).payment(p)` (an item handle with `get`/`update`/`delete`)
//! and `…monetary_account(m).payments()` (a collection handle with `list`/`create`).

use crate::model::{Answer, Body, Envelope, Model, Operation, Segment};
use crate::words::{Verb, pascal, plural, snake};
use std::collections::{BTreeMap, BTreeSet};

/// A resource of the path tree: a collection (path ending in a name) or an item (ending in an id).
struct Node {
    segments: Vec<Segment>,
    /// Operations on exactly this path.
    operations: Vec<usize>,
    /// The features of the operations on this path and under it (`None`: core).
    features: BTreeSet<Option<String>>,
}

impl Node {
    fn is_item(&self) -> bool {
        matches!(self.segments.last(), Some(Segment::Param { .. }))
    }

    fn literal(&self) -> &str {
        let literal = match self.segments.len() {
            n if self.is_item() => &self.segments[n - 2],
            n => &self.segments[n - 1],
        };
        match literal {
            Segment::Literal(l) => l,
            Segment::Param { .. } => "",
        }
    }

    /// The one cargo feature everything under this node needs, if there is one.
    fn feature(&self) -> Option<&str> {
        let mut features = self.features.iter();
        match (features.next(), features.next()) {
            (Some(Some(feature)), None) => Some(feature),
            _ => None,
        }
    }

    fn params(&self) -> impl Iterator<Item = (&str, &str, bool)> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Param { name, ty, copy } => Some((name.as_str(), ty.as_str(), *copy)),
            Segment::Literal(_) => None,
        })
    }
}

fn key(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => l.clone(),
            Segment::Param { name, .. } => format!("{{{name}}}"),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The segments of a node's parent (empty for a node hanging off the context).
fn parent(segments: &[Segment]) -> &[Segment] {
    match segments.last() {
        Some(Segment::Param { .. }) => &segments[..segments.len().saturating_sub(2)],
        Some(Segment::Literal(_)) => &segments[..segments.len() - 1],
        None => segments,
    }
}

pub fn generate(model: &Model) -> Result<String, String> {
    // Every path an operation ends on, and every item on the way to one, is a node.
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    for (index, op) in model.operations.iter().enumerate() {
        let segments = &op.segments;
        for end in 1..=segments.len() {
            let prefix = &segments[..end];
            let needed = end == segments.len()
                || matches!(prefix.last(), Some(Segment::Param { .. }))
                || matches!((prefix.last(), segments.get(end)), (Some(Segment::Literal(_)), Some(Segment::Literal(_))));
            if needed {
                let node = nodes.entry(key(prefix)).or_insert_with(|| Node {
                    segments: prefix.to_vec(),
                    operations: Vec::new(),
                    features: BTreeSet::new(),
                });
                node.features.insert(op.feature.clone());
                if end == segments.len() {
                    node.operations.push(index);
                }
            }
        }
    }
    // Accessor names and struct names.
    let listed = |node: &Node| node.operations.iter().any(|&i| model.operations[i].verb == Verb::List);
    let has_items: BTreeSet<String> =
        nodes.values().filter(|n| n.is_item()).map(|n| key(&n.segments[..n.segments.len() - 1])).collect();
    let mut accessor = BTreeMap::new();
    let mut type_names = BTreeMap::new();
    for (k, node) in &nodes {
        let base = snake(node.literal());
        let name = if node.is_item() || !(listed(node) || has_items.contains(k)) {
            base
        } else if plural(&base) == base && has_items.contains(k) {
            // `savings`: the collection cannot take the item's accessor name.
            format!("{base}_all")
        } else {
            plural(&base)
        };
        let literals: Vec<String> = node
            .segments
            .iter()
            .filter_map(|s| match s {
                Segment::Literal(l) => Some(snake(l)),
                Segment::Param { .. } => None,
            })
            .collect();
        let mut words = literals[..literals.len() - 1].to_vec();
        words.push(name.clone());
        // Under a user, the user goes without saying: `MonetaryAccountPayment`.
        let short = if words.len() > 1 && words[0] == "user" { &words[1..] } else { &words[..] };
        type_names.insert(k.clone(), (pascal(&short.join("_")), pascal(&words.join("_"))));
        accessor.insert(k.clone(), name);
    }
    // Where two resources would get one short name they take their full one; where they would
    // still get one, the collection takes a suffix.
    let count = |names: &mut dyn Iterator<Item = String>| {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        names.for_each(|n| *counts.entry(n).or_default() += 1);
        counts
    };
    let short_counts = count(&mut type_names.values().map(|(short, _)| short.clone()));
    let mut type_names: BTreeMap<String, String> = type_names
        .into_iter()
        .map(|(k, (short, full))| {
            let chosen = if short_counts[&short] > 1 { full } else { short };
            (k, chosen)
        })
        .collect();
    let counts = count(&mut type_names.values().cloned());
    for (k, name) in type_names.iter_mut() {
        if counts[name.as_str()] > 1 && !nodes[k].is_item() {
            name.push_str("Collection");
        }
    }
    let mut seen: BTreeMap<&String, &String> = BTreeMap::new();
    for (k, name) in &type_names {
        if let Some(other) = seen.insert(name, k) {
            return Err(format!("`/{other}` and `/{k}` get one type name, `{name}`"));
        }
    }
    let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, node) in &nodes {
        let parent_key = key(parent(&node.segments));
        if !parent_key.is_empty() && !nodes.contains_key(&parent_key) {
            return Err(format!("`{k}` hangs off `{parent_key}`, which is no resource"));
        }
        children.entry(parent_key).or_default().push(k.clone());
    }
    let mut code = String::new();
    for (k, node) in &nodes {
        code.push_str(&node_code(model, node, &type_names[k], children.get(k), &nodes, &accessor, &type_names)?);
    }
    // The entry points, on the context.
    code.push_str("impl crate::ApiContext {\n");
    for child in children.get("").into_iter().flatten() {
        code.push_str(&accessor_code(&nodes[child], &accessor[child], &type_names[child], "self.client()"));
    }
    code.push_str("}\n");
    Ok(code)
}

/// docs.rs's note on an item only a cargo feature builds.
fn feature_note(feature: Option<&str>) -> String {
    feature.map(|f| format!("#[cfg_attr(docsrs, doc(cfg(feature = {f:?})))]\n")).unwrap_or_default()
}

fn accessor_code(child: &Node, name: &str, type_name: &str, client: &str) -> String {
    let path = key(&child.segments);
    let note = feature_note(child.feature());
    let mut fields: Vec<String> = child.params().map(|(p, _, _)| format!("{p}: self.{p}.clone()")).collect();
    let mut args = String::new();
    if child.is_item() {
        let (param, ty, _) = child.params().last().expect("an item has an id");
        fields.pop();
        fields.push(param.to_owned());
        args = format!(", {param}: types::{ty}");
        return format!(
            "/// The {} with this id: `/{path}`.\n{note}\
             pub fn {name}(&self{args}) -> {type_name}<'_> {{ {type_name} {{ client: {client}, {} }} }}\n",
            child.literal().replace('-', " "),
            fields.join(", ")
        );
    }
    format!(
        "/// The {}: `/{path}`.\n{note}\
         pub fn {name}(&self{args}) -> {type_name}<'_> {{ {type_name} {{ client: {client}, {} }} }}\n",
        child.literal().replace('-', " "),
        fields.join(", ")
    )
}

#[allow(clippy::too_many_arguments)]
fn node_code(
    model: &Model,
    node: &Node,
    type_name: &str,
    children: Option<&Vec<String>>,
    nodes: &BTreeMap<String, Node>,
    accessor: &BTreeMap<String, String>,
    type_names: &BTreeMap<String, String>,
) -> Result<String, String> {
    let path = key(&node.segments);
    let copy = node.params().all(|(_, _, copy)| copy);
    let derives = if copy { "Clone, Copy, Debug" } else { "Clone, Debug" };
    let fields: String = node.params().map(|(p, ty, _)| format!("{p}: types::{ty},\n")).collect();
    let kind = if node.is_item() { "One" } else { "The" };
    let note = feature_note(node.feature());
    let mut code = format!(
        "/// {kind} `/{path}`.\n{note}#[derive({derives})]\npub struct {type_name}<'a> {{\nclient: &'a Client,\n{fields}}}\n"
    );
    code.push_str(&format!("impl<'a> {type_name}<'a> {{\n"));
    for child in children.into_iter().flatten() {
        let accessor_fn = accessor_code(&nodes[child], &accessor[child], &type_names[child], "self.client");
        // Children borrow the client for 'a, not for the parent handle's borrow.
        code.push_str(&accessor_fn.replace("<'_>", "<'a>"));
    }
    let mut verbs = BTreeSet::new();
    let mut extra = String::new();
    for &index in &node.operations {
        let op = &model.operations[index];
        if !verbs.insert(op.verb) {
            return Err(format!("`/{path}` has two operations of one kind ({})", op.id));
        }
        let (method, impls) = operation_code(model, op, type_name)?;
        // Noted once on the handle when everything under it needs the same feature.
        if node.feature().is_none() {
            code.push_str(&feature_note(op.feature.as_deref()));
        }
        code.push_str(&method);
        extra.push_str(&impls);
    }
    code.push_str("}\n");
    code.push_str(&extra);
    Ok(code)
}

/// The arguments of progenitor's method for the path's ids.
fn path_args(op: &Operation) -> Vec<String> {
    op.segments
        .iter()
        .filter_map(|s| match s {
            Segment::Param { name, .. } => Some(format!("&self.{name}")),
            Segment::Literal(_) => None,
        })
        .collect()
}

fn envelope<'m>(model: &'m Model, op: &Operation) -> Option<&'m Envelope> {
    match &op.answer {
        Answer::Envelope(name) => model.envelopes.get(name),
        Answer::Bytes => None,
    }
}

/// One method (and, for listings, the `Collection` impl).
fn operation_code(model: &Model, op: &Operation, type_name: &str) -> Result<(String, String), String> {
    let raw = &op.id;
    let http = format!("`{} {}`", op.method, op.path);
    let mut args = path_args(op);
    let (params, body_arg) = match &op.body {
        Body::None => (String::new(), None),
        Body::Json(ty) => (format!(", body: &types::{ty}"), Some("body".to_owned())),
        Body::Upload => (
            ", content_type: &str, description: &str, bytes: impl Into<Vec<u8>>".to_owned(),
            Some("bytes.into()".to_owned()),
        ),
    };
    if matches!(op.body, Body::Upload) {
        args.push("description".into());
    }
    if let Some(body) = body_arg {
        args.push(body);
    }
    let call = format!("self.client.{raw}({})", args.join(", "));
    let call = match op.body {
        Body::Upload => format!("crate::upload(content_type, {call})"),
        _ => call,
    };
    let env = envelope(model, op);
    let method = match (op.verb, env) {
        (Verb::List, Some(env)) => {
            let page_id = op.page_id.as_ref().ok_or(format!("{raw}: a listing without a page id"))?;
            let item = &env.item;
            let method = format!(
                "/// {http}: a page of them, newest first; `.stream()` walks every item.\n\
                 pub fn list(&self) -> crate::List<'a, Self> {{ crate::List::new(self.clone()) }}\n"
            );
            let fetch_args = path_args(op).join(", ");
            let impls = format!(
                "impl crate::Collection for {type_name}<'_> {{\n\
                 type Item = types::{item};\n\
                 type Id = types::{page_id};\n\
                 fn fetch(&self, count: Option<u32>, newer: Option<types::{page_id}>, older: Option<types::{page_id}>) \
                 -> crate::PageFuture<'_, types::{item}> {{\n\
                 Box::pin(async move {{\n\
                 let answer = self.client.{raw}({fetch_args}{sep}count, newer.as_ref(), older.as_ref()).await?;\n\
                 Ok(crate::RawPage::from(answer.into_inner()))\n\
                 }})\n\
                 }}\n\
                 }}\n",
                sep = if fetch_args.is_empty() { "" } else { ", " }
            );
            return Ok((method, impls));
        }
        (Verb::Get, None) => format!(
            "/// {http}: the file's bytes.\n\
             pub async fn get(&self) -> crate::Result<Vec<u8>> {{ crate::file_bytes({call}.await?).await }}\n"
        ),
        (Verb::Get, Some(env)) => format!(
            "/// {http}: reads it.\n\
             pub async fn get(&self) -> crate::Result<types::{item}> {{ crate::Envelope::into_first({call}.await?.into_inner()) }}\n",
            item = env.item
        ),
        (Verb::Create, Some(env)) => match &env.created {
            Some((id, _)) => format!(
                "/// {http}: creates one; answers its id.\n\
                 pub async fn create(&self{params}) -> crate::Result<{id}> {{ crate::Created::id(&{call}.await?.into_inner()) }}\n"
            ),
            None if env.unwrap == "x" => format!(
                "/// {http}: creates one; answers every item bunq gave back.\n\
                 pub async fn create(&self{params}) -> crate::Result<Vec<types::{item}>> {{ Ok(crate::Envelope::into_items({call}.await?.into_inner())) }}\n",
                item = env.item
            ),
            None => format!(
                "/// {http}: creates one; answers what bunq made.\n\
                 pub async fn create(&self{params}) -> crate::Result<types::{item}> {{ crate::Envelope::into_first({call}.await?.into_inner()) }}\n",
                item = env.item
            ),
        },
        (Verb::Update, _) => format!(
            "/// {http}: changes it.\n\
             pub async fn update(&self{params}) -> crate::Result<()> {{ {call}.await?; Ok(()) }}\n"
        ),
        (Verb::Delete, _) => format!(
            "/// {http}: deletes it.\n\
             pub async fn delete(&self{params}) -> crate::Result<()> {{ {call}.await?; Ok(()) }}\n"
        ),
        (verb, None) => return Err(format!("{raw}: a {verb:?} answering a file")),
    };
    Ok((method, String::new()))
}
