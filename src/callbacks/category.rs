//! The categories a notification filter subscribes to, and a callback says it belongs to.

use std::fmt;

/// A notification category. Categories this version does not know are kept as `Other`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Category {
    /// Invoices.
    Billing,
    /// bunq.me tabs.
    BunqmeTab,
    /// A card payment went through.
    CardTransactionSuccessful,
    /// A card payment failed.
    CardTransactionFailed,
    /// Chat messages.
    Chat,
    /// Draft payments.
    DraftPayment,
    /// iDEAL payments.
    Ideal,
    /// Any change of balance (payments in and out).
    Mutation,
    /// OAuth grants.
    Oauth,
    /// Payments.
    Payment,
    /// Requests for money (inquiries and responses).
    Request,
    /// A scheduled payment ran.
    ScheduleResult,
    /// A schedule changed status.
    ScheduleStatus,
    /// Shared accounts.
    Share,
    /// SOFORT payments.
    Sofort,
    /// Messages of a support conversation with bunq.
    Support,
    /// Tab results.
    TabResult,
    /// A category this version does not know, as bunq wrote it.
    Other(String),
}

const KNOWN: [(Category, &str); 17] = [
    (Category::Billing, "BILLING"),
    (Category::BunqmeTab, "BUNQME_TAB"),
    (Category::CardTransactionSuccessful, "CARD_TRANSACTION_SUCCESSFUL"),
    (Category::CardTransactionFailed, "CARD_TRANSACTION_FAILED"),
    (Category::Chat, "CHAT"),
    (Category::DraftPayment, "DRAFT_PAYMENT"),
    (Category::Ideal, "IDEAL"),
    (Category::Mutation, "MUTATION"),
    (Category::Oauth, "OAUTH"),
    (Category::Payment, "PAYMENT"),
    (Category::Request, "REQUEST"),
    (Category::ScheduleResult, "SCHEDULE_RESULT"),
    (Category::ScheduleStatus, "SCHEDULE_STATUS"),
    (Category::Share, "SHARE"),
    (Category::Sofort, "SOFORT"),
    (Category::Support, "SUPPORT"),
    (Category::TabResult, "TAB_RESULT"),
];

impl Category {
    /// The name on the wire: `PAYMENT`, `MUTATION`, ….
    pub fn as_str(&self) -> &str {
        match self {
            Category::Other(name) => name,
            known => KNOWN.iter().find(|(c, _)| c == known).map_or("", |(_, name)| name),
        }
    }

    /// The category bunq calls `name`.
    pub fn from_wire(name: &str) -> Self {
        KNOWN
            .iter()
            .find(|(_, known)| *known == name)
            .map_or_else(|| Category::Other(name.to_owned()), |(c, _)| c.clone())
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
