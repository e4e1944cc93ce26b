//! The impact report of one step between editions: the classified changes, the version bump the
//! README's semver policy gives, and a CHANGELOG section.

use super::Edition;
use super::compare::{Change, Class};

/// A version `major.minor.patch` (pre-release and build parts are not used by bunq-api).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version(pub u64, pub u64, pub u64);

impl Version {
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<u64> =
            text.trim().split('.').map(str::parse).collect::<Result<_, _>>().map_err(|_| bad(text))?;
        let [major, minor, patch] = parts[..] else { return Err(bad(text)) };
        Ok(Self(major, minor, patch))
    }

    /// The README's policy, and why: before 1.0 a breaking change bumps the minor number and
    /// anything else the patch number; from 1.0 on, breaking → major, additive → minor, else patch.
    pub fn bump(self, changes: &[Change]) -> (Self, &'static str) {
        let breaking = changes.iter().any(|c| c.class == Class::Breaking);
        let additive = changes.iter().any(|c| c.class == Class::Additive);
        match (self, breaking, additive) {
            (Self(0, minor, _), true, _) => {
                (Self(0, minor + 1, 0), "breaking changes: before 1.0 they bump the minor number")
            }
            (Self(0, minor, patch), false, _) => {
                (Self(0, minor, patch + 1), "nothing breaks: before 1.0 that is a patch")
            }
            (Self(major, ..), true, _) => (Self(major + 1, 0, 0), "breaking changes: a major version"),
            (Self(major, minor, _), false, true) => (Self(major, minor + 1, 0), "additions only: a minor version"),
            (Self(major, minor, patch), false, false) => {
                (Self(major, minor, patch + 1), "the API is unchanged: a patch")
            }
        }
    }
}

fn bad(text: &str) -> String {
    format!("version {text:?} is not major.minor.patch")
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// The classified changes, one per line: `breaking  <item>: <what>  [<origin>]`.
pub fn classified(changes: &[Change]) -> String {
    let mut out = String::new();
    for (class, heading) in [(Class::Breaking, "breaking"), (Class::Additive, "additive")] {
        let lines: Vec<&Change> = changes.iter().filter(|c| c.class == class).collect();
        out.push_str(&format!("{heading} ({}):\n", lines.len()));
        for change in lines {
            out.push_str(&format!("  {heading:<8}  {}\n", line(change)));
        }
    }
    out
}

fn line(change: &Change) -> String {
    let origin = change.origin.as_deref().map(|o| format!("  [{o}]")).unwrap_or_default();
    format!("{}: {}{origin}", change.item, change.what)
}

/// Each field change of bunq's document (`spec diff`) and the Rust item it is in bunq-api: changed,
/// or unchanged because the import already had the field (from the wire facts), or none.
/// Nothing when either side is an imported spec (its schemas are not bunq's).
pub fn document_fields(old: &Edition, new: &Edition, changes: &[Change]) -> String {
    let (Some(old_document), Some(new_document)) = (&old.document, &new.document) else { return String::new() };
    let fields = crate::diff::field_changes(old_document, new_document);
    let mut out = format!("bunq's document, field by field ({}):\n", fields.len());
    for field in fields {
        let origin = format!("schema {}.{}", field.schema, field.field);
        let item = [&new.api, &old.api].into_iter().find_map(|api| api.item_from(&origin));
        let rust = match item {
            None => "no Rust item".to_owned(),
            Some((path, entry)) => match changes.iter().find(|c| c.item == path) {
                Some(change) => format!("{path} ({})", change.what),
                None => format!("{path}: {}, unchanged (bunq-api had it already)", entry.signature),
            },
        };
        out.push_str(&format!("  {field} → {rust}\n"));
    }
    out
}

/// A CHANGELOG section for the new version: what a user must change first, then what is new, each
/// opened by a count of the kinds of change.
pub fn changelog(version: Version, edition: &str, changes: &[Change]) -> String {
    let mut out = format!("## {version}: bunq's OpenAPI edition {edition}\n");
    if changes.is_empty() {
        out.push_str("\nThe generated API is unchanged; `documents::OPENAPI` carries the new edition.\n");
        return out;
    }
    let headings = [
        (Class::Breaking, "Breaking: code written for the previous version may need changes"),
        (Class::Additive, "Added"),
    ];
    for (class, heading) in headings {
        let these: Vec<&Change> = changes.iter().filter(|c| c.class == class).collect();
        if these.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {heading}\n\n{}.\n\n", kinds(&these)));
        for change in these {
            out.push_str(&entry(change));
        }
    }
    out
}

/// `12 operations removed, 3 fields became required, …`: the kinds of change, most first.
fn kinds(changes: &[&Change]) -> String {
    let mut counts: Vec<(usize, &str)> = Vec::new();
    for change in changes {
        let kind = change.what.split(": ").next().unwrap_or(&change.what);
        let kind = if kind.starts_with("moved to ") { "moved" } else { kind };
        match counts.iter_mut().find(|(_, k)| *k == kind) {
            Some((n, _)) => *n += 1,
            None => counts.push((1, kind)),
        }
    }
    counts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let parts: Vec<String> = counts.iter().map(|(n, kind)| format!("{n} × {kind}")).collect();
    parts.join(", ")
}

fn entry(change: &Change) -> String {
    let origin = change.origin.as_deref().map(|o| format!(" (bunq: {o})")).unwrap_or_default();
    format!("- `{}`: {}{origin}\n", change.item, change.what)
}
