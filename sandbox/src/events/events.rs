//! What a call did, as bunq's callbacks name it: each event a category, an event type, the
//! account's owner and the path that reads the object; and who subscribed to it.

use super::World;
use super::bank::Booking;
use super::call::Call;
use super::router::PathId;
use super::spec::Verb;
use super::store::Place;
use serde_json::Value;

/// Something a notification filter can ask to hear about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Event {
    /// The user whose filters apply, and whose session may read the object.
    pub user: i64,
    /// The account it happened on, for account-level filters.
    pub account: Option<i64>,
    pub category: &'static str,
    pub event_type: String,
    /// Where the object is read, e.g. `/v1/user/1/monetary-account/2/payment/3`.
    pub read_path: String,
}

/// Collections whose creates and updates are events: (last path literal, category, event prefix).
const OBJECT_EVENTS: [(&str, &str, &str); 5] = [
    ("request-inquiry", "REQUEST", "REQUEST_INQUIRY"),
    ("request-response", "REQUEST", "REQUEST_RESPONSE"),
    ("draft-payment", "DRAFT_PAYMENT", "DRAFT_PAYMENT"),
    ("bunqme-tab", "BUNQME_TAB", "BUNQME_TAB"),
    ("schedule-payment", "SCHEDULE_RESULT", "SCHEDULE_DEFINITION_PAYMENT"),
];

/// A booked payment as two events: PAYMENT and MUTATION, created (paid) or received.
pub(crate) fn of_booking(world: &World, booking: Booking) -> Vec<Event> {
    let Some(user) = world.bank.owner_of(booking.account_id) else { return Vec::new() };
    let suffix = if booking.incoming { "RECEIVED" } else { "CREATED" };
    let read_path = format!("/v1/user/{user}/monetary-account/{}/payment/{}", booking.account_id, booking.payment_id);
    [("PAYMENT", "PAYMENT"), ("MUTATION", "MUTATION")]
        .into_iter()
        .map(|(category, prefix)| Event {
            user,
            account: Some(booking.account_id),
            category,
            event_type: format!("{prefix}_{suffix}"),
            read_path: read_path.clone(),
        })
        .collect()
}

/// The event of a successful create or update of an object bunq sends callbacks about;
/// `answer` is the call's envelope (a create's holds the new id). The event type ends in
/// `CREATED`, or after an update in the object's status (`ACCEPTED`, `REJECTED`, …), which the
/// caller fills in once it has read the object.
pub(crate) fn of_call(call: &Call, answer: &Value) -> Option<Event> {
    let collection = call.operation.collection();
    let last = collection.rsplit('/').next()?;
    let (_, category, prefix) = OBJECT_EVENTS.iter().find(|(name, ..)| *name == last)?;
    let user = call.session_user().ok()?;
    let account = match call.ids.get(1) {
        Some(PathId::Int(id)) if collection.starts_with("user/{}/monetary-account/{}/") => Some(*id),
        _ => None,
    };
    let (read_path, event_type) = match call.operation.verb {
        Verb::Create => {
            let id = answer.pointer("/Response/0/Id/id").and_then(Value::as_i64)?;
            (format!("{}/{id}", call.path.trim_end_matches('/')), format!("{prefix}_CREATED"))
        }
        Verb::Update => (call.path.to_owned(), format!("{prefix}_")),
        _ => return None,
    };
    Some(Event { user, account, category, event_type, read_path })
}

/// The targets subscribed to `event`: the user's URL filters and those of the account.
pub(crate) fn targets(world: &World, event: &Event) -> Vec<String> {
    let mut places = vec![Place {
        collection: "user/{}/notification-filter-url".to_owned(),
        parents: vec![PathId::Int(event.user)],
    }];
    if let Some(account) = event.account {
        places.push(Place {
            collection: "user/{}/monetary-account/{}/notification-filter-url".to_owned(),
            parents: vec![PathId::Int(event.user), PathId::Int(account)],
        });
    }
    let mut targets: Vec<String> = Vec::new();
    for place in &places {
        for stored in world.store.list(place) {
            let filters = stored.fields.get("notification_filters").and_then(Value::as_array);
            for filter in filters.into_iter().flatten() {
                let category = filter.get("category").and_then(Value::as_str);
                let target = filter.get("notification_target").and_then(Value::as_str);
                if let (Some(category), Some(target)) = (category, target)
                    && category == event.category
                    && !targets.iter().any(|t| t == target)
                {
                    targets.push(target.to_owned());
                }
            }
        }
    }
    targets
}

/// Whether bunq would accept `target` as a callback URL here: https anywhere; plain http
/// only to this machine (the sandbox's allowance for local listeners).
pub(crate) fn target_allowed(target: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(target) else { return false };
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => match url.host_str().map(|h| h.trim_start_matches('[').trim_end_matches(']')) {
            Some("localhost") => true,
            Some(host) => host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()),
            None => false,
        },
        _ => false,
    }
}

/// The notification filters of a create body that bunq would refuse, as a message.
pub(crate) fn refused_target(body: &Value) -> Option<String> {
    let filters = body.get("notification_filters").and_then(Value::as_array)?;
    filters.iter().filter_map(|f| f.get("notification_target").and_then(Value::as_str)).find_map(|target| {
        (!target_allowed(target)).then(|| {
            format!("notification_target {target:?} must be an https URL (plain http only to 127.0.0.1 or localhost).")
        })
    })
}

/// Whether `collection` holds notification URL filters.
pub(crate) fn is_url_filter(call: &Call) -> bool {
    call.operation.verb == Verb::Create && call.operation.collection().ends_with("notification-filter-url")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn targets_are_https_or_loopback_http() {
        assert!(target_allowed("https://example.com/bunq"));
        assert!(target_allowed("http://127.0.0.1:8080/cb"));
        assert!(target_allowed("http://[::1]:8080/cb"));
        assert!(target_allowed("http://localhost/cb"));
        assert!(!target_allowed("http://example.com/cb"));
        assert!(!target_allowed("http://10.0.0.1/cb"));
        assert!(!target_allowed("ftp://127.0.0.1/cb"));
        assert!(!target_allowed("not a url"));
        let body = json!({"notification_filters": [
            {"category": "PAYMENT", "notification_target": "https://example.com/a"},
            {"category": "MUTATION", "notification_target": "http://example.com/b"},
        ]});
        assert!(refused_target(&body).unwrap().contains("http://example.com/b"));
        assert_eq!(refused_target(&json!({"notification_filters": []})), None);
    }
}
