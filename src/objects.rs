//! Conveniences on the generated object types.

use crate::api::types;

impl types::User {
    /// The user's id, whatever kind of user it is.
    pub fn id(&self) -> types::UserId {
        match self {
            Self::UserPerson(u) => u.id,
            Self::UserCompany(u) => u.id,
            Self::UserApiKey(u) => u.id,
            Self::UserPaymentServiceProvider(u) => u.id,
        }
    }

    /// The name bunq shows for the user.
    pub fn display_name(&self) -> Option<&str> {
        match self {
            Self::UserPerson(u) => u.display_name.as_deref(),
            Self::UserCompany(u) => u.display_name.as_deref(),
            Self::UserApiKey(_) => None,
            Self::UserPaymentServiceProvider(u) => u.display_name.as_deref(),
        }
    }
}

impl types::MonetaryAccountBank {
    /// The account's IBAN, from its aliases.
    pub fn iban(&self) -> Option<&str> {
        self.alias.iter().find(|a| a.type_ == "IBAN").map(|a| a.value.as_str())
    }
}

impl types::Amount {
    /// An amount in a currency, e.g. `Amount::new("0.10", "EUR")`.
    pub fn new(value: impl Into<String>, currency: impl Into<String>) -> Self {
        Self { value: value.into(), currency: currency.into() }
    }
}

impl types::Pointer {
    /// An email alias.
    pub fn email(address: impl Into<String>) -> Self {
        Self { type_: "EMAIL".into(), value: address.into(), name: None }
    }
    /// A phone-number alias.
    pub fn phone_number(number: impl Into<String>) -> Self {
        Self { type_: "PHONE_NUMBER".into(), value: number.into(), name: None }
    }
    /// An IBAN alias; bunq requires the holder's name with it.
    pub fn iban(iban: impl Into<String>, name: impl Into<String>) -> Self {
        Self { type_: "IBAN".into(), value: iban.into(), name: Some(name.into()) }
    }
}
