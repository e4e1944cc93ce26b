//! Walking a listing page by page as a `Stream` of items.

use crate::api::types::ErrorResponse;
use crate::envelope::Listing;
use crate::{Error, Result};
use futures_util::stream::{self, Stream};
use progenitor_client::ResponseValue;
use std::collections::VecDeque;
use std::future::Future;

enum Cursor {
    First,
    OlderThan(i64),
    Done,
}

/// Every item of a listing, newest first, following `older_url` until there is none.
///
/// `fetch` gets the `older_id` to ask for (`None` for the first page) and makes the call:
///
/// ```no_run
/// # use bunq_api::{ApiContext, paginate, types::*};
/// # use futures_util::StreamExt;
/// # async fn run(context: ApiContext, user: UserId, account: MonetaryAccountId) -> bunq_api::Result<()> {
/// let client = context.client().clone();
/// let payments = paginate(move |older| {
///     let client = client.clone();
///     async move { client.list_payments(&user, &account, Some(200), None, older.map(PaymentId).as_ref()).await }
/// });
/// futures_util::pin_mut!(payments);
/// while let Some(payment) = payments.next().await {
///     println!("{:?}", payment?.amount);
/// }
/// # Ok(()) }
/// ```
pub fn paginate<L, F, Fut>(fetch: F) -> impl Stream<Item = Result<L::Item>>
where
    L: Listing,
    F: FnMut(Option<i64>) -> Fut,
    Fut: Future<Output = std::result::Result<ResponseValue<L>, progenitor_client::Error<ErrorResponse>>>,
{
    stream::unfold((fetch, Cursor::First, VecDeque::new()), |(mut fetch, mut cursor, mut buffer)| async move {
        loop {
            if let Some(item) = buffer.pop_front() {
                return Some((Ok(item), (fetch, cursor, buffer)));
            }
            let older = match cursor {
                Cursor::First => None,
                Cursor::OlderThan(id) => Some(id),
                Cursor::Done => return None,
            };
            let page = match fetch(older).await {
                Ok(page) => page.into_inner(),
                Err(e) => return Some((Err(Error::from(e)), (fetch, Cursor::Done, buffer))),
            };
            let next = page.pagination().and_then(|p| p.older_id());
            cursor = match (older, next) {
                (Some(previous), Some(next)) if next >= previous => {
                    let stuck = Error::Decode(format!(
                        "pagination does not move back in time (older_id {next} after {previous})"
                    ));
                    return Some((Err(stuck), (fetch, Cursor::Done, buffer)));
                }
                (_, Some(next)) => Cursor::OlderThan(next),
                (_, None) => Cursor::Done,
            };
            buffer.extend(page.into_items());
        }
    })
}
