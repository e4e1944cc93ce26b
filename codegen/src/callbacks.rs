//! `CallbackObject`: the objects a callback (`NotificationUrl`) can carry, by rule from the
//! variants of the spec's `NotificationAnchorObject`, plus an arm that keeps any other object as
//! bunq sent it, so that an object type this version does not know never loses its event.

use serde_json::Value;

pub fn generate(spec: &Value) -> Result<String, String> {
    let variants: Vec<&str> = spec
        .pointer("/components/schemas/NotificationAnchorObject/oneOf")
        .and_then(Value::as_array)
        .ok_or("the spec has no NotificationAnchorObject (the import adds it with NotificationUrl)")?
        .iter()
        .filter_map(|v| v.get("required")?.as_array()?.first()?.as_str())
        .collect();
    let arms: String =
        variants.iter().map(|v| format!("/// A `{v}`.\n{v}(::std::boxed::Box<types::{v}>),\n")).collect();
    let names: String = variants.iter().map(|v| format!("Self::{v}(_) => {v:?},\n")).collect();
    let reads: String = variants
        .iter()
        .map(|v| {
            format!("{v:?} => serde_json::from_value(object.clone()).map(|o| Self::{v}(::std::boxed::Box::new(o))),\n")
        })
        .collect();
    Ok(format!(
        "/// The object a callback carries: one of the types bunq sends callbacks for, or one this\n\
         /// version of the crate does not know (kept as bunq sent it).\n\
         #[derive(Clone, Debug, PartialEq)]\n\
         #[non_exhaustive]\n\
         pub enum CallbackObject {{\n{arms}\
         /// An object of a type this version does not know, or could not read: as bunq sent it.\n\
         Unknown {{ /// Its wire type name (`\"Payment\"`, …).\n type_name: String, /// The object.\n object: serde_json::Value }},\n\
         }}\n\
         impl CallbackObject {{\n\
         /// The wire type name: `Payment`, `RequestInquiry`, ….\n\
         pub fn type_name(&self) -> &str {{ match self {{ {names} Self::Unknown {{ type_name, .. }} => type_name }} }}\n\
         /// The object under its wire type name; an object it cannot read stays `Unknown`.\n\
         pub fn from_wire(type_name: &str, object: serde_json::Value) -> Self {{\n\
         let read: Result<Self, serde_json::Error> = match type_name {{\n{reads}\
         _ => return Self::Unknown {{ type_name: type_name.to_owned(), object }},\n}};\n\
         read.unwrap_or(Self::Unknown {{ type_name: type_name.to_owned(), object }})\n\
         }}\n\
         }}\n"
    ))
}
