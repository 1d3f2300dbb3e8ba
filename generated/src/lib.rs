//! Typed Rust client for Stripe's API: the operations and types generated from Stripe's OpenAPI
//! document, wired to the hand-written runtime (client, errors, form encoding, validation).
//!
//! Generated code lives in `src/gen/` here (the operations) and in the `src/gen/` of the
//! `stripe-sdk-types` (responses) and `stripe-sdk-params` (requests) crates, and is rewritten
//! by `cargo xtask regen`. The runtime is hand-written, in crates of its own
//! (`stripe-sdk-client`, `stripe-sdk-json` and `stripe-sdk-form`); this file wires the two
//! together. Every generated type is re-exported at the crate root
//! (`stripe_sdk::TerminalConnectionToken`) and also lives in its resource's module (for
//! example [`terminal_connection_token`]). Each operation is an `async` method named after its
//! path on a resource handle (`client.terminal().connection_tokens().create(&params)`; the
//! [`resources`] module lists every resource, its Cargo feature and its operations), and one
//! named after its operationId on [`Client`] (`client.post_terminal_connection_tokens(&params)`).
//!
//! ```no_run
//! use stripe_sdk::{Client, TerminalConnectionTokenCreateParams};
//!
//! # async fn run() -> Result<(), stripe_sdk::Error> {
//! let client = Client::new("sk_test_...")?;
//! let params = TerminalConnectionTokenCreateParams {
//!     location: Some("tml_123".to_owned()),
//!     ..Default::default()
//! };
//! match client.terminal().connection_tokens().create(&params).await {
//!     Ok(token) => println!("{token:?}"),
//!     Err(error) => eprintln!("{error} (request id: {:?})", error.request_id()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Parameters are checked against the document's constraints (such as `maxLength`) before
//! anything is sent; a violation is [`Error::InvalidParams`] listing every problem. Failed
//! requests are retried with backoff under one idempotency key (see
//! [`ClientBuilder::max_retries`]), and per-request settings such as an idempotency key or a
//! connected account go through [`Client::with_options`]. Errors that come from a response keep
//! the HTTP status and the `Request-Id` header, and every error says how many attempts were made
//! and whether another could succeed. The API key and fields holding secrets never appear in
//! `Debug` output, error messages or logs.
//!
//! With the `blocking` feature, `blocking::Client` offers the same operations as plain blocking
//! methods.
//!
//! [`Webhook`] verifies the `Stripe-Signature` header of Stripe's webhook deliveries, as the
//! official libraries do, and decodes the verified event.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use serde::de::DeserializeOwned;
use stripe_sdk_types::decode::Decode;

// The client's runtime, under the paths the generated code names (`crate::pagination::...`).
pub use stripe_sdk_client::{error, multipart, pagination};

// The generated types are two crates that do not depend on each other, so cargo compiles them
// on two cores: `stripe-sdk-types` (responses, with the runtime's `decode`) and
// `stripe-sdk-params` (requests, with `form` and `validate`). This crate re-exports both, and
// their runtime modules, under the paths they always had.
pub use stripe_sdk_params::{
    FileUpload, InvalidParams, REDACTED, RangeQuery, Unsettable, Violation, ViolationKind, form,
    validate,
};
pub use stripe_sdk_types::{Expandable, Expanded, HasId, List, SearchResult, decode};

/// Hand-written: the generic shapes that generated types are built from, for responses
/// (expandable fields, list and search result envelopes) and for requests (the "unset" empty
/// string, files to upload).
pub mod types {
    pub use stripe_sdk_params::types::*;
    pub use stripe_sdk_types::types::*;
}

// `gen` is a reserved keyword in the 2024 edition, hence the raw identifier; the folder keeps
// its plain name. It holds one module per resource family, which re-exports the family's types
// from both crates and adds its operations (`Client` methods and their blocking twins); every
// module, type and constant is re-exported at the crate root. The generated files are laid out
// by prettyplease, whose output the drift check compares byte for byte, so `cargo fmt` must
// leave them alone.
#[rustfmt::skip]
mod r#gen;
pub use r#gen::*;

pub use client::{DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, MAX_RETRY_AFTER};
pub use stripe_sdk_client::{
    ApiError, ApiErrorCategory, ApiErrorObject, ApiErrorType, AppInfo, ConfigError, DecodeError,
    Error, ErrorKind, ListStream, MAX_IDEMPOTENCY_KEY_CHARS, RequestOptions, TransportError,
};
pub use webhook::{TestEvent, WebhookError};

/// The adapters of [`ListStream`], what the `<method>_stream` methods return (`map`, `take`,
/// `try_collect`, `try_for_each`, ...), re-exported from `futures-util` so that a program
/// needs no dependency of its own to use them. [`prelude`] brings them into scope unnamed.
pub use futures_util::{StreamExt, TryStreamExt};

/// What a program using the SDK's streams imports: `use stripe_sdk::prelude::*;` brings the
/// methods of [`StreamExt`] and [`TryStreamExt`] into scope without their names (so they cannot
/// clash with a program's own).
pub mod prelude {
    pub use futures_util::{StreamExt as _, TryStreamExt as _};
}

/// The HTTP client this crate uses, re-exported so that a caller building their own
/// [`reqwest::Client`] for [`ClientBuilder::http_client`] gets the same version.
pub use reqwest;

/// The client: its configuration, and the constants it is configured with.
pub mod client {
    pub use crate::{Client, ClientBuilder};
    #[doc(hidden)]
    pub use stripe_sdk_client::client::ApiRequest;
    pub use stripe_sdk_client::client::{
        DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, MAX_RETRY_AFTER,
    };
}

/// A Stripe API client. Cheap to clone: clones share one connection pool and configuration.
///
/// ```no_run
/// # async fn run() -> Result<(), stripe_sdk::Error> {
/// let client = stripe_sdk::Client::new("sk_test_...")?;
/// let params = stripe_sdk::TerminalConnectionTokenCreateParams::default();
/// let token = client.post_terminal_connection_tokens(&params).await?;
/// # drop(token);
/// # Ok(())
/// # }
/// ```
///
/// Failed requests are retried (see [`ClientBuilder::max_retries`]); per-request settings go
/// through [`with_options`](Self::with_options). Calls need a Tokio runtime with its time and
/// I/O drivers enabled (`#[tokio::main]` enables both), as the HTTP client does; without one,
/// use `blocking::Client` (feature `blocking`).
///
/// Its methods are the generated operations; it wraps the runtime's transport,
/// `stripe_sdk_client::Client`.
#[derive(Clone)]
pub struct Client {
    runtime: stripe_sdk_client::Client,
}

/// Configures a [`Client`]; see [`Client::builder`].
pub type ClientBuilder = stripe_sdk_client::ClientBuilder<Client>;

impl stripe_sdk_client::Api for Client {
    const API_VERSION: &'static str = API_VERSION;
    const SDK_VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn from_runtime(runtime: stripe_sdk_client::Client) -> Self {
        Self { runtime }
    }

    fn runtime(&self) -> &stripe_sdk_client::Client {
        &self.runtime
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.runtime.fmt(f)
    }
}

impl Client {
    /// A client for the live API (`https://api.stripe.com`) with the default settings.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the key is empty or contains anything but printable ASCII (a key
    /// read from a file often ends in a newline), or when the HTTP client cannot be
    /// initialised.
    pub fn new(secret_key: impl Into<String>) -> Result<Self, Error> {
        Self::builder(secret_key).build()
    }

    /// A builder for a client with a different base URL, timeout, retry limit, application
    /// information or HTTP client.
    pub fn builder(secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(secret_key)
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.runtime.base_url()
    }

    /// A handle to this client whose requests use `options` (an idempotency key, a connected
    /// account, an API version, a timeout or a retry limit). It shares the connection pool and
    /// configuration, so creating one per request is cheap. Options set on a handle that
    /// already has some replace those one by one.
    ///
    /// ```no_run
    /// use stripe_sdk::{Client, RequestOptions, TerminalConnectionTokenCreateParams};
    ///
    /// # async fn run(client: Client) -> Result<(), stripe_sdk::Error> {
    /// let params = TerminalConnectionTokenCreateParams::default();
    /// let token = client
    ///     .with_options(RequestOptions::new().idempotency_key("k").stripe_account("acct_1"))
    ///     .post_terminal_connection_tokens(&params)
    ///     .await?;
    /// # drop(token);
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client {
            runtime: self.runtime.with_options(options),
        }
    }

    /// What every generated operation calls: sends the request, retrying it when that may
    /// help, and decodes the answer.
    #[allow(
        dead_code,
        reason = "a selection of operations without any (webhook events only) leaves it unused"
    )]
    pub(crate) fn execute<'a, T: Decode + Send + 'a>(
        &'a self,
        request: Result<client::ApiRequest, Error>,
    ) -> impl Future<Output = Result<T, Error>> + Send + 'a {
        self.runtime.execute(request)
    }

    /// What generated operations that answer a document (a PDF) call.
    #[allow(
        dead_code,
        reason = "a selection of operations without documents leaves it unused"
    )]
    pub(crate) fn execute_bytes(
        &self,
        request: Result<client::ApiRequest, Error>,
    ) -> impl Future<Output = Result<Vec<u8>, Error>> + Send + '_ {
        self.runtime.execute_bytes(request)
    }
}

#[cfg(feature = "blocking")]
pub mod blocking {
    //! A synchronous client (feature `blocking`) for programs without an async
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

    use std::fmt;
    use std::future::Future;

    use stripe_sdk_client::blocking::Runner;

    use crate::{ClientBuilder, Error, RequestOptions};

    pub use stripe_sdk_client::blocking::Iter;

    /// A synchronous Stripe API client; every operation of [`crate::Client`] is here as a plain
    /// method that blocks until the response arrives.
    ///
    /// Cheap to clone, and usable from several threads at once: clones share one connection
    /// pool, configuration and runtime (concurrent calls take turns driving the runtime's I/O).
    #[derive(Clone)]
    pub struct Client {
        client: crate::Client,
        runner: Runner,
    }

    impl stripe_sdk_client::blocking::BlockingApi for crate::Client {
        type Blocking = Client;

        fn blocking(client: crate::Client, runner: Runner) -> Client {
            Client { client, runner }
        }
    }

    impl AsRef<Runner> for Client {
        fn as_ref(&self) -> &Runner {
            &self.runner
        }
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

        /// A handle whose requests use `options`; see [`crate::Client::with_options`].
        pub fn with_options(&self, options: RequestOptions) -> Client {
            Client {
                client: self.client.with_options(options),
                runner: self.runner.clone(),
            }
        }

        /// The base URL requests go to, without a trailing slash.
        pub fn base_url(&self) -> &str {
            self.client.base_url()
        }

        /// The async client that generated methods call through [`block_on`](Self::block_on).
        #[allow(
            dead_code,
            reason = "a selection of operations without any (webhook events only) leaves it unused"
        )]
        pub(crate) fn async_client(&self) -> &crate::Client {
            &self.client
        }

        /// Runs `future`, an operation of [`async_client`](Self::async_client), to completion
        /// on this client's runtime.
        #[allow(
            dead_code,
            reason = "a selection of operations without any (webhook events only) leaves it unused"
        )]
        pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
            self.runner.block_on(future)
        }
    }
}

pub mod webhook {
    //! Verification of Stripe's webhook signatures (the `Stripe-Signature` header),
    //! with the semantics of Stripe's official libraries, and decoding of a verified payload.
    //!
    //! ```no_run
    //! # fn handle(body: &[u8], stripe_signature: &str) -> Result<(), stripe_sdk::WebhookError> {
    //! use stripe_sdk::{EventObject, EventType, Webhook};
    //!
    //! let secret = std::env::var("STRIPE_WEBHOOK_SECRET").unwrap_or_default();
    //! let event = Webhook::construct_event(body, stripe_signature, &secret)?;
    //! match (&event.type_, &event.data.object) {
    //!     (EventType::TerminalReaderActionFailed, EventObject::TerminalReader(reader)) => {
    //!         println!("{}: reader {} failed its action", event.id, reader.id);
    //!     }
    //!     // Genuine, but rendered in an API version whose object does not fit the SDK's type:
    //!     // the JSON is kept whole, with the reason.
    //!     (_, EventObject::Undecoded(object)) => {
    //!         eprintln!("{}: {} kept as JSON: {}", event.id, object.object, object.error);
    //!     }
    //!     _ => {}
    //! }
    //! # Ok(())
    //! # }
    //! ```
    //!
    //! `Webhook::construct_event` returns the generated `Event`; it is defined beside that type, by
    //! the macro `impl_construct_event` below, so that it carries the type's feature gate.
    //! [`Webhook::construct_event_as`] decodes into a type of your own. Verification and decoding
    //! are separate outcomes: a delivery is refused only when the signature, its age or the
    //! envelope is wrong, never because its object does not fit the SDK's type for it.
    //!
    //! The rules, as in stripe-node and stripe-go:
    //! - The header is a comma-separated list of `key=value` pairs, split at the first `=` and
    //!   never trimmed: `t=<unix seconds>` and one or more `v1=<hex>`. Other schemes (`v0`, and
    //!   any a later API adds) are ignored, as are items without `=`. When `t` appears more than
    //!   once the last one counts. `t = 1`, ` v1=...` and `t= 1` are not `t` and `v1` (the first
    //!   two have other keys, the last is not an integer). A bare `t` or `v1` (without `=`) makes
    //!   the header malformed, as in stripe-python and stripe-go.
    //! - The signed text is `"<t>.<payload>"`, with `t` written as a plain decimal integer and the
    //!   payload exactly as received: re-encoding the JSON before verifying breaks the signature.
    //!   The signature is HMAC-SHA256 keyed with the endpoint's signing secret (`whsec_...`, the
    //!   whole string as UTF-8 bytes), in lower-case hex.
    //! - Any `v1` that matches passes: while a secret is being rolled, Stripe signs with both and
    //!   sends two `v1` values. Every candidate is compared in constant time.
    //! - The signature is checked first, then the age: a timestamp older than `now - tolerance`
    //!   (strictly) is refused. A timestamp in the future is accepted, as the official libraries
    //!   accept it; a captured request cannot be replayed later than `t + tolerance`, whichever
    //!   clock skew made `t` lie ahead.
    //!
    //! Differences from the official libraries, both on the side of refusing: an empty secret is
    //! an error of its own ([`WebhookError::EmptySecret`]) rather than a key anyone can sign with,
    //! and a zero tolerance means "only this second or later" rather than "no check"; to switch the
    //! age check off, pass [`Duration::MAX`].
    //!
    //! Where stripe-python 16.1.0 reads a header otherwise (the table test in
    //! `tests/sdk/tests/webhook.rs` holds its recorded verdicts):
    //! - it takes the first `t`, here (as in stripe-node and stripe-go) the last counts;
    //! - its `int()` reads `t=1_765_000_000`, `t= 1765000000` and `t=1765000000 ` as numbers,
    //!   here they are malformed (as in stripe-go);
    //! - it splits an item at its first two `=`, so `v1=<sig>=x` is read as `<sig>`, here as
    //!   `<sig>=x`, which matches nothing (as in stripe-go);
    //! - it refuses a secret of only whitespace, as here, where an empty secret is refused too.

    pub use crate::Webhook;
    pub use stripe_sdk_client::webhook::WebhookError;
    #[doc(hidden)]
    pub use stripe_sdk_client::webhook::impl_construct_event;

    /// A webhook event to test a handler with, completed into a whole envelope in this SDK's
    /// API version and signed the way Stripe signs (see
    /// [`stripe_sdk_client::webhook::TestEvent`]).
    pub type TestEvent = stripe_sdk_client::webhook::TestEvent<crate::Client>;
}

/// Verifies webhook signatures and decodes verified payloads. It holds nothing: the secret is
/// passed to each call, so no value of this crate keeps a copy of it. Its
/// `construct_event` is generated beside the `Event` it returns.
#[derive(Debug, Clone, Copy)]
pub struct Webhook;

impl Webhook {
    /// How old a signature's timestamp may be, by default: 300 seconds, as in every official
    /// Stripe library.
    pub const DEFAULT_TOLERANCE: Duration = stripe_sdk_client::webhook::DEFAULT_TOLERANCE;

    /// Checks `signature_header` (the `Stripe-Signature` header's value) against `payload` (the
    /// raw request body) and `secret` (the endpoint's signing secret).
    ///
    /// `now` is the current time in Unix seconds, passed explicitly so that tests and replays
    /// can fix the clock; [`Webhook::construct_event_as`] passes the system clock. `tolerance`
    /// counts whole seconds: the timestamp passes when `t >= now - tolerance`.
    ///
    /// `payload` is the body as received, as bytes or text (`axum::body::Bytes`, `&[u8]`,
    /// `&str`). A body that verifies but is not UTF-8 (which no Stripe delivery is) is
    /// [`WebhookError::NotUtf8`].
    pub fn verify_signature(
        payload: impl AsRef<[u8]>,
        signature_header: &str,
        secret: &str,
        tolerance: Duration,
        now: i64,
    ) -> Result<(), WebhookError> {
        stripe_sdk_client::webhook::verify_signature(
            payload.as_ref(),
            signature_header,
            secret,
            tolerance,
            now,
        )
    }

    /// Builds a `Stripe-Signature` header value that signs `payload` with `secret` at
    /// `timestamp` (Unix seconds): `t=<timestamp>,v1=<hex>`. Use it to test your own webhook
    /// handler, as the official libraries' `generate_test_header_string` allows; [`TestEvent`]
    /// builds the body as well.
    pub fn generate_test_header(payload: impl AsRef<[u8]>, secret: &str, timestamp: i64) -> String {
        stripe_sdk_client::webhook::generate_test_header(payload.as_ref(), secret, timestamp)
    }

    /// Verifies the signature with [`Webhook::DEFAULT_TOLERANCE`] against the system clock,
    /// then decodes the payload into `T`.
    ///
    /// `T` is whatever part of the event the handler needs, and decides how strict decoding
    /// is: a payload that verifies but does not decode into `T` is
    /// [`WebhookError::NotAnEvent`]. Fields typed `serde_json::Value` accept any object;
    /// the generated `Event` keeps an object that does not fit its type as
    /// `EventObject::Undecoded`.
    pub fn construct_event_as<T: DeserializeOwned>(
        payload: impl AsRef<[u8]>,
        signature_header: &str,
        secret: &str,
    ) -> Result<T, WebhookError> {
        Self::construct_event_as_with(
            payload,
            signature_header,
            secret,
            Self::DEFAULT_TOLERANCE,
            stripe_sdk_client::webhook::unix_now(),
        )
    }

    /// [`Webhook::construct_event_as`] with an explicit tolerance and clock (`now` in Unix
    /// seconds), as [`Webhook::verify_signature`] takes them.
    pub fn construct_event_as_with<T: DeserializeOwned>(
        payload: impl AsRef<[u8]>,
        signature_header: &str,
        secret: &str,
        tolerance: Duration,
        now: i64,
    ) -> Result<T, WebhookError> {
        stripe_sdk_client::webhook::construct_event_as_with(
            payload.as_ref(),
            signature_header,
            secret,
            tolerance,
            now,
        )
    }
}

#[cfg(test)]
mod tests {
    /// The two types crates cannot share the constant, so each has its own; they must agree.
    #[test]
    fn both_types_crates_redact_with_the_same_text() {
        assert_eq!(stripe_sdk_types::REDACTED, stripe_sdk_params::REDACTED);
    }
}
