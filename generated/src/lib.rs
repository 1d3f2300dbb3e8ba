//! Typed Rust client for Stripe's API: the hand-written runtime (client, errors, form encoding,
//! validation) around the operations and types generated from Stripe's OpenAPI document.
//!
//! Generated code lives in `src/gen/` here (the operations) and in the `src/gen/` of the
//! `stripe-sdk-types` (responses) and `stripe-sdk-params` (requests) crates, and is rewritten
//! by `cargo xtask regen`; everything else is written by hand. Every generated type is re-exported at the crate root
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

#[cfg(feature = "blocking")]
pub mod blocking;
pub mod client;
pub mod error;
pub mod multipart;
mod options;
pub mod pagination;
mod random;
mod retry;
pub mod webhook;

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

pub use client::{Client, ClientBuilder, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, MAX_RETRY_AFTER};
pub use error::{
    ApiError, ApiErrorCategory, ApiErrorObject, ApiErrorType, ConfigError, DecodeError, Error,
    ErrorKind, TransportError,
};
pub use options::{AppInfo, MAX_IDEMPOTENCY_KEY_CHARS, RequestOptions};
pub use pagination::ListStream;
pub use webhook::{TestEvent, Webhook, WebhookError};

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

#[cfg(test)]
mod tests {
    /// The two types crates cannot share the constant, so each has its own; they must agree.
    #[test]
    fn both_types_crates_redact_with_the_same_text() {
        assert_eq!(stripe_sdk_types::REDACTED, stripe_sdk_params::REDACTED);
    }
}
