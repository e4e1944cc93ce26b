//! Wrong calls do not compile: each failing case is `correct_call.rs` with one mistake.

#[test]
fn wrong_calls_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/correct_call.rs");
    cases.compile_fail("tests/ui/account_id_as_user_id.rs");
    cases.compile_fail("tests/ui/card_id_as_schedule_payment_id.rs");
    cases.compile_fail("tests/ui/schedule_payment_id_as_card_id.rs");
    cases.compile_fail("tests/ui/payment_without_description.rs");
    cases.compile_fail("tests/ui/endpoint_not_in_spec.rs");
}
