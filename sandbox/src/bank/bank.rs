//! The sandbox's bank as plain state: users, their accounts, and payments, batches and
//! requests that move money between them. Amounts are integer cents; nothing here does I/O.

use super::money::{self, Cents};
use bunq_api::api::types::Pointer;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::SystemTime;

/// The built-in counterparty with endless money.
pub(crate) const SUGAR_DADDY_EMAIL: &str = "sugardaddy@bunq.com";
/// A user of bunq's sandbox outside this one: payments to it leave the sandbox (as bunq's
/// SDKs' sandbox tests pay it); requests to it stay pending.
pub(crate) const BRAVO_EMAIL: &str = "bravo@bunq.com";
/// The most sugardaddy pays for one request (500.00).
pub(crate) const SUGAR_DADDY_LIMIT: Cents = 50_000;
/// An account's daily limit unless set (1000.00).
const DEFAULT_DAILY_LIMIT: Cents = 100_000;
/// The longest description a payment may carry.
const MAX_DESCRIPTION_CHARS: usize = 140;
/// The most payments in one batch.
const MAX_BATCH: usize = 500;
/// IBANs of accounts opened through the API count from here (users' first accounts below).
const OPENED_IBAN_BASE: u64 = 50_000_000;
/// The wire type of the account every new user gets.
pub(crate) const CURRENT_ACCOUNT: &str = "MonetaryAccountBank";

const FIRST_NAMES: [&str; 8] = ["Anna", "Bram", "Chloé", "Daan", "Eva", "Finn", "Iris", "Lars"];
const LAST_NAMES: [&str; 8] = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos"];

/// One id sequence shared by every object in a sandbox: ids are unique and increasing, and an
/// account id never equals a user id.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    last: i64,
}

impl Ids {
    /// The next id.
    pub(crate) fn next(&mut self) -> i64 {
        self.last += 1;
        self.last
    }
}

/// A sandbox person.
#[derive(Debug)]
pub(crate) struct User {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub public_uuid: String,
    pub created: SystemTime,
    pub updated: SystemTime,
    /// Seconds a session of this user lasts.
    pub session_timeout: u64,
    pub accounts: Vec<i64>,
    /// A company (`POST /sandbox-user-company`) rather than a person.
    pub company: bool,
    /// Fields set through the API (`PUT /user-person/{id}`), as the wire shows them.
    pub extra: Map<String, Value>,
    /// A PSD2 provider (`UserPaymentServiceProvider`), known by its certificate.
    pub provider: Option<super::psd2::Provider>,
}

impl User {
    /// First and last name.
    pub(crate) fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A monetary account of any kind.
#[derive(Debug)]
pub(crate) struct Account {
    pub id: i64,
    pub user_id: i64,
    /// Its wire type: `MonetaryAccountBank`, `MonetaryAccountSavings`, ….
    pub kind: String,
    /// `ACTIVE`, or `CANCELLED` once closed.
    pub status: String,
    pub daily_limit: Cents,
    pub iban: String,
    pub currency: String,
    pub balance: Cents,
    pub description: String,
    pub public_uuid: String,
    /// The avatar it shows (`POST /avatar`'s UUID), if one was set.
    pub avatar_uuid: Option<String>,
    pub created: SystemTime,
    pub updated: SystemTime,
    pub payments: Vec<i64>,
    pub batches: Vec<i64>,
    pub inquiries: Vec<i64>,
    /// Other fields set through the API, as the wire shows them.
    pub extra: Map<String, Value>,
}

impl Account {
    /// A new, empty, active account; what `change` does not say takes the defaults.
    fn open(id: i64, user_id: i64, kind: &str, iban: String, change: AccountChange, now: SystemTime) -> Self {
        Self {
            id,
            user_id,
            kind: kind.to_owned(),
            status: "ACTIVE".to_owned(),
            daily_limit: change.daily_limit.unwrap_or(DEFAULT_DAILY_LIMIT),
            iban,
            currency: change.currency.unwrap_or_else(|| "EUR".to_owned()),
            balance: 0,
            description: change.description.unwrap_or_else(|| kind.trim_start_matches("MonetaryAccount").to_owned()),
            public_uuid: bunq_protocol::headers::new_request_id(),
            avatar_uuid: change.avatar_uuid,
            created: now,
            updated: now,
            payments: Vec::new(),
            batches: Vec::new(),
            inquiries: Vec::new(),
            extra: change.extra,
        }
    }

    /// Whether it can still send and receive money.
    pub(crate) fn is_open(&self) -> bool {
        self.status != "CANCELLED"
    }
}

/// How an account is opened or changed through the API.
#[derive(Debug, Default)]
pub(crate) struct AccountChange {
    pub currency: Option<String>,
    pub description: Option<String>,
    pub daily_limit: Option<Cents>,
    pub status: Option<String>,
    pub avatar_uuid: Option<String>,
    pub extra: Map<String, Value>,
}

/// One side of a payment as shown to the other side.
#[derive(Clone, Debug)]
pub(crate) struct Party {
    pub iban: Option<String>,
    pub display_name: String,
    pub user_uuid: Option<String>,
}

/// A payment as one account sees it (each sandbox side has its own).
#[derive(Debug)]
pub(crate) struct Payment {
    pub id: i64,
    pub account_id: i64,
    /// Negative when money left the account.
    pub amount: Cents,
    pub currency: String,
    pub balance_after: Cents,
    pub alias: Party,
    pub counterparty: Party,
    pub description: String,
    pub kind: &'static str,
    pub sub_type: &'static str,
    pub merchant_reference: Option<String>,
    pub batch_id: Option<i64>,
    pub created: SystemTime,
}

/// Payments made together.
#[derive(Debug)]
pub(crate) struct Batch {
    pub id: i64,
    pub account_id: i64,
    pub payments: Vec<i64>,
    pub created: SystemTime,
}

/// A request for money sent from an account.
#[derive(Clone, Debug)]
pub(crate) struct Inquiry {
    pub id: i64,
    pub account_id: i64,
    pub amount: Cents,
    pub currency: String,
    pub counterparty: Party,
    pub description: String,
    pub merchant_reference: Option<String>,
    pub status: &'static str,
    pub created: SystemTime,
    pub responded: Option<SystemTime>,
    /// The sandbox account asked to pay, when the request went to a sandbox user.
    pub payer: Option<i64>,
}

/// A payment to make.
#[derive(Debug)]
pub(crate) struct Order {
    pub amount: Cents,
    pub currency: String,
    pub to: Pointer,
    pub description: String,
    pub merchant_reference: Option<String>,
}

/// Why the bank said no.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BankError {
    /// The object does not exist for this user.
    NotFound(&'static str),
    /// A user error (bunq's 490): bad counterparty, insufficient funds, ….
    Refused(String),
}

/// Where money goes.
enum Target {
    Account(i64),
    SugarDaddy,
    /// A bunq user outside the sandbox.
    Bunq(Party),
    Outside(Party),
}

/// All of the bank's state.
#[derive(Debug, Default)]
pub(crate) struct Bank {
    users: BTreeMap<i64, User>,
    accounts: BTreeMap<i64, Account>,
    payments: BTreeMap<i64, Payment>,
    batches: BTreeMap<i64, Batch>,
    inquiries: BTreeMap<i64, Inquiry>,
    by_email: HashMap<String, i64>,
    by_phone: HashMap<String, i64>,
    by_iban: HashMap<String, i64>,
    serial: u64,
    opened: u64,
    /// Payments booked since the last [`Bank::take_bookings`].
    bookings: Vec<Booking>,
}

/// A payment booked on an account: what a callback of category PAYMENT or MUTATION is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Booking {
    pub account_id: i64,
    pub payment_id: i64,
    /// Money came in (the payer's side is `false`).
    pub incoming: bool,
}

fn sugar_daddy() -> Party {
    Party { iban: Some(money::sandbox_iban(0)), display_name: "Sugar Daddy".to_owned(), user_uuid: None }
}

fn is_sugar_daddy(to: &Pointer) -> bool {
    to.type_.as_str().eq_ignore_ascii_case("EMAIL") && to.value.trim().eq_ignore_ascii_case(SUGAR_DADDY_EMAIL)
}

fn refused(message: impl Into<String>) -> BankError {
    BankError::Refused(message.into())
}

impl Bank {
    /// A new person with one empty EUR account; returns the user id.
    pub(crate) fn create_user(&mut self, ids: &mut Ids, session_timeout: u64, company: bool, now: SystemTime) -> i64 {
        self.serial += 1;
        let serial = self.serial;
        let (user_id, account_id) = (ids.next(), ids.next());
        let n = serial as usize;
        let user = User {
            id: user_id,
            first_name: FIRST_NAMES[n % FIRST_NAMES.len()].to_owned(),
            last_name: LAST_NAMES[(n / FIRST_NAMES.len()) % LAST_NAMES.len()].to_owned(),
            email: format!("sandbox-user-{serial}@example.com"),
            phone: format!("+3161{:07}", serial % 10_000_000),
            public_uuid: bunq_protocol::headers::new_request_id(),
            created: now,
            updated: now,
            session_timeout,
            accounts: vec![account_id],
            company,
            extra: Map::new(),
            provider: None,
        };
        let change =
            AccountChange { description: Some("Sandbox current account".to_owned()), ..AccountChange::default() };
        let account = Account::open(account_id, user_id, CURRENT_ACCOUNT, money::sandbox_iban(serial), change, now);
        self.by_email.insert(user.email.clone(), user_id);
        self.by_phone.insert(user.phone.clone(), user_id);
        self.by_iban.insert(account.iban.clone(), account_id);
        self.users.insert(user_id, user);
        self.accounts.insert(account_id, account);
        user_id
    }

    /// A PSD2 provider: the user of this certificate, or a new one (no accounts, no aliases).
    pub(crate) fn provider(
        &mut self,
        ids: &mut Ids,
        session_timeout: u64,
        provider: super::psd2::Provider,
        now: SystemTime,
    ) -> i64 {
        if let Some(user) = self.users.values().find(|u| u.provider.as_ref() == Some(&provider)) {
            return user.id;
        }
        let id = ids.next();
        let (first_name, last_name) = (provider.display_name.clone(), String::new());
        let (email, phone, public_uuid) = (String::new(), String::new(), bunq_protocol::headers::new_request_id());
        let extra = Map::new();
        let user = User {
            id,
            first_name,
            last_name,
            email,
            phone,
            public_uuid,
            created: now,
            updated: now,
            session_timeout,
            accounts: Vec::new(),
            company: false,
            extra,
            provider: Some(provider),
        };
        self.users.insert(id, user);
        id
    }

    /// A user by id.
    pub(crate) fn user(&self, id: i64) -> Option<&User> {
        self.users.get(&id)
    }

    /// A user by id, to change.
    pub(crate) fn user_mut(&mut self, id: i64) -> Option<&mut User> {
        self.users.get_mut(&id)
    }

    /// Opens another account for a user; returns its id.
    pub(crate) fn open_account(
        &mut self,
        ids: &mut Ids,
        user_id: i64,
        kind: &str,
        change: AccountChange,
        now: SystemTime,
    ) -> Result<i64, BankError> {
        if !self.users.contains_key(&user_id) {
            return Err(BankError::NotFound("user"));
        }
        self.opened += 1;
        let id = ids.next();
        let iban = money::sandbox_iban(OPENED_IBAN_BASE + self.opened);
        let account = Account::open(id, user_id, kind, iban.clone(), change, now);
        self.by_iban.insert(iban, id);
        self.accounts.insert(id, account);
        if let Some(user) = self.users.get_mut(&user_id) {
            user.accounts.push(id);
        }
        Ok(id)
    }

    /// Changes an account; closing it (`status: CANCELLED`) needs a zero balance.
    pub(crate) fn change_account(
        &mut self,
        user_id: i64,
        account_id: i64,
        change: AccountChange,
        now: SystemTime,
    ) -> Result<(), BankError> {
        let account = self.account(user_id, account_id)?;
        if change.status.as_deref() == Some("CANCELLED") && account.balance != 0 {
            return Err(refused(format!(
                "The account still holds {} {}; move the money out before closing it.",
                money::format_amount(account.balance),
                account.currency
            )));
        }
        let Some(account) = self.accounts.get_mut(&account_id) else {
            return Err(BankError::NotFound("monetary account"));
        };
        if let Some(description) = change.description {
            account.description = description;
        }
        if let Some(limit) = change.daily_limit {
            account.daily_limit = limit;
        }
        if let Some(status) = change.status {
            account.status = status;
        }
        if change.avatar_uuid.is_some() {
            account.avatar_uuid = change.avatar_uuid;
        }
        account.extra.extend(change.extra);
        account.updated = now;
        Ok(())
    }

    /// The user's accounts, oldest first.
    pub(crate) fn accounts_of(&self, user_id: i64) -> Vec<&Account> {
        let ids = self.users.get(&user_id).map(|u| u.accounts.as_slice()).unwrap_or_default();
        ids.iter().filter_map(|id| self.accounts.get(id)).collect()
    }

    /// The account, if it belongs to the user.
    pub(crate) fn account(&self, user_id: i64, account_id: i64) -> Result<&Account, BankError> {
        self.accounts.get(&account_id).filter(|a| a.user_id == user_id).ok_or(BankError::NotFound("monetary account"))
    }

    /// A payment on the account.
    pub(crate) fn payment(&self, account_id: i64, id: i64) -> Result<&Payment, BankError> {
        self.payments.get(&id).filter(|p| p.account_id == account_id).ok_or(BankError::NotFound("payment"))
    }

    /// The account's payments, oldest first.
    pub(crate) fn payments_of(&self, account: &Account) -> Vec<&Payment> {
        account.payments.iter().filter_map(|id| self.payments.get(id)).collect()
    }

    /// A batch on the account.
    pub(crate) fn batch(&self, account_id: i64, id: i64) -> Result<&Batch, BankError> {
        self.batches.get(&id).filter(|b| b.account_id == account_id).ok_or(BankError::NotFound("payment batch"))
    }

    /// The account's batches, oldest first.
    pub(crate) fn batches_of(&self, account: &Account) -> Vec<&Batch> {
        account.batches.iter().filter_map(|id| self.batches.get(id)).collect()
    }

    /// The payments of a batch.
    pub(crate) fn batch_payments(&self, batch: &Batch) -> Vec<&Payment> {
        batch.payments.iter().filter_map(|id| self.payments.get(id)).collect()
    }

    /// A request-inquiry on the account.
    pub(crate) fn inquiry(&self, account_id: i64, id: i64) -> Result<&Inquiry, BankError> {
        self.inquiries.get(&id).filter(|i| i.account_id == account_id).ok_or(BankError::NotFound("request inquiry"))
    }

    /// How an account appears to others.
    fn party(&self, account_id: i64) -> Party {
        let account = self.accounts.get(&account_id);
        let user = account.and_then(|a| self.users.get(&a.user_id));
        Party {
            iban: account.map(|a| a.iban.clone()),
            display_name: user.map(User::display_name).unwrap_or_default(),
            user_uuid: user.map(|u| u.public_uuid.clone()),
        }
    }

    /// The sandbox user an email or phone alias names.
    fn user_for_alias(&self, kind: &str, value: &str) -> Option<&User> {
        let user = match kind {
            "EMAIL" => self.by_email.get(&value.to_ascii_lowercase()),
            _ => self.by_phone.get(&value.chars().filter(|c| !c.is_whitespace()).collect::<String>()),
        };
        user.and_then(|id| self.users.get(id))
    }

    /// The first account of the sandbox user an email or phone alias names.
    fn account_for_user_alias(&self, kind: &str, value: &str) -> Option<i64> {
        self.user_for_alias(kind, value).and_then(|u| u.accounts.first().copied())
    }

    /// The sandbox user an email or phone pointer names.
    pub(crate) fn user_by_alias(&self, pointer: &Pointer) -> Option<i64> {
        let kind = pointer.type_.as_str().to_ascii_uppercase();
        if !matches!(kind.as_str(), "EMAIL" | "PHONE_NUMBER") {
            return None;
        }
        self.user_for_alias(&kind, &pointer.value).map(|u| u.id)
    }

    /// Where a payment from `from` to `to` goes.
    fn target(&self, from: i64, to: &Pointer) -> Result<Target, BankError> {
        let kind = to.type_.as_str().to_ascii_uppercase();
        let target = match kind.as_str() {
            "EMAIL" if is_sugar_daddy(to) => Target::SugarDaddy,
            "EMAIL" if to.value.trim().eq_ignore_ascii_case(BRAVO_EMAIL) => {
                let name = to.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or(BRAVO_EMAIL);
                Target::Bunq(Party { iban: None, display_name: name.to_owned(), user_uuid: None })
            }
            "EMAIL" | "PHONE_NUMBER" => match self.account_for_user_alias(&kind, &to.value) {
                Some(account) => Target::Account(account),
                None => return Err(refused(format!("No sandbox user has the alias {} {:?}.", kind, to.value))),
            },
            "IBAN" => {
                let iban = money::normalize_iban(&to.value);
                if !money::iban_is_valid(&iban) {
                    return Err(refused(format!("{:?} is not a valid IBAN.", to.value)));
                }
                let name = to.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
                let Some(name) = name else {
                    return Err(refused("A payment to an IBAN needs the account holder's name."));
                };
                match self.by_iban.get(&iban) {
                    Some(&account) => Target::Account(account),
                    None => Target::Outside(Party { iban: Some(iban), display_name: name.to_owned(), user_uuid: None }),
                }
            }
            _ => return Err(refused(format!("Alias type {:?} is not supported here.", to.type_))),
        };
        if matches!(target, Target::Account(account) if account == from) {
            return Err(refused("An account cannot pay itself."));
        }
        Ok(target)
    }

    /// Checks an order's amount and description against the account.
    fn check_order(account: &Account, order: &Order) -> Result<(), BankError> {
        if order.currency != account.currency {
            return Err(refused(format!("The account holds {}, not {}.", account.currency, order.currency)));
        }
        if order.amount <= 0 {
            return Err(refused("The amount must be positive."));
        }
        if order.description.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(refused(format!("A description has at most {MAX_DESCRIPTION_CHARS} characters.")));
        }
        Ok(())
    }

    /// Checks an order against the paying account, without the balance.
    fn check(&self, account: &Account, order: &Order) -> Result<Target, BankError> {
        if !account.is_open() {
            return Err(refused("The account is closed."));
        }
        Self::check_order(account, order)?;
        let target = self.target(account.id, &order.to)?;
        if let Target::Account(to) = target
            && self.accounts.get(&to).is_some_and(|a| !a.is_open() || a.currency != order.currency)
        {
            return Err(refused("The receiving account is closed or holds another currency."));
        }
        Ok(target)
    }

    /// Checks that a payment could be made (counterparty, amount, description), without the
    /// balance and without making it.
    pub(crate) fn check_payment(&self, user_id: i64, account_id: i64, order: &Order) -> Result<(), BankError> {
        let account = self.account(user_id, account_id)?;
        self.check(account, order).map(drop)
    }

    fn insufficient(account: &Account, needed: Cents) -> BankError {
        refused(format!(
            "Insufficient balance: {} {} available, {} needed.",
            money::format_amount(account.balance),
            account.currency,
            money::format_amount(needed)
        ))
    }

    /// Makes one payment; returns the payer's payment id.
    pub(crate) fn pay(
        &mut self,
        ids: &mut Ids,
        user_id: i64,
        account_id: i64,
        order: Order,
        now: SystemTime,
    ) -> Result<i64, BankError> {
        let account = self.account(user_id, account_id)?;
        let target = self.check(account, &order)?;
        if order.amount > account.balance {
            return Err(Self::insufficient(account, order.amount));
        }
        Ok(self.execute(ids, account_id, order, target, None, now))
    }

    /// Makes all payments or none; returns the batch id.
    pub(crate) fn pay_batch(
        &mut self,
        ids: &mut Ids,
        user_id: i64,
        account_id: i64,
        orders: Vec<Order>,
        now: SystemTime,
    ) -> Result<i64, BankError> {
        let account = self.account(user_id, account_id)?;
        if orders.is_empty() || orders.len() > MAX_BATCH {
            return Err(refused(format!("A batch holds 1 to {MAX_BATCH} payments.")));
        }
        let mut total: Cents = 0;
        let mut targets = Vec::with_capacity(orders.len());
        for (index, order) in orders.iter().enumerate() {
            let target = self.check(account, order).map_err(|e| match e {
                BankError::Refused(m) => refused(format!("Payment {}: {m}", index + 1)),
                other => other,
            })?;
            targets.push(target);
            total = total.saturating_add(order.amount);
        }
        if total > account.balance {
            return Err(Self::insufficient(account, total));
        }
        let batch_id = ids.next();
        let payments = orders
            .into_iter()
            .zip(targets)
            .map(|(order, target)| self.execute(ids, account_id, order, target, Some(batch_id), now))
            .collect();
        self.batches.insert(batch_id, Batch { id: batch_id, account_id, payments, created: now });
        if let Some(account) = self.accounts.get_mut(&account_id) {
            account.batches.push(batch_id);
        }
        Ok(batch_id)
    }

    /// Moves checked money; the payer's side first, then the receiver's if it is in the sandbox.
    fn execute(
        &mut self,
        ids: &mut Ids,
        from: i64,
        order: Order,
        target: Target,
        batch_id: Option<i64>,
        now: SystemTime,
    ) -> i64 {
        let (counterparty, kind) = match &target {
            Target::Account(to) => (self.party(*to), "BUNQ"),
            Target::SugarDaddy => (sugar_daddy(), "BUNQ"),
            Target::Bunq(party) => (party.clone(), "BUNQ"),
            Target::Outside(party) => (party.clone(), "EBA_SCT"),
        };
        let own = self.party(from);
        let payer_id =
            self.record(ids, from, -order.amount, &own, &counterparty, &order, kind, "PAYMENT", batch_id, now);
        if let Target::Account(to) = target {
            let receiver = self.party(to);
            self.record(ids, to, order.amount, &receiver, &own, &order, kind, "PAYMENT", None, now);
        }
        payer_id
    }

    /// Books `amount` on an account and keeps the payment as that account sees it.
    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        ids: &mut Ids,
        account_id: i64,
        amount: Cents,
        alias: &Party,
        counterparty: &Party,
        order: &Order,
        kind: &'static str,
        sub_type: &'static str,
        batch_id: Option<i64>,
        now: SystemTime,
    ) -> i64 {
        let id = ids.next();
        let Some(account) = self.accounts.get_mut(&account_id) else { return id };
        account.balance = account.balance.saturating_add(amount);
        account.updated = now;
        account.payments.push(id);
        let payment = Payment {
            id,
            account_id,
            amount,
            currency: account.currency.clone(),
            balance_after: account.balance,
            alias: alias.clone(),
            counterparty: counterparty.clone(),
            description: order.description.clone(),
            kind,
            sub_type,
            merchant_reference: order.merchant_reference.clone(),
            batch_id,
            created: now,
        };
        self.payments.insert(id, payment);
        self.bookings.push(Booking { account_id, payment_id: id, incoming: amount > 0 });
        id
    }

    /// The payments booked since the last call, oldest first.
    pub(crate) fn take_bookings(&mut self) -> Vec<Booking> {
        std::mem::take(&mut self.bookings)
    }

    /// Asks `order.to` for money. sugardaddy pays up to its limit at once; anyone else's
    /// request stays pending. Returns the request's id.
    pub(crate) fn request(
        &mut self,
        ids: &mut Ids,
        user_id: i64,
        account_id: i64,
        order: Order,
        now: SystemTime,
    ) -> Result<i64, BankError> {
        let account = self.account(user_id, account_id)?;
        let from_sugar_daddy = is_sugar_daddy(&order.to);
        let (counterparty, payer) = match self.check(account, &order)? {
            Target::Account(other) => (self.party(other), Some(other)),
            Target::SugarDaddy => (sugar_daddy(), None),
            Target::Bunq(party) | Target::Outside(party) => (party, None),
        };
        let status = match (from_sugar_daddy, order.amount <= SUGAR_DADDY_LIMIT) {
            (true, true) => "ACCEPTED",
            (true, false) => "REJECTED",
            (false, _) => "PENDING",
        };
        let id = ids.next();
        if status == "ACCEPTED" {
            let own = self.party(account_id);
            self.record(ids, account_id, order.amount, &own, &counterparty, &order, "BUNQ", "REQUEST", None, now);
        }
        let inquiry = Inquiry {
            id,
            account_id,
            amount: order.amount,
            currency: order.currency,
            counterparty,
            description: order.description,
            merchant_reference: order.merchant_reference,
            status,
            created: now,
            responded: (status != "PENDING").then_some(now),
            payer,
        };
        self.inquiries.insert(id, inquiry);
        if let Some(account) = self.accounts.get_mut(&account_id) {
            account.inquiries.push(id);
        }
        Ok(id)
    }
}

impl Bank {
    /// The party an account shows to others (IBAN, owner's name and UUID).
    pub(crate) fn party_of(&self, account_id: i64) -> Party {
        self.party(account_id)
    }

    /// Answers a pending request-inquiry from the account asked to pay: `accept` pays it in
    /// full (returns the payer's payment id), otherwise it is rejected.
    pub(crate) fn respond(
        &mut self,
        ids: &mut Ids,
        inquiry_id: i64,
        payer: i64,
        accept: bool,
        now: SystemTime,
    ) -> Result<Option<i64>, BankError> {
        let inquiry = self.inquiries.get(&inquiry_id).ok_or(BankError::NotFound("request"))?;
        if inquiry.payer != Some(payer) {
            return Err(BankError::NotFound("request response"));
        }
        if inquiry.status != "PENDING" {
            return Err(refused(format!("The request is {} already.", inquiry.status.to_ascii_lowercase())));
        }
        let (amount, to) = (inquiry.amount, inquiry.account_id);
        let status = if accept { "ACCEPTED" } else { "REJECTED" };
        let mut payment = None;
        if accept {
            let account = self.accounts.get(&payer).ok_or(BankError::NotFound("monetary account"))?;
            let receiver = self.accounts.get(&to).ok_or(BankError::NotFound("monetary account"))?;
            if !account.is_open() || !receiver.is_open() {
                return Err(refused("The account is closed."));
            }
            if amount > account.balance {
                return Err(Self::insufficient(account, amount));
            }
            let order = Order {
                amount,
                currency: inquiry.currency.clone(),
                to: Pointer::iban(receiver.iban.clone(), "requester"),
                description: inquiry.description.clone(),
                merchant_reference: inquiry.merchant_reference.clone(),
            };
            let (own, other) = (self.party(payer), self.party(to));
            let id = self.record(ids, payer, -amount, &own, &other, &order, "BUNQ", "REQUEST", None, now);
            self.record(ids, to, amount, &other, &own, &order, "BUNQ", "REQUEST", None, now);
            payment = Some(id);
        }
        if let Some(inquiry) = self.inquiries.get_mut(&inquiry_id) {
            inquiry.status = status;
            inquiry.responded = Some(now);
        }
        Ok(payment)
    }

    /// Withdraws a pending request-inquiry (`REVOKED`).
    pub(crate) fn revoke(&mut self, account_id: i64, inquiry_id: i64, now: SystemTime) -> Result<(), BankError> {
        let inquiry = self.inquiries.get_mut(&inquiry_id).filter(|i| i.account_id == account_id);
        let inquiry = inquiry.ok_or(BankError::NotFound("request inquiry"))?;
        if inquiry.status != "PENDING" {
            return Err(refused(format!("The request is {} already.", inquiry.status.to_ascii_lowercase())));
        }
        inquiry.status = "REVOKED";
        inquiry.responded = Some(now);
        Ok(())
    }

    /// A request-inquiry by id, wherever it is.
    pub(crate) fn inquiry_by_id(&self, id: i64) -> Option<&Inquiry> {
        self.inquiries.get(&id)
    }

    /// The user who owns an account.
    pub(crate) fn owner_of(&self, account_id: i64) -> Option<i64> {
        self.accounts.get(&account_id).map(|a| a.user_id)
    }

    /// The account's request-inquiries, oldest first.
    pub(crate) fn inquiries_of(&self, account: &Account) -> Vec<&Inquiry> {
        account.inquiries.iter().filter_map(|id| self.inquiries.get(id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(value: Cents, to: Pointer) -> Order {
        Order { amount: value, currency: "EUR".into(), to, description: "test".into(), merchant_reference: None }
    }

    fn setup() -> (Bank, Ids, [(i64, i64); 2]) {
        let (mut bank, mut ids) = (Bank::default(), Ids::default());
        let now = SystemTime::now();
        let a = bank.create_user(&mut ids, 60, false, now);
        let b = bank.create_user(&mut ids, 60, false, now);
        let first = |bank: &Bank, u| bank.accounts_of(u)[0].id;
        let pairs = [(a, first(&bank, a)), (b, first(&bank, b))];
        (bank, ids, pairs)
    }

    #[test]
    fn money_moves_between_sandbox_users_and_stays_whole() {
        let (mut bank, mut ids, [(a, acc_a), (b, acc_b)]) = setup();
        let now = SystemTime::now();
        let sugar = Pointer::email("SugarDaddy@bunq.com");
        bank.request(&mut ids, a, acc_a, order(10_000, sugar.clone()), now).unwrap();
        assert_eq!(bank.account(a, acc_a).unwrap().balance, 10_000);
        let email = bank.user(b).unwrap().email.clone();
        let payment = bank.pay(&mut ids, a, acc_a, order(2550, Pointer::email(email)), now).unwrap();
        assert_eq!(bank.payment(acc_a, payment).unwrap().amount, -2550);
        assert_eq!(bank.account(b, acc_b).unwrap().balance, 2550);
        assert_eq!(bank.payments_of(bank.account(b, acc_b).unwrap())[0].amount, 2550);
        let err = bank.pay(&mut ids, a, acc_a, order(10_000, Pointer::phone_number("+31610000099")), now);
        assert!(matches!(err, Err(BankError::Refused(_))));
        let err = bank.pay(&mut ids, a, acc_a, order(10_000, sugar), now).unwrap_err();
        assert!(matches!(err, BankError::Refused(m) if m.contains("Insufficient")));
        assert_eq!(bank.account(b, acc_a).unwrap_err(), BankError::NotFound("monetary account"));
    }

    #[test]
    fn a_batch_is_all_or_nothing() {
        let (mut bank, mut ids, [(a, acc_a), (_, acc_b)]) = setup();
        let now = SystemTime::now();
        bank.request(&mut ids, a, acc_a, order(1000, Pointer::email(SUGAR_DADDY_EMAIL)), now).unwrap();
        let iban = bank.accounts.get(&acc_b).unwrap().iban.clone();
        let to_b = || order(600, Pointer::iban(iban.clone(), "B"));
        assert!(bank.pay_batch(&mut ids, a, acc_a, vec![to_b(), to_b()], now).is_err());
        assert_eq!(bank.accounts.get(&acc_a).unwrap().balance, 1000);
        let batch = bank.pay_batch(&mut ids, a, acc_a, vec![to_b()], now).unwrap();
        assert_eq!(bank.batch_payments(bank.batch(acc_a, batch).unwrap()).len(), 1);
        assert_eq!(bank.accounts.get(&acc_b).unwrap().balance, 600);
    }

    #[test]
    fn requests_between_users_are_paid_once() {
        let (mut bank, mut ids, [(a, acc_a), (b, acc_b)]) = setup();
        let now = SystemTime::now();
        bank.request(&mut ids, b, acc_b, order(1000, Pointer::email(SUGAR_DADDY_EMAIL)), now).unwrap();
        let email = bank.user(b).unwrap().email.clone();
        let request = bank.request(&mut ids, a, acc_a, order(400, Pointer::email(email)), now).unwrap();
        assert_eq!(bank.inquiry(acc_a, request).unwrap().payer, Some(acc_b));
        assert!(bank.respond(&mut ids, request, acc_a, true, now).is_err(), "only the payer answers");
        assert!(bank.respond(&mut ids, request, acc_b, true, now).unwrap().is_some());
        assert!(bank.respond(&mut ids, request, acc_b, true, now).is_err(), "once");
        assert_eq!(bank.inquiry(acc_a, request).unwrap().status, "ACCEPTED");
        assert_eq!((bank.accounts[&acc_a].balance, bank.accounts[&acc_b].balance), (400, 600));
    }

    #[test]
    fn opened_accounts_pay_and_close_when_empty() {
        let (mut bank, mut ids, [(a, acc_a), _]) = setup();
        let now = SystemTime::now();
        let savings = bank.open_account(&mut ids, a, "MonetaryAccountSavings", AccountChange::default(), now).unwrap();
        assert_eq!(bank.accounts_of(a).len(), 2);
        bank.request(&mut ids, a, acc_a, order(1000, Pointer::email(SUGAR_DADDY_EMAIL)), now).unwrap();
        let iban = bank.accounts[&savings].iban.clone();
        bank.pay(&mut ids, a, acc_a, order(300, Pointer::iban(iban, "Me")), now).unwrap();
        let close = || AccountChange { status: Some("CANCELLED".into()), ..AccountChange::default() };
        assert!(bank.change_account(a, savings, close(), now).is_err());
        let back = bank.accounts[&acc_a].iban.clone();
        bank.pay(&mut ids, a, savings, order(300, Pointer::iban(back.clone(), "Me")), now).unwrap();
        bank.change_account(a, savings, close(), now).unwrap();
        assert!(bank.pay(&mut ids, a, savings, order(1, Pointer::iban(back, "Me")), now).is_err());
        let iban = bank.accounts[&savings].iban.clone();
        assert!(bank.pay(&mut ids, a, acc_a, order(1, Pointer::iban(iban, "Me")), now).is_err());
    }

    #[test]
    fn sugar_daddy_refuses_large_requests() {
        let (mut bank, mut ids, [(a, acc_a), _]) = setup();
        let now = SystemTime::now();
        let id = bank.request(&mut ids, a, acc_a, order(50_001, Pointer::email(SUGAR_DADDY_EMAIL)), now).unwrap();
        assert_eq!(bank.inquiry(acc_a, id).unwrap().status, "REJECTED");
        assert_eq!(bank.accounts.get(&acc_a).unwrap().balance, 0);
    }
}
