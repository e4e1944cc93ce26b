//! The public Rust API of one generated client: every item a user can name, with its signature and
//! the bunq path or schema it was generated from. Read from the generated code with `syn`.

use quote::ToTokens;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Where the generated code lives in bunq-api (`pub mod api { include!(…) }`).
const GENERATED: &str = "bunq_api::api";

/// What kind of item an entry is; a change never turns one kind into another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Module,
    Struct,
    Enum,
    Field,
    Variant,
    Method,
    Function,
    Alias,
    Const,
    Impl,
    Reexport,
}

/// One item of the API.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub kind: Kind,
    /// Its signature (a field's type, a method's parameters and result, a tuple struct's fields).
    pub signature: String,
    /// The bunq path or schema it comes from, when it comes from one.
    pub origin: Option<String>,
}

impl Entry {
    /// A method or function that sends a request (its origin is `GET /…`, not a bare path).
    pub fn sends(&self) -> bool {
        self.origin.as_deref().is_some_and(|o| o.split_once(" /").is_some())
    }

    /// A field whose type is `Option<…>`: a user may leave it out.
    pub fn optional(&self) -> bool {
        self.kind == Kind::Field && self.signature.starts_with("Option<")
    }
}

/// The API: the user's path of each item (`bunq_api::types::Payment::amount`) → the item.
#[derive(Debug, Default)]
pub struct Surface {
    pub items: BTreeMap<String, Entry>,
    /// Types a user builds: those taken by a method (request bodies and their parts).
    pub inputs: BTreeSet<String>,
}

impl Surface {
    /// The item generated from a bunq schema or path (`schema Payment.amount`, `GET /user`).
    pub fn item_from(&self, origin: &str) -> Option<(&str, &Entry)> {
        let mut found = self.items.iter().filter(|(_, e)| e.origin.as_deref() == Some(origin));
        found.next().map(|(path, entry)| (path.as_str(), entry))
    }
}

/// The surface of `code` (what build.rs generates from `spec`, every group on).
pub fn read(code: &str, spec: &Value) -> Result<Surface, String> {
    let file = syn::parse_file(code).map_err(|e| format!("the generated code does not parse: {e}"))?;
    let mut reader = Reader { spec: Schemas::of(spec), surface: Surface::default(), taken: BTreeSet::new() };
    reader.items(GENERATED, &file.items);
    let taken = std::mem::take(&mut reader.taken);
    reader.surface.inputs = built(&reader.surface.items, taken);
    Ok(reader.surface)
}

/// The types a user builds: those a method takes, and the types of their fields, all the way down.
fn built(items: &BTreeMap<String, Entry>, taken: BTreeSet<String>) -> BTreeSet<String> {
    let types = user_path(&format!("{GENERATED}::types"));
    let mut todo: Vec<String> = taken.into_iter().map(|name| format!("{types}::{name}")).collect();
    let mut inputs = BTreeSet::new();
    while let Some(path) = todo.pop() {
        if !items.contains_key(&path) || !inputs.insert(path.clone()) {
            continue;
        }
        let fields = items.range(format!("{path}::")..).take_while(|(p, _)| p.starts_with(&format!("{path}::")));
        for (_, field) in fields.filter(|(_, e)| e.kind == Kind::Field) {
            todo.extend(type_names_in(&field.signature).into_iter().map(|name| format!("{types}::{name}")));
        }
    }
    inputs
}

/// The path a user writes: the crate re-exports `api::types`, `api::handles` and `api::Client` at its root.
fn user_path(path: &str) -> String {
    for (inner, outer) in [("::types", "types"), ("::handles", "handles"), ("::Client", "Client")] {
        if let Some(rest) = path.strip_prefix(&format!("{GENERATED}{inner}"))
            && (rest.is_empty() || rest.starts_with("::"))
        {
            return format!("bunq_api::{outer}{rest}");
        }
    }
    path.to_owned()
}

struct Reader {
    spec: Schemas,
    surface: Surface,
    /// Names of types that appear in a method's parameters.
    taken: BTreeSet<String>,
}

impl Reader {
    fn add(&mut self, path: &str, kind: Kind, signature: String, origin: Option<String>) {
        self.surface.items.insert(user_path(path), Entry { kind, signature, origin });
    }

    fn items(&mut self, module: &str, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Mod(m) if public(&m.vis) => {
                    let path = format!("{module}::{}", m.ident);
                    self.add(&path, Kind::Module, String::new(), None);
                    if let Some((_, inner)) = &m.content {
                        self.items(&path, inner);
                    }
                }
                // A private module's trait impls for public types are public all the same
                // (`mod envelopes { impl crate::Envelope for types::PaymentListing … }`).
                syn::Item::Mod(m) => {
                    let inner = m.content.iter().flat_map(|(_, items)| items);
                    for i in inner.filter_map(|item| if let syn::Item::Impl(i) = item { Some(i) } else { None }) {
                        if i.trait_.is_some() {
                            self.implementation(module, i);
                        }
                    }
                }
                syn::Item::Struct(s) if public(&s.vis) => self.structure(module, s),
                syn::Item::Enum(e) if public(&e.vis) => self.enumeration(module, e),
                syn::Item::Fn(f) if public(&f.vis) => {
                    let origin = doc_origin(&f.attrs);
                    self.add(&format!("{module}::{}", f.sig.ident), Kind::Function, signature(&f.sig), origin);
                }
                syn::Item::Type(t) if public(&t.vis) => {
                    let name = t.ident.to_string();
                    let origin = schema_text(&self.spec.origin(&name), None);
                    self.add(&format!("{module}::{name}"), Kind::Alias, tokens(&t.ty), origin);
                }
                syn::Item::Const(c) if public(&c.vis) => {
                    self.add(&format!("{module}::{}", c.ident), Kind::Const, tokens(&c.ty), None);
                }
                syn::Item::Use(u) if public(&u.vis) => {
                    self.add(&format!("{module}::use {}", tokens(&u.tree)), Kind::Reexport, String::new(), None);
                }
                syn::Item::Impl(i) => self.implementation(module, i),
                _ => {}
            }
        }
    }

    fn structure(&mut self, module: &str, s: &syn::ItemStruct) {
        let name = s.ident.to_string();
        let path = format!("{module}::{name}");
        let schema = self.spec.origin(&name);
        let origin = origin_of_type(module, &s.attrs, &schema);
        let mut shape = Vec::new();
        for field in &s.fields {
            let ty = tokens(&field.ty);
            let Some(ident) = &field.ident else {
                shape.push(if public(&field.vis) { ty } else { "_".to_owned() });
                continue;
            };
            if !public(&field.vis) {
                continue;
            }
            let wire = bunq_codegen::serde_rename(&field.attrs)
                .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
            let origin = schema_text(&schema, Some(&format!(".{wire}")));
            self.add(&format!("{path}::{ident}"), Kind::Field, ty, origin);
        }
        // Named fields are entries of their own; a tuple struct's fields are its signature.
        let signature = match &s.fields {
            syn::Fields::Unnamed(_) => format!("({})", shape.join(", ")),
            _ => String::new(),
        };
        self.add(&path, Kind::Struct, signature, origin);
        self.derives(&path, &s.attrs);
    }

    fn enumeration(&mut self, module: &str, e: &syn::ItemEnum) {
        let name = e.ident.to_string();
        let path = format!("{module}::{name}");
        let schema = self.spec.origin(&name);
        for variant in &e.variants {
            let wire = bunq_codegen::serde_rename(&variant.attrs).unwrap_or_else(|| variant.ident.to_string());
            let origin = schema_text(&schema, Some(&format!(" value {wire:?}")));
            let data = if variant.fields.is_empty() { String::new() } else { tokens(&variant.fields) };
            self.add(&format!("{path}::{}", variant.ident), Kind::Variant, data, origin);
        }
        let origin = origin_of_type(module, &e.attrs, &schema);
        self.add(&path, Kind::Enum, String::new(), origin);
        self.derives(&path, &e.attrs);
    }

    /// Each derived trait, as the impl a user relies on (`Copy`, `Default`, `Eq`, …).
    fn derives(&mut self, path: &str, attrs: &[syn::Attribute]) {
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            let _ = attr.parse_nested_meta(|meta| {
                let name = meta.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
                self.add(&format!("{path}: derive {name}"), Kind::Impl, String::new(), None);
                Ok(())
            });
        }
    }

    fn implementation(&mut self, module: &str, i: &syn::ItemImpl) {
        let self_type = tokens(&i.self_ty);
        // `Payment` is the module's own; `types::Payment` is named from the generated root (the
        // generated modules `use super::types`); `crate::ApiContext` is the crate's.
        let base = |ty: &str| {
            let ty = ty.split('<').next().unwrap_or(ty);
            match ty.strip_prefix("crate::") {
                Some(root) => format!("bunq_api::{root}"),
                None if ty.contains("::") => format!("{GENERATED}::{ty}"),
                None => format!("{module}::{ty}"),
            }
        };
        if let Some((_, trait_path, _)) = &i.trait_ {
            let trait_path = tokens(trait_path);
            // `impl From<PaymentId> for i64` belongs to PaymentId: the item the user's code names.
            // Ours: a type of this module, of the generated modules or of the crate (not `i64`,
            // not `serde_json::Map`).
            let local = ["types::", "handles::", "crate::"].iter().any(|p| self_type.starts_with(p));
            let own = local || (!self_type.contains("::") && self_type.starts_with(|c: char| c.is_ascii_uppercase()));
            let owner = if own { Some(base(&self_type)) } else { type_names_in(&trait_path).pop().map(|t| base(&t)) };
            let Some(owner) = owner else { return };
            let text = format!("impl{} {trait_path} for {self_type}", tokens(&i.generics));
            self.add(&format!("{owner}: {text}"), Kind::Impl, String::new(), None);
            return;
        }
        let owner = base(&self_type);
        for item in &i.items {
            if let syn::ImplItem::Fn(f) = item
                && public(&f.vis)
            {
                for input in &f.sig.inputs {
                    if let syn::FnArg::Typed(arg) = input {
                        self.taken.extend(type_names_in(&tokens(&arg.ty)));
                    }
                }
                let origin = doc_origin(&f.attrs);
                self.add(&format!("{owner}::{}", f.sig.ident), Kind::Method, signature(&f.sig), origin);
            }
        }
    }
}

fn public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Tokens as short, stable text: `Option<Vec<types::Pointer>>`, `fn(&self, id: &types::UserId)`.
fn tokens(item: &impl ToTokens) -> String {
    let mut out = item.to_token_stream().to_string();
    // Spaces first (`: :` never occurs), then the trailing commas they hid.
    for (from, to) in [
        ("impl :: ", "impl "),
        (" :: ", "::"),
        (":: ", "::"),
        (" ::", "::"),
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& ", "&"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (" : ", ": "),
        ("' a", "'a"),
        (",)", ")"),
        (",>", ">"),
        (",(", ", ("),
    ] {
        out = out.replace(from, to);
    }
    for prefix in ["option::", "string::", "vec::", "collections::", ""] {
        out = out.replace(&format!("::std::{prefix}"), "").replace(&format!("std::{prefix}"), "");
    }
    out.trim_start_matches("::").to_owned()
}

/// A function's parameters and result (no body).
fn signature(sig: &syn::Signature) -> String {
    let asyncness = if sig.asyncness.is_some() { "async " } else { "" };
    let (generics, output) = (tokens(&sig.generics), tokens(&sig.output));
    let inputs = tokens(&sig.inputs);
    let inputs = inputs.trim_end_matches(',');
    let clause = sig.generics.where_clause.as_ref().map(|w| format!(" {}", tokens(w))).unwrap_or_default();
    format!("{asyncness}fn{generics}({inputs}) {output}{clause}").trim_end().to_owned()
}

/// Every type name a type's text mentions (`Option<Vec<types::NewPayment>>` → Option, Vec, NewPayment).
fn type_names_in(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(str::to_owned)
        .collect()
}

/// Where a type comes from: a type of `types` from its schema (its doc names the operations
/// answering it, which it does not send), any other (a handle) from the path its doc names.
fn origin_of_type(module: &str, attrs: &[syn::Attribute], schema: &Option<(String, bool)>) -> Option<String> {
    match module.rsplit("::").next() == Some("types") {
        true => schema_text(schema, None).or_else(|| doc_origin(attrs)),
        false => doc_origin(attrs).or_else(|| schema_text(schema, None)),
    }
}

/// The bunq operation or path an item's doc comment names: progenitor's ``Sends a `GET` request to
/// `/user/{userID}` ``, the handles' `` `GET /user/{userID}`: reads it `` and `` The `/user`. ``
fn doc_origin(attrs: &[syn::Attribute]) -> Option<String> {
    const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];
    let text: Vec<String> = attrs.iter().filter_map(doc_line).collect();
    let text = text.join("\n");
    let quoted: Vec<&str> = text.split('`').skip(1).step_by(2).collect();
    let operation = |q: &&&str| q.split_once(" /").is_some_and(|(method, _)| METHODS.contains(&method));
    if let Some(operation) = quoted.iter().find(operation) {
        return Some(operation.to_string());
    }
    let path = quoted.iter().find(|q| q.starts_with('/'))?;
    match quoted.iter().find(|q| METHODS.contains(q)) {
        Some(method) => Some(format!("{method} {path}")),
        None => Some(path.to_string()),
    }
}

fn doc_line(attr: &syn::Attribute) -> Option<String> {
    let syn::Meta::NameValue(nv) = &attr.meta else { return None };
    if !nv.path.is_ident("doc") {
        return None;
    }
    match &nv.value {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
        _ => None,
    }
}

/// The spec's schema names, to say which schema a generated type comes from.
struct Schemas(Vec<String>);

impl Schemas {
    fn of(spec: &Value) -> Self {
        let names = spec.pointer("/components/schemas").and_then(Value::as_object);
        let mut names: Vec<String> = names.into_iter().flatten().map(|(name, _)| name.clone()).collect();
        // Longest first: a type named after a schema and a field (`PaymentStatus`) finds `Payment`
        // only when no schema has its whole name.
        names.sort_by_key(|name| std::cmp::Reverse(name.len()));
        Self(names)
    }

    /// The schema a type was generated from, and whether it is the whole schema (`Payment`) or a
    /// part typify named after it (`PaymentStatus`, when no schema has that whole name).
    fn origin(&self, type_name: &str) -> Option<(String, bool)> {
        let plain = |s: &str| s.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase();
        let wanted = plain(type_name);
        if let Some(name) = self.0.iter().find(|name| plain(name) == wanted) {
            return Some((name.clone(), true));
        }
        let part = self.0.iter().find(|name| wanted.starts_with(&plain(name)));
        part.map(|name| (name.clone(), false))
    }
}

/// How an origin reads: `schema Payment`, `schema Payment.amount`, `schema Payment (a part of it).status`.
fn schema_text(schema: &Option<(String, bool)>, member: Option<&str>) -> Option<String> {
    let (name, whole) = schema.as_ref()?;
    let part = if *whole { "" } else { " (a part of it)" };
    Some(format!("schema {name}{part}{}", member.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_named_as_users_write_them_with_their_origin() {
        let code = r#"
            pub mod types {
                pub struct PaymentStatusDetail { #[serde(rename = "type")] pub type_: ::std::option::Option<::std::string::String>, secret: i64 }
                pub struct PaymentId(pub i64);
                impl ::std::convert::From<PaymentId> for i64 { fn from(id: PaymentId) -> i64 { id.0 } }
                impl ::std::convert::From<PaymentStatusDetail> for ::serde_json::Map<::std::string::String, ::serde_json::Value> {
                    fn from(_: PaymentStatusDetail) -> Self { todo!() }
                }
                mod hidden { pub struct Nope; }
            }
            mod envelopes { use super::types; impl crate::Envelope for types::PaymentId {} }
            impl Client {
                /**Reads one.

Sends a `GET` request to `/payment/{payment_id}`*/
                pub async fn get_payment<'a>(&'a self, payment_id: &'a types::PaymentId,) -> Result<(), ()> { todo!() }
            }
            pub mod handles {
                impl crate::ApiContext { /// The `/payment`.
                    pub fn payments(&self) -> Payments<'_> { todo!() } }
            }
        "#;
        let spec = serde_json::json!({ "components": { "schemas": { "Payment": {}, "PaymentId": {} } } });
        let surface = read(code, &spec).unwrap();
        let item = |path: &str| surface.items.get(path).unwrap_or_else(|| panic!("no {path} in {:#?}", surface.items));
        let field = item("bunq_api::types::PaymentStatusDetail::type_");
        assert_eq!((field.signature.as_str(), field.optional()), ("Option<String>", true));
        assert_eq!(field.origin.as_deref(), Some("schema Payment (a part of it).type"));
        assert_eq!(item("bunq_api::types::PaymentId").signature, "(i64)");
        assert_eq!(item("bunq_api::types::PaymentId").origin.as_deref(), Some("schema PaymentId"));
        item("bunq_api::types::PaymentId: impl convert::From<PaymentId> for i64");
        item("bunq_api::types::PaymentId: impl crate::Envelope for types::PaymentId");
        let map = "bunq_api::types::PaymentStatusDetail: impl convert::From<PaymentStatusDetail> for serde_json::Map<";
        assert!(surface.items.keys().any(|k| k.starts_with(map)), "{:#?}", surface.items);
        let method = item("bunq_api::Client::get_payment");
        assert_eq!(method.signature, "async fn<'a>(&'a self, payment_id: &'a types::PaymentId) -> Result<(), ()>");
        assert_eq!(method.origin.as_deref(), Some("GET /payment/{payment_id}"));
        assert!(method.sends());
        assert_eq!(item("bunq_api::ApiContext::payments").origin.as_deref(), Some("/payment"));
        assert!(!surface.items.keys().any(|k| k.contains("secret") || k.contains("Nope")), "{:#?}", surface.items);
        assert!(surface.inputs.contains("bunq_api::types::PaymentId"));
    }
}
