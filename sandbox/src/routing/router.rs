//! Method and path to an operation of the spec, with the path's ids.

use super::spec::{self, Operation, Segment, Spec};
use http::Method;

/// An id from a path: a number, or text for `…Uuid` ids.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum PathId {
    Int(i64),
    Text(String),
}

impl PathId {
    /// The number, if it is one.
    pub(crate) fn int(&self) -> Option<i64> {
        match self {
            PathId::Int(id) => Some(*id),
            PathId::Text(_) => None,
        }
    }
}

/// A matched operation.
#[derive(Debug)]
pub(crate) struct Route {
    pub operation: &'static Operation,
    /// The path's ids, in order.
    pub ids: Vec<PathId>,
}

/// Why no operation matched.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Miss {
    NotFound,
    /// The path exists with these methods only.
    Method(Vec<&'static str>),
}

/// A path id: digits that fit an `i64`, or any text without a slash for a UUID.
fn id_of(part: &str, uuid: bool) -> Option<PathId> {
    if part.is_empty() {
        return None;
    }
    if uuid {
        return Some(PathId::Text(part.to_owned()));
    }
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok().map(PathId::Int)
}

/// The ids of `parts` if they fit `segments`, and how many literals matched.
fn fit(segments: &[Segment], parts: &[&str]) -> Option<(Vec<PathId>, usize)> {
    if segments.len() != parts.len() {
        return None;
    }
    let (mut ids, mut literals) = (Vec::new(), 0);
    for (segment, part) in segments.iter().zip(parts) {
        match segment {
            Segment::Literal(text) if text == part => literals += 1,
            Segment::Literal(_) => return None,
            Segment::Id { uuid, .. } => ids.push(id_of(part, *uuid)?),
        }
    }
    Some((ids, literals))
}

/// The operation for a request, in `spec`.
pub(crate) fn resolve_in(spec: &'static Spec, method: &Method, path: &str) -> Result<Route, Miss> {
    let Some(rest) = path.strip_prefix("/v1/") else { return Err(Miss::NotFound) };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let parts: Vec<&str> = rest.split('/').collect();
    let (mut best, mut allowed): (Option<(Route, usize)>, Vec<&'static str>) = (None, Vec::new());
    for operation in &spec.operations {
        let Some((ids, literals)) = fit(&operation.segments, &parts) else { continue };
        if operation.method != method.as_str() {
            if !allowed.contains(&operation.method.as_str()) {
                allowed.push(operation.method.as_str());
            }
            continue;
        }
        // A literal beats an id in the same place (`…/content` is not a UUID).
        if best.as_ref().is_none_or(|(_, most)| literals > *most) {
            best = Some((Route { operation, ids }, literals));
        }
    }
    // In the order of create, read, update, delete.
    allowed.sort_by_key(|m| ["POST", "GET", "PUT", "DELETE"].iter().position(|o| o == m).unwrap_or(4));
    match best {
        Some((route, _)) => Ok(route),
        None if allowed.is_empty() => Err(Miss::NotFound),
        None => Err(Miss::Method(allowed)),
    }
}

/// The operation for a request.
pub(crate) fn resolve(method: &Method, path: &str) -> Result<Route, Miss> {
    resolve_in(spec::get(), method, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: Method, path: &str) -> Result<(&'static str, Vec<PathId>), Miss> {
        resolve(&method, path).map(|r| (r.operation.id.as_str(), r.ids))
    }

    #[test]
    fn paths_resolve_to_operations() {
        let ids = |v: &[i64]| v.iter().map(|i| PathId::Int(*i)).collect::<Vec<_>>();
        assert_eq!(op(Method::GET, "/v1/user/7/monetary-account/8/payment/9"), Ok(("get_payment", ids(&[7, 8, 9]))));
        assert_eq!(op(Method::POST, "/v1/installation/").unwrap().0, "create_installation");
        assert_eq!(op(Method::PUT, "/v1/installation"), Err(Miss::Method(vec!["POST", "GET"])));
        let text = PathId::Text("3f2a".into());
        assert_eq!(op(Method::GET, "/v1/attachment-public/3f2a"), Ok(("get_attachment_public", vec![text.clone()])));
        assert_eq!(op(Method::GET, "/v1/attachment-public/3f2a/content"), Ok(("get_content", vec![text])));
        assert_eq!(
            op(Method::GET, "/v1/user/1/monetary-account/2/customer-statement/3/content").unwrap().0,
            "get_customer_statement_content"
        );
        for missing in [
            "/v1/user/x",
            "/v1/user/-1",
            "/v1/user/+1",
            "/user",
            "/v1/nope",
            "/v1/user/1/extra/2",
            "/v1//",
            "/v1/user/99999999999999999999",
            "/v1/attachment-public//content",
        ] {
            assert_eq!(op(Method::GET, missing), Err(Miss::NotFound), "{missing}");
        }
    }

    /// Every operation of the spec has its route: its own method and path lead back to it.
    #[test]
    fn every_operation_routes_to_itself() {
        for operation in &spec::get().operations {
            let path: Vec<String> = operation
                .segments
                .iter()
                .map(|s| match s {
                    Segment::Literal(text) => text.clone(),
                    Segment::Id { uuid: true, .. } => "6c8f1e1a-0000-4000-8000-000000000001".to_owned(),
                    Segment::Id { .. } => "12".to_owned(),
                })
                .collect();
            let method = Method::from_bytes(operation.method.as_bytes()).unwrap();
            let route = resolve(&method, &format!("/v1/{}", path.join("/"))).unwrap();
            assert_eq!(route.operation.id, operation.id);
        }
    }
}
