//! The fake's own errors (starting it), and Stripe's error envelope as the fake answers it.

use serde_json::{Value, json};
use std::net::SocketAddr;

/// Why a fake could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FakeError {
    /// The address could not be bound.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    /// The address is not loopback, and the builder was not told to allow that.
    #[error(
        "refusing to listen on {0}, which is not a loopback address: the fake accepts any \
         request from anyone who can reach it (allow it with `allow_non_loopback`, or \
         `--allow-non-loopback` for the binary)"
    )]
    NotLoopback(SocketAddr),
    /// The client for the fake could not be built (an API key the SDK refuses).
    #[error("cannot build a client for the fake: {0}")]
    Client(#[from] stripe_sdk::Error),
    /// The fixtures could not be read or are not Stripe's `fixtures3.json` shape.
    #[error("cannot use the fixtures: {0}")]
    Fixtures(String),
    /// A webhook endpoint given to the builder cannot be delivered to.
    #[error("cannot deliver webhooks: {0}")]
    Webhook(String),
    /// An event name the spec's `enabled_events` list does not have.
    #[error("the spec lists no event named `{0}`")]
    UnknownEvent(String),
}

/// Stripe's error body: `{"error": {"type", "code", "message", "param", "doc_url"}}`.
pub(crate) fn envelope(
    error_type: &str,
    code: Option<&str>,
    message: &str,
    param: Option<&str>,
) -> Value {
    let mut error = json!({"type": error_type, "message": message});
    if let Some(code) = code {
        error["code"] = Value::String(code.to_owned());
        error["doc_url"] = Value::String(format!(
            "https://stripe.com/docs/error-codes/{}",
            code.replace('_', "-")
        ));
    }
    if let Some(param) = param {
        error["param"] = Value::String(param.to_owned());
    }
    json!({ "error": error })
}
