//! The naming rules of the import: Rust method names of operations and id types of path
//! parameters (the word rules themselves are the generator's, `bunq_codegen::words`).
//! Pure functions over strings, so the rules can be read (and tested) in one place.

use std::collections::BTreeMap;

pub use bunq_codegen::words::{Verb, pascal, plural, snake, snake_of_pascal};

/// One segment of a path: a literal, or a parameter by its name in bunq's document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    Param(String),
}

/// Splits `/user/{userID}/payment` into its segments.
pub fn segments(path: &str) -> Vec<Segment> {
    path.trim_matches('/')
        .split('/')
        .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => Segment::Param(name.to_owned()),
            None => Segment::Literal(s.to_owned()),
        })
        .collect()
}

/// What kind of value an id is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    Integer,
    Uuid,
}

/// The id type a path parameter names by rule: `{monetary-accountID}` → `MonetaryAccountId`,
/// `{attachment-publicUUID}` → `AttachmentPublicUuid` (a string), and `{itemId}` → the id of
/// the literal segment before it (`payment/{itemId}` → `PaymentId`).
pub fn param_id_type(param: &str, previous_literal: Option<&str>) -> Option<(String, IdKind)> {
    if param == "itemId" {
        return previous_literal.map(|literal| (format!("{}Id", pascal(literal)), IdKind::Integer));
    }
    if let Some(stem) = param.strip_suffix("UUID") {
        return Some((format!("{}Uuid", pascal(stem)), IdKind::Uuid));
    }
    let stem = param.strip_suffix("ID")?;
    (!stem.is_empty()).then(|| (format!("{}Id", pascal(stem)), IdKind::Integer))
}

/// The literal segments of a path, innermost last.
pub fn literals(segments: &[Segment]) -> Vec<&str> {
    segments
        .iter()
        .filter_map(|s| match s {
            Segment::Literal(l) => Some(l.as_str()),
            Segment::Param(_) => None,
        })
        .collect()
}

/// Method names by rule: verb + resource (`list_` takes the plural). Where two operations would
/// get the same name, the one with the shortest path keeps it (when it alone is shortest) and
/// the others are prefixed with their parent resources, one more at a time until every name is
/// unique. `ops` are (verb, literal segments); the answer is in the same order.
pub fn method_names(ops: &[(Verb, Vec<String>)]) -> Vec<String> {
    // How many parent resources each operation's name carries.
    let mut depth = vec![0usize; ops.len()];
    loop {
        let names: Vec<String> = ops.iter().zip(&depth).map(|((verb, lits), d)| name(*verb, lits, *d)).collect();
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, n) in names.iter().enumerate() {
            groups.entry(n).or_default().push(i);
        }
        let mut changed = false;
        for members in groups.values().filter(|m| m.len() > 1) {
            let shortest = members.iter().map(|&i| ops[i].1.len()).min().unwrap_or(0);
            let keepers: Vec<usize> = members.iter().copied().filter(|&i| ops[i].1.len() == shortest).collect();
            for &i in members {
                let keeps = keepers.len() == 1 && keepers[0] == i;
                if !keeps && depth[i] + 1 < ops[i].1.len() {
                    depth[i] += 1;
                    changed = true;
                }
            }
        }
        if !changed {
            return names;
        }
    }
}

/// The name with `parents` parent resources before the resource.
fn name(verb: Verb, literals: &[String], parents: usize) -> String {
    let resource = snake(literals.last().map(String::as_str).unwrap_or("root"));
    let resource = if verb == Verb::List { plural(&resource) } else { resource };
    let start = literals.len().saturating_sub(1 + parents);
    let mut words: Vec<String> = literals[start..literals.len().saturating_sub(1)].iter().map(|l| snake(l)).collect();
    words.push(resource);
    format!("{}_{}", verb.prefix(), words.join("_"))
}

/// Whether a create body's name names the resource it creates (the path's last literal), as
/// `NewCustomerStatement` names `customer-statement` and `NewNoteTextPayment` names `note-text`.
pub fn names_its_resource(body: &str, resource: &str) -> bool {
    body.to_ascii_lowercase().contains(&resource.replace('-', "").to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(snake("monetary-account-bank"), "monetary_account_bank");
        assert_eq!(pascal("generated-cvc2"), "GeneratedCvc2");
        assert_eq!(snake_of_pascal("MonetaryAccountId"), "monetary_account_id");
        assert_eq!(plural("payment"), "payments");
        assert_eq!(plural("request_inquiry"), "request_inquiries");
        assert_eq!(plural("server_public_key"), "server_public_keys");
        assert_eq!(plural("whitelist_sdd"), "whitelist_sdds");
        assert_eq!(plural("attachment_public_content"), "attachment_public_contents");
        assert_eq!(plural("batch"), "batches");
        assert_eq!(plural("day"), "days");
        assert_eq!(plural("insights"), "insights");
        assert_eq!(plural("address"), "addresses");
    }

    #[test]
    fn a_create_body_names_its_resource() {
        assert!(names_its_resource("NewCustomerStatement", "customer-statement"));
        assert!(names_its_resource("NewNoteTextPayment", "note-text"));
        assert!(names_its_resource("NewBunqMeTab", "bunqme-tab"));
        assert!(!names_its_resource("NewExportStatement", "customer-statement"));
    }

    #[test]
    fn ids_of_path_parameters() {
        assert_eq!(param_id_type("userID", None), Some(("UserId".into(), IdKind::Integer)));
        assert_eq!(param_id_type("monetary-accountID", None), Some(("MonetaryAccountId".into(), IdKind::Integer)));
        assert_eq!(param_id_type("itemId", Some("payment-batch")), Some(("PaymentBatchId".into(), IdKind::Integer)));
        assert_eq!(param_id_type("attachment-publicUUID", None), Some(("AttachmentPublicUuid".into(), IdKind::Uuid)));
        assert_eq!(param_id_type("itemId", None), None);
        assert_eq!(param_id_type("whatever", None), None);
    }

    #[test]
    fn collisions_add_parents_except_to_the_shortest() {
        let op = |verb, path: &str| {
            let lits = literals(&segments(path)).into_iter().map(str::to_owned).collect::<Vec<_>>();
            (verb, lits)
        };
        let ops = [
            op(Verb::List, "/user/{u}/monetary-account/{m}/payment"),
            op(Verb::List, "/user/{u}/monetary-account/{m}/mastercard-action/{a}/payment"),
            op(Verb::Get, "/user/{u}/monetary-account/{m}/payment/{itemId}/note-text/{itemId}"),
            op(Verb::Get, "/user/{u}/monetary-account/{m}/draft-payment/{d}/note-text/{itemId}"),
            op(Verb::List, "/user/{u}/invoice"),
            op(Verb::List, "/user/{u}/monetary-account/{m}/invoice"),
            op(Verb::Get, "/installation/{itemId}"),
        ];
        assert_eq!(
            method_names(&ops),
            [
                "list_payments",
                "list_mastercard_action_payments",
                "get_payment_note_text",
                "get_draft_payment_note_text",
                "list_invoices",
                "list_monetary_account_invoices",
                "get_installation",
            ]
        );
    }
}
