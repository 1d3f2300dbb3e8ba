//! Hand-written: per-request options ([`RequestOptions`]) and the application information a
//! client adds to its `User-Agent` ([`AppInfo`]), with the checks that run before anything is
//! sent.

use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::validate::{FieldPath, InvalidParams, ViolationKind, Violations};

/// The most characters Stripe accepts in an idempotency key.
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 255;

/// Options for the requests made through one [`Client::with_options`](crate::Client::with_options)
/// handle. Every option left unset falls back to the client's configuration.
///
/// ```no_run
/// use std::time::Duration;
/// use stripe_sdk::{Client, RequestOptions, TerminalConnectionTokenCreateParams};
///
/// # async fn run(client: Client, order_id: &str) -> Result<(), stripe_sdk::Error> {
/// let params = TerminalConnectionTokenCreateParams::default();
/// let token = client
///     .with_options(
///         RequestOptions::new()
///             .idempotency_key(format!("connection-token-{order_id}"))
///             .stripe_account("acct_1032D82eZvKYlo2C")
///             .timeout(Duration::from_secs(10))
///             .max_retries(5),
///     )
///     .post_terminal_connection_tokens(&params)
///     .await?;
/// # drop(token);
/// # Ok(())
/// # }
/// ```
///
/// The options are checked when a request is made, before anything is sent: an empty
/// idempotency key, one longer than 255 characters, or a value that is not printable ASCII
/// gives [`Error::InvalidParams`](crate::Error::InvalidParams) with a violation at the option's
/// name (`idempotency_key`, `stripe_account` or `api_version`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    pub(crate) idempotency_key: Option<String>,
    pub(crate) stripe_account: Option<String>,
    pub(crate) api_version: Option<String>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
}

impl RequestOptions {
    /// No options: everything comes from the client.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `key` as the `Idempotency-Key` instead of a generated one, so that repeating the
    /// request later (after a crash, say) cannot perform the operation twice.
    ///
    /// A key identifies one operation with one set of parameters: reusing a handle that carries
    /// a key for a different request makes Stripe answer with the first request's result or an
    /// idempotency error. At most 255 characters, printable ASCII.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Acts on the connected account `account` (`acct_...`) through the `Stripe-Account` header,
    /// for Connect platforms.
    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.stripe_account = Some(account.into());
        self
    }

    /// Sends `version` as `Stripe-Version` instead of the SDK's `API_VERSION`.
    ///
    /// The response types are generated for the SDK's `API_VERSION`; under another
    /// version a response may not decode, which gives [`Error::Decode`](crate::Error::Decode)
    /// naming the field.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Limits each attempt of the request to `timeout` instead of the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries the request at most `max_retries` times instead of the client's number;
    /// `0` sends it once.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// These options, with every option set in `overrides` replacing the one here.
    pub(crate) fn merged_with(&self, overrides: RequestOptions) -> RequestOptions {
        RequestOptions {
            idempotency_key: overrides
                .idempotency_key
                .or_else(|| self.idempotency_key.clone()),
            stripe_account: overrides
                .stripe_account
                .or_else(|| self.stripe_account.clone()),
            api_version: overrides.api_version.or_else(|| self.api_version.clone()),
            timeout: overrides.timeout.or(self.timeout),
            max_retries: overrides.max_retries.or(self.max_retries),
        }
    }

    /// Checks the header-bound options and converts them to header values, reporting every
    /// problem at once. `generated_key` is used when no idempotency key was given.
    pub(crate) fn headers(
        &self,
        generated_key: Option<String>,
    ) -> Result<OptionHeaders, InvalidParams> {
        let mut violations = Violations::new();
        let root = FieldPath::root();
        let idempotency_key = match (&self.idempotency_key, generated_key) {
            (Some(key), _) => header_value(
                &mut violations,
                &root.field("idempotency_key"),
                key,
                Some(MAX_IDEMPOTENCY_KEY_CHARS),
            ),
            (None, Some(key)) => {
                header_value(&mut violations, &root.field("idempotency_key"), &key, None)
            }
            (None, None) => None,
        };
        let stripe_account = self.stripe_account.as_deref().and_then(|account| {
            header_value(
                &mut violations,
                &root.field("stripe_account"),
                account,
                None,
            )
        });
        let api_version = self.api_version.as_deref().and_then(|version| {
            header_value(&mut violations, &root.field("api_version"), version, None)
        });
        violations.into_result()?;
        Ok(OptionHeaders {
            idempotency_key,
            stripe_account,
            api_version,
        })
    }
}

/// The header values of one request's options, already checked.
pub(crate) struct OptionHeaders {
    pub(crate) idempotency_key: Option<HeaderValue>,
    pub(crate) stripe_account: Option<HeaderValue>,
    pub(crate) api_version: Option<HeaderValue>,
}

/// Checks that `value` is a non-empty run of printable ASCII of at most `max` characters and
/// converts it, recording a violation (which never quotes the value) otherwise.
fn header_value(
    violations: &mut Violations,
    path: &FieldPath<'_>,
    value: &str,
    max: Option<usize>,
) -> Option<HeaderValue> {
    if value.is_empty() {
        violations.push(path, ViolationKind::Empty);
        return None;
    }
    if let Some(max) = max {
        let actual = value.chars().count();
        if actual > max {
            violations.push(path, ViolationKind::TooLong { max, actual });
            return None;
        }
    }
    // Printable ASCII only: control characters would be rejected by the HTTP stack, and bytes
    // beyond ASCII are not reliably carried by proxies and servers.
    if !value.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
        violations.push(path, ViolationKind::NotPrintableAscii);
        return None;
    }
    match HeaderValue::from_str(value) {
        Ok(header) => Some(header),
        Err(_) => {
            violations.push(path, ViolationKind::NotPrintableAscii);
            None
        }
    }
}

/// The application built on this SDK, named in every request's `User-Agent` after the SDK's
/// own product token (`stripe-sdk-rust/0.4.0 MyPlugin/1.2.0 (https://example.com)`), so that
/// Stripe can tell which integration sent a request.
///
/// ```
/// let app = stripe_sdk::AppInfo::new("MyPlugin")
///     .version("1.2.0")
///     .url("https://example.com");
/// let client = stripe_sdk::Client::builder("sk_test_...").app_info(app).build();
/// # drop(client);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppInfo {
    pub(crate) name: String,
    pub(crate) version: Option<String>,
    pub(crate) url: Option<String>,
}

impl AppInfo {
    /// An application called `name`: an HTTP token, such as `MyPlugin` or `acme-billing`
    /// (letters, digits and ``!#$%&'*+-.^_`|~``; no spaces or slashes).
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            version: None,
            url: None,
        }
    }

    /// The application's version, an HTTP token like the name (`1.2.0`).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// A URL where the application is described; printable ASCII without parentheses or
    /// backslashes, since it is sent inside a `User-Agent` comment.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// The `User-Agent` suffix (`Name/Version (url)`), or a message saying what is wrong.
    pub(crate) fn user_agent_suffix(&self) -> Result<String, String> {
        if !is_token(&self.name) {
            return Err(format!(
                "the application name `{}` must be a non-empty HTTP token (letters, digits and \
                 !#$%&'*+-.^_`|~, no spaces or slashes)",
                self.name.escape_debug()
            ));
        }
        let mut suffix = self.name.clone();
        if let Some(version) = &self.version {
            if !is_token(version) {
                return Err(format!(
                    "the application version `{}` must be a non-empty HTTP token (letters, \
                     digits and !#$%&'*+-.^_`|~, no spaces or slashes)",
                    version.escape_debug()
                ));
            }
            suffix.push('/');
            suffix.push_str(version);
        }
        if let Some(url) = &self.url {
            let fits_a_comment = !url.is_empty()
                && url
                    .chars()
                    .all(|c| c.is_ascii_graphic() && !matches!(c, '(' | ')' | '\\'));
            if !fits_a_comment {
                return Err(format!(
                    "the application URL `{}` must be non-empty printable ASCII without spaces, \
                     parentheses or backslashes",
                    url.escape_debug()
                ));
            }
            suffix.push_str(" (");
            suffix.push_str(url);
            suffix.push(')');
        }
        Ok(suffix)
    }
}

/// Whether `text` is an HTTP token (RFC 9110 `token`), the grammar of a product name.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{AppInfo, RequestOptions};
    use crate::validate::ViolationKind;

    #[test]
    fn later_options_override_earlier_ones_field_by_field() {
        let base = RequestOptions::new()
            .idempotency_key("k1")
            .stripe_account("acct_1")
            .timeout(Duration::from_secs(1));
        let merged = base.merged_with(RequestOptions::new().idempotency_key("k2").max_retries(0));
        assert_eq!(
            merged,
            RequestOptions::new()
                .idempotency_key("k2")
                .stripe_account("acct_1")
                .timeout(Duration::from_secs(1))
                .max_retries(0)
        );
    }

    #[test]
    fn idempotency_keys_are_checked_without_being_quoted() {
        let kinds = |options: RequestOptions| -> Vec<(String, ViolationKind)> {
            match options.headers(None) {
                Ok(_) => Vec::new(),
                Err(error) => error
                    .violations()
                    .iter()
                    .map(|v| (v.path().to_owned(), v.kind().clone()))
                    .collect(),
            }
        };
        let key = |k: String| RequestOptions::new().idempotency_key(k);
        assert_eq!(kinds(key("a".repeat(255))), []);
        assert_eq!(
            kinds(key("a".repeat(256))),
            [(
                "idempotency_key".to_owned(),
                ViolationKind::TooLong {
                    max: 255,
                    actual: 256
                }
            )]
        );
        assert_eq!(
            kinds(key(String::new())),
            [("idempotency_key".to_owned(), ViolationKind::Empty)]
        );
        assert_eq!(
            kinds(key("caf\u{e9}".to_owned())),
            [(
                "idempotency_key".to_owned(),
                ViolationKind::NotPrintableAscii
            )]
        );
        // Every problem is reported at once.
        assert_eq!(
            kinds(
                RequestOptions::new()
                    .idempotency_key("k\n")
                    .stripe_account("")
                    .api_version("2023-08-16\r")
            ),
            [
                (
                    "idempotency_key".to_owned(),
                    ViolationKind::NotPrintableAscii
                ),
                ("stripe_account".to_owned(), ViolationKind::Empty),
                ("api_version".to_owned(), ViolationKind::NotPrintableAscii),
            ]
        );
        let error = RequestOptions::new()
            .idempotency_key("secret\u{7}key")
            .headers(None)
            .err()
            .unwrap();
        assert!(!error.to_string().contains("secret"), "{error}");
    }

    #[test]
    fn a_generated_key_is_used_only_without_a_caller_key() {
        let headers = RequestOptions::new()
            .headers(Some("generated".to_owned()))
            .ok()
            .unwrap();
        assert_eq!(headers.idempotency_key.unwrap(), "generated");
        let headers = RequestOptions::new()
            .idempotency_key("mine")
            .headers(Some("generated".to_owned()))
            .ok()
            .unwrap();
        assert_eq!(headers.idempotency_key.unwrap(), "mine");
        let headers = RequestOptions::new().headers(None).ok().unwrap();
        assert!(headers.idempotency_key.is_none());
    }

    #[test]
    fn app_info_renders_as_a_product_token_and_comment() {
        assert_eq!(
            AppInfo::new("MyPlugin").user_agent_suffix().unwrap(),
            "MyPlugin"
        );
        assert_eq!(
            AppInfo::new("MyPlugin")
                .version("1.2.0")
                .url("https://example.com/x?y=1")
                .user_agent_suffix()
                .unwrap(),
            "MyPlugin/1.2.0 (https://example.com/x?y=1)"
        );
        for bad in [
            AppInfo::new(""),
            AppInfo::new("My Plugin"),
            AppInfo::new("a/b"),
            AppInfo::new("ok").version(""),
            AppInfo::new("ok").version("1 2"),
            AppInfo::new("ok").url("https://x (y)"),
            AppInfo::new("ok").url(""),
            AppInfo::new("caf\u{e9}"),
        ] {
            assert!(bad.user_agent_suffix().is_err(), "{bad:?}");
        }
    }
}
