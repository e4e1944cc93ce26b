//! Ids in a path must belong to the caller: the user id is the session's user, a monetary
//! account id is one of the user's accounts, and every other id before the last names an
//! object that exists under its parent. Otherwise 404, as bunq answers for other people's
//! objects.

use super::World;
use super::access::Caller;
use super::call::{Call, Failure};
use super::generic;
use super::router::PathId;
use super::spec::{Segment, template_of};
use super::store::Place;

/// Checks every id of the call's path.
pub(crate) fn check(world: &World, call: &Call) -> Result<(), Failure> {
    let segments = &call.operation.segments;
    let user = match call.caller {
        Some(Caller::Session { user, .. }) => Some(user),
        _ => None,
    };
    let mut seen = 0;
    for (position, segment) in segments.iter().enumerate() {
        let Segment::Id { name, .. } = segment else { continue };
        let Some(id) = call.ids.get(seen) else { break };
        seen += 1;
        match name.as_str() {
            "user_id" => {
                if id.int().is_none() || id.int() != user {
                    return Err(Failure::new(404, "No such user for this session."));
                }
            }
            "monetary_account_id" => {
                let user = user.ok_or_else(|| Failure::new(401, "This call needs a session token."))?;
                if world.bank.account(user, id.int().unwrap_or(-1)).is_err() {
                    return Err(Failure::not_found("monetary account"));
                }
            }
            // The object itself: its handler looks for it.
            _ if position + 1 == segments.len() => {}
            _ => {
                let collection = template_of(&segments[..position]);
                let parents = call.ids[..seen - 1].to_vec();
                if !exists(world, call, &Place { collection, parents }, id) {
                    return Err(Failure::not_found(&generic::noun(&template_of(&segments[..position]))));
                }
            }
        }
    }
    Ok(())
}

/// Whether an object exists at a place: the bank's payments, batches and requests, the
/// caller's installation, or anything in the store the caller may see.
fn exists(world: &World, call: &Call, place: &Place, id: &PathId) -> bool {
    let number = id.int().unwrap_or(-1);
    let account = || place.parents.get(1).and_then(PathId::int).unwrap_or(-1);
    match place.collection.as_str() {
        "installation" => call.caller.is_some_and(|c| c.installation() == number),
        "user/{}/monetary-account/{}/payment" => world.bank.payment(account(), number).is_ok(),
        "user/{}/monetary-account/{}/payment-batch" => world.bank.batch(account(), number).is_ok(),
        "user/{}/monetary-account/{}/request-inquiry" => world.bank.inquiry(account(), number).is_ok(),
        _ => world.store.get(place, id).is_some_and(|o| generic::visible(o, call)),
    }
}
