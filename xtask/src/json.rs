//! Small JSON helpers shared by the spec commands.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt;

/// A JSON pointer (RFC 6901), used to say where in a document a problem is.
#[derive(Clone, Debug, Default)]
pub struct Pointer(Vec<String>);

impl Pointer {
    pub fn root() -> Self {
        Self::default()
    }

    /// A pointer from its text (`/a/b~1c`).
    pub fn parse(text: &str) -> Self {
        Self(text.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
    }

    pub fn push(&self, token: &str) -> Self {
        let mut tokens = self.0.clone();
        tokens.push(token.to_owned());
        Self(tokens)
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for token in &self.0 {
            write!(f, "/{}", token.replace('~', "~0").replace('/', "~1"))?;
        }
        Ok(())
    }
}

/// RFC 7386 merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    if let Value::Object(map) = target {
        for (key, value) in patch {
            if value.is_null() {
                map.remove(key);
            } else {
                merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// The one formatting the spec is written in: two-space indent, sorted keys, final newline.
pub fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a Value always serialises");
    text.push('\n');
    text
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointer_escapes_slashes() {
        assert_eq!(Pointer::root().push("paths").push("/user/{id}").to_string(), "/paths/~1user~1{id}");
    }

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut doc = json!({ "a": { "b": 1, "c": 2 }, "d": [1] });
        merge_patch(&mut doc, &json!({ "a": { "b": null, "e": 3 }, "d": [2] }));
        assert_eq!(doc, json!({ "a": { "c": 2, "e": 3 }, "d": [2] }));
    }
}
