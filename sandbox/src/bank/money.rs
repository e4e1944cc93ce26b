//! Amounts as integer cents, their decimal text form, and IBANs (made up and checked).

/// An amount of money in hundredths of the currency unit.
pub(crate) type Cents = i64;

/// Largest amount the sandbox accepts in one request: a trillion units.
const MAX_UNITS_DIGITS: usize = 12;

/// Why an amount's text was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum AmountError {
    /// Not a decimal number with at most two decimals.
    Malformed,
    /// Zero or negative.
    NotPositive,
}

/// Parses `"12.34"`, `"12.3"`, `"12"` or `"-1.00"` into cents. Refuses signs other than a
/// leading minus, exponents, more than two decimals and absurd sizes.
pub(crate) fn parse_amount(text: &str) -> Result<Cents, AmountError> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (units, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if units.is_empty()
        || units.len() > MAX_UNITS_DIGITS
        || fraction.len() > 2
        || (digits.contains('.') && fraction.is_empty())
        || !all_digits(units)
        || !all_digits(fraction)
    {
        return Err(AmountError::Malformed);
    }
    let units: i64 = units.parse().map_err(|_| AmountError::Malformed)?;
    let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| AmountError::Malformed)?;
    let cents = units * 100 + fraction;
    if negative || cents == 0 { Err(AmountError::NotPositive) } else { Ok(cents) }
}

/// Any decimal amount with at most two decimals (zero and negative ones too) as cents.
pub(crate) fn parse_signed(text: &str) -> Option<Cents> {
    match parse_amount(text) {
        Ok(cents) => Some(cents),
        Err(AmountError::Malformed) => None,
        Err(AmountError::NotPositive) => {
            let positive = text.strip_prefix('-').unwrap_or(text);
            let cents = match parse_amount(positive) {
                Ok(cents) => cents,
                Err(AmountError::NotPositive) => 0,
                Err(AmountError::Malformed) => return None,
            };
            Some(if text.starts_with('-') { -cents } else { cents })
        }
    }
}

/// `-1234` → `"-12.34"`.
pub(crate) fn format_amount(cents: Cents) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// The IBAN's remainder modulo 97 after moving the country and check digits to the end.
fn iban_remainder(iban: &str) -> Option<u32> {
    if iban.len() < 5 {
        return None;
    }
    let (head, tail) = iban.split_at(4);
    let mut remainder: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let value = c.to_digit(36)?;
        remainder = if value < 10 { (remainder * 10 + value) % 97 } else { (remainder * 100 + value) % 97 };
    }
    Some(remainder)
}

/// An IBAN without spaces, in capitals.
pub(crate) fn normalize_iban(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect()
}

/// Whether a normalized IBAN has the right shape and check digits.
pub(crate) fn iban_is_valid(iban: &str) -> bool {
    let bytes = iban.as_bytes();
    (15..=34).contains(&bytes.len())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && bytes[4..].iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && iban_remainder(iban) == Some(1)
}

/// A Dutch bunq-style IBAN `NLccBUNQ20nnnnnnnn` with correct check digits.
pub(crate) fn sandbox_iban(serial: u64) -> String {
    let bban = format!("BUNQ20{:08}", serial % 100_000_000);
    let remainder = iban_remainder(&format!("NL00{bban}")).unwrap_or(0);
    format!("NL{:02}{bban}", 98 - remainder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_strictly() {
        assert_eq!(parse_amount("12.34"), Ok(1234));
        assert_eq!(parse_amount("0.1"), Ok(10));
        assert_eq!(parse_amount("7"), Ok(700));
        assert_eq!(parse_amount("0.00"), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("-1.00"), Err(AmountError::NotPositive));
        assert_eq!((parse_signed("-1.50"), parse_signed("0.00"), parse_signed("3")), (Some(-150), Some(0), Some(300)));
        assert_eq!((parse_signed("--1"), parse_signed("-0.001")), (None, None));
        for bad in ["", ".5", "1.", "1.234", "1e3", "+1", "1,00", " 1", "9999999999999", "--1", "1.-1"] {
            assert_eq!(parse_amount(bad), Err(AmountError::Malformed), "{bad:?}");
        }
    }

    #[test]
    fn amounts_format_with_two_decimals() {
        assert_eq!(format_amount(0), "0.00");
        assert_eq!(format_amount(5), "0.05");
        assert_eq!(format_amount(-2495), "-24.95");
        assert_eq!(format_amount(50000), "500.00");
    }

    #[test]
    fn made_up_ibans_pass_the_check() {
        for serial in [0, 1, 42, 99_999_999, 123_456_789] {
            let iban = sandbox_iban(serial);
            assert!(iban.starts_with("NL") && iban[4..].starts_with("BUNQ20"), "{iban}");
            assert_eq!(iban.len(), 18);
            assert!(iban_is_valid(&iban), "{iban}");
        }
        assert!(iban_is_valid(&normalize_iban("nl91 abna 0417 1643 00")));
        assert!(iban_is_valid("GB82WEST12345698765432"));
        assert!(!iban_is_valid("NL92ABNA0417164300"));
        assert!(!iban_is_valid("NL91"));
    }
}
