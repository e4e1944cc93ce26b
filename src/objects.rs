//! Conveniences on the generated object types.

use crate::api::types;

// Fields every kind of user or account has (`id()`, `balance()`, …) and accounts' `iban()` are
// generated (codegen/src/generate/accessors.rs); what is here the rule does not give.

impl types::User {
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

impl types::Pointer {
    /// An email alias.
    pub fn email(address: impl Into<String>) -> Self {
        Self { type_: types::PointerType::Email, value: address.into(), name: None }
    }
    /// A phone-number alias.
    pub fn phone_number(number: impl Into<String>) -> Self {
        Self { type_: types::PointerType::PhoneNumber, value: number.into(), name: None }
    }
    /// An IBAN alias; bunq requires the holder's name with it.
    pub fn iban(iban: impl Into<String>, name: impl Into<String>) -> Self {
        Self { type_: types::PointerType::Iban, value: iban.into(), name: Some(name.into()) }
    }
}
