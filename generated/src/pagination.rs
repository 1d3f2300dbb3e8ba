//! Hand-written: streams that follow the cursors of Stripe's list and search result envelopes
//! page by page.

use crate::Error;
use crate::types::HasId;
use futures_core::Stream;
use std::collections::VecDeque;
use std::future::Future;

// The envelopes live with the other response types; their old path still names them.
pub use crate::types::{List, SearchResult};

/// List params that can start after an object: generated for every list operation.
pub trait ListParams: Clone {
    fn set_starting_after(&mut self, id: String);
}

/// Search params that take a page cursor: generated for every search operation.
pub trait SearchParams: Clone {
    fn set_page(&mut self, page: String);
}

/// Where a paginated stream is: items left on the current page and how to get the next.
struct Cursor<P, T> {
    params: Option<P>,
    buffered: VecDeque<T>,
}

/// Every object of a list, fetching pages as the stream is read, following `has_more` and
/// `starting_after`. An error ends the stream after it is yielded.
pub fn list_stream<P, T, F, Fut>(params: P, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    P: ListParams,
    T: HasId,
    F: FnMut(P) -> Fut,
    Fut: Future<Output = Result<List<T>, Error>>,
{
    paginate(params, fetch, |params, page: List<T>| {
        let next = match (page.has_more, page.data.last().and_then(HasId::object_id)) {
            (true, Some(id)) => {
                let mut next = params.clone();
                next.set_starting_after(id.to_owned());
                Some(next)
            }
            _ => None,
        };
        (page.data, next)
    })
}

/// Every result of a search, following `has_more` and `next_page`.
pub fn search_stream<P, T, F, Fut>(params: P, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    P: SearchParams,
    F: FnMut(P) -> Fut,
    Fut: Future<Output = Result<SearchResult<T>, Error>>,
{
    paginate(params, fetch, |params, page: SearchResult<T>| {
        let next = match (page.has_more, page.next_page) {
            (true, Some(cursor)) => {
                let mut next = params.clone();
                next.set_page(cursor);
                Some(next)
            }
            _ => None,
        };
        (page.data, next)
    })
}

fn paginate<P, T, Page, F, Fut, S>(
    params: P,
    mut fetch: F,
    split: S,
) -> impl Stream<Item = Result<T, Error>>
where
    P: Clone,
    S: Fn(&P, Page) -> (Vec<T>, Option<P>) + Clone,
    F: FnMut(P) -> Fut,
    Fut: Future<Output = Result<Page, Error>>,
{
    let start = Cursor {
        params: Some(params),
        buffered: VecDeque::new(),
    };
    futures_util::stream::unfold(start, move |mut cursor| {
        let request = match cursor.buffered.is_empty() {
            true => cursor.params.take().map(|params| {
                let future = fetch(params.clone());
                (params, future)
            }),
            false => None,
        };
        let split = split.clone();
        async move {
            if let Some((params, future)) = request {
                match future.await {
                    Ok(page) => {
                        let (items, next) = split(&params, page);
                        cursor.buffered.extend(items);
                        cursor.params = next;
                    }
                    Err(error) => return Some((Err(error), cursor)),
                }
            }
            let item = cursor.buffered.pop_front()?;
            Some((Ok(item), cursor))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::cell::RefCell;

    #[derive(Clone, Debug, Default)]
    struct Params {
        starting_after: Option<String>,
        page: Option<String>,
    }

    impl ListParams for Params {
        fn set_starting_after(&mut self, id: String) {
            self.starting_after = Some(id);
        }
    }

    impl SearchParams for Params {
        fn set_page(&mut self, page: String) {
            self.page = Some(page);
        }
    }

    fn item(id: &str) -> serde_json::Value {
        serde_json::json!({ "id": id })
    }

    fn list(ids: &[&str], has_more: bool) -> List<serde_json::Value> {
        List {
            object: "list".to_owned(),
            data: ids.iter().map(|id| item(id)).collect(),
            has_more,
            url: "/v1/things".to_owned(),
        }
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn a_list_stream_follows_starting_after_until_has_more_is_false() {
        let seen = RefCell::new(Vec::new());
        let stream = list_stream(Params::default(), |params: Params| {
            seen.borrow_mut().push(params.starting_after.clone());
            let page = match params.starting_after.as_deref() {
                None => list(&["a", "b"], true),
                Some("b") => list(&["c"], false),
                Some(other) => panic!("unexpected cursor {other}"),
            };
            async move { Ok(page) }
        });
        let ids: Vec<String> = block_on(
            stream
                .map(|item| item.unwrap()["id"].as_str().unwrap().to_owned())
                .collect(),
        );
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(*seen.borrow(), [None, Some("b".to_owned())]);
    }

    #[test]
    fn an_error_is_yielded_once_and_ends_the_stream() {
        let calls = RefCell::new(0);
        let stream = list_stream(Params::default(), |_params: Params| {
            *calls.borrow_mut() += 1;
            let result = if *calls.borrow() == 1 {
                Ok(list(&["a"], true))
            } else {
                Err(Error::Config(crate::ConfigError::new("boom")))
            };
            async move { result }
        });
        let items: Vec<Result<serde_json::Value, Error>> = block_on(stream.collect());
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        assert!(items[1].is_err());
        assert_eq!(*calls.borrow(), 2);
    }

    #[test]
    fn an_empty_page_with_has_more_ends_the_stream_instead_of_looping() {
        let stream = list_stream(Params::default(), |_params: Params| async {
            Ok(list(&[], true))
        });
        let items: Vec<Result<serde_json::Value, Error>> = block_on(stream.collect());
        assert!(items.is_empty());
    }

    #[test]
    fn a_search_stream_follows_next_page() {
        let stream = search_stream(Params::default(), |params: Params| {
            let (ids, next_page) = match params.page.as_deref() {
                None => (vec!["a"], Some("page_2".to_owned())),
                Some("page_2") => (vec!["b"], None),
                Some(other) => panic!("unexpected page {other}"),
            };
            let page = SearchResult {
                object: "search_result".to_owned(),
                data: ids.into_iter().map(item).collect::<Vec<_>>(),
                has_more: next_page.is_some(),
                next_page,
                total_count: None,
                url: "/v1/things/search".to_owned(),
            };
            async move { Ok(page) }
        });
        let ids: Vec<String> = block_on(
            stream
                .map(|item| item.unwrap()["id"].as_str().unwrap().to_owned())
                .collect(),
        );
        assert_eq!(ids, ["a", "b"]);
    }
}
