//! The hand-written runtime of `stripe-sdk`'s client: the HTTP transport (headers, retries
//! with backoff, the mapping of responses to results and errors), request options,
//! pagination, multipart uploads, webhook signature verification and the blocking client's
//! runtime.
//!
//! Use it through `stripe-sdk`, which re-exports it. The generated operations are inherent
//! methods of `stripe_sdk::Client`, a type of the generated crate (a crate can only add
//! methods to its own types); that type wraps this crate's [`Client`], the transport, and
//! tells it what it needs to know of the generated API through [`Api`].

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

// The runtimes of the request and response types, under the names this crate's modules use.
use stripe_sdk_form::{REDACTED, form, validate};
use stripe_sdk_json::decode;

/// The generic shapes of both sides, as `stripe_sdk::types` has them.
mod types {
    pub use stripe_sdk_form::types::*;
    pub use stripe_sdk_json::types::*;
}

pub use client::{
    Api, ApiRequest, Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT,
    MAX_RETRY_AFTER,
};
pub use error::{
    ApiError, ApiErrorCategory, ApiErrorObject, ApiErrorType, ConfigError, DecodeError, Error,
    ErrorKind, TransportError,
};
pub use options::{AppInfo, MAX_IDEMPOTENCY_KEY_CHARS, RequestOptions};
pub use pagination::ListStream;
pub use webhook::{TestEvent, WebhookError};
