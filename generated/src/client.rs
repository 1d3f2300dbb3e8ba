//! Hand-written: the HTTP client that generated operations call, with its configuration, the
//! headers every request carries, and the mapping of responses to results and errors.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT,
};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiErrorObject, ConfigError, DecodeError, Error};

/// Where requests go unless the builder says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com";

/// How long a request may take, end to end, when the client builds its own HTTP client. This
/// is the official SDKs' default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(80);

/// The `User-Agent` product token: this SDK and its version.
const USER_AGENT_VALUE: &str = concat!("stripe-sdk-rust/", env!("CARGO_PKG_VERSION"));

// Header names and values are built where they are used: `HeaderValue` holds `Bytes`, whose
// atomic pointer makes a `const` of it a fresh copy at every use anyway (and clippy flags it).
const STRIPE_VERSION: &str = "stripe-version";
const REQUEST_ID: &str = "request-id";
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// One API call as generated code describes it; [`Client::execute`] sends it.
#[derive(Debug)]
pub(crate) struct ApiRequest {
    /// The operation's `operationId` in the API document, kept for error messages.
    pub(crate) operation_id: &'static str,
    pub(crate) method: Method,
    /// The path below the base URL, starting with `/`, path parameters already encoded.
    pub(crate) path: String,
    /// The already-encoded query string, without the leading `?`.
    pub(crate) query: Option<String>,
    /// The already-encoded `application/x-www-form-urlencoded` body.
    pub(crate) form: Option<String>,
}

/// The secret API key, which must never be printed; `Debug` shows `[redacted]`.
#[derive(Clone)]
struct SecretKey(String);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::REDACTED)
    }
}

/// A Stripe API client. Cheap to clone: clones share one connection pool and configuration.
///
/// ```no_run
/// # async fn run() -> Result<(), stripe_sdk::Error> {
/// let client = stripe_sdk::Client::new("sk_test_...")?;
/// let params = stripe_sdk::terminal::PostTerminalConnectionTokensParams::default();
/// let token = client.post_terminal_connection_tokens(&params).await?;
/// # drop(token);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// The base URL without a trailing slash, so that `base_url + path` is the request URL.
    base_url: String,
    /// `Bearer <key>`, marked sensitive so that HTTP-level logging leaves it out.
    authorization: HeaderValue,
    stripe_version: HeaderValue,
    /// Kept to blank the key out of error bodies, should a server or proxy echo it.
    secret_key: SecretKey,
    timeout: Option<Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_version", &crate::API_VERSION)
            .field("secret_key", &self.inner.secret_key)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
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

    /// A builder for a client with a different base URL, timeout or HTTP client.
    pub fn builder(secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            secret_key: SecretKey(secret_key.into()),
            base_url: None,
            http_client: None,
            timeout: None,
        }
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends `request` and decodes a success response into `T`.
    ///
    /// Any non-2xx status is an error, whatever the body says: [`Error::Api`] when the body is
    /// Stripe's error envelope, [`Error::Decode`] otherwise.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        request: ApiRequest,
    ) -> Result<T, Error> {
        let inner = &*self.inner;
        let ApiRequest {
            operation_id,
            method,
            path,
            query,
            form,
        } = request;

        let mut url = String::with_capacity(
            inner.base_url.len() + path.len() + query.as_ref().map_or(0, |q| q.len() + 1),
        );
        url.push_str(&inner.base_url);
        url.push_str(&path);
        if let Some(query) = query.as_deref().filter(|query| !query.is_empty()) {
            url.push('?');
            url.push_str(query);
        }

        let mut builder = inner
            .http
            .request(method, url)
            .header(AUTHORIZATION, inner.authorization.clone())
            .header(
                HeaderName::from_static(STRIPE_VERSION),
                inner.stripe_version.clone(),
            )
            .header(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE))
            .header(ACCEPT, HeaderValue::from_static(JSON));
        if let Some(form) = form {
            // An empty form is still sent as an empty body with its content type, as the
            // official SDKs do for a POST without parameters. The length is set explicitly
            // because the HTTP stack leaves `Content-Length: 0` out for an empty body, and
            // some proxies answer a POST without it with 411 Length Required.
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE))
                .header(CONTENT_LENGTH, HeaderValue::from(form.len()))
                .body(form);
        }
        if let Some(timeout) = inner.timeout {
            builder = builder.timeout(timeout);
        }

        let response = builder.send().await.map_err(Error::Transport)?;
        let status = response.status();
        let request_id = response
            .headers()
            .get(REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.map_err(Error::Transport)?;

        if status.is_success() {
            decode_success(&body).map_err(|(json_path, message)| {
                let text = self.scrub(String::from_utf8_lossy(&body).into_owned());
                Error::Decode(Box::new(DecodeError::new(
                    status,
                    request_id,
                    operation_id,
                    json_path,
                    message,
                    &text,
                )))
            })
        } else {
            Err(self.error_response(status, request_id, operation_id, &body))
        }
    }

    /// Maps a non-2xx response to [`Error::Api`], or to [`Error::Decode`] when the body is not
    /// Stripe's error envelope. Never returns success, whatever the body holds.
    fn error_response(
        &self,
        status: StatusCode,
        request_id: Option<String>,
        operation_id: &'static str,
        body: &[u8],
    ) -> Error {
        #[derive(serde::Deserialize)]
        struct Envelope {
            error: ApiErrorObject,
        }

        // Blank the key before anything is parsed, so no part of the error can hold it.
        let text = self.scrub(String::from_utf8_lossy(body).into_owned());
        match decode_success::<Envelope>(text.as_bytes()) {
            Ok(envelope) => Error::Api(Box::new(ApiError {
                status,
                request_id,
                operation_id,
                error: envelope.error,
                body: text,
            })),
            Err((json_path, message)) => Error::Decode(Box::new(DecodeError::new(
                status,
                request_id,
                operation_id,
                json_path,
                message,
                &text,
            ))),
        }
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

/// Decodes one JSON value from `body`, rejecting trailing data. On failure returns the JSON
/// path where decoding stopped (`.` for the top level) and the decoder's message.
fn decode_success<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, String)> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| (error.path().to_string(), error.into_inner().to_string()))?;
    deserializer
        .end()
        .map_err(|error| (".".to_owned(), error.to_string()))?;
    Ok(value)
}

/// Configures a [`Client`]; see [`Client::builder`].
pub struct ClientBuilder {
    secret_key: SecretKey,
    base_url: Option<String>,
    http_client: Option<reqwest::Client>,
    timeout: Option<Duration>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("secret_key", &self.secret_key)
            .field("base_url", &self.base_url)
            .field("http_client", &self.http_client.as_ref().map(|_| "custom"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ClientBuilder {
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

    /// Limits how long each request may take, from sending to reading the whole body.
    /// Defaults to 80 seconds when the client builds its own HTTP client.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the key is empty or not a valid header value, when the base URL
    /// does not parse or is not a plain `http`/`https` URL, or when the HTTP client cannot be
    /// initialised.
    pub fn build(self) -> Result<Client, Error> {
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
        let stripe_version = HeaderValue::from_str(crate::API_VERSION)
            .map_err(|_| config("the API version is not a valid HTTP header value".to_owned()))?;

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
                secret_key: self.secret_key,
                timeout,
            }),
        })
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
    use super::{Client, normalize_base_url};
    use crate::Error;

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
