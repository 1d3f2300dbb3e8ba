//! Hand-written: streams that follow the cursors of Stripe's list and search result envelopes
//! page by page.
//!
//! Every paginated operation has a `<method>_stream` method on [`Client`](crate::Client) that
//! returns a [`ListStream`]: it fetches the first page when it is first polled, yields the
//! page's objects one by one, and fetches the next page when they run out. It is `Unpin`, so
//! `next().await` works on it directly, without `Box::pin` or `pin!`, and it owns a handle to
//! the client, so it can be stored or moved into a spawned task.
//!
//! ```no_run
//! use stripe_sdk::pagination::ListStream;
//! use stripe_sdk::{Error, HasId};
//!
//! // `stream` is what a method such as `client.get_customers_stream(&params)` returns.
//! async fn print_ids<T: HasId>(mut stream: ListStream<T>) -> Result<(), Error> {
//!     while let Some(object) = stream.next().await {
//!         println!("{}", object?.object_id().unwrap_or("?"));
//!     }
//!     Ok(())
//! }
//!
//! // Or every object at once, in memory.
//! async fn all<T>(stream: ListStream<T>) -> Result<Vec<T>, Error> {
//!     stream.collect_all().await
//! }
//! ```
//!
//! [`ListStream`] implements [`futures_core::Stream`], so the adapters of
//! [`StreamExt`](futures_util::StreamExt) and [`TryStreamExt`](futures_util::TryStreamExt), which this crate
//! re-exports (also through `stripe_sdk::prelude`), work on it too.

use crate::Error;
use crate::types::HasId;
use futures_core::Stream;
use futures_core::stream::FusedStream;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// The envelopes live with the other response types; their old path still names them.
pub use crate::types::{List, SearchResult};

pub use stripe_sdk_form::pagination::{ListParams, SearchParams};

/// One page of a paginated operation as its generated method returns it, boxed: what the
/// closure given to [`list_stream`] and [`search_stream`] returns.
pub type PageFuture<Page> = Pin<Box<dyn Future<Output = Result<Page, Error>> + Send>>;

/// One page as the stream keeps it: its objects and the cursor of the page after it, if any.
struct Page<T> {
    data: Vec<T>,
    next: Option<String>,
}

/// What a [`ListStream`] fetches a page with, given the cursor of the page (`None` for the
/// first one).
///
/// A trait object rather than a type parameter: every paginated operation would otherwise give
/// the stream, and all of its code, a type of its own, and the whole API has about 300 of them.
type Fetch<T> = Box<dyn FnMut(Option<String>) -> Pin<Box<dyn PageOutput<T>>> + Send>;

/// A boxed future of one [`Page`]; a trait of its own only to name the bounds once.
trait PageOutput<T>: Future<Output = Result<Page<T>, Error>> + Send {}

impl<T, F: Future<Output = Result<Page<T>, Error>> + Send> PageOutput<T> for F {}

/// Where a [`ListStream`] is between pages.
enum State<T> {
    /// The page with this cursor (`None`: the first page) is to be fetched when the stream is
    /// next polled.
    Next(Option<String>),
    /// A page is being fetched.
    Fetching(Pin<Box<dyn PageOutput<T>>>),
    /// The last page was read, or an error was yielded.
    Done,
}

/// Every object of a paginated list or search, fetching pages as the stream is read: what
/// the client's `<method>_stream` methods return.
///
/// Lists follow `has_more` and `starting_after` (the last object's id); searches follow
/// `has_more` and `next_page`. A page is requested only when the objects of the one before
/// it have all been yielded, so at most one page is held in memory, and a stream that is
/// dropped early requests nothing more. An error (of any page) is yielded once and ends the
/// stream; so does a page without objects, whatever its `has_more` says.
///
/// It is `Unpin`, `Send` and `'static`: [`next`](Self::next) needs no pinning, and the
/// stream can be stored or moved into a spawned task. [`collect_all`](Self::collect_all)
/// gathers every object; the adapters of [`StreamExt`](futures_util::StreamExt) and
/// [`TryStreamExt`](futures_util::TryStreamExt) (re-exported by this crate) apply as well.
#[must_use = "a stream does nothing until it is polled"]
pub struct ListStream<T> {
    fetch: Fetch<T>,
    state: State<T>,
    /// The objects of the current page not yet yielded.
    buffered: std::vec::IntoIter<T>,
}

// The stream never pins anything it holds in place: the page future is boxed, and objects are
// moved out of the page by value. So it is `Unpin` whatever `T` is (`vec::IntoIter<T>` alone
// would make it `Unpin` only for `Unpin` objects).
impl<T> Unpin for ListStream<T> {}

impl<T> ListStream<T> {
    fn new(fetch: Fetch<T>) -> Self {
        Self {
            fetch,
            state: State::Next(None),
            buffered: Vec::new().into_iter(),
        }
    }

    /// The next object, fetching the next page first when the current one is used up; `None`
    /// after the last object or after an error.
    ///
    /// The same as [`StreamExt::next`](futures_util::StreamExt::next), without importing it.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every remaining object, in order, fetching every remaining page: stops at the first
    /// error and returns it (the objects read before it are dropped).
    ///
    /// Every object is held in memory at once, so the vector grows with the list: for lists
    /// that can be long (every charge of an account), read the stream object by object
    /// instead, or bound it first with [`StreamExt::take`](futures_util::StreamExt::take) and
    /// [`TryStreamExt::try_collect`](futures_util::TryStreamExt::try_collect).
    pub async fn collect_all(mut self) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            match item {
                Ok(item) => all.push(item),
                Err(error) => return Err(error),
            }
        }
        Ok(all)
    }
}

impl<T> Stream for ListStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffered.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Next(cursor) => this.state = State::Fetching((this.fetch)(cursor)),
                State::Fetching(mut page) => match page.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Fetching(page);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
                    Poll::Ready(Ok(page)) => {
                        // An empty page ends the stream even when it claims more: a next
                        // request would repeat the same cursor and never end.
                        if !page.data.is_empty() {
                            this.state = match page.next {
                                Some(cursor) => State::Next(Some(cursor)),
                                None => State::Done,
                            };
                        }
                        this.buffered = page.data.into_iter();
                    }
                },
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let buffered = self.buffered.len();
        match self.state {
            State::Done => (buffered, Some(buffered)),
            State::Next(_) | State::Fetching(_) => (buffered, None),
        }
    }
}

impl<T> FusedStream for ListStream<T> {
    fn is_terminated(&self) -> bool {
        matches!(self.state, State::Done) && self.buffered.len() == 0
    }
}

impl<T> fmt::Debug for ListStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Next(None) => "not started",
            State::Next(Some(_)) => "between pages",
            State::Fetching(_) => "fetching a page",
            State::Done => "on its last page",
        };
        f.debug_struct("ListStream")
            .field("state", &state)
            .field("buffered", &self.buffered.len())
            .finish_non_exhaustive()
    }
}

/// Every object of a list, following `has_more` and `starting_after`: `fetch` requests one
/// page with the params it is given (the first with `params` as they are). The generated
/// `<method>_stream` methods call it with their operation.
pub fn list_stream<P, T>(
    params: P,
    fetch: impl Fn(P) -> PageFuture<List<T>> + Send + 'static,
) -> ListStream<T>
where
    P: ListParams + Send + 'static,
    T: HasId + Send + 'static,
{
    ListStream::new(Box::new(move |cursor| {
        let mut params = params.clone();
        if let Some(cursor) = cursor {
            params.set_starting_after(cursor);
        }
        list_page(fetch(params))
    }))
}

/// Every result of a search, following `has_more` and `next_page`, as [`list_stream`] does
/// for lists.
pub fn search_stream<P, T>(
    params: P,
    fetch: impl Fn(P) -> PageFuture<SearchResult<T>> + Send + 'static,
) -> ListStream<T>
where
    P: SearchParams + Send + 'static,
    T: Send + 'static,
{
    ListStream::new(Box::new(move |cursor| {
        let mut params = params.clone();
        if let Some(cursor) = cursor {
            params.set_page(cursor);
        }
        search_page(fetch(params))
    }))
}

// The two functions below are generic over the object type only, not over the operation, so
// operations that list the same type share their code.

/// A list page as the stream keeps it: the cursor is the id of the page's last object.
fn list_page<T: HasId + Send + 'static>(page: PageFuture<List<T>>) -> Pin<Box<dyn PageOutput<T>>> {
    Box::pin(async move {
        match page.await {
            Ok(list) => {
                let next = match (list.has_more, list.data.last().and_then(HasId::object_id)) {
                    (true, Some(id)) => Some(id.to_owned()),
                    _ => None,
                };
                Ok(Page {
                    data: list.data,
                    next,
                })
            }
            Err(error) => Err(error),
        }
    })
}

/// A search page as the stream keeps it: the cursor is its `next_page`.
fn search_page<T: Send + 'static>(
    page: PageFuture<SearchResult<T>>,
) -> Pin<Box<dyn PageOutput<T>>> {
    Box::pin(async move {
        match page.await {
            Ok(result) => Ok(Page {
                next: result.next_page.filter(|_| result.has_more),
                data: result.data,
            }),
            Err(error) => Err(error),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt as _;
    use std::sync::{Arc, Mutex};

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

    fn ready<Page: Send + 'static>(page: Result<Page, Error>) -> PageFuture<Page> {
        Box::pin(async move { page })
    }

    fn boom() -> Error {
        Error::Config(crate::ConfigError::new("boom"))
    }

    #[test]
    fn a_list_stream_follows_starting_after_until_has_more_is_false() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let mut stream = list_stream(Params::default(), move |params: Params| {
            record.lock().unwrap().push(params.starting_after.clone());
            ready(match params.starting_after.as_deref() {
                None => Ok(list(&["a", "b"], true)),
                Some("b") => Ok(list(&["c"], false)),
                Some(_) => Err(boom()),
            })
        });
        // Nothing is requested before the stream is polled.
        assert!(seen.lock().unwrap().is_empty());
        let ids: Vec<String> = block_on(async {
            let mut ids = Vec::new();
            // `next` needs neither pinning nor an import.
            while let Some(item) = stream.next().await {
                ids.push(item.unwrap()["id"].as_str().unwrap().to_owned());
            }
            ids
        });
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(*seen.lock().unwrap(), [None, Some("b".to_owned())]);
        assert!(stream.is_terminated());
        assert!(block_on(stream.next()).is_none());
    }

    #[test]
    fn an_error_is_yielded_once_and_ends_the_stream() {
        let calls = Arc::new(Mutex::new(0));
        let counted = Arc::clone(&calls);
        let stream = list_stream(Params::default(), move |_params: Params| {
            let mut calls = counted.lock().unwrap();
            *calls += 1;
            ready(if *calls == 1 {
                Ok(list(&["a"], true))
            } else {
                Err(boom())
            })
        });
        let items: Vec<Result<serde_json::Value, Error>> = block_on(stream.collect());
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        assert!(items[1].is_err());
        assert_eq!(*calls.lock().unwrap(), 2);
    }

    #[test]
    fn collect_all_gathers_every_page_or_returns_the_first_error() {
        let pages = |fail: bool| {
            list_stream(Params::default(), move |params: Params| {
                ready(match params.starting_after.as_deref() {
                    None => Ok(list(&["a", "b"], true)),
                    Some("b") if fail => Err(boom()),
                    Some(_) => Ok(list(&["c"], false)),
                })
            })
        };
        let all = block_on(pages(false).collect_all()).unwrap();
        assert_eq!(all, [item("a"), item("b"), item("c")]);
        let error = block_on(pages(true).collect_all()).unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error:?}");
    }

    #[test]
    fn an_empty_page_with_has_more_ends_the_stream_instead_of_looping() {
        let stream = list_stream(Params::default(), |_params: Params| {
            ready(Ok(list(&[], true)))
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
                Some(_) => return ready(Err(boom())),
            };
            ready(Ok(SearchResult {
                object: "search_result".to_owned(),
                data: ids.into_iter().map(item).collect::<Vec<_>>(),
                has_more: next_page.is_some(),
                next_page,
                total_count: None,
                url: "/v1/things/search".to_owned(),
            }))
        });
        let ids: Vec<String> = block_on(
            stream
                .map(|item| item.unwrap()["id"].as_str().unwrap().to_owned())
                .collect(),
        );
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn the_stream_is_unpin_send_and_static_for_any_object_type() {
        fn assert_traits<S: Stream + Unpin + Send + 'static>() {}
        // `PhantomPinned` is not `Unpin`; the stream still is.
        assert_traits::<ListStream<std::marker::PhantomPinned>>();
        assert_traits::<ListStream<serde_json::Value>>();
    }
}
