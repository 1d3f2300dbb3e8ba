//! Hand-written: Stripe's list and search result envelopes, and streams that follow their
//! cursors page by page.

use crate::Error;
use crate::types::HasId;
use futures_core::Stream;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::future::Future;

/// One page of a list (`"object": "list"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    /// Always `list`.
    pub object: String,
    /// The objects on this page.
    pub data: Vec<T>,
    /// Whether another page follows this one.
    pub has_more: bool,
    /// The URL this list is read from.
    pub url: String,
}

/// One page of search results (`"object": "search_result"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResult<T> {
    /// Always `search_result`.
    pub object: String,
    /// The objects on this page.
    pub data: Vec<T>,
    /// Whether another page follows this one.
    pub has_more: bool,
    /// The cursor to pass as `page` for the next page.
    #[serde(default)]
    pub next_page: Option<String>,
    /// The total number of matches, when the request asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    /// The URL this search is read from.
    pub url: String,
}

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
    let start = Cursor { params: Some(params), buffered: VecDeque::new() };
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
