//! Pages of a listing: `count`, `older_id` and `newer_id` in, newest-first items and the
//! `Pagination` links out.

use bunq_api::api::types::Pagination;

/// Items per page when the caller does not say.
const DEFAULT_COUNT: usize = 10;
/// Most items per page.
const MAX_COUNT: usize = 200;

/// What a listing call asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Page {
    pub count: usize,
    pub older_id: Option<i64>,
    pub newer_id: Option<i64>,
}

impl Page {
    /// Reads `count`, `older_id` and `newer_id` from a query string; other parameters are ignored.
    pub(crate) fn from_query(query: Option<&str>) -> Result<Self, String> {
        let mut page = Page { count: DEFAULT_COUNT, older_id: None, newer_id: None };
        for pair in query.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let id = || {
                value.parse::<i64>().ok().filter(|id| *id >= 0).ok_or(format!("{name} must be an id, not {value:?}."))
            };
            match name {
                "count" => {
                    page.count = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_COUNT).contains(n))
                        .ok_or(format!("count must be a number from 1 to {MAX_COUNT}, not {value:?}."))?;
                }
                "older_id" => page.older_id = Some(id()?),
                "newer_id" => page.newer_id = Some(id()?),
                _ => {}
            }
        }
        if page.older_id.is_some() && page.newer_id.is_some() {
            return Err("Give older_id or newer_id, not both.".to_owned());
        }
        Ok(page)
    }

    /// Picks this page from `items` (any order, each with its id), newest first.
    fn select<T>(&self, mut items: Vec<(i64, T)>) -> Vec<(i64, T)> {
        items.sort_by_key(|(id, _)| std::cmp::Reverse(*id));
        match (self.older_id, self.newer_id) {
            (Some(older), _) => items.into_iter().filter(|(id, _)| *id < older).take(self.count).collect(),
            (None, Some(newer)) => {
                // The `count` items right after `newer`, still listed newest first.
                let mut after: Vec<(i64, T)> = items.into_iter().filter(|(id, _)| *id > newer).collect();
                let keep = after.len().saturating_sub(self.count);
                after.drain(..keep);
                after
            }
            (None, None) => items.into_iter().take(self.count).collect(),
        }
    }
}

/// This page of `items` (any order, each with its id), newest first, with links to the
/// neighbouring pages relative to `path` (e.g. `/v1/user/1/monetary-account`).
pub(crate) fn paginate<T>(page: &Page, items: Vec<(i64, T)>, path: &str) -> (Vec<T>, Pagination) {
    let ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
    let selected = page.select(items);
    let link = |key: &str, id: i64| Some(format!("{path}?count={}&{key}={id}", page.count));
    let pagination = match (selected.first(), selected.last()) {
        (Some(&(newest, _)), Some(&(oldest, _))) => {
            let has_newer = ids.iter().any(|id| *id > newest);
            Pagination {
                older_url: if ids.iter().any(|id| *id < oldest) { link("older_id", oldest) } else { None },
                newer_url: if has_newer { link("newer_id", newest) } else { None },
                future_url: if has_newer { None } else { link("newer_id", newest) },
            }
        }
        _ => {
            // An empty page: continue from where the caller stood.
            let anchor = page.newer_id.or(page.older_id.map(|id| id.saturating_sub(1))).unwrap_or(0);
            let has_newer = ids.iter().any(|id| *id > anchor);
            Pagination {
                older_url: None,
                newer_url: if has_newer { link("newer_id", anchor) } else { None },
                future_url: if has_newer { None } else { link("newer_id", anchor) },
            }
        }
    };
    (selected.into_iter().map(|(_, item)| item).collect(), pagination)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = "/v1/user/1/monetary-account/2/payment";

    fn items(n: i64) -> Vec<(i64, i64)> {
        (1..=n).map(|id| (id * 3, id * 3)).collect()
    }

    #[test]
    fn pages_walk_back_and_forward() {
        let page = Page::from_query(Some("count=10")).unwrap();
        let (first, links) = paginate(&page, items(25), PATH);
        assert_eq!(first.len(), 10);
        assert_eq!(first[0], 75);
        assert_eq!(links.older_url.as_deref(), Some("/v1/user/1/monetary-account/2/payment?count=10&older_id=48"));
        assert_eq!(links.newer_url, None);
        assert_eq!(links.future_url.as_deref(), Some("/v1/user/1/monetary-account/2/payment?count=10&newer_id=75"));

        let page = Page::from_query(Some("count=10&older_id=48")).unwrap();
        let (second, links) = paginate(&page, items(25), PATH);
        assert_eq!((second[0], second[9]), (45, 18));
        assert_eq!(links.newer_url.as_deref(), Some("/v1/user/1/monetary-account/2/payment?count=10&newer_id=45"));
        assert_eq!(links.future_url, None);

        let page = Page::from_query(Some("older_id=18&count=10")).unwrap();
        let (third, links) = paginate(&page, items(25), PATH);
        assert_eq!(third, vec![15, 12, 9, 6, 3]);
        assert_eq!(links.older_url, None);

        let page = Page::from_query(Some("count=10&newer_id=15")).unwrap();
        let (forward, _) = paginate(&page, items(25), PATH);
        assert_eq!((forward[0], forward[9]), (45, 18));
    }

    #[test]
    fn empty_listings_offer_a_future_url() {
        let (none, links) = paginate::<i64>(&Page::from_query(None).unwrap(), Vec::new(), PATH);
        assert!(none.is_empty());
        assert_eq!(links.future_url.as_deref(), Some("/v1/user/1/monetary-account/2/payment?count=10&newer_id=0"));
    }

    #[test]
    fn bad_queries_are_refused() {
        for bad in ["count=0", "count=201", "count=x", "older_id=-1", "newer_id=", "older_id=1&newer_id=2"] {
            assert!(Page::from_query(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(Page::from_query(Some("count=200&foo=bar")).unwrap().count, 200);
    }
}
