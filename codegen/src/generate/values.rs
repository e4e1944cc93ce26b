//! Listed values: a string field whose values bunq lists (`x-bunq-values` in the spec) is an
//! enum with an arm per listed value and a catch-all `Other(String)` that keeps any value bunq
//! adds later, so decoding never breaks.
//!
//! Naming rule: one enum per field name and owner, where the owner of a value set is what the
//! schemas carrying it share: their common leading words (`MonetaryAccountBank`,
//! `MonetaryAccountSavings` → `MonetaryAccount`), or else the shortest of them; a request body
//! counts by the object it writes (`NewCardDebit` and `CardUpdate` as `CardDebit` and `Card`).
//! The enum is the owner and the field in UpperCamelCase, a word they share said once
//! (`PointerType`, `MonetaryAccountStatus`, `CardOrderStatus`, `ExportStatementFormat`). Sets that
//! land on one name are one enum of all their values, the largest set's order first.
//!
//! The enums are `listed_values!` invocations (the macro is handwritten in the client crate,
//! `src/values.rs`): the impls are written once, not once per enum.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The key the spec carries a field's listed values under.
pub const VALUES_EXTENSION: &str = "x-bunq-values";

/// One enum: its name, its values (in the order bunq lists them) and the fields typed by it.
#[derive(Debug, PartialEq)]
pub struct Listed {
    pub name: String,
    pub values: Vec<String>,
    /// (schema, field) pairs, sorted.
    pub fields: BTreeSet<(String, String)>,
}

/// Every enum of the spec's listed values, by the naming rule.
pub fn listed(spec: &Value) -> Vec<Listed> {
    // (field, value set) → schemas carrying it.
    let mut sets: BTreeMap<(String, Vec<String>), BTreeSet<String>> = BTreeMap::new();
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten();
    for (schema, body) in schemas {
        let properties = body.get("properties").and_then(Value::as_object).into_iter().flatten();
        for (field, property) in properties {
            let Some(values) = property.get(VALUES_EXTENSION).and_then(Value::as_array) else { continue };
            let values = values.iter().filter_map(Value::as_str).map(str::to_owned).collect();
            sets.entry((field.clone(), values)).or_default().insert(schema.clone());
        }
    }
    // Named; where sets share a name, the largest first, so its order leads.
    let mut named: Vec<(String, String, Vec<String>, BTreeSet<String>)> = sets
        .into_iter()
        .map(|((field, values), schemas)| (name(&owner(&schemas), &field), field, values, schemas))
        .collect();
    named.sort_by(|a, b| (&a.0, b.2.len()).cmp(&(&b.0, a.2.len())));
    let mut by_name: BTreeMap<String, Listed> = BTreeMap::new();
    for (name, field, values, schemas) in named {
        let listed =
            by_name.entry(name.clone()).or_insert_with(|| Listed { name, values: Vec::new(), fields: BTreeSet::new() });
        for value in values {
            if !listed.values.contains(&value) {
                listed.values.push(value);
            }
        }
        listed.fields.extend(schemas.into_iter().map(|schema| (schema, field.clone())));
    }
    by_name.into_values().collect()
}

/// The owner and the field in UpperCamelCase, a word the two share said once
/// (`ExportStatement` and `statement_format` → `ExportStatementFormat`).
fn name(owner: &str, field: &str) -> String {
    let field = upper_camel(field);
    let last = words(owner).pop().unwrap_or_default();
    match field.strip_prefix(&last) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => format!("{owner}{rest}"),
        _ => format!("{owner}{field}"),
    }
}

/// What the schemas share: their common leading words, or the shortest one (read by the object a
/// request body writes).
fn owner(schemas: &BTreeSet<String>) -> String {
    let objects: Vec<Vec<String>> = schemas.iter().map(|s| words(object_of(s))).collect();
    let first = &objects[0];
    let common = (0..first.len()).take_while(|&i| objects.iter().all(|o| o.get(i) == Some(&first[i]))).count();
    if common > 0 {
        return first[..common].concat();
    }
    let shortest = objects.iter().min_by_key(|o| (o.concat().len(), o.concat()));
    shortest.map(|o| o.concat()).unwrap_or_default()
}

/// The object a schema holds: `NewCardDebit` → `CardDebit`, `CardUpdate` → `Card`.
fn object_of(schema: &str) -> &str {
    let schema = match schema.strip_prefix("New") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest,
        _ => schema,
    };
    schema.strip_suffix("Update").filter(|rest| !rest.is_empty()).unwrap_or(schema)
}

/// `CardGeneratedCvc2` → `Card`, `Generated`, `Cvc2`.
fn words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        match words.last_mut() {
            Some(word) if !c.is_ascii_uppercase() => word.push(c),
            _ => words.push(c.to_string()),
        }
    }
    words
}

/// `order_status` → `OrderStatus`, `PHONE_NUMBER` → `PhoneNumber`, `MT940` → `Mt940`.
fn upper_camel(name: &str) -> String {
    let word = |w: &str| {
        let lower = w.to_ascii_lowercase();
        let mut chars = lower.chars();
        chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
    };
    name.split(['_', '-', ' ']).map(word).collect()
}

/// Adds the enums to `types` and types the listed fields by them.
pub fn apply(file: &mut syn::File, spec: &Value) -> Result<(), String> {
    let listed = listed(spec);
    let taken: BTreeSet<String> = super::shapes::types_items(file)?.iter().filter_map(item_name).collect();
    if let Some(clash) = listed.iter().find(|l| taken.contains(&l.name)) {
        return Err(format!("the enum of {:?} would be named `{}`, a type progenitor made", clash.fields, clash.name));
    }
    retype(file, &listed)?;
    let enums: syn::File =
        syn::parse2(enums(&listed)?).map_err(|e| format!("the listed values are not valid Rust: {e}"))?;
    super::shapes::types_items(file)?.extend(enums.items);
    Ok(())
}

/// The name a type of `types` goes by.
fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(item) => Some(item.ident.to_string()),
        syn::Item::Enum(item) => Some(item.ident.to_string()),
        syn::Item::Type(item) => Some(item.ident.to_string()),
        _ => None,
    }
}

/// The enums, for `types`: a `listed_values!` invocation each.
pub fn enums(listed: &[Listed]) -> Result<TokenStream, String> {
    let mut out = TokenStream::new();
    for enumeration in listed {
        let name = format_ident!("{}", enumeration.name);
        let fields: Vec<String> = enumeration.fields.iter().map(|(s, f)| format!("`{s}.{f}`")).collect();
        let doc = format!(" The values bunq lists for {}.", fields.join(", "));
        let mut arms = Vec::new();
        for value in &enumeration.values {
            let variant = upper_camel(value);
            if variant == "Other" || !variant.starts_with(|c: char| c.is_ascii_alphabetic()) {
                return Err(format!("`{}` lists `{value}`, which cannot be a variant", enumeration.name));
            }
            let (variant, value_doc) = (format_ident!("{variant}"), format!(" Written `{value}` on the wire."));
            arms.push(quote!(#[doc = #value_doc] #variant = #value,));
        }
        out.extend(quote! {
            crate::values::listed_values! {
                #[doc = #doc]
                #name { #(#arms)* }
            }
        });
    }
    Ok(out)
}

/// Types every listed field of `types` by its enum: `String` → `PointerType`, `Option<String>` →
/// `Option<PointerType>`.
pub fn retype(file: &mut syn::File, listed: &[Listed]) -> Result<(), String> {
    let by_field: BTreeMap<(&str, &str), &str> = listed
        .iter()
        .flat_map(|l| l.fields.iter().map(move |(s, f)| ((s.as_str(), f.as_str()), l.name.as_str())))
        .collect();
    let mut done = 0;
    for item in super::shapes::structs(file)? {
        let schema = item.ident.to_string();
        for field in item.fields.iter_mut() {
            let Some(ident) = &field.ident else { continue };
            let wire = super::shapes::serde_rename(&field.attrs).unwrap_or_else(|| ident.to_string());
            let Some(name) = by_field.get(&(schema.as_str(), wire.as_str())) else { continue };
            if !replace_string(&mut field.ty, &format_ident!("{name}")) {
                return Err(format!("`{schema}.{wire}` lists values but is not a string"));
            }
            done += 1;
        }
    }
    if done != by_field.len() {
        return Err(format!("{} listed fields, {done} found in progenitor's types", by_field.len()));
    }
    Ok(())
}

/// Replaces `String` (or the `String` in `Option<String>`) by `name`; false if there is none.
fn replace_string(ty: &mut syn::Type, name: &syn::Ident) -> bool {
    let syn::Type::Path(path) = ty else { return false };
    let Some(last) = path.path.segments.last_mut() else { return false };
    if last.ident == "String" {
        *ty = syn::parse_quote!(#name);
        return true;
    }
    if last.ident != "Option" {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else { return false };
    match args.args.first_mut() {
        Some(syn::GenericArgument::Type(inner)) => replace_string(inner, name),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_by_the_owner_the_schemas_share() {
        let spec = json!({"components": {"schemas": {
            "Pointer": {"properties": {"type": {"type": "string", "x-bunq-values": ["EMAIL", "IBAN"]}}},
            "MonetaryAccountBank": {"properties": {"status": {"x-bunq-values": ["ACTIVE", "BLOCKED"]}}},
            "MonetaryAccountSavings": {"properties": {"status": {"x-bunq-values": ["ACTIVE", "BLOCKED"]}}},
            "Card": {"properties": {"status": {"x-bunq-values": ["ACTIVE", "LOST", "EXPIRED", "STOLEN"]}}},
            "CardUpdate": {"properties": {"status": {"x-bunq-values": ["ACTIVE", "LOST", "CANCELLED"]}}},
            "Schedule": {"properties": {"status": {"x-bunq-values": ["ACTIVE", "FINISHED"]}}},
            "ScheduledPayment": {"properties": {"status": {"x-bunq-values": ["ACTIVE", "FINISHED"]}}},
            "NewExportStatement": {"properties": {"statement_format": {"x-bunq-values": ["CSV", "PDF"]}}},
        }}});
        let names: Vec<(String, Vec<String>)> = listed(&spec).into_iter().map(|l| (l.name, l.values)).collect();
        let expected = [
            ("CardStatus", vec!["ACTIVE", "LOST", "EXPIRED", "STOLEN", "CANCELLED"]),
            ("ExportStatementFormat", vec!["CSV", "PDF"]),
            ("MonetaryAccountStatus", vec!["ACTIVE", "BLOCKED"]),
            ("PointerType", vec!["EMAIL", "IBAN"]),
            ("ScheduleStatus", vec!["ACTIVE", "FINISHED"]),
        ];
        let expected: Vec<(String, Vec<String>)> =
            expected.iter().map(|(n, v)| (n.to_string(), v.iter().map(|s| s.to_string()).collect())).collect();
        assert_eq!(names, expected);
    }

    #[test]
    fn variants_are_upper_camel() {
        assert_eq!(upper_camel("PHONE_NUMBER"), "PhoneNumber");
        assert_eq!(upper_camel("MT940"), "Mt940");
        assert_eq!(upper_camel("order_status"), "OrderStatus");
        assert_eq!(object_of("NewCardDebit"), "CardDebit");
        assert_eq!(object_of("MonetaryAccountBankUpdate"), "MonetaryAccountBank");
        assert_eq!(object_of("Newsletter"), "Newsletter");
    }

    #[test]
    fn retypes_listed_fields_and_refuses_a_non_string() {
        let spec = json!({"components": {"schemas": {
            "Pointer": {"properties": {"type": {"x-bunq-values": ["EMAIL", "IBAN"]}}},
        }}});
        let listed = listed(&spec);
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Pointer {
                    #[serde(rename = "type")]
                    pub type_: ::std::option::Option<::std::string::String>,
                    pub value: ::std::string::String,
                }
            }
        };
        retype(&mut file, &listed).unwrap();
        let text = quote!(#file).to_string();
        assert!(text.contains("pub type_ : :: std :: option :: Option < PointerType >"), "{text}");
        assert!(text.contains("pub value : :: std :: string :: String"), "{text}");

        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub struct Pointer { #[serde(rename = "type")] pub type_: i64 } }
        };
        assert!(retype(&mut file, &listed).unwrap_err().contains("Pointer.type"));
    }
}
