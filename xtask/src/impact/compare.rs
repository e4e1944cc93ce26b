//! Two surfaces → the changes a user of bunq-api meets, each breaking or additive by the README's
//! semver policy.

use super::surface::{Entry, Kind, Surface};
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Code that compiled against the old edition may not compile against the new one.
    Breaking,
    /// Only new things: code that compiled still does.
    Additive,
}

/// One change of the API.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub class: Class,
    /// The Rust item (the user's path).
    pub item: String,
    /// What happened to it, in a few words.
    pub what: String,
    /// The bunq path or schema it comes from.
    pub origin: Option<String>,
}

pub fn changes(old: &Surface, new: &Surface) -> Vec<Change> {
    let removed: Vec<&String> = old.items.keys().filter(|k| !new.items.contains_key(*k)).collect();
    let added: Vec<&String> = new.items.keys().filter(|k| !old.items.contains_key(*k)).collect();
    // A change under an item that is itself new or gone says nothing more.
    let whole: BTreeSet<&str> = removed.iter().chain(&added).map(|k| k.as_str()).collect();
    let under_whole = |path: &str| ancestors(path).any(|a| whole.contains(a));
    let mut out = Vec::new();
    let mut moved = BTreeSet::new();
    // The same bunq operation or schema under another Rust name: moved or renamed.
    for old_path in removed.iter().filter(|p| !under_whole(p)) {
        let before = &old.items[*old_path];
        let Some(origin) = before.origin.as_ref().filter(|o| movable(before.kind) && !o.contains("(a part of it)"))
        else {
            continue;
        };
        let twin = added.iter().find(|p| {
            let after = &new.items[**p];
            let same = after.kind == before.kind && after.origin.as_ref() == Some(origin);
            same && !moved.contains(*p) && client(p) == client(old_path)
        });
        if let Some(new_path) = twin {
            moved.insert(*new_path);
            moved.insert(*old_path);
            out.push(change(Class::Breaking, old_path, format!("moved to {new_path}"), before));
        }
    }
    for path in removed.iter().filter(|p| !moved.contains(*p) && !under_whole(p)) {
        let entry = &old.items[*path];
        out.push(change(Class::Breaking, path, removal(entry).to_owned(), entry));
    }
    for path in added.iter().filter(|p| !moved.contains(*p) && !under_whole(p)) {
        let entry = &new.items[*path];
        let (class, what) = addition(path, entry, new);
        out.push(change(class, path, what, entry));
    }
    for (path, before) in &old.items {
        let Some(after) = new.items.get(path) else { continue };
        if before.signature != after.signature {
            out.push(change(Class::Breaking, path, alteration(before, after), after));
        }
    }
    out.sort();
    out
}

fn change(class: Class, item: &str, what: String, entry: &Entry) -> Change {
    Change { class, item: item.to_owned(), what, origin: entry.origin.clone() }
}

/// `a::B::c` → `a::B`, `a` (and `a::B: Trait` → `a::B`).
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let owner = path.split_once(": ").map(|(owner, _)| owner);
    let mut cut = owner.unwrap_or(path);
    let first = owner;
    first.into_iter().chain(std::iter::from_fn(move || {
        let (parent, _) = cut.rsplit_once("::")?;
        cut = parent;
        Some(parent)
    }))
}

/// progenitor's `Client` methods and the handles' methods share their operations' origins; a move
/// stays on one side.
fn client(path: &str) -> bool {
    path.starts_with("bunq_api::Client::")
}

/// Kinds whose origin names them alone: two of them with one origin are one thing renamed (an
/// origin shared by the types typify makes from parts of a schema does not count).
fn movable(kind: Kind) -> bool {
    matches!(kind, Kind::Method | Kind::Function | Kind::Struct | Kind::Enum)
}

fn removal(entry: &Entry) -> &'static str {
    match entry.kind {
        Kind::Field => "field removed",
        Kind::Variant => "enum variant removed",
        Kind::Method | Kind::Function if entry.sends() => "operation removed",
        Kind::Method | Kind::Function => "method removed",
        Kind::Impl => "trait impl removed",
        Kind::Struct | Kind::Enum | Kind::Alias => "type removed",
        _ => "removed",
    }
}

fn addition(path: &str, entry: &Entry, new: &Surface) -> (Class, String) {
    match entry.kind {
        Kind::Field => {
            let owner = path.rsplit_once("::").map_or(path, |(owner, _)| owner);
            if entry.optional() {
                (Class::Additive, format!("new optional field: {}", entry.signature))
            } else if new.inputs.contains(owner) {
                (Class::Breaking, format!("new required field: {}", entry.signature))
            } else {
                // Only read, never built: a user reads the new field or ignores it.
                (Class::Additive, format!("new field: {}", entry.signature))
            }
        }
        Kind::Variant => (Class::Additive, "new enum variant".to_owned()),
        Kind::Method | Kind::Function if entry.sends() => (Class::Additive, "new operation".to_owned()),
        Kind::Method | Kind::Function => (Class::Additive, "new method".to_owned()),
        Kind::Impl => (Class::Additive, "new trait impl".to_owned()),
        Kind::Struct | Kind::Enum | Kind::Alias => (Class::Additive, "new type".to_owned()),
        _ => (Class::Additive, "new".to_owned()),
    }
}

fn alteration(before: &Entry, after: &Entry) -> String {
    let inner = |e: &Entry| e.signature.strip_prefix("Option<").and_then(|s| s.strip_suffix('>')).map(str::to_owned);
    match before.kind {
        Kind::Field if before.optional() && inner(before).as_deref() == Some(after.signature.as_str()) => {
            format!("field became required: {} → {}", before.signature, after.signature)
        }
        Kind::Field if after.optional() && inner(after).as_deref() == Some(before.signature.as_str()) => {
            format!("field became optional: {} → {}", before.signature, after.signature)
        }
        Kind::Field => format!("field type changed: {} → {}", before.signature, after.signature),
        Kind::Method | Kind::Function => {
            let (was, now) = difference(&before.signature, &after.signature);
            format!("signature changed: `{was}` → `{now}`")
        }
        _ => format!("changed: {} → {}", before.signature, after.signature),
    }
}

/// The part of two signatures that differs, cut at `, ` (the parameters and generic arguments),
/// with `…` where the rest is the same.
fn difference(before: &str, after: &str) -> (String, String) {
    let (a, b): (Vec<&str>, Vec<&str>) = (before.split(", ").collect(), after.split(", ").collect());
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..].iter().rev().zip(b[head..].iter().rev()).take_while(|(x, y)| x == y).count();
    let part = |pieces: &[&str]| {
        let middle = pieces[head..pieces.len() - tail].join(", ");
        let dots = |cut: bool| if cut { "…" } else { "" };
        format!("{}{middle}{}", dots(head > 0), dots(tail > 0))
    };
    (part(&a), part(&b))
}

#[cfg(test)]
mod tests {
    use super::difference;

    #[test]
    fn a_signature_change_shows_only_what_differs() {
        let (was, now) = difference("fn(&self, a: A, b: B, c: C) -> R", "fn(&self, a: A, b: X, c: C) -> R");
        assert_eq!((was.as_str(), now.as_str()), ("…b: B…", "…b: X…"));
        let (was, now) = difference("fn(&self) -> A", "fn(&self) -> B");
        assert_eq!((was.as_str(), now.as_str()), ("fn(&self) -> A", "fn(&self) -> B"));
    }
}
