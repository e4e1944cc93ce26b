//! `Envelope`, `Listing` and `Created` for every envelope type of the spec: how its items unwrap.

use crate::model::Model;

/// The impls, as Rust source for a module that sees `types`.
pub fn generate(model: &Model) -> String {
    let mut code = String::new();
    for (name, envelope) in &model.envelopes {
        let (item, unwrap) = (format!("types::{}", envelope.item), &envelope.unwrap);
        code.push_str(&format!(
            "impl crate::Envelope for types::{name} {{\n\
             type Item = {item};\n\
             fn into_items(self) -> Vec<{item}> {{ self.response.into_iter().map(|x| {unwrap}).collect() }}\n\
             }}\n"
        ));
        if envelope.listing {
            code.push_str(&format!(
                "impl crate::Listing for types::{name} {{\n\
                 fn pagination(&self) -> Option<&types::Pagination> {{ self.pagination.as_ref() }}\n\
                 }}\n"
            ));
        }
        if let Some((id, read)) = &envelope.created {
            code.push_str(&format!(
                "impl crate::Created for types::{name} {{\n\
                 type Id = {id};\n\
                 fn id(&self) -> crate::Result<{id}> {{\n\
                 self.response.first().map(|x| {read}.clone()).ok_or_else(|| crate::Error::Decode(\
                 \"bunq accepted the call, but its answer holds no id\".to_owned()))\n\
                 }}\n\
                 }}\n"
            ));
        }
    }
    code
}
