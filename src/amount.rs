//! `Amount` as a decimal number: bunq writes an amount as a string with two decimals
//! (`"12.50"`), which these conversions read and write exactly (never through `f64`).

use crate::api::types::Amount;
use rust_decimal::Decimal;
use std::fmt;

/// An amount whose value is not a decimal number as bunq writes one (`"12.50"`, `"-0.01"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmountError {
    value: String,
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // At most 40 characters of what was sent: a hostile value does not fill the message.
        let shown: String = self.value.chars().take(40).collect();
        let more = if shown.len() < self.value.len() { "…" } else { "" };
        write!(f, "the amount value {shown:?}{more} is not a decimal number like \"12.50\"")
    }
}

impl std::error::Error for AmountError {}

impl Amount {
    /// An amount in a currency: `Amount::new(Decimal::new(1250, 2), "GBP")` is 12.50 GBP.
    ///
    /// The value is written as bunq does, with two decimals (`12` → `"12.00"`); a value with
    /// more decimals keeps them all (round it first, e.g. with `Decimal::round_dp(2)`: nothing is
    /// rounded here, and bunq refuses amounts finer than a cent).
    pub fn new(value: impl Into<Decimal>, currency: impl Into<String>) -> Self {
        Self { value: wire(value.into()), currency: currency.into() }
    }

    /// An amount in euros: `Amount::eur(10)` is 10.00 EUR, `Amount::eur(Decimal::new(1250, 2))` 12.50 EUR.
    pub fn eur(value: impl Into<Decimal>) -> Self {
        Self::new(value, "EUR")
    }

    /// The value as a decimal number, exactly as bunq wrote it (`"12.50"` → 12.50).
    pub fn decimal(&self) -> Result<Decimal, AmountError> {
        parse(&self.value)
    }
}

impl TryFrom<&Amount> for Decimal {
    type Error = AmountError;
    fn try_from(amount: &Amount) -> Result<Self, Self::Error> {
        amount.decimal()
    }
}

impl TryFrom<Amount> for Decimal {
    type Error = AmountError;
    fn try_from(amount: Amount) -> Result<Self, Self::Error> {
        amount.decimal()
    }
}

/// bunq's form of a value: at least two decimals, no sign on zero.
fn wire(value: Decimal) -> String {
    let mut value = if value.is_zero() { Decimal::ZERO } else { value };
    if value.scale() < 2 {
        value.rescale(2);
    }
    value.to_string()
}

/// An optional `-`, digits, and optionally `.` and digits: nothing else (no `+`, `_`, exponent
/// or spaces, which a looser parser would take).
fn parse(value: &str) -> Result<Decimal, AmountError> {
    let error = || AmountError { value: value.to_owned() };
    let unsigned = value.strip_prefix('-').unwrap_or(value);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return Err(error());
    }
    Decimal::from_str_exact(value).map_err(|_| error())
}
