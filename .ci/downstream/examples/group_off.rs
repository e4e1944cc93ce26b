//! Must not compile: customer statements are in the `exports` group, which this crate does not
//! turn on. .ci/run builds it and expects rustc's error to name the feature `exports`.

use bunq_api::ApiContext;
use bunq_api::types::{MonetaryAccountId, UserId};

async fn statements(context: &ApiContext, user: UserId, account: MonetaryAccountId) -> bunq_api::Result<()> {
    context.user(user).monetary_account(account).customer_statements();
    Ok(())
}

fn main() {
    let _ = statements;
}
