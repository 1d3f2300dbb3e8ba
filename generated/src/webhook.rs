//! Hand-written: verification of Stripe's webhook signatures (the `Stripe-Signature` header),
//! with the semantics of Stripe's official libraries, and decoding of a verified payload.
//!
//! ```no_run
//! # fn handle(body: &str, stripe_signature: &str) -> Result<(), stripe_sdk::WebhookError> {
//! use stripe_sdk::{EventObject, EventType, Webhook};
//!
//! let secret = std::env::var("STRIPE_WEBHOOK_SECRET").unwrap_or_default();
//! let event = Webhook::construct_event(body, stripe_signature, &secret)?;
//! if let (EventType::TerminalReaderActionFailed, EventObject::TerminalReader(reader)) =
//!     (&event.type_, &event.data.object)
//! {
//!     println!("{}: reader {} failed its action", event.id, reader.id);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! `Webhook::construct_event` returns the generated `Event`; it is defined beside that type, by
//! the macro `impl_construct_event` below, so that it carries the type's feature gate.
//! [`Webhook::construct_event_as`] decodes into a type of your own.
//!
//! The rules, as in stripe-python, stripe-node and stripe-go:
//! - The header is a comma-separated list of `key=value` pairs: `t=<unix seconds>` and one or
//!   more `v1=<hex>`. Other schemes (`v0`, and any a later API adds) are ignored, as are items
//!   without `=`. When `t` appears more than once the last one counts.
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

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::decode::Decode;
use ring::hmac;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

/// The only signature scheme Stripe signs live events with; others in the header are ignored.
const SCHEME: &str = "v1";

/// Verifies webhook signatures and decodes verified payloads. It holds nothing: the secret is
/// passed to each call, so no value of this crate keeps a copy of it.
#[derive(Debug, Clone, Copy)]
pub struct Webhook;

impl Webhook {
    /// How old a signature's timestamp may be, by default: 300 seconds, as in every official
    /// Stripe library.
    pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

    /// Checks `signature_header` (the `Stripe-Signature` header's value) against `payload` (the
    /// raw request body) and `secret` (the endpoint's signing secret).
    ///
    /// `now` is the current time in Unix seconds, passed explicitly so that tests and replays
    /// can fix the clock; [`Webhook::construct_event_as`] passes the system clock. `tolerance`
    /// counts whole seconds: the timestamp passes when `t >= now - tolerance`.
    pub fn verify_signature(
        payload: &str,
        signature_header: &str,
        secret: &str,
        tolerance: Duration,
        now: i64,
    ) -> Result<(), WebhookError> {
        if secret.is_empty() {
            return Err(WebhookError::EmptySecret);
        }
        let header = SignatureHeader::parse(signature_header)?;
        let expected = signature_hex(payload, secret, header.timestamp);
        // Every candidate is compared, and the results are combined without branching, so the
        // time taken says nothing about which candidate came closest.
        let matched = header
            .signatures
            .iter()
            .fold(subtle::Choice::from(0), |matched, candidate| {
                matched | expected.as_bytes().ct_eq(candidate.as_bytes())
            });
        if !bool::from(matched) {
            return Err(WebhookError::NoMatch {
                signatures: header.signatures.len(),
            });
        }
        // Widening to i128 keeps `now - tolerance` exact for every input, including
        // `Duration::MAX`.
        let oldest = i128::from(now) - i128::from(tolerance.as_secs());
        if i128::from(header.timestamp) < oldest {
            return Err(WebhookError::OutsideTolerance {
                timestamp: header.timestamp,
                now,
                tolerance_secs: tolerance.as_secs(),
            });
        }
        Ok(())
    }

    /// Builds a `Stripe-Signature` header value that signs `payload` with `secret` at
    /// `timestamp` (Unix seconds): `t=<timestamp>,v1=<hex>`. Use it to test your own webhook
    /// handler, as the official libraries' `generate_test_header_string` allows.
    pub fn generate_test_header(payload: &str, secret: &str, timestamp: i64) -> String {
        format!(
            "t={timestamp},{SCHEME}={}",
            signature_hex(payload, secret, timestamp)
        )
    }

    /// Verifies the signature with [`Webhook::DEFAULT_TOLERANCE`] against the system clock,
    /// then decodes the payload into `T`.
    ///
    /// `T` is whatever part of the event the handler needs; a payload that verifies but does
    /// not decode into `T` is [`WebhookError::NotAnEvent`].
    pub fn construct_event_as<T: DeserializeOwned>(
        payload: &str,
        signature_header: &str,
        secret: &str,
    ) -> Result<T, WebhookError> {
        Self::construct_event_as_with(
            payload,
            signature_header,
            secret,
            Self::DEFAULT_TOLERANCE,
            unix_now(),
        )
    }

    /// [`Webhook::construct_event_as`] with an explicit tolerance and clock (`now` in Unix
    /// seconds), as [`Webhook::verify_signature`] takes them.
    pub fn construct_event_as_with<T: DeserializeOwned>(
        payload: &str,
        signature_header: &str,
        secret: &str,
        tolerance: Duration,
        now: i64,
    ) -> Result<T, WebhookError> {
        Self::verify_signature(payload, signature_header, secret, tolerance, now)?;
        decode_event(payload)
    }
}

/// Defines `Webhook::construct_event`, which decodes into the generated `Event`.
///
/// The generator invokes this with the module and name of the `Event` type it generates from
/// the spec's `event` schema, under the feature gate of that type's decoder, so the method
/// exists exactly when `Event` decodes (in a standalone crate, with the `event` feature).
#[allow(
    unused_macros,
    reason = "a standalone crate built without the `event` feature has no `Event` to define it for"
)]
macro_rules! impl_construct_event {
    ($module:ident, $event:ident) => {
        impl $crate::Webhook {
            /// Verifies the signature with [`Webhook::DEFAULT_TOLERANCE`](crate::Webhook::DEFAULT_TOLERANCE)
            /// against the system clock, then decodes the payload into an [`Event`](crate::Event), whose
            /// `data.object` is the resource it is about (or raw JSON for a kind this SDK does
            /// not generate).
            ///
            /// `payload` is the request body exactly as received, `signature_header` the value
            /// of its `Stripe-Signature` header and `secret` the endpoint's signing secret
            /// (`whsec_...`). To read only part of an event, use
            /// [`Webhook::construct_event_as`](crate::Webhook::construct_event_as).
            pub fn construct_event(
                payload: &str,
                signature_header: &str,
                secret: &str,
            ) -> Result<$crate::$module::$event, $crate::WebhookError> {
                Self::verify_signature(
                    payload,
                    signature_header,
                    secret,
                    Self::DEFAULT_TOLERANCE,
                    $crate::webhook::unix_now(),
                )?;
                $crate::webhook::decode_generated_event(payload)
            }
        }
    };
}
#[allow(
    unused_imports,
    reason = "a standalone crate built without the `event` feature has no `Event` to define it for"
)]
pub(crate) use impl_construct_event;

/// Why a webhook was refused. No variant holds the secret, the header or the payload, so
/// neither `Display` nor `Debug` can show a signature or the secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signing secret passed in is empty, which would let anyone sign. Usually the
    /// environment variable holding it is unset.
    #[error("the webhook signing secret is empty; pass the endpoint's secret (whsec_...)")]
    EmptySecret,
    /// The request had no `Stripe-Signature` header, or an empty one.
    #[error("no Stripe-Signature header value was provided")]
    NoHeader,
    /// The header could not be read; `reason` says what is wrong without quoting it.
    #[error("the Stripe-Signature header is malformed: {reason}")]
    MalformedHeader { reason: &'static str },
    /// The header has a timestamp but no `v1` signature (perhaps only `v0`, which is not
    /// accepted).
    #[error("the Stripe-Signature header has no v1 signature")]
    NoSignature,
    /// No `v1` signature matches the payload: the payload was altered, the secret is not this
    /// endpoint's, or the request is forged.
    #[error(
        "no v1 signature in the Stripe-Signature header matches the payload \
         ({signatures} checked); is the secret this endpoint's, and is the body exactly as \
         received?"
    )]
    NoMatch { signatures: usize },
    /// The signature matches, but its timestamp is older than the tolerance allows.
    #[error(
        "the webhook's timestamp {timestamp} is {} s before now ({now}), more than the \
         tolerance of {tolerance_secs} s",
        i128::from(*now) - i128::from(*timestamp)
    )]
    OutsideTolerance {
        timestamp: i64,
        now: i64,
        tolerance_secs: u64,
    },
    /// The signature is valid but the payload does not decode as the expected event type.
    /// `path` is where decoding failed (such as `data.object.amount`); `source` is serde's
    /// error, whose message may name a field or a short value but never holds the payload.
    #[error("the webhook payload is signed but is not an event: {source} (at `{path}`)")]
    NotAnEvent {
        path: String,
        #[source]
        source: serde_json::Error,
    },
}

/// The parts of a `Stripe-Signature` header that verification reads.
struct SignatureHeader<'a> {
    timestamp: i64,
    signatures: Vec<&'a str>,
}

impl<'a> SignatureHeader<'a> {
    fn parse(header: &'a str) -> Result<Self, WebhookError> {
        if header.trim().is_empty() {
            return Err(WebhookError::NoHeader);
        }
        let mut timestamp = None;
        let mut signatures = Vec::new();
        for item in header.split(',') {
            let Some((key, value)) = item.split_once('=') else {
                continue;
            };
            match key.trim() {
                "t" => timestamp = Some(value.trim()),
                SCHEME => signatures.push(value.trim()),
                _ => {}
            }
        }
        let timestamp = timestamp
            .ok_or(WebhookError::MalformedHeader {
                reason: "it has no `t=` timestamp",
            })?
            .parse::<i64>()
            .map_err(|_| WebhookError::MalformedHeader {
                reason: "its `t=` timestamp is not an integer number of seconds",
            })?;
        if signatures.is_empty() {
            return Err(WebhookError::NoSignature);
        }
        Ok(Self {
            timestamp,
            signatures,
        })
    }
}

/// The lower-case hex HMAC-SHA256 of `"<timestamp>.<payload>"` keyed with `secret`.
fn signature_hex(payload: &str, secret: &str, timestamp: i64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut context = hmac::Context::with_key(&key);
    context.update(timestamp.to_string().as_bytes());
    context.update(b".");
    context.update(payload.as_bytes());
    let tag = context.sign();
    let mut hex = String::with_capacity(tag.as_ref().len() * 2);
    for byte in tag.as_ref() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Decodes a verified payload into a caller's serde type, keeping serde's message and the
/// path where it failed.
fn decode_event<T: DeserializeOwned>(payload: &str) -> Result<T, WebhookError> {
    serde_json::from_str(payload).map_err(|source| {
        let offset = crate::client::byte_offset(payload.as_bytes(), source.line(), source.column());
        WebhookError::NotAnEvent {
            path: crate::decode::json_path_at(payload.as_bytes(), offset),
            source,
        }
    })
}

/// Decodes a verified payload into the generated `Event` with the SDK's own decoder.
#[allow(
    dead_code,
    reason = "a standalone crate built without the `event` feature has no `Event` to decode"
)]
pub(crate) fn decode_generated_event<T: Decode>(payload: &str) -> Result<T, WebhookError> {
    crate::decode::from_str(payload).map_err(|error| WebhookError::NotAnEvent {
        path: crate::decode::json_path_at(payload.as_bytes(), error.offset()),
        source: serde::de::Error::custom(error.located(payload)),
    })
}

/// The system clock in Unix seconds. A clock set before 1970 gives a negative number, under
/// which every real timestamp is in the future and passes the age check, as it would in the
/// official libraries; such a clock breaks TLS long before it matters here.
pub(crate) fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |secs| -secs),
    }
}
