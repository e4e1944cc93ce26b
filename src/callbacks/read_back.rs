//! Reading a callback's object back through the signed API: the copy to act on.

use super::{CallbackObject, Notification};
use crate::api::types::{self, MonetaryAccount, User};
use crate::{ApiContext, Error, Result};

impl Notification {
    /// The object as bunq's signed API has it now, read by its id — what to act on, since
    /// callbacks are not signed. An object that does not exist (any more) is
    /// [`Error::is_not_found`]; a type this crate cannot read back is [`Error::InvalidRequest`].
    pub async fn read_back(&self, context: &ApiContext) -> Result<CallbackObject> {
        let me = context.me()?;
        let id = self.object_id().ok_or_else(|| unsupported(self, "it carries no id"))?;
        let account = || {
            self.monetary_account_id()
                .map(|id| me.monetary_account(types::MonetaryAccountId(id)))
                .ok_or_else(|| unsupported(self, "it names no monetary account"))
        };
        Ok(match &self.object {
            CallbackObject::Payment(_) => {
                CallbackObject::Payment(Box::new(account()?.payment(types::PaymentId(id)).get().await?))
            }
            CallbackObject::PaymentBatch(_) => {
                CallbackObject::PaymentBatch(Box::new(account()?.payment_batch(types::PaymentBatchId(id)).get().await?))
            }
            CallbackObject::RequestInquiry(_) => CallbackObject::RequestInquiry(Box::new(
                account()?.request_inquiry(types::RequestInquiryId(id)).get().await?,
            )),
            CallbackObject::RequestInquiryBatch(_) => CallbackObject::RequestInquiryBatch(Box::new(
                account()?.request_inquiry_batch(types::RequestInquiryBatchId(id)).get().await?,
            )),
            CallbackObject::RequestResponse(_) => CallbackObject::RequestResponse(Box::new(
                account()?.request_response(types::RequestResponseId(id)).get().await?,
            )),
            CallbackObject::DraftPayment(_) => {
                CallbackObject::DraftPayment(Box::new(account()?.draft_payment(types::DraftPaymentId(id)).get().await?))
            }
            CallbackObject::MasterCardAction(_) => CallbackObject::MasterCardAction(Box::new(
                account()?.mastercard_action(types::MastercardActionId(id)).get().await?,
            )),
            CallbackObject::BunqMeTab(_) => {
                CallbackObject::BunqMeTab(Box::new(account()?.bunqme_tab(types::BunqmeTabId(id)).get().await?))
            }
            CallbackObject::ScheduledPayment(_) => CallbackObject::ScheduledPayment(Box::new(
                account()?.schedule_payment(types::SchedulePaymentId(id)).get().await?,
            )),
            CallbackObject::MonetaryAccountBank(_)
            | CallbackObject::MonetaryAccountCard(_)
            | CallbackObject::MonetaryAccountExternal(_)
            | CallbackObject::MonetaryAccountExternalSavings(_)
            | CallbackObject::MonetaryAccountInvestment(_)
            | CallbackObject::MonetaryAccountJoint(_)
            | CallbackObject::MonetaryAccountLight(_)
            | CallbackObject::MonetaryAccountSavings(_)
            | CallbackObject::MonetaryAccountSwitchService(_) => {
                account_object(me.monetary_account(types::MonetaryAccountId(id)).get().await?)
            }
            CallbackObject::UserPerson(_)
            | CallbackObject::UserCompany(_)
            | CallbackObject::UserApiKey(_)
            | CallbackObject::UserPaymentServiceProvider(_) => {
                user_object(context.user(types::UserId(id)).get().await?)
            }
            _ => return Err(unsupported(self, "this crate does not read its type back")),
        })
    }
}

fn unsupported(notification: &Notification, why: &str) -> Error {
    Error::InvalidRequest(format!("the callback's {} cannot be read back: {why}", notification.object.type_name()))
}

fn account_object(account: MonetaryAccount) -> CallbackObject {
    match account {
        MonetaryAccount::MonetaryAccountBank(a) => CallbackObject::MonetaryAccountBank(Box::new(a)),
        MonetaryAccount::MonetaryAccountCard(a) => CallbackObject::MonetaryAccountCard(Box::new(a)),
        MonetaryAccount::MonetaryAccountExternal(a) => CallbackObject::MonetaryAccountExternal(Box::new(a)),
        MonetaryAccount::MonetaryAccountExternalSavings(a) => {
            CallbackObject::MonetaryAccountExternalSavings(Box::new(a))
        }
        MonetaryAccount::MonetaryAccountInvestment(a) => CallbackObject::MonetaryAccountInvestment(Box::new(a)),
        MonetaryAccount::MonetaryAccountJoint(a) => CallbackObject::MonetaryAccountJoint(Box::new(a)),
        MonetaryAccount::MonetaryAccountLight(a) => CallbackObject::MonetaryAccountLight(Box::new(a)),
        MonetaryAccount::MonetaryAccountSavings(a) => CallbackObject::MonetaryAccountSavings(Box::new(a)),
        MonetaryAccount::MonetaryAccountSwitchService(a) => CallbackObject::MonetaryAccountSwitchService(Box::new(a)),
    }
}

fn user_object(user: User) -> CallbackObject {
    match user {
        User::UserPerson(u) => CallbackObject::UserPerson(Box::new(u)),
        User::UserCompany(u) => CallbackObject::UserCompany(Box::new(u)),
        User::UserApiKey(u) => CallbackObject::UserApiKey(Box::new(u)),
        User::UserPaymentServiceProvider(u) => CallbackObject::UserPaymentServiceProvider(Box::new(u)),
    }
}
