//! `cargo xtask spec impact <old.json> <new.json> [<newer.json> …]`: what each new edition of bunq's
//! document changes for code that uses bunq-api. Each edition is imported (spec/import.json,
//! spec/wire-facts.json; a spec already imported, such as spec/bunq.json, is taken as it is) and
//! generated (build.rs, every operation group) as a regeneration would;
//! `syn` reads the public items of both generated clients, and the report classifies each change as
//! breaking or additive (the README's semver policy), proposes the version and a CHANGELOG section.
//! The hand-written part of bunq-api is the same on both sides, so the generated code is the whole
//! difference.

mod compare;
mod report;
mod surface;

use report::Version;
use serde_json::Value;
use std::path::Path;

pub fn run(editions: &[&str]) -> Result<(), String> {
    if editions.len() < 2 {
        return Err("spec impact needs two editions or more: <old.json> <new.json> [<newer.json> …]".to_owned());
    }
    let manifest = crate::root_text("Cargo.toml")?;
    let mut version = workspace_version(&manifest)?;
    let groups = crate::root_text("spec/groups.json")?;
    let (config, facts) = inputs()?;
    let mut old = Edition::read(Path::new(editions[0]), &config, &facts, &groups)?;
    for pair in editions.windows(2) {
        let new = Edition::read(Path::new(pair[1]), &config, &facts, &groups)?;
        let changes = compare::changes(&old.api, &new.api);
        let (next, why) = version.bump(&changes);
        println!("== {} → {}", label(pair[0]), label(pair[1]));
        print!("{}", report::classified(&changes));
        print!("{}", report::document_fields(&old, &new, &changes));
        println!("version: {version} → {next} ({why})");
        println!("CHANGELOG:\n{}", report::changelog(next, &label(pair[1]), &changes));
        (old, version) = (new, next);
    }
    Ok(())
}

/// spec/import.json and spec/wire-facts.json, read once for every edition.
fn inputs() -> Result<(crate::import::Input, crate::import::Input), String> {
    let text = |name: &str| crate::import::Input::parse(name, &crate::root_text(name)?);
    Ok((text("spec/import.json")?, text("spec/wire-facts.json")?))
}

/// One of bunq's editions, or a spec already imported from one (spec/bunq.json: what the current
/// release was built from), and the API bunq-api has or would have from it.
pub struct Edition {
    /// bunq's document; `None` for an imported spec.
    pub document: Option<Value>,
    pub api: surface::Surface,
}

impl Edition {
    fn read(
        path: &Path,
        config: &crate::import::Input,
        facts: &crate::import::Input,
        groups: &str,
    ) -> Result<Self, String> {
        let bytes = crate::read(path)?;
        let document = openapi_document(path, &bytes)?;
        let imported = document.pointer("/info/x-upstream").is_some();
        let spec = if imported {
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            crate::import::import(&bytes, config, facts)
                .map_err(|e| format!("{}: the import cannot map this edition: {e}", path.display()))?
        };
        let api = spec_surface(&spec, groups).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Self { document: (!imported).then_some(document), api })
    }
}

/// A spec in spec/bunq.json's form → the API generated from it (every group on).
fn spec_surface(spec: &str, groups: &str) -> Result<surface::Surface, String> {
    // The surface is types and signatures: docs change none of it.
    let code = bunq_codegen::generate(spec, groups, "", &|_| true)
        .map_err(|e| format!("the imported spec does not generate a client: {e}"))?;
    let doc: Value = serde_json::from_str(spec).map_err(|e| format!("the imported spec is not JSON: {e}"))?;
    surface::read(&code, &doc)
}

/// The document, or a sentence naming the file unless it is JSON with an `openapi` version and `paths`.
fn openapi_document(path: &Path, bytes: &[u8]) -> Result<Value, String> {
    let doc: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("{}: not an OpenAPI document: not JSON ({e})", path.display()))?;
    let version = doc.get("openapi").and_then(Value::as_str);
    if !version.is_some_and(|v| v.starts_with("3.")) || !doc.get("paths").is_some_and(Value::is_object) {
        return Err(format!(
            "{}: not an OpenAPI document: it needs `\"openapi\": \"3.x\"` and a `paths` object",
            path.display()
        ));
    }
    Ok(doc)
}

/// `[workspace.package] version` of the root Cargo.toml.
fn workspace_version(manifest: &str) -> Result<Version, String> {
    let section = manifest.split("[workspace.package]").nth(1).ok_or("Cargo.toml: no [workspace.package]")?;
    let line = section.lines().find(|l| l.trim_start().starts_with("version")).ok_or("Cargo.toml: no version")?;
    let value = line.split('"').nth(1).ok_or("Cargo.toml: the version is not quoted")?;
    Version::parse(value)
}

/// An edition's name: the date in bunq's file name (`bunq-openapi-2023-11-24.json` → `2023-11-24`),
/// or the path as given.
fn label(path: &str) -> String {
    let stem = Path::new(path).file_stem().and_then(|s| s.to_str()).unwrap_or(path);
    stem.strip_prefix("bunq-openapi-").unwrap_or(path).to_owned()
}

#[cfg(test)]
mod tests {
    use super::compare::{Change, Class};
    use super::*;

    /// The changes between two specs in spec/bunq.json's form.
    fn spec_changes(old: &str, new: &str, groups: &str) -> Result<Vec<Change>, String> {
        Ok(compare::changes(&spec_surface(old, groups)?, &spec_surface(new, groups)?))
    }

    const GROUPS: &str = include_str!("../../../spec/groups.json");
    /// Two hand-made editions in spec/bunq.json's form. The new one makes `NewPayment.description`
    /// required, drops the `REVERSED` payment status, drops the draft-payment listing (and the
    /// schemas only it used), adds `Payment.merchant_reference` and renames `get_payment`.
    const OLD: &str = include_str!("../../fixtures/impact/old.json");
    const NEW: &str = include_str!("../../fixtures/impact/new.json");

    fn line(change: &Change) -> String {
        let class = if change.class == Class::Breaking { "breaking" } else { "additive" };
        format!("{class} {}: {}", change.item, change.what)
    }

    #[test]
    fn the_known_differences_are_classified() {
        let changes = spec_changes(OLD, NEW, GROUPS).unwrap();
        let lines: Vec<String> = changes.iter().map(line).collect();
        let draft = "/user/{user_id}/monetary-account/{monetary_account_id}/draft-payment";
        let expected = [
            // An operation renamed (its operationId): the same bunq operation under another method.
            (
                "breaking bunq_api::Client::get_payment: moved to bunq_api::Client::read_payment",
                format!("GET {}", draft.replace("draft-payment", "payment/{payment_id}")),
            ),
            // The operation removed: progenitor's method, the handle's way to it, and what only it used.
            ("breaking bunq_api::Client::list_draft_payments: operation removed", format!("GET {draft}")),
            ("breaking bunq_api::handles::MonetaryAccount::draft_payment: method removed", draft.to_owned()),
            ("breaking bunq_api::handles::MonetaryAccountDraftPayment: type removed", draft.to_owned()),
            ("breaking bunq_api::types::DraftPayment: type removed", "schema DraftPayment".to_owned()),
            ("breaking bunq_api::types::DraftPaymentId: type removed", "schema DraftPaymentId".to_owned()),
            ("breaking bunq_api::types::DraftPaymentItem: type removed", "schema DraftPaymentItem".to_owned()),
            ("breaking bunq_api::types::DraftPaymentListing: type removed", "schema DraftPaymentListing".to_owned()),
            // The field made required, in a body the user builds.
            (
                "breaking bunq_api::types::NewPayment::description: field became required: Option<String> → String",
                "schema NewPayment.description".to_owned(),
            ),
            // With it, the body's constructor takes it, and its setter goes (generated: no origin).
            (
                "breaking bunq_api::types::NewPayment::new: signature changed: \
                 `fn(amount: Amount) -> Self` → `fn(amount: Amount, description: impl convert::Into<String>) -> Self`",
                String::new(),
            ),
            ("breaking bunq_api::types::NewPayment::with_description: method removed", String::new()),
            // The enum value removed.
            (
                "breaking bunq_api::types::PaymentStatus::Reversed: enum variant removed",
                "schema PaymentStatus value \"REVERSED\"".to_owned(),
            ),
            // The field added.
            (
                "additive bunq_api::types::Payment::merchant_reference: new optional field: Option<String>",
                "schema Payment.merchant_reference".to_owned(),
            ),
        ];
        let wanted: Vec<&str> = expected.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, wanted, "the report:\n{}", lines.join("\n"));
        for (change, (_, origin)) in changes.iter().zip(&expected) {
            assert_eq!(change.origin.as_deref().unwrap_or_default(), origin, "{}", change.item);
        }
    }

    #[test]
    fn the_same_edition_changes_nothing_and_the_reverse_step_swaps_the_classes() {
        assert_eq!(spec_changes(OLD, OLD, GROUPS).unwrap(), []);
        let back: Vec<String> = spec_changes(NEW, OLD, GROUPS).unwrap().iter().map(line).collect();
        for expected in [
            "breaking bunq_api::types::Payment::merchant_reference: field removed",
            "breaking bunq_api::types::NewPayment::description: field became optional: String → Option<String>",
            "additive bunq_api::types::PaymentStatus::Reversed: new enum variant",
            "additive bunq_api::Client::list_draft_payments: new operation",
        ] {
            assert!(back.contains(&expected.to_owned()), "missing {expected:?} in:\n{}", back.join("\n"));
        }
    }

    #[test]
    fn the_version_follows_the_readme_policy() {
        let changes = spec_changes(OLD, NEW, GROUPS).unwrap();
        let additive: Vec<Change> = changes.iter().filter(|c| c.class == Class::Additive).cloned().collect();
        let bump = |from: &str, changes: &[Change]| Version::parse(from).unwrap().bump(changes).0.to_string();
        assert_eq!(bump("0.1.0", &changes), "0.2.0");
        assert_eq!(bump("0.1.3", &additive), "0.1.4");
        assert_eq!(bump("0.1.3", &[]), "0.1.4");
        assert_eq!(bump("1.2.3", &changes), "2.0.0");
        assert_eq!(bump("1.2.3", &additive), "1.3.0");
        assert_eq!(bump("1.2.3", &[]), "1.2.4");
        assert!(Version::parse("1.2").is_err());
        assert_eq!(workspace_version("[workspace.package]\nversion = \"0.4.1\"\n").unwrap(), Version(0, 4, 1));
    }

    #[test]
    fn the_changelog_names_each_change_under_its_class() {
        let changes = spec_changes(OLD, NEW, GROUPS).unwrap();
        let text = report::changelog(Version(0, 2, 0), "2025-04-17", &changes);
        let breaking = text.find("### Breaking").expect(&text);
        let added = text.find("### Added").expect(&text);
        let required = text.find("- `bunq_api::types::NewPayment::description`: field became required").expect(&text);
        let new_field = text.find("- `bunq_api::types::Payment::merchant_reference`: new optional field").expect(&text);
        assert!(text.starts_with("## 0.2.0: bunq's OpenAPI edition 2025-04-17\n"), "{text}");
        assert!(breaking < required && required < added && added < new_field, "{text}");
        assert!(
            text.contains(
                "\n\n5 × type removed, 2 × method removed, 1 × enum variant removed, 1 × field became required, \
             1 × moved, 1 × operation removed, 1 × signature changed.\n\n"
            ),
            "{text}"
        );
        assert!(text.contains("### Added\n\n1 × new optional field.\n\n"), "{text}");
    }

    #[test]
    fn an_imported_spec_is_taken_as_it_is() {
        let (config, facts) = inputs().unwrap();
        let fixture = |name: &str| Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/impact").join(name);
        let old = Edition::read(&fixture("old.json"), &config, &facts, GROUPS).unwrap();
        let new = Edition::read(&fixture("new.json"), &config, &facts, GROUPS).unwrap();
        assert!(old.document.is_none() && new.document.is_none());
        assert_eq!(compare::changes(&old.api, &new.api), spec_changes(OLD, NEW, GROUPS).unwrap());
        assert_eq!(report::document_fields(&old, &new, &[]), "");
        assert_eq!(label("../shared/upstream/bunq-openapi-2025-04-17.json"), "2025-04-17");
        assert_eq!(label("spec/bunq.json"), "spec/bunq.json");
    }

    /// Each bad edition fails with a sentence naming the file and the problem.
    #[test]
    fn bad_editions_are_named() {
        let dir = std::env::temp_dir().join(format!("xtask-impact-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (config, facts) = inputs().unwrap();
        let unmappable = serde_json::json!({
            "openapi": "3.0.0",
            "paths": { "/thing/{whatever}": { "get": {
                "operationId": "READ_Thing",
                "parameters": [ { "in": "path", "name": "whatever", "schema": { "type": "integer" } } ],
                "responses": { "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ThingRead" } } } } }
            } } },
            "components": { "schemas": { "ThingRead": { "type": "object", "properties": {} } } }
        });
        for (name, text, problem) in [
            ("truncated.json", "{\"openapi\": \"3.0", "not an OpenAPI document: not JSON"),
            ("list.json", "[1, 2]", "not an OpenAPI document: it needs"),
            ("swagger.json", "{\"swagger\": \"2.0\", \"paths\": {}}", "not an OpenAPI document: it needs"),
            ("unmappable.json", &unmappable.to_string(), "the import cannot map this edition: "),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            let Err(err) = Edition::read(&path, &config, &facts, GROUPS) else { panic!("{name} was read") };
            assert!(err.starts_with(&format!("{}: {problem}", path.display())), "{name}: {err}");
        }
        let missing = dir.join("missing.json");
        let Err(err) = Edition::read(&missing, &config, &facts, GROUPS) else { panic!("a missing file was read") };
        assert!(err.contains(&missing.display().to_string()), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
