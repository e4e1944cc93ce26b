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
        self.alias.iter().find(|a| a.type_ == types::PointerType::Iban).map(|a| a.value.as_str())
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

impl types::NewPayment {
    /// A payment of `amount` to `to`, with the description the counterparty sees.
    pub fn new(amount: types::Amount, to: types::Pointer, description: impl Into<String>) -> Self {
        Self {
            amount,
            counterparty_alias: to,
            description: description.into(),
            allow_bunqto: None,
            attachment: Vec::new(),
            merchant_reference: None,
        }
    }
}

impl types::NewRequestInquiry {
    /// A request for `amount` from `from`, with the description they see.
    pub fn new(amount: types::Amount, from: types::Pointer, description: impl Into<String>) -> Self {
        Self {
            amount_inquired: amount,
            counterparty_alias: from,
            description: description.into(),
            allow_amount_higher: None,
            allow_amount_lower: None,
            allow_bunqme: None,
            attachment: Vec::new(),
            event_id: None,
            merchant_reference: None,
            minimum_age: None,
            redirect_url: None,
            require_address: None,
            status: None,
            want_tip: None,
        }
    }
}
