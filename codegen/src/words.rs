//! Word rules shared by the import (xtask) and the code generators: how a path
//! segment becomes a Rust name, and what an operation does. One place, so the method names the
//! import gives and the handle names the generator gives follow the same rules.

/// What an operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verb {
    List,
    Get,
    Create,
    Update,
    Delete,
}

impl Verb {
    /// The prefix of a method name: `list`, `get`, `create`, `update`, `delete`.
    pub fn prefix(self) -> &'static str {
        match self {
            Verb::List => "list",
            Verb::Get => "get",
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Delete => "delete",
        }
    }
}

/// `monetary-account` → `monetary_account`.
pub fn snake(segment: &str) -> String {
    segment.replace('-', "_").to_ascii_lowercase()
}

/// `monetary-account` or `monetary_account` → `MonetaryAccount`; `generated-cvc2` → `GeneratedCvc2`.
pub fn pascal(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// `MonetaryAccountId` → `monetary_account_id`.
pub fn snake_of_pascal(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Words that say what kind of thing the word before them is, and take no plural themselves:
/// the plural goes on that word (`certificate_pinned` → `certificates_pinned`).
const MODIFIERS: [&str; 4] = ["_pinned", "_public", "_recurring", "_user_defined"];

/// The English plural of a snake_case name: of its last word, or of the word a trailing
/// modifier describes (`attachment_public` → `attachments_public`).
pub fn plural(name: &str) -> String {
    if let Some(modifier) = MODIFIERS.iter().find(|m| name.ends_with(*m) && name.len() > m.len()) {
        let head = &name[..name.len() - modifier.len()];
        return format!("{}{modifier}", plural(head));
    }
    let last = name.rsplit('_').next().unwrap_or(name);
    if last.len() > 1 && last.ends_with('y') && !["ay", "ey", "iy", "oy", "uy"].iter().any(|end| last.ends_with(end)) {
        return format!("{}ies", &name[..name.len() - 1]);
    }
    // Already a plural (`insights`), but not `address` or `status`.
    if last.ends_with('s') && !["ss", "us", "is"].iter().any(|end| last.ends_with(end)) {
        return name.to_owned();
    }
    if ["s", "x", "z", "ch", "sh"].iter().any(|end| last.ends_with(end)) {
        return format!("{name}es");
    }
    format!("{name}s")
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn a_modifier_leaves_the_plural_to_the_word_it_describes() {
        assert_eq!(plural("certificate_pinned"), "certificates_pinned");
        assert_eq!(plural("attachment_public"), "attachments_public");
        assert_eq!(plural("whitelist_sdd_recurring"), "whitelist_sdds_recurring");
        assert_eq!(plural("category_user_defined"), "categories_user_defined");
        assert_eq!(plural("server_public_key"), "server_public_keys", "not a modifier where it is not last");
        assert_eq!(plural("public"), "publics", "a modifier alone is the word");
    }

    #[test]
    fn savings_are_their_own_plural() {
        assert_eq!(plural("monetary_account_savings"), "monetary_account_savings");
        assert_eq!(plural("monetary_account_bank"), "monetary_account_banks");
    }
}
