//! Wrong calls do not compile. Each case is `tests/ui/correct_call.rs` with one mistake, checked
//! by rustdoc (`cargo test --doc`) against the library as built, so no second build of it is
//! needed. Stable rustdoc does not check the error code a case names; tests/it/wrong_calls.rs proves
//! that each case differs from the correct calls, which compile, in exactly one line.

/// The correct calls compile.
#[doc = concat!("```no_run\n", include_str!("../tests/ui/correct_call.rs"), "```")]
pub struct CorrectCall;

/// An account id where a user id goes.
#[doc = concat!("```compile_fail,E0308\n", include_str!("../tests/ui/account_id_as_user_id.rs"), "```")]
pub struct AccountIdAsUserId;

/// A card id where a scheduled payment's id goes.
#[doc = concat!("```compile_fail,E0308\n", include_str!("../tests/ui/card_id_as_schedule_payment_id.rs"), "```")]
pub struct CardIdAsSchedulePaymentId;

/// A scheduled payment's id where a card id goes.
#[doc = concat!("```compile_fail,E0308\n", include_str!("../tests/ui/schedule_payment_id_as_card_id.rs"), "```")]
pub struct SchedulePaymentIdAsCardId;

/// A payment without its required description.
#[doc = concat!("```compile_fail,E0063\n", include_str!("../tests/ui/payment_without_description.rs"), "```")]
pub struct PaymentWithoutDescription;

/// A savings account body from `Default`: bunq needs its currency, so it has none.
#[doc = concat!("```compile_fail,E0599\n", include_str!("../tests/ui/savings_from_default.rs"), "```")]
pub struct SavingsFromDefault;

/// A savings account body without its currency.
#[doc = concat!("```compile_fail,E0061\n", include_str!("../tests/ui/savings_without_currency.rs"), "```")]
pub struct SavingsWithoutCurrency;

/// A draft payment entry without its amount.
#[doc = concat!("```compile_fail,E0061\n", include_str!("../tests/ui/draft_entry_without_amount.rs"), "```")]
pub struct DraftEntryWithoutAmount;

/// An endpoint the spec does not have.
#[doc = concat!("```compile_fail,E0599\n", include_str!("../tests/ui/endpoint_not_in_spec.rs"), "```")]
pub struct EndpointNotInSpec;
