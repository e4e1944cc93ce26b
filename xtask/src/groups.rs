//! `spec check`'s part on operation groups: spec/groups.json places every operation, and each
//! group is a cargo feature of bunq-api that `full` turns on.

use bunq_codegen::groups::{self, CORE, Groups};
use serde_json::Value;
use std::collections::BTreeMap;

/// Operations per group, after checking the groups against the spec and Cargo.toml.
pub fn check(doc: &Value, groups_json: &str, cargo_toml: &str) -> Result<BTreeMap<String, usize>, String> {
    let groups = Groups::read(groups_json)?;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (_, _, group) in groups::classify(doc, &groups)? {
        *counts.entry(group).or_default() += 1;
    }
    let features = features(cargo_toml);
    let full = features.get("full").ok_or("Cargo.toml: no feature `full`")?;
    let mut problems = Vec::new();
    for group in groups.optional() {
        if !features.contains_key(group) {
            problems.push(format!("group `{group}` is no feature of Cargo.toml"));
        }
        if !full.contains(group) {
            problems.push(format!("feature `full` does not turn on group `{group}`"));
        }
    }
    if features.contains_key(CORE) {
        problems.push(format!("`{CORE}` is always built: it must not be a feature"));
    }
    match problems.is_empty() {
        true => Ok(counts),
        false => Err(format!("spec/groups.json and Cargo.toml disagree:\n  {}", problems.join("\n  "))),
    }
}

/// The `[features]` table of a Cargo.toml: name -> what it turns on (one line per feature).
fn features(cargo_toml: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let mut inside = false;
    for line in cargo_toml.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == "[features]";
        } else if let (true, Some((name, list))) = (inside, line.split_once(" = [")) {
            let items = list.trim_end_matches(']').split(',').map(|i| i.trim().trim_matches('"').to_owned());
            out.insert(name.trim().to_owned(), items.filter(|i| !i.is_empty()).collect());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUPS: &str = r#"{"inherit": ["content"], "groups": {"core": ["user", "payment"], "cards": ["card"]}}"#;

    fn spec(paths: &[&str]) -> Value {
        let paths: serde_json::Map<String, Value> =
            paths.iter().map(|p| (p.to_string(), serde_json::json!({"get": {}}))).collect();
        serde_json::json!({ "paths": paths })
    }

    #[test]
    fn every_operation_has_a_group() {
        let toml = "[features]\nfull = [\"cards\"]\ncards = []\n";
        let doc = spec(&["/user/{id}", "/user/{id}/card/{card_id}/content", "/user/{id}/card"]);
        let counts = check(&doc, GROUPS, toml).unwrap();
        assert_eq!(counts["core"], 1);
        assert_eq!(counts["cards"], 2);
        let error = check(&spec(&["/user/{id}/limit"]), GROUPS, toml).unwrap_err();
        assert!(error.contains("`limit`"), "{error}");
    }

    #[test]
    fn each_group_is_a_feature_that_full_turns_on() {
        let doc = spec(&["/user"]);
        let error = check(&doc, GROUPS, "[features]\nfull = []\ncards = []\n").unwrap_err();
        assert!(error.contains("`full` does not turn on group `cards`"), "{error}");
        let error = check(&doc, GROUPS, "[features]\nfull = [\"cards\"]\n").unwrap_err();
        assert!(error.contains("group `cards` is no feature"), "{error}");
        let error = check(&doc, GROUPS, "[features]\ncards = []\n").unwrap_err();
        assert!(error.contains("no feature `full`"), "{error}");
    }
}
