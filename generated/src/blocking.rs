//! Hand-written: a synchronous client (feature `blocking`) for programs without an async
//! runtime. It wraps the async [`Client`](crate::Client) and runs each call to completion on a
//! single-threaded Tokio runtime that it owns, so it behaves exactly like the async client:
//! same validation, headers, retries, idempotency keys, errors and tracing.
//!
//! ```no_run
//! use stripe_sdk::{RequestOptions, TerminalConnectionTokenCreateParams};
//!
//! # fn run() -> Result<(), stripe_sdk::Error> {
//! let client = stripe_sdk::blocking::Client::new("sk_test_...")?;
//! let params = TerminalConnectionTokenCreateParams::default();
//! let token = client
//!     .with_options(RequestOptions::new().stripe_account("acct_1"))
//!     .post_terminal_connection_tokens(&params)?;
//! # drop(token);
//! # Ok(())
//! # }
//! ```
//!
//! # Not inside an async runtime
//!
//! A blocking call parks its thread until the response arrives, which would stall every task
//! of an async runtime scheduled on that thread, and Tokio refuses to start one runtime inside
//! another. So when a call is made where a Tokio runtime is current (inside a task, inside
//! `block_on`, or in a `spawn_blocking` closure, where the runtime's handle is entered too),
//! it sends nothing and returns [`Error::Config`] saying so. Use the
//! async [`Client`](crate::Client) there, or call it through `Handle::block_on` in
//! `spawn_blocking`. Creating and dropping a blocking client is allowed anywhere.

use futures_core::Stream;
use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use crate::error::{ConfigError, Error};
use crate::{ClientBuilder, RequestOptions};

/// A synchronous Stripe API client; every operation of [`crate::Client`] is here as a plain
/// method that blocks until the response arrives.
///
/// Cheap to clone, and usable from several threads at once: clones share one connection pool,
/// configuration and runtime (concurrent calls take turns driving the runtime's I/O).
#[derive(Clone)]
pub struct Client {
    client: crate::Client,
    runtime: Arc<OwnedRuntime>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Client")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the live API (`https://api.stripe.com`) with the default settings.
    ///
    /// # Errors
    ///
    /// As [`crate::Client::new`], and [`Error::Config`] when the runtime cannot be created.
    pub fn new(secret_key: impl Into<String>) -> Result<Self, Error> {
        Self::builder(secret_key).build_blocking()
    }

    /// The same builder as [`crate::Client::builder`]; finish it with
    /// [`build_blocking`](ClientBuilder::build_blocking).
    pub fn builder(secret_key: impl Into<String>) -> ClientBuilder {
        crate::Client::builder(secret_key)
    }

    /// Wraps an async client, giving it a runtime of its own.
    pub(crate) fn from_async(client: crate::Client) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| {
                Error::Config(ConfigError::new(format!(
                    "the blocking client's runtime could not be created: {error}"
                )))
            })?;
        Ok(Self {
            client,
            runtime: Arc::new(OwnedRuntime {
                runtime: Some(runtime),
            }),
        })
    }

    /// A handle whose requests use `options`; see [`crate::Client::with_options`].
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client {
            client: self.client.with_options(options),
            runtime: Arc::clone(&self.runtime),
        }
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.client.base_url()
    }

    /// The async client that generated methods call through [`block_on`](Self::block_on).
    pub(crate) fn async_client(&self) -> &crate::Client {
        &self.client
    }

    /// Runs `future`, an operation of [`async_client`](Self::async_client), to completion on
    /// this client's runtime.
    ///
    /// The future is wrapped in one that stores its output, and that wrapper is driven as a
    /// trait object by [`run`](Self::run): Tokio's `block_on` is then compiled once for the
    /// whole SDK rather than once per operation, which was most of the blocking client's cost
    /// to compile.
    ///
    /// # Panics
    ///
    /// As [`run`](Self::run) does, when a generated operation breaks its contract.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        let mut output = None;
        {
            let task = pin!(async {
                output = Some(future.await);
            });
            self.run(task);
        }
        match output {
            Some(output) => output,
            None => unreachable!("`run` returned before the operation finished"),
        }
    }

    /// Drives `task` to completion on this client's runtime.
    ///
    /// Inside an async runtime, where blocking is wrong and Tokio would panic, the task is
    /// instead polled once while this thread is marked as refusing: the client's `execute`
    /// checks that mark before doing anything and returns an error, so the task completes on
    /// that first poll and nothing is sent.
    ///
    /// # Panics
    ///
    /// Inside an async runtime, if `task` does not complete on its first poll. Generated
    /// operations always do, because the first thing they await is `execute`.
    fn run(&self, task: Pin<&mut (dyn Future<Output = ()> + '_)>) {
        if tokio::runtime::Handle::try_current().is_err() {
            self.runtime.get().block_on(task);
            return;
        }
        let _refusing = RefusingGuard::set();
        match task.poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(()) => {}
            Poll::Pending => unreachable!(
                "a generated operation of the blocking client did not finish on its first \
                 poll inside an async runtime; its first await must be `Client::execute`"
            ),
        }
    }
}

/// Every object of a paginated operation, fetching the next page when the iteration reaches
/// it: what the blocking client's `<operation>_iter` methods return, the twins of the async
/// client's `<operation>_stream`. An error is yielded once and ends the iteration.
///
/// `for object in client.get_customers_iter(&params) { let object = object?; ... }` reads
/// one page at a time; [`collect_all`](Self::collect_all) gathers every object.
pub struct Iter<'a, T> {
    client: &'a Client,
    stream: Pin<Box<dyn Stream<Item = Result<T, Error>> + 'a>>,
}

impl<'a, T> Iter<'a, T> {
    #[allow(
        dead_code,
        reason = "the runtime serves any selection of operations; one without lists leaves it unused"
    )]
    pub(crate) fn new(
        client: &'a Client,
        stream: impl Stream<Item = Result<T, Error>> + 'a,
    ) -> Self {
        Self {
            client,
            stream: Box::pin(stream),
        }
    }
}

impl<T> Iter<'_, T> {
    /// Every remaining object, in order, fetching every remaining page: stops at the first
    /// error and returns it. The same as `collect::<Result<Vec<_>, _>>()`.
    ///
    /// Every object is held in memory at once, so the vector grows with the list: for lists
    /// that can be long, iterate instead, or bound it first with [`Iterator::take`].
    pub fn collect_all(self) -> Result<Vec<T>, Error> {
        self.collect()
    }
}

impl<T> Iterator for Iter<'_, T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let Self { client, stream } = self;
        client.block_on(std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)))
    }
}

impl<T> fmt::Debug for Iter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter")
            .field("client", self.client)
            .finish_non_exhaustive()
    }
}

thread_local! {
    /// Set while [`Client::block_on`] polls a future inside an async runtime.
    static REFUSING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the blocking client is refusing to run on this thread right now; see
/// [`Client::block_on`].
pub(crate) fn refusing_on_this_thread() -> bool {
    REFUSING.with(Cell::get)
}

/// The error a blocking call made inside an async runtime returns.
pub(crate) fn inside_runtime_error() -> Error {
    Error::Config(ConfigError::new(
        "the blocking client was called inside an async (Tokio) runtime, where blocking would \
         stall the runtime; nothing was sent. Use the async `stripe_sdk::Client` there",
    ))
}

/// Marks this thread as refusing while alive, and clears the mark when dropped, even when the
/// poll it guards panics.
struct RefusingGuard;

impl RefusingGuard {
    fn set() -> Self {
        REFUSING.with(|refusing| refusing.set(true));
        Self
    }
}

impl Drop for RefusingGuard {
    fn drop(&mut self) {
        REFUSING.with(|refusing| refusing.set(false));
    }
}

/// The runtime, shut down without waiting when the last handle goes.
///
/// Dropping a Tokio runtime normally waits for its blocking threads, and Tokio panics when
/// that happens inside an async context, which is where a blocking client created at startup
/// may well end up being dropped. Shutting down in the background never waits, so it never
/// panics. The `Option` is only `None` inside `drop`.
struct OwnedRuntime {
    runtime: Option<tokio::runtime::Runtime>,
}

impl OwnedRuntime {
    fn get(&self) -> &tokio::runtime::Runtime {
        match &self.runtime {
            Some(runtime) => runtime,
            None => unreachable!("the runtime is only taken out when it is dropped"),
        }
    }
}

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Client, Iter};
    use crate::Error;

    #[test]
    fn an_iterator_yields_what_its_stream_yields_then_stops() {
        let client = Client::new("sk_test_123").expect("a client");
        let error = crate::form::path_segment("id", "..", None).expect_err("refused");
        let items: Vec<Result<u32, Error>> = vec![Ok(1), Ok(2), Err(Error::InvalidParams(error))];
        let mut iter = Iter::new(&client, futures_util::stream::iter(items));
        assert_eq!(iter.next().map(Result::ok), Some(Some(1)));
        assert_eq!(iter.next().map(Result::ok), Some(Some(2)));
        assert!(matches!(iter.next(), Some(Err(Error::InvalidParams(_)))));
        assert!(iter.next().is_none());
    }

    #[test]
    fn collect_all_returns_every_object_or_the_first_error() {
        let client = Client::new("sk_test_123").expect("a client");
        let items: Vec<Result<u32, Error>> = vec![Ok(1), Ok(2)];
        let all = Iter::new(&client, futures_util::stream::iter(items)).collect_all();
        assert_eq!(all.ok(), Some(vec![1, 2]));
        let error = crate::form::path_segment("id", "..", None).expect_err("refused");
        let items: Vec<Result<u32, Error>> = vec![Ok(1), Err(Error::InvalidParams(error))];
        let all = Iter::new(&client, futures_util::stream::iter(items)).collect_all();
        assert!(matches!(all, Err(Error::InvalidParams(_))), "{all:?}");
    }
}
