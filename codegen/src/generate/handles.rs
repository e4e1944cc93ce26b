//! The typed surface: a handle per resource of bunq's paths, with a method per operation that
//! answers what was asked for — an object, a page, an id, or nothing — as `bunq_api::Result`.
//!
//! `/user/{user_id}/monetary-account/{monetary_account_id}/payment/{payment_id}` becomes
//! `context.user(u).monetary_account(m).payment(p)` (an item handle with `get`/`update`/`delete`)
//! and `…monetary_account(m).payments()` (a collection handle with `list`/`create`).

use crate::model::{Answer, Body, Envelope, Model, Operation, Segment};
use crate::words::{Verb, pascal, plural, snake};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
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
        matches!(self.segments.last(), Some(Segment::Id { .. }))
    }

    fn literal(&self) -> &str {
        let literal = match self.segments.len() {
            n if self.is_item() => &self.segments[n - 2],
            n => &self.segments[n - 1],
        };
        match literal {
            Segment::Literal(l) => l,
            Segment::Id { .. } => "",
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
            Segment::Id { name, ty, uuid } => Some((name.as_str(), ty.as_str(), !*uuid)),
            Segment::Literal(_) => None,
        })
    }
}

fn key(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => l.clone(),
            Segment::Id { name, .. } => format!("{{{name}}}"),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The segments of a node's parent (empty for a node hanging off the context).
fn parent(segments: &[Segment]) -> &[Segment] {
    match segments.last() {
        Some(Segment::Id { .. }) => &segments[..segments.len().saturating_sub(2)],
        Some(Segment::Literal(_)) => &segments[..segments.len() - 1],
        None => segments,
    }
}

/// Every path an operation ends on, and every item on the way to one: the resources, by key.
fn resources(model: &Model) -> BTreeMap<String, Node> {
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    for (index, op) in model.operations.iter().enumerate() {
        let segments = &op.segments;
        for end in 1..=segments.len() {
            let prefix = &segments[..end];
            let needed = end == segments.len()
                || matches!(prefix.last(), Some(Segment::Id { .. }))
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
    nodes
}

/// The keys of the collections that have items.
fn with_items(nodes: &BTreeMap<String, Node>) -> BTreeSet<String> {
    nodes.values().filter(|n| n.is_item()).map(|n| key(&n.segments[..n.segments.len() - 1])).collect()
}

/// The name of the method reaching each resource from its parent.
fn accessor_names(model: &Model, nodes: &BTreeMap<String, Node>) -> BTreeMap<String, String> {
    let listed = |node: &Node| node.operations.iter().any(|&i| model.operations[i].verb == Verb::List);
    let has_items = with_items(nodes);
    // Where English has one word for one and many (`savings`), the collection keeps the word and
    // the item says it takes an id: `monetary_account_savings()`, `monetary_account_savings_by_id(id)`.
    let same_word = |node: &Node| {
        let base = snake(node.literal());
        plural(&base) == base
    };
    let mut names = BTreeMap::new();
    for (k, node) in nodes {
        let base = snake(node.literal());
        let collection_key = || key(&node.segments[..node.segments.len() - 1]);
        let name = if node.is_item() && same_word(node) && nodes.contains_key(&collection_key()) {
            format!("{base}_by_id")
        } else if node.is_item() || !(listed(node) || has_items.contains(k)) {
            base
        } else {
            plural(&base)
        };
        names.insert(k.clone(), name);
    }
    names
}

/// The handles and the context's entry points, for a module that sees `Client` and `types`.
/// `whole` is the model of every group: a resource of a group that is off leaves a stub on its
/// parent that does not compile and names the feature to turn on.
pub fn generate(model: &Model, whole: &Model) -> Result<TokenStream, String> {
    let nodes = resources(model);
    let accessor = accessor_names(model, &nodes);
    let has_items = with_items(&nodes);
    let mut type_names = BTreeMap::new();
    for (k, node) in &nodes {
        // An item's type is its resource's name, whatever its accessor adds (`_by_id`); a
        // collection whose plural is that name too is the `…Collection`.
        let base = snake(node.literal());
        let name = match node.is_item() {
            true => base,
            false if accessor[k] == base && has_items.contains(k) => format!("{base}_collection"),
            false => accessor[k].clone(),
        };
        let literals: Vec<String> = node
            .segments
            .iter()
            .filter_map(|s| match s {
                Segment::Literal(l) => Some(snake(l)),
                Segment::Id { .. } => None,
            })
            .collect();
        let mut words = literals[..literals.len() - 1].to_vec();
        words.push(name.clone());
        // Under a user, the user goes without saying: `MonetaryAccountPayment`.
        let short = if words.len() > 1 && words[0] == "user" { &words[1..] } else { &words[..] };
        type_names.insert(k.clone(), (pascal(&short.join("_")), pascal(&words.join("_"))));
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
    let (mut stubs, needs) = off_stubs(whole, &nodes, &accessor);
    let handles = nodes
        .iter()
        .map(|(k, node)| {
            let stubs = stubs.remove(k).unwrap_or_default();
            node_code(model, node, &type_names[k], children.get(k), &nodes, &accessor, &type_names, stubs)
        })
        .collect::<Result<Vec<_>, _>>()?;
    // The entry points, on the context.
    let entries = children.get("").into_iter().flatten().map(|child| {
        let client = quote!(self.client());
        accessor_code(&nodes[child], &accessor[child], &type_names[child], &client, &lifetime("'_"))
    });
    let entry_stubs = stubs.remove("").unwrap_or_default();
    Ok(quote! {
        #(#handles)*
        impl crate::ApiContext {
            #(#entries)*
            #(#entry_stubs)*
        }
        #needs
    })
}

/// For each resource of a group that is off whose parent is built: a stub accessor on the parent,
/// by parent key (`""`: the context), and the traits (`needs::<Feature>`) whose bound they cannot
/// meet: calling one is a compile error naming the feature to turn on.
fn off_stubs(
    whole: &Model,
    built: &BTreeMap<String, Node>,
    built_names: &BTreeMap<String, String>,
) -> (BTreeMap<String, Vec<TokenStream>>, TokenStream) {
    let all = resources(whole);
    let names = accessor_names(whole, &all);
    let mut stubs: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
    let mut needs = BTreeMap::new();
    for (k, node) in all.iter().filter(|(k, _)| !built.contains_key(*k)) {
        let parent_key = key(parent(&node.segments));
        let taken = built.iter().any(|(c, n)| key(parent(&n.segments)) == parent_key && built_names[c] == names[k]);
        if !(parent_key.is_empty() || built.contains_key(&parent_key)) || taken {
            continue;
        }
        let features: Vec<&str> = node.features.iter().flatten().map(String::as_str).collect();
        if features.is_empty() {
            continue;
        }
        let need = format_ident!("{}", pascal(&features.join("_or_")));
        needs.entry(need.to_string()).or_insert_with(|| need_trait(&need, &features));
        let name = format_ident!("{}", names[k]);
        let id = node.is_item().then(|| quote!(, _id: Id));
        let generic = node.is_item().then(|| quote!(, Id));
        stubs.entry(parent_key).or_default().push(quote! {
            #[doc(hidden)]
            pub fn #name<'s #generic>(&'s self #id) where &'s Self: needs::#need {
                unreachable!("a bound no type meets")
            }
        });
    }
    let needs = needs.into_values();
    (
        stubs,
        quote! {
            /// What the stubs of resources whose group is off ask for: nothing implements these.
            #[doc(hidden)]
            pub mod needs { #(#needs)* }
        },
    )
}

/// A trait nothing implements, whose error says which feature to turn on.
fn need_trait(name: &syn::Ident, features: &[&str]) -> TokenStream {
    let list = features.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(" or ");
    let message = format!("this resource is in an operation group that is off: turn on bunq-api's feature {list}");
    let label = format!("needs the cargo feature {list}");
    let example = features.first().copied().unwrap_or_default();
    let note = format!("add \"{example}\" to the features of bunq-api in Cargo.toml");
    let doc = format!(" Asked for by the handles of {list} while that group is off: nothing implements it.");
    quote! {
        #[doc = #doc]
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        pub trait #name {}
    }
}

fn lifetime(name: &str) -> syn::Lifetime {
    syn::Lifetime::new(name, Span::call_site())
}

/// docs.rs's note on an item only a cargo feature builds.
fn feature_note(feature: Option<&str>) -> Option<TokenStream> {
    feature.map(|f| quote!(#[cfg_attr(docsrs, doc(cfg(feature = #f)))]))
}

/// The method reaching `child` from its parent: the handle borrows `client` for `life`.
fn accessor_code(child: &Node, name: &str, type_name: &str, client: &TokenStream, life: &syn::Lifetime) -> TokenStream {
    let path = key(&child.segments);
    let what = child.literal().replace('-', " ");
    let note = feature_note(child.feature());
    let (name, type_name) = (format_ident!("{name}"), format_ident!("{type_name}"));
    let params: Vec<_> = child.params().map(|(p, ty, _)| (format_ident!("{p}"), format_ident!("{ty}"))).collect();
    // An item's accessor takes its own id; every other id is copied from the parent.
    let (doc, id, copied) = match (child.is_item(), params.split_last()) {
        (true, Some(((id, ty), parents))) => (format!(" The {what} with this id: `/{path}`."), Some((id, ty)), parents),
        _ => (format!(" The {what}: `/{path}`."), None, params.as_slice()),
    };
    let copied: Vec<_> = copied.iter().map(|(p, _)| p).collect();
    let id_param = id.map(|(id, ty)| quote!(, #id: types::#ty));
    let id_field = id.map(|(id, _)| id);
    quote! {
        #[doc = #doc]
        #note
        pub fn #name(&self #id_param) -> #type_name<#life> {
            #type_name { client: #client, #(#copied: self.#copied.clone(),)* #id_field }
        }
    }
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
    stubs: Vec<TokenStream>,
) -> Result<TokenStream, String> {
    let path = key(&node.segments);
    let derives = match node.params().all(|(_, _, copy)| copy) {
        true => quote!(Clone, Copy, Debug),
        false => quote!(Clone, Debug),
    };
    let fields = node.params().map(|(p, ty, _)| {
        let (p, ty) = (format_ident!("{p}"), format_ident!("{ty}"));
        quote!(#p: types::#ty,)
    });
    let doc = format!(" {} `/{path}`.", if node.is_item() { "One" } else { "The" });
    let note = feature_note(node.feature());
    // Children borrow the client for 'a, not for the parent handle's borrow.
    let (client, life) = (quote!(self.client), lifetime("'a"));
    let accessors = children
        .into_iter()
        .flatten()
        .map(|child| accessor_code(&nodes[child], &accessor[child], &type_names[child], &client, &life));
    let mut verbs = BTreeSet::new();
    let (mut methods, mut impls) = (Vec::new(), Vec::new());
    for &index in &node.operations {
        let op = &model.operations[index];
        if !verbs.insert(op.verb) {
            return Err(format!("`/{path}` has two operations of one kind ({})", op.id));
        }
        let (method, extra) = operation_code(model, op, type_name)?;
        // Noted once on the handle when everything under it needs the same feature.
        let note = node.feature().is_none().then(|| feature_note(op.feature.as_deref())).flatten();
        methods.push(quote!(#note #method));
        impls.push(extra);
    }
    let type_name = format_ident!("{type_name}");
    Ok(quote! {
        #[doc = #doc]
        #note
        #[derive(#derives)]
        pub struct #type_name<'a> {
            client: &'a Client,
            #(#fields)*
        }
        impl<'a> #type_name<'a> {
            #(#accessors)*
            #(#methods)*
            #(#stubs)*
        }
        #(#impls)*
    })
}

/// The arguments of progenitor's method for the path's ids.
fn path_args(op: &Operation) -> Vec<TokenStream> {
    op.segments
        .iter()
        .filter_map(|s| match s {
            Segment::Id { name, .. } => {
                let name = format_ident!("{name}");
                Some(quote!(&self.#name))
            }
            Segment::Literal(_) => None,
        })
        .collect()
}

fn envelope<'m>(model: &'m Model, op: &Operation) -> Option<&'m Envelope> {
    match &op.answer {
        Answer::Envelope { schema, .. } => model.envelopes.get(schema),
        Answer::Bytes => None,
    }
}

/// One method (and, for listings, the `Collection` impl).
fn operation_code(model: &Model, op: &Operation, type_name: &str) -> Result<(TokenStream, TokenStream), String> {
    let raw = format_ident!("{}", op.id);
    let http = format!("`{} {}`", op.method, op.path);
    let mut args = path_args(op);
    let params = match &op.body {
        Body::None => quote!(),
        Body::Json(ty) => {
            let ty = format_ident!("{ty}");
            args.push(quote!(body));
            quote!(, body: &types::#ty)
        }
        Body::Upload => {
            args.extend([quote!(description), quote!(bytes.into())]);
            quote!(, content_type: &str, description: &str, bytes: impl Into<Vec<u8>>)
        }
    };
    let call = quote!(self.client.#raw(#(#args),*));
    let call = match op.body {
        Body::Upload => quote!(crate::upload(content_type, #call)),
        _ => call,
    };
    let env = envelope(model, op);
    let item = env.map(|env| format_ident!("{}", env.item));
    let doc = |what: &str| format!(" {http}: {what}");
    let method = match (op.verb, env) {
        (Verb::List, Some(_)) => {
            let page_id = op.page_id.as_ref().ok_or(format!("{}: a listing without a page id", op.id))?;
            let page_id = format_ident!("{page_id}");
            let doc = doc("a page of them, newest first; `.stream()` walks every item.");
            let method = quote! {
                #[doc = #doc]
                pub fn list(&self) -> crate::List<'a, Self> { crate::List::new(self.clone()) }
            };
            let (fetch_args, type_name) = (path_args(op), format_ident!("{type_name}"));
            let impls = quote! {
                impl crate::Collection for #type_name<'_> {
                    type Item = types::#item;
                    type Id = types::#page_id;
                    fn fetch(&self, count: Option<u32>, newer: Option<types::#page_id>, older: Option<types::#page_id>)
                        -> crate::PageFuture<'_, types::#item> {
                        Box::pin(async move {
                            let answer = self.client.#raw(#(#fetch_args,)* count, newer.as_ref(), older.as_ref()).await?;
                            Ok(crate::RawPage::from(answer.into_inner()))
                        })
                    }
                }
            };
            return Ok((method, impls));
        }
        (Verb::Get, None) => {
            let doc = doc("the file's bytes.");
            quote! {
                #[doc = #doc]
                pub async fn get(&self) -> crate::Result<Vec<u8>> { crate::file_bytes(#call.await?).await }
            }
        }
        (Verb::Get, Some(_)) => {
            let doc = doc("reads it.");
            quote! {
                #[doc = #doc]
                pub async fn get(&self) -> crate::Result<types::#item> { crate::Envelope::into_first(#call.await?.into_inner()) }
            }
        }
        (Verb::Create, Some(env)) => match &env.created {
            Some(created) => {
                let (doc, id) = (doc("creates one; answers its id."), created.ty.tokens());
                quote! {
                    #[doc = #doc]
                    pub async fn create(&self #params) -> crate::Result<#id> { crate::Created::id(&#call.await?.into_inner()) }
                }
            }
            None if env.field.is_none() => {
                let doc = doc("creates one; answers every item bunq gave back.");
                quote! {
                    #[doc = #doc]
                    pub async fn create(&self #params) -> crate::Result<Vec<types::#item>> {
                        Ok(crate::Envelope::into_items(#call.await?.into_inner()))
                    }
                }
            }
            None => {
                let doc = doc("creates one; answers what bunq made.");
                quote! {
                    #[doc = #doc]
                    pub async fn create(&self #params) -> crate::Result<types::#item> {
                        crate::Envelope::into_first(#call.await?.into_inner())
                    }
                }
            }
        },
        (Verb::Update, _) => {
            let doc = doc("changes it.");
            quote! {
                #[doc = #doc]
                pub async fn update(&self #params) -> crate::Result<()> { #call.await?; Ok(()) }
            }
        }
        (Verb::Delete, _) => {
            let doc = doc("deletes it.");
            quote! {
                #[doc = #doc]
                pub async fn delete(&self #params) -> crate::Result<()> { #call.await?; Ok(()) }
            }
        }
        (verb, None) => return Err(format!("{}: a {verb:?} answering a file", op.id)),
    };
    Ok((method, TokenStream::new()))
}
