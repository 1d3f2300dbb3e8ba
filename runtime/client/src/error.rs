//! Hand-written: the SDK's error type, Stripe's error envelope (`{"error": {...}}`) and the
//! redaction that keeps secrets out of error text.
//!
//! Every error that comes from a response keeps the HTTP status and the `Request-Id` header,
//! because the request id is what Stripe support asks for. Every error says how many attempts
//! were made and whether another attempt could succeed. The API key never appears in any
//! `Debug` or `Display` output, and values of fields named `secret` or `*_secret` are blanked
//! in every excerpt and `Debug` rendering of response JSON.

use std::fmt::{self, Display};
use std::time::Duration;

use reqwest::StatusCode;
use serde::Deserialize;

use crate::validate::{InvalidParams, REDACTED};

/// Everything that can go wrong when calling the API.
///
/// Match on the variant for the details, or on [`kind`](Self::kind) for the class of error
/// that decides what to do next:
///
/// ```no_run
/// use stripe_sdk::{ApiErrorCategory, ErrorKind};
///
/// # async fn run(client: stripe_sdk::Client) {
/// # let params = stripe_sdk::TerminalConnectionTokenCreateParams::default();
/// match client.post_terminal_connection_tokens(&params).await {
///     Ok(token) => drop(token),
///     Err(error) => match error.kind() {
///         ErrorKind::Api(ApiErrorCategory::Authentication) => eprintln!("check the API key"),
///         ErrorKind::Api(ApiErrorCategory::RateLimit) => eprintln!("slow down: {error}"),
///         ErrorKind::Timeout | ErrorKind::Transport if error.is_retryable() => {
///             eprintln!("network trouble after {} attempts: {error}", error.attempts())
///         }
///         _ => eprintln!("{error}"),
///     },
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The parameters (or the [`RequestOptions`](crate::RequestOptions)) broke a constraint of
    /// the API document (or could not be form-encoded); no request was sent.
    #[error(transparent)]
    InvalidParams(#[from] InvalidParams),
    /// The response had an error status (anything but 2xx). Usually Stripe's
    /// `{"error": {...}}` body came with it; a body that is not that envelope (a proxy's
    /// plain-text 404 or HTML 502, an empty body, other JSON) is kept as text instead, with the
    /// status and request id all the same (see [`ApiError::has_envelope`]).
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The request could not be sent or the response could not be read (connection refused or
    /// dropped, TLS failure, body cut off).
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// The request (or reading its response) took longer than the timeout.
    #[error(transparent)]
    Timeout(Box<TransportError>),
    /// A success response arrived but its body could not be decoded into the operation's
    /// type (or was not JSON at all). Error statuses are [`Error::Api`], whatever their body.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The client was configured or used wrongly (for example an invalid base URL, or the
    /// blocking client called inside an async runtime); nothing was sent.
    #[error(transparent)]
    Config(ConfigError),
}

/// The class of an [`Error`], for deciding what to do about it; see [`Error::kind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The parameters or request options were rejected before sending; fix them.
    InvalidParams,
    /// Stripe answered with an error; the category says which class of the official SDKs'
    /// table it belongs to (card declined, rate limited, authentication, ...).
    Api(ApiErrorCategory),
    /// The connection failed or was dropped.
    Transport,
    /// The request timed out.
    Timeout,
    /// The response could not be decoded.
    Decode,
    /// The client is misconfigured or misused.
    Config,
}

impl Error {
    /// The class of this error, from the official SDKs' table for API errors plus this SDK's
    /// own classes.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidParams(_) => ErrorKind::InvalidParams,
            Self::Api(error) => ErrorKind::Api(error.category()),
            Self::Transport(_) => ErrorKind::Transport,
            Self::Timeout(_) => ErrorKind::Timeout,
            Self::Decode(_) => ErrorKind::Decode,
            Self::Config(_) => ErrorKind::Config,
        }
    }

    /// The category of an API error, as the official SDKs classify it; `None` for errors that
    /// did not come from an error envelope.
    pub fn api_category(&self) -> Option<ApiErrorCategory> {
        match self {
            Self::Api(error) => Some(error.category()),
            _ => None,
        }
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(error) => Some(error.status()),
            Self::Decode(error) => Some(error.status()),
            Self::Transport(error) | Self::Timeout(error) => error.error.status(),
            Self::InvalidParams(_) | Self::Config(_) => None,
        }
    }

    /// The `Request-Id` response header, when a response carried one. Quote it to Stripe
    /// support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(error) => error.request_id(),
            Self::Decode(error) => error.request_id(),
            Self::InvalidParams(_) | Self::Transport(_) | Self::Timeout(_) | Self::Config(_) => {
                None
            }
        }
    }

    /// The operation that failed, as the API document names it, when a request was attempted.
    pub fn operation_id(&self) -> Option<&'static str> {
        match self {
            Self::Api(error) => Some(error.operation_id()),
            Self::Decode(error) => Some(error.operation_id()),
            Self::Transport(error) | Self::Timeout(error) => Some(error.operation_id()),
            Self::InvalidParams(_) | Self::Config(_) => None,
        }
    }

    /// How many times the request was sent: `0` when it was rejected before sending, and more
    /// than `1` when it was retried. The error is the last attempt's.
    pub fn attempts(&self) -> u32 {
        match self {
            Self::Api(error) => error.attempts(),
            Self::Decode(error) => error.attempts(),
            Self::Transport(error) | Self::Timeout(error) => error.attempts(),
            Self::InvalidParams(_) | Self::Config(_) => 0,
        }
    }

    /// Whether the same request could succeed if sent again (with the same idempotency key):
    /// connection failures, timeouts, 409 and 5xx responses are, unless Stripe's
    /// `Stripe-Should-Retry` header said otherwise (it can also mark any other error
    /// retryable). The client has already retried such errors up to its limit; `true` here
    /// means it gave up, not that the failure is permanent.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(error) => error.is_retryable(),
            Self::Decode(error) => error.is_retryable(),
            Self::Transport(error) | Self::Timeout(error) => error.is_retryable(),
            Self::InvalidParams(_) | Self::Config(_) => false,
        }
    }

    /// Whether the request timed out; the same as matching [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }

    /// Stripe's error object, when the response was an API error with Stripe's error
    /// envelope; `None` for other bodies (see [`ApiError::has_envelope`]).
    pub fn api_error(&self) -> Option<&ApiErrorObject> {
        match self {
            Self::Api(error) if error.envelope => Some(error.error()),
            _ => None,
        }
    }

    /// The violations, when the parameters were rejected before sending.
    pub fn invalid_params(&self) -> Option<&InvalidParams> {
        match self {
            Self::InvalidParams(error) => Some(error),
            _ => None,
        }
    }

    /// The underlying HTTP client error of a transport failure or a timeout (to ask
    /// `is_connect()`, say).
    pub fn transport_error(&self) -> Option<&reqwest::Error> {
        match self {
            Self::Transport(error) | Self::Timeout(error) => Some(error.reqwest_error()),
            _ => None,
        }
    }

    /// Records on the error that `attempts` requests were sent in all.
    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        match self {
            Self::Api(error) => error.attempts = attempts,
            Self::Decode(error) => error.attempts = attempts,
            Self::Transport(error) | Self::Timeout(error) => error.attempts = attempts,
            Self::InvalidParams(_) | Self::Config(_) => {}
        }
    }
}

impl From<crate::form::FormError> for Error {
    fn from(error: crate::form::FormError) -> Self {
        Self::InvalidParams(error.into())
    }
}

/// Writes ` (after N attempts)` when the request was sent more than once, so that a logged
/// error shows that retries happened; a single attempt adds nothing.
fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, " (after {attempts} attempts)")?;
    }
    Ok(())
}

/// A request that could not be sent, or whose response could not be read, or that timed out.
///
/// `Display` holds the whole chain of causes ("connection refused", "operation timed out"),
/// so the error has no separate `source()`: reporting the chain twice would repeat every line.
/// The URL it names never includes a query string, which could carry parameters.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) error: reqwest::Error,
    pub(crate) operation_id: &'static str,
    pub(crate) attempts: u32,
    /// The per-attempt time limit that applied, when this SDK set it.
    pub(crate) timeout: Option<Duration>,
}

impl TransportError {
    /// Wraps an HTTP client error, dropping the query string from the URL it carries.
    pub(crate) fn new(
        mut error: reqwest::Error,
        operation_id: &'static str,
        timeout: Option<Duration>,
    ) -> Self {
        if let Some(url) = error.url_mut() {
            url.set_query(None);
        }
        Self {
            error,
            operation_id,
            attempts: 1,
            timeout,
        }
    }

    /// The HTTP client's error.
    pub fn reqwest_error(&self) -> &reqwest::Error {
        &self.error
    }

    /// The operation whose request failed.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// How many times the request was sent.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        self.error.is_timeout()
    }

    /// Whether sending the request again could succeed: true for every failure but a request
    /// that could not be built or a redirect the HTTP client refused.
    pub fn is_retryable(&self) -> bool {
        crate::retry::is_retryable_transport(&self.error)
    }
}

impl Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.error.is_timeout(), self.timeout) {
            (true, Some(limit)) => write!(
                f,
                "request to the Stripe API timed out (limit {limit:?} per attempt): "
            )?,
            (true, None) => f.write_str("request to the Stripe API timed out: ")?,
            (false, _) => f.write_str("request to the Stripe API failed: ")?,
        }
        write!(f, "{}", self.error)?;
        let mut source = std::error::Error::source(&self.error);
        while let Some(error) = source {
            write!(f, ": {error}")?;
            source = error.source();
        }
        write_attempts(f, self.attempts)
    }
}

impl std::error::Error for TransportError {}

/// The client was configured wrongly; see the message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid client configuration: {message}")]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// An error response: its status, request id and body, and Stripe's error envelope when the
/// body was one.
///
/// A body that is not the envelope (a proxy's `404: Not Found` in plain text, an HTML 502
/// page, an empty body, JSON without an `error` object) is an `ApiError` too, never a decode
/// error: [`has_envelope`](Self::has_envelope) is `false`, [`error`](Self::error) is empty,
/// [`category`](Self::category) follows the status alone, and `Display` quotes the start of
/// the body.
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) request_id: Option<String>,
    pub(crate) operation_id: &'static str,
    pub(crate) error: ApiErrorObject,
    pub(crate) body: String,
    pub(crate) attempts: u32,
    /// The `Stripe-Should-Retry` response header, when it said `true` or `false`.
    pub(crate) should_retry: Option<bool>,
    /// Whether the body was Stripe's error envelope (`{"error": {...}}`).
    pub(crate) envelope: bool,
}

/// How many characters of a body that is not Stripe's error envelope an [`ApiError`]'s
/// `Display` quotes: enough for a proxy's one-line message or an HTML page's title.
pub(crate) const API_EXCERPT_CHARS: usize = 200;

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Request-Id` response header.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The operation that failed, as the API document names it (`PostTerminalConnectionTokens`).
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The decoded `error` object; every member empty when the body was not Stripe's error
    /// envelope.
    pub fn error(&self) -> &ApiErrorObject {
        &self.error
    }

    /// Whether the body was Stripe's error envelope (`{"error": {...}}`). When it was not (a
    /// proxy or load balancer answered, or the body was cut off), [`body`](Self::body) holds
    /// what came instead.
    pub fn has_envelope(&self) -> bool {
        self.envelope
    }

    /// The raw response body (with the API key blanked out, should the server have echoed it).
    ///
    /// Unlike `Debug`, this is not redacted further: linked objects such as `payment_intent`
    /// may hold a `client_secret` that the caller needs.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// How many times the request was sent; this error is the last attempt's.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether sending the request again could succeed: a 409 or 5xx status, unless the
    /// `Stripe-Should-Retry` header says otherwise either way.
    pub fn is_retryable(&self) -> bool {
        crate::retry::is_retryable_response(self.status, self.should_retry)
    }

    /// How Stripe's official SDKs would classify this error. Without an envelope there is no
    /// `type` or `code`, so the status alone decides (a plain-text 404 is an invalid request, a
    /// 429 a rate limit, an HTML 502 an API error).
    pub fn category(&self) -> ApiErrorCategory {
        let status = self.status.as_u16();
        let code = self.error.code.as_deref();
        match status {
            429 => ApiErrorCategory::RateLimit,
            400 if code == Some("rate_limit") => ApiErrorCategory::RateLimit,
            400 | 404 if self.error.type_ == ApiErrorType::IdempotencyError => {
                ApiErrorCategory::Idempotency
            }
            400 | 404 => ApiErrorCategory::InvalidRequest,
            401 => ApiErrorCategory::Authentication,
            402 => ApiErrorCategory::Card,
            403 => ApiErrorCategory::Permission,
            _ => ApiErrorCategory::Api,
        }
    }
}

impl Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(request_id) = &self.request_id {
            write!(f, "[{request_id}] ")?;
        }
        if !self.envelope {
            write!(
                f,
                "error response to {} without Stripe's error envelope (status {})",
                self.operation_id,
                self.status.as_u16()
            )?;
            if self.body.is_empty() {
                f.write_str(": empty body")?;
            } else {
                let redacted = redact_secret_fields(&self.body);
                let (excerpt, truncated) = excerpt(&redacted, API_EXCERPT_CHARS);
                write!(f, "; body: {excerpt:?}")?;
                if truncated {
                    f.write_str(" (truncated)")?;
                }
            }
            return write_attempts(f, self.attempts);
        }
        write!(
            f,
            "{} (status {})",
            self.error.type_.as_str(),
            self.status.as_u16()
        )?;
        if let Some(message) = &self.error.message {
            write!(f, ": {message}")?;
        }
        let details = [
            ("code", &self.error.code),
            ("decline_code", &self.error.decline_code),
            ("param", &self.error.param),
        ];
        let mut first = true;
        for (name, value) in details {
            if let Some(value) = value {
                f.write_str(if first { " (" } else { ", " })?;
                write!(f, "{name}: {value}")?;
                first = false;
            }
        }
        if !first {
            f.write_str(")")?;
        }
        write_attempts(f, self.attempts)
    }
}

impl std::error::Error for ApiError {}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The raw body repeats the linked objects, secrets included, so `Debug` shows it with
        // the values of secret members blanked, as it does for the decoded error object.
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("operation_id", &self.operation_id)
            .field("error", &self.error)
            .field("body", &redact_secret_fields(&self.body))
            .field("attempts", &self.attempts)
            .field("should_retry", &self.should_retry)
            .field("envelope", &self.envelope)
            .finish()
    }
}

/// How Stripe's official SDKs classify an error response, from its status, `type` and `code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorCategory {
    /// 429, or 400 with `code=rate_limit`.
    RateLimit,
    /// 400 or 404 with `type=idempotency_error`.
    Idempotency,
    /// Any other 400 or 404.
    InvalidRequest,
    /// 401: the API key is missing, wrong or revoked.
    Authentication,
    /// 402: the card was declined or could not be charged.
    Card,
    /// 403: the key may not perform this request.
    Permission,
    /// Anything else, including every 5xx.
    Api,
}

/// Stripe's error object: the `error` member of an error response body.
///
/// Unknown members are ignored, because Stripe adds members without a version change.
#[derive(Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ApiErrorObject {
    /// The kind of error.
    #[serde(rename = "type", default)]
    pub type_: ApiErrorType,
    /// A short machine-readable code, for example `resource_missing`.
    #[serde(default)]
    pub code: Option<String>,
    /// For card errors resulting from a card issuer decline, the issuer's reason.
    #[serde(default)]
    pub decline_code: Option<String>,
    /// A link to the documentation of `code`.
    #[serde(default)]
    pub doc_url: Option<String>,
    /// A human-readable message.
    #[serde(default)]
    pub message: Option<String>,
    /// The parameter the error relates to, in form-key syntax (`items[0][price]`).
    #[serde(default)]
    pub param: Option<String>,
    /// For card errors, the id of the failed charge.
    #[serde(default)]
    pub charge: Option<String>,
    /// For errors about a payment method, its type.
    #[serde(default)]
    pub payment_method_type: Option<String>,
    /// A link to this request in the Dashboard's logs.
    #[serde(default)]
    pub request_log_url: Option<String>,
    /// The PaymentIntent involved, as Stripe sent it.
    #[serde(default)]
    pub payment_intent: Option<serde_json::Value>,
    /// The PaymentMethod involved, as Stripe sent it.
    #[serde(default)]
    pub payment_method: Option<serde_json::Value>,
    /// The SetupIntent involved, as Stripe sent it.
    #[serde(default)]
    pub setup_intent: Option<serde_json::Value>,
    /// The source involved, as Stripe sent it.
    #[serde(default)]
    pub source: Option<serde_json::Value>,
}

impl fmt::Debug for ApiErrorObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Linked objects carry secrets such as a PaymentIntent's `client_secret`; errors are
        // routinely logged with `{:?}`, so those values are blanked here.
        f.debug_struct("ApiErrorObject")
            .field("type_", &self.type_)
            .field("code", &self.code)
            .field("decline_code", &self.decline_code)
            .field("doc_url", &self.doc_url)
            .field("message", &self.message)
            .field("param", &self.param)
            .field("charge", &self.charge)
            .field("payment_method_type", &self.payment_method_type)
            .field("request_log_url", &self.request_log_url)
            .field(
                "payment_intent",
                &self.payment_intent.as_ref().map(RedactedJson),
            )
            .field(
                "payment_method",
                &self.payment_method.as_ref().map(RedactedJson),
            )
            .field(
                "setup_intent",
                &self.setup_intent.as_ref().map(RedactedJson),
            )
            .field("source", &self.source.as_ref().map(RedactedJson))
            .finish()
    }
}

/// The `type` of an API error.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorType {
    /// `api_error`: a problem on Stripe's side.
    ApiError,
    /// `card_error`: the card cannot be charged.
    CardError,
    /// `idempotency_error`: an idempotency key was reused with different parameters.
    IdempotencyError,
    /// `invalid_request_error`: the request has invalid parameters.
    InvalidRequestError,
    /// A type this SDK does not know yet, kept as sent (empty when the body had none).
    Unknown(String),
}

impl ApiErrorType {
    /// The type as the API spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::ApiError => "api_error",
            Self::CardError => "card_error",
            Self::IdempotencyError => "idempotency_error",
            Self::InvalidRequestError => "invalid_request_error",
            Self::Unknown(value) => value,
        }
    }
}

impl Default for ApiErrorType {
    fn default() -> Self {
        Self::Unknown(String::new())
    }
}

impl Display for ApiErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ApiErrorType {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(match value {
            "api_error" => Self::ApiError,
            "card_error" => Self::CardError,
            "idempotency_error" => Self::IdempotencyError,
            "invalid_request_error" => Self::InvalidRequestError,
            other => Self::Unknown(other.to_owned()),
        })
    }
}

impl<'de> Deserialize<'de> for ApiErrorType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        Ok(match value.parse::<Self>() {
            Ok(parsed) => parsed,
            Err(never) => match never {},
        })
    }
}

/// A response whose body could not be decoded.
#[derive(Debug)]
pub struct DecodeError {
    pub(crate) status: StatusCode,
    pub(crate) request_id: Option<String>,
    pub(crate) operation_id: &'static str,
    pub(crate) json_path: String,
    pub(crate) message: String,
    pub(crate) excerpt: String,
    pub(crate) truncated: bool,
    pub(crate) attempts: u32,
    /// The `Stripe-Should-Retry` response header, when it said `true` or `false`.
    pub(crate) should_retry: Option<bool>,
}

/// How many characters of an undecodable body an error keeps.
pub(crate) const EXCERPT_CHARS: usize = 512;

impl DecodeError {
    /// Builds the error from the body text, keeping a bounded excerpt with secrets blanked.
    pub(crate) fn new(
        status: StatusCode,
        request_id: Option<String>,
        operation_id: &'static str,
        json_path: String,
        message: String,
        body: &str,
    ) -> Self {
        let redacted = redact_secret_fields(body);
        let (excerpt, truncated) = match excerpt(&redacted, EXCERPT_CHARS) {
            (excerpt, true) => (excerpt.to_owned(), true),
            (_, false) => (redacted, false),
        };
        Self {
            status,
            request_id,
            operation_id,
            json_path,
            message,
            excerpt,
            truncated,
            attempts: 1,
            should_retry: None,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Request-Id` response header.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The operation whose response could not be decoded.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// Where in the JSON decoding stopped, for example `items[0].price`, or `.` for the top
    /// level (a body that is not JSON, or a missing top-level field).
    pub fn json_path(&self) -> &str {
        &self.json_path
    }

    /// The decoder's message, for example ``missing field `secret` at line 1 column 40``.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The start of the body (at most 512 characters), with the values of secret fields
    /// blanked.
    pub fn body_excerpt(&self) -> &str {
        &self.excerpt
    }

    /// Whether the body was longer than the excerpt.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// How many times the request was sent; this error is the last attempt's.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether sending the request again could succeed: only when the `Stripe-Should-Retry`
    /// header says so. A success status whose body does not decode is otherwise not
    /// retryable: it would decode no better the next time.
    pub fn is_retryable(&self) -> bool {
        crate::retry::is_retryable_response(self.status, self.should_retry)
    }
}

impl Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(request_id) = &self.request_id {
            write!(f, "[{request_id}] ")?;
        }
        write!(
            f,
            "undecodable response to {} (status {}) at JSON path `{}`: {}; body: {:?}",
            self.operation_id,
            self.status.as_u16(),
            self.json_path,
            self.message,
            self.excerpt,
        )?;
        if self.truncated {
            f.write_str(" (truncated)")?;
        }
        write_attempts(f, self.attempts)
    }
}

impl std::error::Error for DecodeError {}

/// The first `chars` characters of `text`, and whether anything was cut off.
fn excerpt(text: &str, chars: usize) -> (&str, bool) {
    match text.char_indices().nth(chars) {
        Some((end, _)) => (&text[..end], true),
        None => (text, false),
    }
}

/// Returns `text` with the string value of every JSON member whose name is `secret` or ends in
/// `_secret` replaced by `[redacted]`.
///
/// Works on text rather than parsed JSON so that it also covers bodies that are cut off or not
/// quite JSON, which are exactly the bodies that end up in error excerpts.
pub(crate) fn redact_secret_fields(text: &str) -> String {
    const NEEDLE: &str = "secret\"";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(found) = rest.find(NEEDLE) {
        let after_name = found + NEEDLE.len();
        let is_name_start = rest[..found].ends_with('"') || rest[..found].ends_with('_');
        out.push_str(&rest[..after_name]);
        rest = &rest[after_name..];
        if !is_name_start {
            continue;
        }
        // Expect optional whitespace, a colon, optional whitespace and an opening quote.
        let trimmed = rest.trim_start();
        let Some(after_colon) = trimmed.strip_prefix(':') else {
            continue;
        };
        let value = after_colon.trim_start();
        let Some(inside) = value.strip_prefix('"') else {
            continue;
        };
        out.push_str(&rest[..rest.len() - inside.len()]);
        out.push_str(REDACTED);
        // Skip to the closing quote, honouring backslash escapes; a value cut off by the end
        // of the text is blanked to the end.
        let mut escaped = false;
        let mut close = None;
        for (index, c) in inside.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    close = Some(index);
                    break;
                }
                _ => {}
            }
        }
        match close {
            Some(index) => rest = &inside[index..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// Debug-prints JSON with the values of secret members blanked.
struct RedactedJson<'a>(&'a serde_json::Value);

impl fmt::Debug for RedactedJson<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_secret_fields(&self.0.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;

    use super::{
        ApiError, ApiErrorCategory, ApiErrorObject, ApiErrorType, DecodeError, Error, ErrorKind,
        redact_secret_fields,
    };

    #[test]
    fn secret_members_are_blanked() {
        assert_eq!(
            redact_secret_fields(
                r#"{"secret":"pst_1","client_secret" : "pi_1_secret_2","x":"secret"}"#
            ),
            r#"{"secret":"[redacted]","client_secret" : "[redacted]","x":"secret"}"#
        );
        assert_eq!(
            redact_secret_fields(r#"{"secret":"a\"b","n":1}"#),
            r#"{"secret":"[redacted]","n":1}"#
        );
        assert_eq!(
            redact_secret_fields(r#"{"secret":"cut off"#),
            r#"{"secret":"[redacted]"#
        );
        assert_eq!(
            redact_secret_fields(r#"{"secret":null,"notsecret":"v","secrets":"w"}"#),
            r#"{"secret":null,"notsecret":"v","secrets":"w"}"#
        );
        assert_eq!(redact_secret_fields("plain text é"), "plain text é");
    }

    #[test]
    fn excerpts_are_bounded_on_char_boundaries() {
        let body = "é".repeat(600);
        let error = DecodeError::new(
            StatusCode::BAD_GATEWAY,
            None,
            "Op",
            ".".to_owned(),
            "m".to_owned(),
            &body,
        );
        assert_eq!(error.body_excerpt().chars().count(), 512);
        assert!(error.is_truncated());
        assert!(error.to_string().ends_with("(truncated)"));
    }

    #[test]
    fn api_error_display_leads_with_the_request_id() {
        let error = ApiError {
            status: StatusCode::BAD_REQUEST,
            request_id: Some("req_123".to_owned()),
            operation_id: "Op",
            error: ApiErrorObject {
                type_: ApiErrorType::InvalidRequestError,
                message: Some("No such location: 'tml_x'".to_owned()),
                param: Some("location".to_owned()),
                ..ApiErrorObject::default()
            },
            body: String::new(),
            attempts: 1,
            should_retry: None,
            envelope: true,
        };
        assert_eq!(
            error.to_string(),
            "[req_123] invalid_request_error (status 400): No such location: 'tml_x' (param: location)"
        );
        assert_eq!(error.category(), ApiErrorCategory::InvalidRequest);
    }

    #[test]
    fn categories_follow_the_official_sdks() {
        let make = |status: u16, type_: ApiErrorType, code: Option<&str>| ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            request_id: None,
            operation_id: "Op",
            error: ApiErrorObject {
                type_,
                code: code.map(str::to_owned),
                ..ApiErrorObject::default()
            },
            body: String::new(),
            attempts: 1,
            should_retry: None,
            envelope: true,
        };
        let t = || ApiErrorType::InvalidRequestError;
        assert_eq!(make(429, t(), None).category(), ApiErrorCategory::RateLimit);
        assert_eq!(
            make(400, t(), Some("rate_limit")).category(),
            ApiErrorCategory::RateLimit
        );
        assert_eq!(
            make(404, ApiErrorType::IdempotencyError, None).category(),
            ApiErrorCategory::Idempotency
        );
        assert_eq!(
            make(401, t(), None).category(),
            ApiErrorCategory::Authentication
        );
        assert_eq!(
            make(402, ApiErrorType::CardError, None).category(),
            ApiErrorCategory::Card
        );
        assert_eq!(
            make(403, t(), None).category(),
            ApiErrorCategory::Permission
        );
        assert_eq!(make(500, t(), None).category(), ApiErrorCategory::Api);
        assert_eq!(make(409, t(), None).category(), ApiErrorCategory::Api);
    }

    #[test]
    fn attempts_show_in_display_only_when_there_were_retries_and_kinds_follow_categories() {
        let make = |status: u16, attempts: u32, should_retry: Option<bool>| ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            request_id: Some("req_1".to_owned()),
            operation_id: "Op",
            error: ApiErrorObject {
                type_: ApiErrorType::ApiError,
                ..ApiErrorObject::default()
            },
            body: String::new(),
            attempts,
            should_retry,
            envelope: true,
        };
        assert_eq!(
            make(500, 1, None).to_string(),
            "[req_1] api_error (status 500)"
        );
        assert_eq!(
            make(500, 3, None).to_string(),
            "[req_1] api_error (status 500) (after 3 attempts)"
        );
        assert!(make(500, 1, None).is_retryable());
        assert!(!make(500, 1, Some(false)).is_retryable());
        assert!(make(400, 1, Some(true)).is_retryable());

        let error = Error::Api(Box::new(make(402, 1, None)));
        assert_eq!(error.kind(), ErrorKind::Api(ApiErrorCategory::Card));
        assert_eq!(error.api_category(), Some(ApiErrorCategory::Card));
        assert_eq!(error.operation_id(), Some("Op"));
        assert!(!error.is_timeout());
        let mut error = Error::Api(Box::new(make(503, 1, None)));
        error.set_attempts(3);
        assert_eq!(error.attempts(), 3);
        assert!(error.is_retryable());

        let mut decode = DecodeError::new(
            StatusCode::BAD_GATEWAY,
            Some("req_2".to_owned()),
            "Op",
            ".".to_owned(),
            "expected value".to_owned(),
            "<html>",
        );
        assert!(decode.is_retryable());
        decode.attempts = 2;
        assert!(
            decode
                .to_string()
                .ends_with("body: \"<html>\" (after 2 attempts)")
        );
        let error = Error::Decode(Box::new(decode));
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert_eq!(error.api_category(), None);

        let mut violations = crate::validate::Violations::new();
        violations.push(
            &crate::validate::FieldPath::root(),
            crate::validate::ViolationKind::Empty,
        );
        let invalid = Error::from(violations.into_result().unwrap_err());
        assert_eq!(invalid.kind(), ErrorKind::InvalidParams);
        assert_eq!(invalid.attempts(), 0);
        assert!(!invalid.is_retryable());
        assert_eq!(invalid.operation_id(), None);
    }

    #[test]
    fn error_objects_ignore_unknown_members_and_keep_unknown_types() {
        let object: ApiErrorObject = serde_json::from_str(
            r#"{"type":"brand_new_error","message":"m","future":{"a":1},
                "payment_intent":{"id":"pi_1","client_secret":"pi_1_secret_x"}}"#,
        )
        .unwrap();
        assert_eq!(
            object.type_,
            ApiErrorType::Unknown("brand_new_error".to_owned())
        );
        assert_eq!(object.message.as_deref(), Some("m"));
        let debug = format!("{object:?}");
        assert!(debug.contains("pi_1"), "{debug}");
        assert!(!debug.contains("pi_1_secret_x"), "{debug}");
        assert_eq!(
            object.payment_intent.unwrap()["client_secret"],
            "pi_1_secret_x"
        );
    }
}
