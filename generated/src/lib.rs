//! Typed Rust client for Stripe's API: the hand-written runtime (client, errors, form encoding,
//! validation) around the operations and types generated from Stripe's OpenAPI document.
//!
//! Generated code lives in `src/gen/` and is rewritten by `cargo xtask regen`; everything else
//! in this crate is written by hand. Each resource family is a module at the crate root (for
//! example [`terminal`]), and each operation is an `async` method on [`Client`].
//!
//! ```no_run
//! use stripe_sdk::{Client, terminal::PostTerminalConnectionTokensParams};
//!
//! # async fn run() -> Result<(), stripe_sdk::Error> {
//! let client = Client::new("sk_test_...")?;
//! let params = PostTerminalConnectionTokensParams {
//!     location: Some("tml_123".to_owned()),
//!     ..Default::default()
//! };
//! match client.post_terminal_connection_tokens(&params).await {
//!     Ok(token) => println!("{token:?}"),
//!     Err(error) => eprintln!("{error} (request id: {:?})", error.request_id()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Parameters are checked against the document's constraints (such as `maxLength`) before
//! anything is sent; a violation is [`Error::InvalidParams`] listing every problem. Errors that
//! come from a response keep the HTTP status and the `Request-Id` header. The API key and
//! fields holding secrets never appear in `Debug` output or error messages.

pub mod client;
pub mod error;
pub mod form;
pub mod validate;

// `gen` is a reserved keyword in the 2024 edition, hence the raw identifier; the folder keeps
// its plain name. Every generated module and constant is re-exported at the crate root. The
// generated files are laid out by prettyplease, whose output the drift check compares byte for
// byte, so `cargo fmt` must leave them alone.
#[rustfmt::skip]
mod r#gen;
pub use r#gen::*;

pub use client::{Client, ClientBuilder};
pub use error::{
    ApiError, ApiErrorCategory, ApiErrorObject, ApiErrorType, ConfigError, DecodeError, Error,
};
pub use validate::{InvalidParams, REDACTED, Violation, ViolationKind};

/// The HTTP client this crate uses, re-exported so that a caller building their own
/// [`reqwest::Client`] for [`ClientBuilder::http_client`] gets the same version.
pub use reqwest;
