//! The fake's own errors (starting it, and its test helpers), and Stripe's error envelope as
//! the fake answers it.

use serde_json::{Value, json};
use std::net::SocketAddr;

/// Why a fake could not start, or a call to it (other than a request) failed.
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
    Client(#[from] stripe_sdk_client::Error),
    /// The fixtures could not be read or are not Stripe's `fixtures3.json` shape.
    #[error("cannot use the fixtures: {0}")]
    Fixtures(String),
    /// A webhook endpoint given to the builder cannot be delivered to.
    #[error("cannot deliver webhooks: {0}")]
    Webhook(String),
    /// An event name the spec's `enabled_events` list does not have.
    #[error("the spec lists no event named `{0}`")]
    UnknownEvent(String),
    /// A test helper of ours needs a resource family this fake was built without.
    #[error(
        "`{helper}` needs the fake's `{feature}` feature (the whole-API crate's resource \
         family), which this build of the fake does not have"
    )]
    MissingFeature {
        helper: &'static str,
        feature: &'static str,
    },
    /// A test helper of ours was refused, as its HTTP request would be answered: the status,
    /// the error's message, and Stripe's whole error envelope.
    #[error("the fake answered {status}: {message}")]
    Refused {
        status: u16,
        message: String,
        error: Value,
    },
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
