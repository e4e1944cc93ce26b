//! Docs as the project writes them: spec/docs.md, read (the handwritten docs of the types people
//! meet first, and the pages of bunq's documentation by resource), and what counts as a doc.
//! The generator puts each type's section ahead of the doc it writes by rule; `cargo xtask docs
//! check` makes sure every section still names a schema and counts what has no doc.
//!
//! The file: under `# Types`, a `## <Schema>` heading per type and its text; under `# Pages`,
//! lines `` - `<resource>`: <path> `` (a path segment of the spec → a page under
//! <https://doc.bunq.com/>). Anything else (an introduction) is skipped.

use std::collections::BTreeMap;

/// Where bunq's documentation lives; pages are paths under it.
pub const DOC_SITE: &str = "https://doc.bunq.com/";

/// Whether a doc says more than the name it documents: ``///`NewPayment` `` does not.
pub fn says_more(docs: &str, name: &str) -> bool {
    let letters = |text: &str| text.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase();
    let text = letters(docs);
    !text.is_empty() && text != letters(name)
}

/// spec/docs.md, read.
#[derive(Debug, Default)]
pub struct Handwritten {
    types: BTreeMap<String, String>,
    pages: BTreeMap<String, String>,
}

impl Handwritten {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut docs = Self::default();
        let (mut part, mut section): (&str, Option<String>) = ("", None);
        for (number, line) in text.lines().enumerate() {
            let at = || format!("spec/docs.md:{}", number + 1);
            if let Some(title) = line.strip_prefix("# ") {
                (part, section) = (title.trim(), None);
            } else if let Some(name) = line.strip_prefix("## ").filter(|_| part == "Types") {
                let name = name.trim().to_owned();
                if docs.types.insert(name.clone(), String::new()).is_some() {
                    return Err(format!("{}: `{name}` has two sections", at()));
                }
                section = Some(name);
            } else if let Some(name) = &section {
                let body = docs.types.get_mut(name).expect("inserted with its heading");
                body.push_str(line);
                body.push('\n');
            } else if part == "Pages" && line.starts_with("- ") {
                let entry = line[2..].split_once(':').map(|(r, p)| (r.trim().trim_matches('`'), p.trim()));
                let Some((resource, page)) = entry.filter(|(r, p)| !r.is_empty() && !p.is_empty()) else {
                    return Err(format!("{}: a page is written - `resource`: path", at()));
                };
                docs.pages.insert(resource.to_owned(), page.trim_matches('/').to_owned());
            }
        }
        for body in docs.types.values_mut() {
            *body = body.trim().to_owned();
        }
        Ok(docs)
    }

    /// The names of the types with a section.
    pub fn types(&self) -> impl Iterator<Item = &str> {
        self.types.keys().map(String::as_str)
    }

    /// The handwritten doc of a type.
    pub fn of(&self, name: &str) -> Option<&str> {
        self.types.get(name).map(String::as_str).filter(|text| !text.is_empty())
    }

    /// The page of bunq's documentation on a resource (a path segment: `monetary-account-bank`).
    pub fn page(&self, resource: &str) -> Option<String> {
        self.pages.get(resource).map(|path| format!("{DOC_SITE}{path}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_and_pages() {
        let text = "# Docs\nAn introduction.\n\n# Types\n\n## Payment\n\nMoney moved.\n\nSecond paragraph.\n\n## Card\nA card.\n\n\
                    # Pages\n\n- `payment`: payment/payment\n- `draft-payment`: /draft-payment\n";
        let docs = Handwritten::parse(text).unwrap();
        assert_eq!(docs.of("Payment"), Some("Money moved.\n\nSecond paragraph."));
        assert_eq!(docs.of("Card"), Some("A card."));
        assert_eq!(docs.of("Docs"), None);
        assert_eq!(docs.page("payment").as_deref(), Some("https://doc.bunq.com/payment/payment"));
        assert_eq!(docs.page("draft-payment").as_deref(), Some("https://doc.bunq.com/draft-payment"));
        assert_eq!(docs.page("card"), None);
    }

    #[test]
    fn a_doc_that_repeats_the_name_says_nothing() {
        assert!(!says_more("`NewMonetaryAccountSavings`", "NewMonetaryAccountSavings"));
        assert!(!says_more("", "x"));
        assert!(!says_more(" type_ ", "type_"));
        assert!(says_more("When bunq made it.", "created"));
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert!(Handwritten::parse("# Types\n## A\nx\n## A\ny\n").unwrap_err().contains("two sections"));
        assert!(Handwritten::parse("# Pages\n- payment\n").unwrap_err().contains("spec/docs.md:2"));
    }
}
