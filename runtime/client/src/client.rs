//! The HTTP client that generated operations call, with its configuration, the headers every
//! request carries, retries with backoff, and the mapping of responses to results and errors.
//!
//! One call of an operation is validated and encoded once, then sent up to `max_retries + 1`
//! times with identical bytes (the same `Idempotency-Key` included). Each call is a `tracing`
//! span (`stripe_request`) and each attempt a child span (`stripe_attempt`); they carry the
//! operation, method, path, attempt number, status, request id and duration, never headers or
//! bodies.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::decode::{Decode, json_path_at};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue,
    USER_AGENT,
};
use reqwest::{Method, StatusCode};
use tracing::Instrument;
use tracing::field::Empty;

use crate::error::{ApiError, ApiErrorObject, ConfigError, DecodeError, Error, TransportError};
use crate::options::{AppInfo, RequestOptions};
use crate::retry;

pub use crate::retry::{DEFAULT_MAX_RETRIES, MAX_RETRY_AFTER};

/// Where requests go unless the builder says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com";

/// How long each attempt of a request may take, from sending to reading the whole body, when
/// the client builds its own HTTP client. This is the official SDKs' default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(80);

/// The `User-Agent` product token's name; its version is the SDK's ([`Api::SDK_VERSION`]).
const USER_AGENT_PRODUCT: &str = "stripe-sdk-rust";

// Header names and values are built where they are used: `HeaderValue` holds `Bytes`, whose
// atomic pointer makes a `const` of it a fresh copy at every use anyway (and clippy flags it).
const STRIPE_VERSION: &str = "stripe-version";
const STRIPE_ACCOUNT: &str = "stripe-account";
const IDEMPOTENCY_KEY: &str = "idempotency-key";
const REQUEST_ID: &str = "request-id";
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// What a generated SDK crate tells the runtime about itself. Its client type, whose inherent
/// methods are the generated operations, wraps this crate's [`Client`].
pub trait Api: Sized {
    /// The API version the SDK was generated for, sent as `Stripe-Version`.
    const API_VERSION: &'static str;

    /// The SDK crate's version, sent in the `User-Agent`.
    const SDK_VERSION: &'static str;

    /// The SDK's client around a runtime client.
    fn from_runtime(client: Client) -> Self;

    /// The runtime client inside the SDK's.
    fn runtime(&self) -> &Client;
}

/// One API call as generated code describes it; [`Client::execute`] sends it. Public (and
/// hidden) for the generated crate, which builds one per call.
#[doc(hidden)]
pub struct ApiRequest {
    /// The operation's `operationId` in the API document, kept for error messages.
    pub(crate) operation_id: &'static str,
    pub(crate) method: Method,
    /// The path below the base URL, starting with `/`, path parameters already encoded.
    pub(crate) path: String,
    /// The already-encoded query string, without the leading `?`.
    pub(crate) query: Option<String>,
    /// The already-encoded body.
    pub(crate) body: Option<RequestBody>,
    /// The operation's own server (`https://files.stripe.com`), used instead of the default
    /// base URL; a base URL the caller chose (a mock, a proxy) wins over it.
    pub(crate) server: Option<&'static str>,
}

/// An encoded request body; it is encoded once and every attempt sends the same bytes.
#[allow(
    dead_code,
    reason = "the runtime serves any selection of operations; a small one leaves some of it unused"
)]
pub(crate) enum RequestBody {
    Form(String),
    Multipart(crate::multipart::MultipartBody),
}

#[allow(
    dead_code,
    reason = "the runtime serves any selection of operations; a small one leaves some of it unused"
)]
impl ApiRequest {
    pub fn new(operation_id: &'static str, method: Method, path: String) -> Self {
        ApiRequest {
            operation_id,
            method,
            path,
            query: None,
            body: None,
            server: None,
        }
    }

    pub fn query(mut self, query: String) -> Self {
        self.query = Some(query);
        self
    }

    pub fn form(mut self, form: String) -> Self {
        self.body = Some(RequestBody::Form(form));
        self
    }

    pub fn multipart(mut self, body: crate::multipart::MultipartBody) -> Self {
        self.body = Some(RequestBody::Multipart(body));
        self
    }

    pub fn server(mut self, server: &'static str) -> Self {
        self.server = Some(server);
        self
    }
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The query and the form hold the parameters, which may include secrets such as a
        // `client_secret`, so only their sizes are shown.
        f.debug_struct("ApiRequest")
            .field("operation_id", &self.operation_id)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query_len", &self.query.as_ref().map(String::len))
            .field(
                "body_len",
                &self.body.as_ref().map(|body| match body {
                    RequestBody::Form(form) => form.len(),
                    RequestBody::Multipart(body) => body.bytes().len(),
                }),
            )
            .field("server", &self.server)
            .finish()
    }
}

/// The secret API key, which must never be printed; `Debug` shows `[redacted]`.
#[derive(Clone)]
struct SecretKey(String);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::REDACTED)
    }
}

/// What the client awaits between attempts; see [`ClientBuilder::retry_sleep`].
type SleepFn = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// The transport that the SDK's client wraps (see [`Api`]): the connection pool, the
/// configuration and the per-handle request options. Cheap to clone: clones share the pool and
/// the configuration.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Set by [`with_options`](Self::with_options); shared by clones of that handle.
    options: Option<Arc<RequestOptions>>,
}

struct Inner {
    http: reqwest::Client,
    /// The base URL without a trailing slash, so that `base_url + path` is the request URL.
    base_url: String,
    /// `Bearer <key>`, marked sensitive so that HTTP-level logging leaves it out.
    authorization: HeaderValue,
    stripe_version: HeaderValue,
    /// The version `stripe_version` holds, for `Debug`.
    api_version: &'static str,
    user_agent: HeaderValue,
    /// Kept to blank the key out of error bodies, should a server or proxy echo it.
    secret_key: SecretKey,
    timeout: Option<Duration>,
    max_retries: u32,
    sleep: Option<SleepFn>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_version", &self.inner.api_version)
            .field("secret_key", &self.inner.secret_key)
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .field("user_agent", &self.inner.user_agent)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// A request ready to send: checked, encoded, with every header but the per-attempt ones.
struct Prepared {
    operation_id: &'static str,
    method: Method,
    /// Parsed once; each attempt sends a copy.
    url: reqwest::Url,
    headers: HeaderMap,
    /// Shared, so that each attempt sends the same bytes without copying them.
    body: Option<bytes::Bytes>,
    timeout: Option<Duration>,
    max_retries: u32,
}

/// What one attempt produced, with what the retry decision and the spans need.
struct Attempt {
    result: Result<(), Error>,
    status: Option<StatusCode>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
}

impl Client {
    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
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
        let merged = match &self.options {
            Some(existing) => existing.merged_with(options),
            None => options,
        };
        Client {
            inner: Arc::clone(&self.inner),
            options: Some(Arc::new(merged)),
        }
    }

    /// Sends `request`, retrying it when that may help, and decodes a success response into
    /// `T`.
    ///
    /// The request comes as generated code built it, checked and encoded before the call: when
    /// that failed, the future's output is that error and nothing is sent.
    ///
    /// Any non-2xx status is an error, whatever the body says: [`Error::Api`], with Stripe's
    /// error envelope when the body is one and the body as text otherwise.
    #[allow(
        dead_code,
        reason = "the runtime serves any selection of operations; one with none (webhook events only) leaves it unused"
    )]
    #[doc(hidden)]
    pub async fn execute<T: Decode + Send>(
        &self,
        request: Result<ApiRequest, Error>,
    ) -> Result<T, Error> {
        let request = request?;
        // The transport and its retries are one non-generic function that hands the success
        // body to `decode`: generic over `T`, they would be compiled again for every response
        // type of every operation a program enables.
        let mut decoded = None;
        let mut decode = |body: &[u8]| {
            decoded = Some(decode_success::<T>(body)?);
            Ok(())
        };
        self.execute_with(request, &mut decode).await?;
        decoded.ok_or_else(no_decoded_value)
    }

    /// Like [`Client::execute`] for operations that return a document (a PDF): the success
    /// body's bytes as they are.
    #[allow(
        dead_code,
        reason = "the runtime serves any selection of operations; a small one leaves some of it unused"
    )]
    #[doc(hidden)]
    pub async fn execute_bytes(
        &self,
        request: Result<ApiRequest, Error>,
    ) -> Result<Vec<u8>, Error> {
        let request = request?;
        let mut bytes = None;
        let mut keep = |body: &[u8]| {
            bytes = Some(body.to_vec());
            Ok(())
        };
        self.execute_with(request, &mut keep).await?;
        bytes.ok_or_else(no_decoded_value)
    }

    async fn execute_with(&self, request: ApiRequest, decode: Decoder<'_>) -> Result<(), Error> {
        // The blocking client, called inside an async runtime, polls this future once and
        // needs it to finish at once; this check comes before anything else for that reason.
        #[cfg(feature = "blocking")]
        if crate::blocking::refusing_on_this_thread() {
            return Err(crate::blocking::inside_runtime_error());
        }

        let span = tracing::info_span!(
            "stripe_request",
            operation_id = request.operation_id,
            method = %request.method,
            path = %request.path,
            attempts = Empty,
            status = Empty,
            request_id = Empty,
            duration_ms = Empty,
        );
        let prepared = self.prepare(request)?;
        // Durations are only for the spans; without a subscriber that wants them, reading the
        // clock is skipped.
        let started = (!span.is_disabled()).then(Instant::now);
        let (result, last) = self
            .send_with_retries(&prepared, decode)
            .instrument(span.clone())
            .await;
        span.record("attempts", last.attempts);
        if let Some(status) = last.status {
            span.record("status", status.as_u16());
        }
        if let Some(request_id) = &last.request_id {
            span.record("request_id", request_id.as_str());
        }
        if let Some(started) = started {
            span.record("duration_ms", millis(started.elapsed()));
        }
        result
    }

    /// Checks the request options and builds the URL and headers shared by every attempt.
    fn prepare(&self, request: ApiRequest) -> Result<Prepared, Error> {
        let inner = &*self.inner;
        let ApiRequest {
            operation_id,
            method,
            path,
            query,
            body,
            server,
        } = request;
        // Operations served elsewhere (file uploads) go to their own server, unless the
        // caller pointed the client somewhere else, where everything goes.
        let base_url = match server {
            Some(server) if inner.base_url == DEFAULT_BASE_URL => server,
            _ => inner.base_url.as_str(),
        };
        let no_options = RequestOptions::default();
        let options = self.options.as_deref().unwrap_or(&no_options);

        // Every POST carries a key, generated unless the caller chose one, so that a retry
        // (ours, or the caller's after a crash) cannot create the object twice. GET and DELETE
        // are idempotent already; a key the caller gives them is sent anyway, as Stripe allows.
        let generated_key = if method == Method::POST && options.idempotency_key.is_none() {
            let key = crate::random::uuid_v4().map_err(|error| {
                Error::Config(crate::error::ConfigError::new(format!(
                    "no idempotency key: {error}"
                )))
            })?;
            Some(key)
        } else {
            None
        };
        let option_headers = options.headers(generated_key)?;

        let mut url = String::with_capacity(
            base_url.len() + path.len() + query.as_ref().map_or(0, |q| q.len() + 1),
        );
        url.push_str(base_url);
        url.push_str(&path);
        if let Some(query) = query.as_deref().filter(|query| !query.is_empty()) {
            url.push('?');
            url.push_str(query);
        }
        // The base URL was checked when the client was built and the path and query are
        // percent-encoded, so this only fails on a bug; it is reported before anything is sent.
        let url = reqwest::Url::parse(&url).map_err(|error| {
            Error::Config(crate::error::ConfigError::new(format!(
                "the request URL for {operation_id} does not parse: {error}"
            )))
        })?;

        let mut headers = HeaderMap::with_capacity(9);
        headers.insert(AUTHORIZATION, inner.authorization.clone());
        headers.insert(
            HeaderName::from_static(STRIPE_VERSION),
            option_headers
                .api_version
                .unwrap_or_else(|| inner.stripe_version.clone()),
        );
        headers.insert(USER_AGENT, inner.user_agent.clone());
        headers.insert(ACCEPT, HeaderValue::from_static(JSON));
        if let Some(key) = option_headers.idempotency_key {
            headers.insert(HeaderName::from_static(IDEMPOTENCY_KEY), key);
        }
        if let Some(account) = option_headers.stripe_account {
            headers.insert(HeaderName::from_static(STRIPE_ACCOUNT), account);
        }
        let body = match body {
            None => None,
            Some(RequestBody::Form(form)) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE));
                Some(bytes::Bytes::from(form))
            }
            Some(RequestBody::Multipart(multipart)) => {
                let content_type =
                    HeaderValue::from_str(&multipart.content_type()).map_err(|_| {
                        crate::form::FormError::new("the multipart boundary is not a valid header")
                    })?;
                headers.insert(CONTENT_TYPE, content_type);
                Some(bytes::Bytes::from(multipart.bytes))
            }
        };
        if let Some(body) = &body {
            // An empty form is still sent as an empty body with its content type, as the
            // official SDKs do for a POST without parameters. The length is set explicitly
            // because the HTTP stack leaves `Content-Length: 0` out for an empty body, and
            // some proxies answer a POST without it with 411 Length Required.
            headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
        }

        Ok(Prepared {
            operation_id,
            method,
            url,
            headers,
            body,
            timeout: options.timeout.or(inner.timeout),
            max_retries: options.max_retries.unwrap_or(inner.max_retries),
        })
    }

    /// Sends the request until it succeeds, fails in a way another attempt cannot fix, or has
    /// been retried `max_retries` times. Returns the result and the last attempt's details.
    async fn send_with_retries(
        &self,
        prepared: &Prepared,
        decode: Decoder<'_>,
    ) -> (Result<(), Error>, LastAttempt) {
        let mut attempts: u32 = 0;
        loop {
            attempts = attempts.saturating_add(1);
            let span = tracing::debug_span!(
                "stripe_attempt",
                attempt = attempts,
                status = Empty,
                request_id = Empty,
                duration_ms = Empty,
            );
            let started = (!span.is_disabled()).then(Instant::now);
            let attempt = self
                .attempt(prepared, &mut *decode)
                .instrument(span.clone())
                .await;
            if let Some(status) = attempt.status {
                span.record("status", status.as_u16());
            }
            if let Some(request_id) = &attempt.request_id {
                span.record("request_id", request_id.as_str());
            }
            if let Some(started) = started {
                span.record("duration_ms", millis(started.elapsed()));
            }

            let last = LastAttempt {
                attempts,
                status: attempt.status,
                request_id: attempt.request_id,
            };
            let mut error = match attempt.result {
                Ok(value) => return (Ok(value), last),
                Err(error) => error,
            };
            if error.is_retryable() && attempts <= prepared.max_retries {
                let delay =
                    retry::retry_delay(attempts, retry::random_jitter(), attempt.retry_after);
                span.in_scope(|| {
                    tracing::info!(
                        attempt = attempts,
                        reason = %RetryReason(&error),
                        delay_ms = millis(delay),
                        "retrying the Stripe API request"
                    );
                });
                drop(span);
                self.pause(delay).await;
                continue;
            }
            error.set_attempts(attempts);
            tracing::debug!(
                attempts,
                kind = ?error.kind(),
                retryable = error.is_retryable(),
                "the Stripe API request failed"
            );
            return (Err(error), last);
        }
    }

    /// Sends the request once and maps the response (or the failure) to a result.
    async fn attempt(&self, prepared: &Prepared, decode: Decoder<'_>) -> Attempt {
        let inner = &*self.inner;
        // The request is assembled directly rather than through `RequestBuilder`, which would
        // parse the URL again and re-insert every header one by one on each attempt.
        let mut request = reqwest::Request::new(prepared.method.clone(), prepared.url.clone());
        *request.headers_mut() = prepared.headers.clone();
        // The body was encoded once; every attempt sends these same bytes.
        *request.body_mut() = prepared.body.clone().map(reqwest::Body::from);
        *request.timeout_mut() = prepared.timeout;

        let failed = |error: reqwest::Error, status, request_id| Attempt {
            result: Err(transport_error(error, prepared)),
            status,
            request_id,
            retry_after: None,
        };
        let response = match inner.http.execute(request).await {
            Ok(response) => response,
            Err(error) => return failed(error, None, None),
        };
        let status = response.status();
        let headers = response.headers();
        let request_id = headers
            .get(REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let should_retry = retry::should_retry_header(headers);
        let retry_after = retry::retry_after_header(headers);
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(error) => return failed(error, Some(status), request_id),
        };

        let result = if status.is_success() {
            decode(&body).map_err(|(json_path, message)| {
                let text = self.scrub(String::from_utf8_lossy(&body).into_owned());
                let mut error = DecodeError::new(
                    status,
                    request_id.clone(),
                    prepared.operation_id,
                    json_path,
                    message,
                    &text,
                );
                error.should_retry = should_retry;
                Error::Decode(Box::new(error))
            })
        } else {
            Err(self.error_response(
                status,
                request_id.clone(),
                should_retry,
                prepared.operation_id,
                &body,
            ))
        };
        Attempt {
            result,
            status: Some(status),
            request_id,
            retry_after,
        }
    }

    /// Waits `delay` before the next attempt, through the builder's hook when there is one.
    async fn pause(&self, delay: Duration) {
        match &self.inner.sleep {
            Some(sleep) => sleep(delay).await,
            None => tokio::time::sleep(delay).await,
        }
    }

    /// Maps a non-2xx response to [`Error::Api`]. Never returns success, whatever the body
    /// holds, and never a decode error: a body that is not Stripe's error envelope (a proxy's
    /// `404: Not Found`, an HTML 502 page, an empty body, some other JSON) is kept as text, so
    /// that the error still says what the status and the request id were.
    fn error_response(
        &self,
        status: StatusCode,
        request_id: Option<String>,
        should_retry: Option<bool>,
        operation_id: &'static str,
        body: &[u8],
    ) -> Error {
        // Blank the key before anything is parsed, so no part of the error can hold it.
        let text = self.scrub(String::from_utf8_lossy(body).into_owned());
        let envelope = read_error_envelope(&text);
        Error::Api(Box::new(ApiError {
            status,
            request_id,
            operation_id,
            envelope: envelope.is_some(),
            error: envelope.unwrap_or_default(),
            body: text,
            attempts: 1,
            should_retry,
        }))
    }

    /// Replaces every occurrence of the API key in `text` with `[redacted]`.
    fn scrub(&self, text: String) -> String {
        let key = self.inner.secret_key.0.as_str();
        if !key.is_empty() && text.contains(key) {
            text.replace(key, crate::REDACTED)
        } else {
            text
        }
    }
}

/// The attempt count, status and request id of a call's last attempt, for its span.
struct LastAttempt {
    attempts: u32,
    status: Option<StatusCode>,
    request_id: Option<String>,
}

/// Maps an HTTP client failure to [`Error::Timeout`] or [`Error::Transport`].
fn transport_error(error: reqwest::Error, prepared: &Prepared) -> Error {
    let is_timeout = error.is_timeout();
    let error = Box::new(TransportError::new(
        error,
        prepared.operation_id,
        prepared.timeout,
    ));
    if is_timeout {
        Error::Timeout(error)
    } else {
        Error::Transport(error)
    }
}

/// Why an attempt is retried, for the log: the error class and status, never its text, which
/// could quote parameters.
struct RetryReason<'a>(&'a Error);

impl fmt::Display for RetryReason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let should_retry = match self.0 {
            Error::Api(error) => error.should_retry,
            Error::Decode(error) => error.should_retry,
            _ => None,
        };
        match (self.0, self.0.status()) {
            (Error::Timeout(_), _) => f.write_str("timeout"),
            (Error::Transport(_), _) => f.write_str("connection error"),
            (_, Some(status)) if should_retry == Some(true) => {
                write!(
                    f,
                    "status {} with Stripe-Should-Retry: true",
                    status.as_u16()
                )
            }
            (_, Some(status)) => write!(f, "status {}", status.as_u16()),
            (_, None) => f.write_str("error"),
        }
    }
}

/// A duration in whole milliseconds, for span fields.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Turns a success body into the operation's result (kept by the caller), or says where it
/// could not: `(JSON path, message)`.
type Decoder<'d> = &'d mut (dyn FnMut(&[u8]) -> Result<(), (String, String)> + Send);

/// A transport that reported success without handing the body to its decoder: a bug, but
/// reported as an error rather than a panic.
fn no_decoded_value() -> Error {
    Error::Config(crate::error::ConfigError::new(
        "internal error: a successful response was not decoded".to_owned(),
    ))
}

/// Decodes a success body into the operation's result (one JSON value, nothing after it). On
/// failure returns the JSON path where decoding stopped (`.` for the top level) and the
/// decoder's message with its line and column.
fn decode_success<T: Decode>(body: &[u8]) -> Result<T, (String, String)> {
    let text = utf8_body(body)?;
    crate::decode::from_str(text)
        .map_err(|error| (json_path_at(body, error.offset()), error.located(text)))
}

/// The body as text, or where it stops being UTF-8.
fn utf8_body(body: &[u8]) -> Result<&str, (String, String)> {
    std::str::from_utf8(body).map_err(|error| {
        (
            json_path_at(body, error.valid_up_to()),
            format!("the body is not UTF-8: {error}"),
        )
    })
}

/// Stripe's error object, when `text` is its error envelope: a JSON object whose `error`
/// member is an object (its own members are read leniently, as [`ApiErrorObject`] says).
///
/// Anything else gives `None`, and why it is not an envelope is not reported: serde_json would
/// read the `404` of a proxy's `404: Not Found` as a number and say "invalid type: integer
/// `404`", which describes the parser, not the response. Text that does not open an object is
/// not parsed at all.
fn read_error_envelope(text: &str) -> Option<ApiErrorObject> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        error: ApiErrorObject,
    }

    if !text.trim_start().starts_with('{') {
        return None;
    }
    serde_json::from_str::<Envelope>(text)
        .ok()
        .map(|envelope| envelope.error)
}

/// The byte offset of a 1-based line and column (in bytes) as serde_json reports them: the
/// byte it stopped at.
pub(crate) fn byte_offset(text: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split(|byte| *byte == b'\n')
        .take(line.saturating_sub(1))
        .map(|line| line.len() + 1)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// Configures a client; `C` is the SDK's client type, which [`build`](Self::build) returns.
pub struct ClientBuilder<C> {
    secret_key: SecretKey,
    base_url: Option<String>,
    http_client: Option<reqwest::Client>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    app_info: Option<AppInfo>,
    sleep: Option<SleepFn>,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("secret_key", &self.secret_key)
            .field("base_url", &self.base_url)
            .field("http_client", &self.http_client.as_ref().map(|_| "custom"))
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("app_info", &self.app_info)
            .field("retry_sleep", &self.sleep.as_ref().map(|_| "custom"))
            .finish()
    }
}

impl<C: Api> ClientBuilder<C> {
    /// A builder for a client with `secret_key` and the default settings.
    pub fn new(secret_key: impl Into<String>) -> Self {
        ClientBuilder {
            secret_key: SecretKey(secret_key.into()),
            base_url: None,
            http_client: None,
            timeout: None,
            max_retries: None,
            app_info: None,
            sleep: None,
            client: PhantomData,
        }
    }

    /// Sends requests to `base_url` instead of `https://api.stripe.com`, for example a local
    /// mock server. A trailing slash is ignored; a path prefix (`http://host/stripe`) is kept.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Uses the caller's HTTP client (for its proxy, TLS or pool settings) instead of building
    /// one. Its own timeout applies unless [`timeout`](Self::timeout) is also set.
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Limits how long each attempt of a request may take, from sending to reading the whole
    /// body. Defaults to 80 seconds when the client builds its own HTTP client. With retries, a
    /// call can take up to `(max_retries + 1)` times this, plus the waits between attempts.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries a failed request at most `max_retries` times (default
    /// [`DEFAULT_MAX_RETRIES`], 2); `0` turns retries off.
    ///
    /// Connection failures, timeouts, 409 and 5xx responses are retried, and so is any error
    /// that Stripe marks with `Stripe-Should-Retry: true`, while `Stripe-Should-Retry: false`
    /// stops retries whatever the status. Every attempt sends the same bytes, including the same
    /// `Idempotency-Key`, so retrying a POST cannot perform it twice. Between attempts the
    /// client waits `min(0.5 s * 2^(n-1), 5 s)` scaled by a random factor in `[0.5, 1)`, at
    /// least 0.5 s, and at least what a `Retry-After` header asks, up to [`MAX_RETRY_AFTER`]
    /// (60 s).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Names the application built on this SDK in every request's `User-Agent`, for example
    /// `stripe-sdk-rust/0.4.0 MyPlugin/1.2.0 (https://example.com)`.
    pub fn app_info(mut self, app_info: AppInfo) -> Self {
        self.app_info = Some(app_info);
        self
    }

    /// Replaces how the client waits between attempts: it awaits `sleep(delay)` instead of
    /// `tokio::time::sleep(delay)`.
    ///
    /// Meant for tests, which can retry without waiting (`|_| async {}`) or record the delays
    /// the client chose; production code has no reason to set it.
    pub fn retry_sleep<F, Fut>(mut self, sleep: F) -> Self
    where
        F: Fn(Duration) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.sleep = Some(Arc::new(move |delay| Box::pin(sleep(delay))));
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the key is empty or not a valid header value, when the base URL
    /// does not parse or is not a plain `http`/`https` URL, when the application information
    /// does not fit in a `User-Agent`, or when the HTTP client cannot be initialised.
    pub fn build(self) -> Result<C, Error> {
        self.build_runtime().map(C::from_runtime)
    }

    fn build_runtime(self) -> Result<Client, Error> {
        let config = |message: String| Error::Config(ConfigError::new(message));
        let key = &self.secret_key.0;
        if key.is_empty() {
            return Err(config("the secret key is empty".to_owned()));
        }
        // Stripe keys are printable ASCII. The message must not quote the key, so it names
        // the likeliest cause instead.
        if !key.chars().all(|c| c.is_ascii_graphic()) {
            return Err(config(
                "the secret key contains whitespace, control or non-ASCII characters \
                 (a trailing newline from the file or variable it was read from?)"
                    .to_owned(),
            ));
        }
        let mut authorization = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
            config("the secret key contains characters not allowed in an HTTP header".to_owned())
        })?;
        authorization.set_sensitive(true);
        let stripe_version = HeaderValue::from_str(C::API_VERSION)
            .map_err(|_| config("the API version is not a valid HTTP header value".to_owned()))?;

        let mut user_agent = format!("{USER_AGENT_PRODUCT}/{}", C::SDK_VERSION);
        if let Some(app_info) = &self.app_info {
            user_agent.push(' ');
            user_agent.push_str(&app_info.user_agent_suffix().map_err(config)?);
        }
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| {
            config("the application information is not a valid HTTP header value".to_owned())
        })?;

        let base_url = normalize_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))
            .map_err(config)?;

        let (http, timeout) = match self.http_client {
            Some(http) => (http, self.timeout),
            None => {
                // Redirects are not followed: Stripe's API never redirects, and silently
                // replaying a POST elsewhere would hide a misconfigured base URL.
                let http = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|error| {
                        config(format!("the HTTP client could not be initialised: {error}"))
                    })?;
                (http, Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT)))
            }
        };

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                authorization,
                stripe_version,
                api_version: C::API_VERSION,
                user_agent,
                secret_key: self.secret_key,
                timeout,
                max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
                sleep: self.sleep,
            }),
            options: None,
        })
    }

    /// Checks the configuration and builds the SDK's blocking client with it, which owns a
    /// single-threaded Tokio runtime to run requests on.
    ///
    /// # Errors
    ///
    /// As [`build`](Self::build), and [`Error::Config`] when the runtime cannot be created.
    #[cfg(feature = "blocking")]
    pub fn build_blocking(self) -> Result<C::Blocking, Error>
    where
        C: crate::blocking::BlockingApi,
    {
        let client = self.build()?;
        Ok(C::blocking(client, crate::blocking::Runner::new()?))
    }
}

/// Checks that `input` is an absolute `http` or `https` URL without credentials, query or
/// fragment, and returns it without a trailing slash.
fn normalize_base_url(input: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(input.trim())
        .map_err(|error| format!("the base URL `{input}` is not a valid URL: {error}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the base URL `{input}` must start with http:// or https://"
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("the base URL `{input}` has no host"));
    }
    // Credentials in the URL would be repeated in transport error messages; the input is not
    // quoted for the same reason.
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the base URL must not contain a user name or password".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "the base URL `{input}` must not have a query or fragment"
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use reqwest::Method;

    use super::{Api, ApiRequest, Client, ClientBuilder, normalize_base_url};
    use crate::{Error, RequestOptions};

    /// The runtime's client stands for an SDK's in its own tests.
    impl Api for Client {
        const API_VERSION: &'static str = "2023-08-16";
        const SDK_VERSION: &'static str = "0.0.0";

        fn from_runtime(client: Client) -> Self {
            client
        }

        fn runtime(&self) -> &Client {
            self
        }
    }

    impl Client {
        fn new(secret_key: &str) -> Result<Client, Error> {
            Self::builder(secret_key).build()
        }

        fn builder(secret_key: &str) -> ClientBuilder<Client> {
            ClientBuilder::new(secret_key)
        }
    }

    fn request(method: Method) -> ApiRequest {
        ApiRequest::new("Op", method, "/v1/things".to_owned()).query("expand[0]=a".to_owned())
    }

    #[test]
    fn only_posts_get_a_generated_idempotency_key() {
        let client = Client::new("sk_test_123").unwrap();
        let post = client.prepare(request(Method::POST)).unwrap();
        let key = post.headers["idempotency-key"].to_str().unwrap();
        assert!(crate::random::tests::is_uuid_v4(key), "{key}");
        assert_eq!(post.max_retries, 2);
        assert_eq!(post.timeout, Some(std::time::Duration::from_secs(80)));
        assert_eq!(
            post.url.as_str(),
            "https://api.stripe.com/v1/things?expand[0]=a"
        );

        for method in [Method::GET, Method::DELETE] {
            let prepared = client.prepare(request(method.clone())).unwrap();
            assert!(
                !prepared.headers.contains_key("idempotency-key"),
                "{method}"
            );
            // A key the caller chose is sent with any method.
            let prepared = client
                .with_options(RequestOptions::new().idempotency_key("mine"))
                .prepare(request(method.clone()))
                .unwrap();
            assert_eq!(prepared.headers["idempotency-key"], "mine", "{method}");
        }
    }

    #[test]
    fn the_key_is_a_sensitive_header_and_absent_from_debug_output() {
        let client = Client::new("sk_test_123").unwrap();
        let prepared = client.prepare(request(Method::POST)).unwrap();
        assert!(prepared.headers["authorization"].is_sensitive());
        let debug = format!("{:?}", request(Method::POST));
        assert!(!debug.contains("expand"), "{debug}");
        let debug = format!(
            "{:?}",
            client.with_options(RequestOptions::new().stripe_account("acct_1"))
        );
        assert!(!debug.contains("sk_test_123"), "{debug}");
        assert!(debug.contains("acct_1"), "{debug}");
    }

    #[test]
    fn base_urls_are_normalized() {
        assert_eq!(
            normalize_base_url("https://api.stripe.com").unwrap(),
            "https://api.stripe.com"
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:12111/").unwrap(),
            "http://127.0.0.1:12111"
        );
        assert_eq!(
            normalize_base_url("http://localhost:8080/prefix//").unwrap(),
            "http://localhost:8080/prefix"
        );
    }

    #[test]
    fn bad_base_urls_are_rejected_clearly() {
        let cases = [
            ("not a url", "not a valid URL"),
            ("ftp://example.com", "http:// or https://"),
            ("http://example.com/?a=1", "query or fragment"),
            ("http://user:pw@example.com", "user name or password"),
            ("mailto:x@example.com", "http:// or https://"),
        ];
        for (input, expected) in cases {
            let error = Client::builder("sk_test_123")
                .base_url(input)
                .build()
                .unwrap_err();
            assert!(matches!(error, Error::Config(_)), "{input}: {error:?}");
            assert!(error.to_string().contains(expected), "{input}: {error}");
        }
    }

    #[test]
    fn bad_keys_are_rejected_without_being_quoted() {
        for key in ["", "sk_test_abc\n", "sk_test_a b", "sk_test_\u{e9}"] {
            let error = Client::new(key).unwrap_err();
            assert!(matches!(error, Error::Config(_)), "{error:?}");
            if !key.is_empty() {
                assert!(!error.to_string().contains(key.trim()), "{error}");
                assert!(!format!("{error:?}").contains(key.trim()), "{error:?}");
            }
        }
    }
}
