//! Subscribing: the URL filters of the session's user or of one of its accounts. bunq replaces
//! the whole set on every change, so these functions take the whole set.

use super::Category;
use crate::api::types::NotificationFilterUrl;
use crate::api::types::{MonetaryAccountId, NewNotificationFilterUrl, NewNotificationFilterUrlMonetaryAccount};
use crate::{ApiContext, Error, Result};

/// bunq delivers callbacks over HTTPS; plain HTTP only to this machine (an emulator).
fn check_target(target: &str) -> Result<()> {
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"];
    let ok = target.starts_with("https://") || loopback.iter().any(|l| target.starts_with(l));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!("{target:?} is no callback target: bunq delivers callbacks over HTTPS only")))
    }
}

fn filters_of(filters: &[(Category, &str)]) -> Result<Vec<NotificationFilterUrl>> {
    filters
        .iter()
        .map(|(category, target)| {
            check_target(target)?;
            // Editions before 2023 give a filter read-only id and timestamps too: left empty.
            #[allow(clippy::needless_update, reason = "the 2025 edition's filter has exactly these two fields")]
            Ok(NotificationFilterUrl {
                category: Some(category.as_str().to_owned()),
                notification_target: Some((*target).to_owned()),
                ..Default::default()
            })
        })
        .collect()
}

/// Sets the session user's URL filters to exactly these (category, target URL) pairs.
pub async fn subscribe(context: &ApiContext, filters: &[(Category, &str)]) -> Result<()> {
    let body = NewNotificationFilterUrl { notification_filters: filters_of(filters)? };
    context.me()?.notification_filter_urls().create(&body).await?;
    Ok(())
}

/// Sets one account's URL filters to exactly these (category, target URL) pairs.
pub async fn subscribe_account(
    context: &ApiContext,
    account: MonetaryAccountId,
    filters: &[(Category, &str)],
) -> Result<()> {
    let body = NewNotificationFilterUrlMonetaryAccount { notification_filters: filters_of(filters)? };
    context.me()?.monetary_account(account).notification_filter_urls().create(&body).await?;
    Ok(())
}

/// Removes every URL filter of the session's user.
pub async fn clear(context: &ApiContext) -> Result<()> {
    subscribe(context, &[]).await
}

/// Removes every URL filter of one account.
pub async fn clear_account(context: &ApiContext, account: MonetaryAccountId) -> Result<()> {
    subscribe_account(context, account, &[]).await
}

/// The session user's URL filters: (category, target URL).
pub async fn filters(context: &ApiContext) -> Result<Vec<(Category, String)>> {
    let page = context.me()?.notification_filter_urls().list().await?;
    let filters = page.items.into_iter().flat_map(|set| set.notification_filters);
    Ok(filters
        .map(|f| {
            (Category::from_wire(f.category.as_deref().unwrap_or_default()), f.notification_target.unwrap_or_default())
        })
        .collect())
}
