//! `Amount` as a decimal number: bunq's two-decimal strings written and read exactly, a malformed
//! value refused with a clear error, and the payments of an account summed to its balance (over
//! real HTTP against the embedded sandbox).

use crate::common;

use bunq_api::types::*;
use bunq_api::{AmountError, ContextOptions, Decimal};
use bunq_sandbox::SandboxConfig;
use futures_util::TryStreamExt;

fn amount(value: &str) -> Amount {
    serde_json::from_value(serde_json::json!({"value": value, "currency": "EUR"})).unwrap()
}

#[test]
fn values_are_written_with_two_decimals() {
    assert_eq!(Amount::eur(12).value, "12.00");
    assert_eq!(Amount::eur(Decimal::new(125, 1)).value, "12.50");
    assert_eq!(Amount::eur(Decimal::new(-1, 2)).value, "-0.01");
    assert_eq!(Amount::eur(Decimal::new(0, 3)).value, "0.00");
    let zero = Amount::new(Decimal::new(-0, 2), "GBP");
    assert_eq!((zero.value.as_str(), zero.currency.as_str()), ("0.00", "GBP"));
    // Finer than a cent: kept as it is, not rounded behind the caller's back.
    assert_eq!(Amount::eur(Decimal::new(12345, 3)).value, "12.345");
}

#[test]
fn values_read_back_exactly() {
    for value in ["12.50", "-0.01", "0.00", "1000000.00", "79228162514264337593543950.33"] {
        let decimal = amount(value).decimal().unwrap();
        assert_eq!(Amount::eur(decimal).value, value, "round trip of {value}");
    }
    assert_eq!(Decimal::try_from(&amount("-24.95")), Ok(Decimal::new(-2495, 2)));
    assert_eq!(Decimal::try_from(amount("7")), Ok(Decimal::from(7)));
}

#[test]
fn a_malformed_value_is_a_clear_error() {
    for bad in ["", "-", ".5", "5.", "+1.00", "1_000.00", "1e3", " 1.00", "1,00", "ten", "1.0.0", "NaN"] {
        let error: AmountError = amount(bad).decimal().expect_err(bad);
        assert!(error.to_string().contains("is not a decimal number"), "{error}");
    }
    let error = amount("99999999999999999999999999999999.00").decimal().expect_err("overflow");
    assert!(error.to_string().contains("99999"), "{error}");
    // A hostile value is cut short in the message.
    let long = "9".repeat(10_000) + "x";
    assert!(amount(&long).decimal().unwrap_err().to_string().len() < 200);
}

#[tokio::test]
async fn payments_sum_to_the_balance() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, ContextOptions::new()).await;
    let account = common::first_account(&context).await;
    common::fund(&context, account.id, "100.00").await;
    let me = context.me().unwrap();
    let payments = me.monetary_account(account.id).payments();
    for cents in [1250, 725, 1] {
        let payment =
            NewPayment::new(Amount::eur(Decimal::new(cents, 2)), Pointer::email("sugardaddy@bunq.com"), "sum");
        payments.create(&payment).await.unwrap();
    }
    let listed: Vec<Payment> = payments.list().stream().try_collect().await.unwrap();
    let sum: Decimal =
        listed.iter().filter_map(|p| p.amount.as_ref()).map(Amount::decimal).sum::<Result<_, _>>().unwrap();
    assert_eq!(sum, Decimal::new(8024, 2), "{listed:?}");
    let balance = common::first_account(&context).await.balance.expect("balance");
    assert_eq!(balance.decimal(), Ok(sum));
}
