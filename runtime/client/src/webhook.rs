//! Webhook signature verification (the `Stripe-Signature` header) with the semantics of
//! Stripe's official libraries, decoding of verified payloads, and test events. The rules and
//! the differences from the official libraries are documented on `stripe_sdk::webhook`, whose
//! `Webhook` calls these functions.

use std::fmt::{self, Write as _};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::client::Api;
use crate::decode::Decode;
use ring::hmac;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

/// The only signature scheme Stripe signs live events with; others in the header are ignored.
const SCHEME: &str = "v1";

/// How old a signature's timestamp may be, by default: 300 seconds, as in every official
/// Stripe library.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

// What `stripe_sdk::Webhook` does, documented there: the SDK's `Webhook` is a type of the
// generated crate, because `construct_event` is generated beside the `Event` it returns.

/// `stripe_sdk::Webhook::verify_signature`.
pub fn verify_signature(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    tolerance: Duration,
    now: i64,
) -> Result<(), WebhookError> {
    verify(payload, signature_header, secret, tolerance, now).map(|_| ())
}

/// `stripe_sdk::Webhook::generate_test_header`.
pub fn generate_test_header(payload: &[u8], secret: &str, timestamp: i64) -> String {
    format!(
        "t={timestamp},{SCHEME}={}",
        signature_hex(payload, secret, timestamp)
    )
}

/// `stripe_sdk::Webhook::construct_event_as_with`.
pub fn construct_event_as_with<T: DeserializeOwned>(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    tolerance: Duration,
    now: i64,
) -> Result<T, WebhookError> {
    let payload = verify(payload, signature_header, secret, tolerance, now)?;
    decode_event(payload)
}

/// [`verify_signature`] on the bytes, returning them as text once they verify. Public (and
/// hidden) for the generated `construct_event`.
#[doc(hidden)]
pub fn verify<'a>(
    payload: &'a [u8],
    signature_header: &str,
    secret: &str,
    tolerance: Duration,
    now: i64,
) -> Result<&'a str, WebhookError> {
    // stripe-python refuses a secret of only whitespace too: it is as unset as an empty one.
    if secret
        .trim_matches([' ', '\t', '\r', '\n', '\x0c', '\x0b'])
        .is_empty()
    {
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
    std::str::from_utf8(payload).map_err(|error| WebhookError::NotUtf8 {
        valid_up_to: error.valid_up_to(),
    })
}

/// Defines `Webhook::construct_event`, which decodes into the generated `Event`.
///
/// The generator invokes this with the module and name of the `Event` type it generates from
/// the spec's `event` schema, under the feature gate of that type's decoder, so the method
/// exists exactly when `Event` decodes (in a standalone crate, with the `event` feature).
// Exported (and hidden) for the generated crate, which names it through the re-export below.
// `crate` in its body is the invoking crate, whose `Webhook` and `Event` it names.
#[doc(hidden)]
#[macro_export]
#[allow(
    clippy::crate_in_macro_def,
    reason = "it defines a method of the invoking crate's `Webhook`, for that crate's `Event`"
)]
macro_rules! impl_construct_event {
    ($module:ident, $event:ident) => {
        impl crate::Webhook {
            /// Verifies the signature with [`Webhook::DEFAULT_TOLERANCE`](crate::Webhook::DEFAULT_TOLERANCE)
            /// against the system clock, then decodes the payload into an [`Event`](crate::Event), whose
            /// `data.object` is the resource it is about (or raw JSON for a kind this SDK does
            /// not generate).
            ///
            /// `payload` is the request body exactly as received (bytes or text),
            /// `signature_header` the value of its `Stripe-Signature` header and `secret` the
            /// endpoint's signing secret (`whsec_...`). To read only part of an event, use
            /// [`Webhook::construct_event_as`](crate::Webhook::construct_event_as).
            ///
            /// It fails only when the delivery is not genuine (see
            /// [`WebhookError`](crate::WebhookError)) or the envelope is not an event. An
            /// object that does not decode into its type, as happens when the endpoint is on
            /// an older API version than this SDK, comes back as `EventObject::Undecoded`,
            /// with the JSON kept whole and the reason; `Event::api_version_mismatch` says
            /// when the versions differ.
            pub fn construct_event(
                payload: impl AsRef<[u8]>,
                signature_header: &str,
                secret: &str,
            ) -> Result<crate::$module::$event, $crate::WebhookError> {
                let payload = $crate::webhook::verify(
                    payload.as_ref(),
                    signature_header,
                    secret,
                    $crate::webhook::DEFAULT_TOLERANCE,
                    $crate::webhook::unix_now(),
                )?;
                $crate::webhook::decode_generated_event(payload)
            }
        }
    };
}
#[doc(hidden)]
pub use crate::impl_construct_event;

/// Why a webhook was refused. No variant holds the secret, the header or the payload, so
/// neither `Display` nor `Debug` can show a signature or the secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signing secret passed in is empty (or only whitespace), which would let anyone
    /// sign. Usually the environment variable holding it is unset.
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
    /// The signature is valid but the body is not UTF-8, which no Stripe delivery is.
    /// `valid_up_to` is the length of its valid prefix, in bytes.
    #[error("the webhook body is signed but is not UTF-8 text (valid up to byte {valid_up_to})")]
    NotUtf8 { valid_up_to: usize },
    /// The signature is valid but the payload does not decode as the expected event type:
    /// for the generated `Event`, it is not JSON, or its envelope lacks a field every event
    /// has (`id`, `type`, `created`, `data.object`, ...) or has one of another type; for
    /// [`Webhook::construct_event_as`], it does not fit the caller's type. `path` is where
    /// decoding failed (such as `data.object.amount`); `source` is serde's error, whose
    /// message may name a field or a short value but never holds the payload.
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
        // Nothing is trimmed: the official libraries compare keys and read values exactly as
        // written, and two parsers that disagree are where verification bugs start.
        for item in header.split(',') {
            let Some((key, value)) = item.split_once('=') else {
                // stripe-python and stripe-go refuse a `t` or `v1` without a value; an item
                // that is neither is skipped, as in stripe-python and stripe-node.
                if item == "t" || item == SCHEME {
                    return Err(WebhookError::MalformedHeader {
                        reason: "it has a `t` or `v1` item without `=`",
                    });
                }
                continue;
            };
            match key {
                "t" => timestamp = Some(value),
                SCHEME => signatures.push(value),
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
fn signature_hex(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut context = hmac::Context::with_key(&key);
    context.update(timestamp.to_string().as_bytes());
    context.update(b".");
    context.update(payload);
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
#[doc(hidden)]
pub fn decode_generated_event<T: Decode>(payload: &str) -> Result<T, WebhookError> {
    crate::decode::from_str(payload).map_err(|error| WebhookError::NotAnEvent {
        path: crate::decode::json_path_at(payload.as_bytes(), error.offset()),
        source: serde::de::Error::custom(error.located(payload)),
    })
}

/// The system clock in Unix seconds. A clock set before 1970 gives a negative number, under
/// which every real timestamp is in the future and passes the age check, as it would in the
/// official libraries; such a clock breaks TLS long before it matters here.
#[doc(hidden)]
pub fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |secs| -secs),
    }
}

/// A webhook event to test a handler with: the event type and the object (as much of it as the
/// test needs, as JSON), completed into a whole envelope and signed the way Stripe signs.
///
/// ```
/// use serde_json::json;
/// use stripe_sdk::webhook::TestEvent;
///
/// let (body, header) = TestEvent::new("invoice.paid", json!({"object": "invoice", "id": "in_1"}))
///     .created(1_765_000_000)
///     .sign("whsec_test", 1_765_000_000);
/// // POST `body` to the handler with the header `Stripe-Signature: <header>`.
/// # assert!(header.starts_with("t=1765000000,v1="));
/// # assert!(body.contains(r#""type":"invoice.paid""#));
/// ```
///
/// The envelope gets an id (`evt_test_<n>`, distinct within the process, unless
/// [`TestEvent::id`] sets one), `created` (now, unless set), `livemode: false`,
/// `pending_webhooks: 1`, `request: null` and the SDK's API version ([`Api::API_VERSION`]).
/// The object is sent as given: one with fewer fields than its generated type requires
/// arrives in `construct_event` as `EventObject::Undecoded`, exactly as such an object from
/// Stripe would, so a handler can be tested on that path too. To get the typed variant, give
/// the object every field its type requires (a fixture from Stripe's `fixtures3.json`, or an
/// object the fake Stripe returned).
pub struct TestEvent<A> {
    event_type: String,
    object: serde_json::Value,
    id: Option<String>,
    created: Option<i64>,
    api_version: Option<String>,
    livemode: bool,
    account: Option<String>,
    previous_attributes: Option<serde_json::Value>,
    /// The SDK whose API version the event is rendered in unless [`api_version`](Self::api_version) says otherwise.
    sdk: PhantomData<fn() -> A>,
}

// Written out rather than derived: a derive would require `A: Clone` and `A: Debug`.
impl<A> Clone for TestEvent<A> {
    fn clone(&self) -> Self {
        Self {
            event_type: self.event_type.clone(),
            object: self.object.clone(),
            id: self.id.clone(),
            created: self.created,
            api_version: self.api_version.clone(),
            livemode: self.livemode,
            account: self.account.clone(),
            previous_attributes: self.previous_attributes.clone(),
            sdk: PhantomData,
        }
    }
}

impl<A> fmt::Debug for TestEvent<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestEvent")
            .field("event_type", &self.event_type)
            .field("object", &self.object)
            .field("id", &self.id)
            .field("created", &self.created)
            .field("api_version", &self.api_version)
            .field("livemode", &self.livemode)
            .field("account", &self.account)
            .field("previous_attributes", &self.previous_attributes)
            .finish()
    }
}

impl<A: Api> TestEvent<A> {
    /// An event of `event_type` (such as `terminal.reader.action_succeeded`) about `object`
    /// (`data.object`).
    pub fn new(event_type: impl Into<String>, object: serde_json::Value) -> Self {
        Self {
            event_type: event_type.into(),
            object,
            id: None,
            created: None,
            api_version: None,
            livemode: false,
            account: None,
            previous_attributes: None,
            sdk: PhantomData,
        }
    }

    /// The event's id (`evt_...`).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// When the event happened, in Unix seconds.
    pub fn created(mut self, created: i64) -> Self {
        self.created = Some(created);
        self
    }

    /// The API version the object is rendered in, to test a handler with an endpoint on
    /// another version than the SDK's.
    pub fn api_version(mut self, api_version: impl Into<String>) -> Self {
        self.api_version = Some(api_version.into());
        self
    }

    /// Whether the event happened in live mode.
    pub fn livemode(mut self, livemode: bool) -> Self {
        self.livemode = livemode;
        self
    }

    /// The connected account the event comes from (`acct_...`), as Connect endpoints get.
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// `data.previous_attributes`: for `*.updated` events, the changed fields' old values.
    pub fn previous_attributes(mut self, previous: serde_json::Value) -> Self {
        self.previous_attributes = Some(previous);
        self
    }

    /// The event's JSON body.
    pub fn payload(&self) -> String {
        let id = self.id.clone().unwrap_or_else(|| {
            static NEXT: AtomicU64 = AtomicU64::new(1);
            format!("evt_test_{}", NEXT.fetch_add(1, Ordering::Relaxed))
        });
        let mut data = serde_json::Map::new();
        data.insert("object".to_owned(), self.object.clone());
        if let Some(previous) = &self.previous_attributes {
            data.insert("previous_attributes".to_owned(), previous.clone());
        }
        let mut event = serde_json::Map::new();
        event.insert("id".to_owned(), id.into());
        event.insert("object".to_owned(), "event".into());
        if let Some(account) = &self.account {
            event.insert("account".to_owned(), account.as_str().into());
        }
        let api_version = self.api_version.as_deref().unwrap_or(A::API_VERSION);
        event.insert("api_version".to_owned(), api_version.into());
        event.insert(
            "created".to_owned(),
            self.created.unwrap_or_else(unix_now).into(),
        );
        event.insert("data".to_owned(), data.into());
        event.insert("livemode".to_owned(), self.livemode.into());
        event.insert("pending_webhooks".to_owned(), 1.into());
        event.insert("request".to_owned(), serde_json::Value::Null);
        event.insert("type".to_owned(), self.event_type.as_str().into());
        serde_json::Value::Object(event).to_string()
    }

    /// The body and its `Stripe-Signature` header value, signed with `secret` at `timestamp`
    /// (Unix seconds) by [`generate_test_header`].
    pub fn sign(&self, secret: &str, timestamp: i64) -> (String, String) {
        let payload = self.payload();
        let header = generate_test_header(payload.as_bytes(), secret, timestamp);
        (payload, header)
    }
}
