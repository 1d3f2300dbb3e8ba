//! The blocking client's runtime (feature `blocking`): a [`Runner`] owns a single-threaded
//! Tokio runtime and runs each call of the async client to completion on it, so the blocking
//! client behaves exactly like the async one. `stripe_sdk::blocking` explains its rules, such as
//! refusing to block inside an async runtime.

use futures_core::Stream;
use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use crate::client::Api;
use crate::error::{ConfigError, Error};

/// What a generated SDK crate with a blocking client adds to [`Api`]: its blocking client
/// type, made of its async client and a [`Runner`].
pub trait BlockingApi: Api {
    /// The SDK's blocking client.
    type Blocking;

    /// The blocking client around `client`, running its calls on `runner`.
    fn blocking(client: Self, runner: Runner) -> Self::Blocking;
}

/// The single-threaded Tokio runtime a blocking client owns, and the one way calls are run on
/// it. Cheap to clone: clones share the runtime.
#[derive(Clone)]
pub struct Runner {
    runtime: Arc<OwnedRuntime>,
}

impl fmt::Debug for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runner").finish_non_exhaustive()
    }
}

impl Runner {
    /// A runner with a runtime of its own.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the runtime cannot be created.
    pub fn new() -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| {
                Error::Config(ConfigError::new(format!(
                    "the blocking client's runtime could not be created: {error}"
                )))
            })?;
        Ok(Self {
            runtime: Arc::new(OwnedRuntime {
                runtime: Some(runtime),
            }),
        })
    }

    /// Runs `future`, an operation of the SDK's async client, to completion on this runtime.
    ///
    /// The future is wrapped in one that stores its output, and that wrapper is driven as a
    /// trait object by [`run`](Self::run): Tokio's `block_on` is then compiled once for the
    /// whole SDK rather than once per operation, which was most of the blocking client's cost
    /// to compile.
    ///
    /// # Panics
    ///
    /// As [`run`](Self::run) does, when a generated operation breaks its contract.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
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
    runner: &'a Runner,
    stream: Pin<Box<dyn Stream<Item = Result<T, Error>> + 'a>>,
}

impl<'a, T> Iter<'a, T> {
    #[allow(
        dead_code,
        reason = "the runtime serves any selection of operations; one without lists leaves it unused"
    )]
    /// The objects of `stream`, fetched on the runtime of `client` (the SDK's blocking client).
    /// Public (and hidden) for the generated `<operation>_iter` methods.
    #[doc(hidden)]
    pub fn new(
        client: &'a impl AsRef<Runner>,
        stream: impl Stream<Item = Result<T, Error>> + 'a,
    ) -> Self {
        Self {
            runner: client.as_ref(),
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
        let Self { runner, stream } = self;
        runner.block_on(std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)))
    }
}

impl<T> fmt::Debug for Iter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter").finish_non_exhaustive()
    }
}

thread_local! {
    /// Set while [`Runner::block_on`] polls a future inside an async runtime.
    static REFUSING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the blocking client is refusing to run on this thread right now; see
/// [`Runner::block_on`].
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
    use super::{Iter, Runner};
    use crate::Error;

    impl AsRef<Runner> for Runner {
        fn as_ref(&self) -> &Runner {
            self
        }
    }

    #[test]
    fn an_iterator_yields_what_its_stream_yields_then_stops() {
        let client = Runner::new().expect("a runner");
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
        let client = Runner::new().expect("a runner");
        let items: Vec<Result<u32, Error>> = vec![Ok(1), Ok(2)];
        let all = Iter::new(&client, futures_util::stream::iter(items)).collect_all();
        assert_eq!(all.ok(), Some(vec![1, 2]));
        let error = crate::form::path_segment("id", "..", None).expect_err("refused");
        let items: Vec<Result<u32, Error>> = vec![Ok(1), Err(Error::InvalidParams(error))];
        let all = Iter::new(&client, futures_util::stream::iter(items)).collect_all();
        assert!(matches!(all, Err(Error::InvalidParams(_))), "{all:?}");
    }
}
