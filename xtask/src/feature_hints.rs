//! A handle of an operation group that is off is a stub that does not compile, and the error
//! names the feature to turn on (codegen/src/generate/handles.rs). This checks the generated
//! stub and its message; .ci/run compiles `.ci/downstream/examples/group_off.rs` (exports off)
//! and finds the same message in rustc's output.

use crate::root_text;

/// The generated client for the groups `on` accepts, its whitespace collapsed.
fn generated(on: &dyn Fn(&str) -> bool) -> String {
    let (spec, groups) = (root_text("spec/bunq.json").unwrap(), root_text("spec/groups.json").unwrap());
    let code = bunq_codegen::generate(&spec, &groups, &root_text("spec/docs.md").unwrap(), on).unwrap();
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_group_that_is_off_leaves_stubs_that_name_its_feature() {
    let code = generated(&|group| group != "exports");
    for stub in [
        "pub fn customer_statements<'s>(&'s self) where &'s Self: needs::Exports,",
        "pub fn customer_statement<'s, Id>(&'s self, _id: Id) where &'s Self: needs::Exports,",
        "pub fn export_ribs<'s>(&'s self) where &'s Self: needs::Exports,",
    ] {
        assert!(code.contains(stub), "no stub `{stub}`");
    }
    let message =
        "message = \"this resource is in an operation group that is off: turn on bunq-api's feature `exports`\"";
    assert!(code.contains(message), "the bound's message does not name `exports`");
    assert!(code.contains("pub trait Exports {}"));
    // Groups that are on have their handles, not stubs.
    assert!(code.contains("pub fn cards(&self) -> Cards<'a>"), "cards are on");
    assert!(!code.contains("needs::Cards"));
}

#[test]
fn every_group_on_leaves_no_stub() {
    let code = generated(&|_| true);
    assert!(code.contains("pub fn customer_statements(&self) -> MonetaryAccountCustomerStatements<'a>"));
    assert!(!code.contains("needs::"), "a stub although every group is on");
}
