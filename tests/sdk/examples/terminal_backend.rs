//! Hand-written example: a minimal Stripe Terminal backend, the server a reader's host asks for
//! connection tokens and Stripe sends reader events to.
//!
//! ```text
//! STRIPE_SECRET_KEY=sk_test_... STRIPE_WEBHOOK_SECRET=whsec_... \
//!     cargo run -p stripe-sdk-tests --example terminal_backend -- [--listen 127.0.0.1:4242]
//! ```
//!
//! `POST /connection_token` answers `200 {"secret": "..."}`, the body Stripe's Terminal SDKs
//! expect from their connection-token provider. When Stripe cannot issue a token it answers
//! `{"error": {"message": ..., "request_id": ...}}`: 502 when Stripe or the network failed, 500
//! when this backend is misconfigured (a wrong key, a bad `TERMINAL_LOCATION`), 503 when Stripe
//! rate-limited it. With `TERMINAL_BACKEND_TOKEN` set, callers must send
//! `Authorization: Bearer <token>` (compared in constant time) or get 401; without it the
//! backend refuses to listen anywhere but on loopback, because anyone who can fetch a connection
//! token can connect a reader to your Stripe account.
//!
//! `POST /webhook` receives Stripe's events. It verifies the `Stripe-Signature` header with
//! `STRIPE_WEBHOOK_SECRET` (a forged, altered or stale request gets 400
//! `{"error":"invalid signature"}` and nothing else), decodes it with
//! `Webhook::construct_event` into the generated `Event` (whose `data.object` is a typed
//! `TerminalReader` for reader events), logs the outcome of reader actions
//! (`terminal.reader.action_succeeded` and `terminal.reader.action_failed`, with the reader, the
//! action type and the failure code and message) and answers 200 at once. A genuine reader
//! event whose reader does not fit the SDK's type (an endpoint on an older API version) is
//! answered 200 too, and logged with the reason. Without
//! `STRIPE_WEBHOOK_SECRET` the endpoint answers 503, so that Stripe keeps retrying until the
//! secret is configured, and the startup log says that webhooks are off.
//!
//! Environment: `STRIPE_SECRET_KEY` (required), `STRIPE_WEBHOOK_SECRET`,
//! `TERMINAL_BACKEND_TOKEN`, `STRIPE_API_BASE` (another base URL, such as a local mock server)
//! and `TERMINAL_LOCATION` (scopes every token to that location); an empty variable counts as
//! unset. Neither responses nor logs ever contain the API key, a token secret, the webhook
//! secret, a signature or the caller's bearer token. Exit codes: 0 after a clean shutdown
//! (Ctrl-C or SIGTERM), 1 when the server fails, 2 for a usage or configuration problem.
//!
//! The tests in `tests/terminal_backend.rs` include this file as a module and drive [`app`] and
//! [`serve`] over loopback, which is why those two are public and `main` stays thin.

use std::ffi::OsString;
use std::future::Future;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use ring::digest;
use stripe_sdk::TerminalConnectionTokenCreateParams;
use stripe_sdk::{Client, Error, Event, EventKind, EventObject, EventType, Webhook, WebhookError};
use subtle::ConstantTimeEq;

const USAGE: &str = "usage: terminal_backend [--listen ADDRESS:PORT]

Serves POST /connection_token for Stripe Terminal readers, answering {\"secret\": \"...\"},
and POST /webhook for Stripe's events about them.

options:
  --listen ADDRESS:PORT  where to listen (default 127.0.0.1:4242); an address other than
                         loopback needs TERMINAL_BACKEND_TOKEN
  -h, --help             print this help

environment (an empty variable counts as unset):
  STRIPE_SECRET_KEY       the secret API key (required)
  STRIPE_WEBHOOK_SECRET   the webhook endpoint's signing secret (whsec_...); without it
                          POST /webhook answers 503
  TERMINAL_BACKEND_TOKEN  a bearer token callers of POST /connection_token must send as
                          `Authorization: Bearer <token>`
  STRIPE_API_BASE         the API base URL (default https://api.stripe.com)
  TERMINAL_LOCATION       a location id (tml_...) to scope every token to";

/// Where the server listens unless `--listen` says otherwise; 4242 is the port Stripe's own
/// samples use, and loopback keeps a backend without caller authentication off the network.
const DEFAULT_LISTEN: &str = "127.0.0.1:4242";

/// The header Stripe signs webhooks in.
const STRIPE_SIGNATURE: &str = "stripe-signature";

/// What the command line and the environment ask for.
pub struct Config {
    pub listen: SocketAddr,
    pub secret_key: String,
    pub api_base: Option<String>,
    pub settings: Settings,
}

/// What the routes need besides the Stripe client. It holds secrets, so it has no `Debug`.
#[derive(Default)]
pub struct Settings {
    /// A location id (`tml_...`) every connection token is scoped to.
    pub location: Option<String>,
    /// The webhook endpoint's signing secret; without it `POST /webhook` answers 503.
    pub webhook_secret: Option<String>,
    /// The bearer token callers of `POST /connection_token` must present; without it any
    /// caller that can reach the backend gets tokens, so it only listens on loopback.
    pub access_token: Option<String>,
}

/// The outcome of reading the command line and the environment.
pub enum Invocation {
    Run(Config),
    Help,
}

#[tokio::main]
async fn main() -> ExitCode {
    run(std::env::args().skip(1), |name| std::env::var_os(name)).await
}

/// The whole program for the given command line (without the program name) and environment,
/// so that tests can check the exit codes without starting a process.
pub async fn run(
    args: impl IntoIterator<Item = String>,
    env: impl Fn(&str) -> Option<OsString>,
) -> ExitCode {
    let config = match parse_invocation(args, env) {
        Ok(Invocation::Run(config)) => config,
        Ok(Invocation::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("error: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    // Logs go to stderr; with no filter crate the default level is INFO, which includes one
    // line per request and the SDK's own events (such as retries).
    if let Err(error) = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init()
    {
        // The server works without logs; say so once rather than refuse to start.
        eprintln!("warning: logging is off: {error}");
    }

    let mut builder = Client::builder(config.secret_key);
    if let Some(base) = config.api_base {
        builder = builder.base_url(base);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => {
            // The SDK's configuration errors never quote the key.
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };

    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", config.listen);
            return ExitCode::FAILURE;
        }
    };
    let settings = config.settings;
    match listener.local_addr() {
        Ok(address) => tracing::info!(
            %address,
            location = settings.location.as_deref().unwrap_or("(none)"),
            webhooks = if settings.webhook_secret.is_some() { "on" } else { "off" },
            caller_authentication = if settings.access_token.is_some() { "bearer token" } else { "none" },
            "listening; POST /connection_token issues Terminal connection tokens, \
             POST /webhook receives Stripe's events"
        ),
        Err(error) => tracing::warn!(%error, "listening, but the bound address is unknown"),
    }
    if settings.webhook_secret.is_none() {
        tracing::warn!(
            "webhooks are off: POST /webhook answers 503 until STRIPE_WEBHOOK_SECRET is set to \
             the endpoint's signing secret (whsec_...; `stripe listen` prints one)"
        );
    }
    if settings.access_token.is_none() {
        tracing::warn!(
            "callers are not authenticated: any program on this machine can take connection \
             tokens; set TERMINAL_BACKEND_TOKEN to require `Authorization: Bearer <token>`"
        );
    }

    match serve(listener, app(client, settings), shutdown_signal()).await {
        Ok(()) => {
            tracing::info!("shut down cleanly");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: the server failed: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Reads the command line (without the program name) and the environment through `env`, so
/// that tests can check both without touching the process environment.
pub fn parse_invocation(
    args: impl IntoIterator<Item = String>,
    env: impl Fn(&str) -> Option<OsString>,
) -> Result<Invocation, String> {
    let mut listen: Option<SocketAddr> = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // Accept both `--listen value` and `--listen=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Invocation::Help),
            "--listen" => {
                if listen.is_some() {
                    return Err("--listen given more than once".to_owned());
                }
                let value = inline
                    .or_else(|| args.next().filter(|next| !next.starts_with("--")))
                    .ok_or_else(|| "--listen needs a value such as 127.0.0.1:4242".to_owned())?;
                let address = value.parse().map_err(|_| {
                    format!("--listen `{value}` is not an IP address and port (127.0.0.1:4242)")
                })?;
                listen = Some(address);
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let listen = match listen {
        Some(address) => address,
        None => DEFAULT_LISTEN
            .parse()
            .map_err(|_| format!("the default address {DEFAULT_LISTEN} does not parse"))?,
    };

    let text = |name: &str| -> Result<Option<String>, String> {
        match env(name) {
            None => Ok(None),
            Some(value) => value
                .into_string()
                .map(|value| Some(value).filter(|value| !value.is_empty()))
                .map_err(|_| format!("{name} is not valid UTF-8")),
        }
    };
    let secret_key = text("STRIPE_SECRET_KEY")?.ok_or_else(|| {
        "set STRIPE_SECRET_KEY to your secret API key (sk_test_... or sk_live_...)".to_owned()
    })?;
    let api_base = text("STRIPE_API_BASE")?;
    let location = text("TERMINAL_LOCATION")?;
    let webhook_secret = text("STRIPE_WEBHOOK_SECRET")?;
    let access_token = text("TERMINAL_BACKEND_TOKEN")?;

    // Without caller authentication, whoever reaches the port gets connection tokens, and with
    // them can connect a reader to the account; only this machine's own programs may. The
    // canonical form counts an IPv4-mapped loopback address (::ffff:127.0.0.1) as loopback.
    if access_token.is_none() && !listen.ip().to_canonical().is_loopback() {
        return Err(format!(
            "refusing to listen on {listen} without TERMINAL_BACKEND_TOKEN: anyone who can \
             reach that address could take connection tokens and connect a reader to your \
             Stripe account. Set TERMINAL_BACKEND_TOKEN to a long random value that your \
             reader app sends as `Authorization: Bearer <token>`, or listen on loopback only \
             (--listen 127.0.0.1:4242)"
        ));
    }

    // Checking the location against the API document's limits now turns a typo into a startup
    // error instead of a 500 on every reader's first request.
    let params = TerminalConnectionTokenCreateParams {
        location: location.clone(),
        expand: None,
    };
    if let Err(invalid) = params.validate() {
        return Err(format!(
            "TERMINAL_LOCATION is not a valid location id: {invalid}"
        ));
    }

    Ok(Invocation::Run(Config {
        listen,
        secret_key,
        api_base,
        settings: Settings {
            location,
            webhook_secret,
            access_token,
        },
    }))
}

/// What every request handler shares.
struct AppState {
    client: Client,
    location: Option<String>,
    webhook_secret: Option<String>,
    /// The SHA-256 of the bearer token callers must present. Comparing digests keeps the
    /// comparison constant-time without revealing the token's length through an early exit.
    access_token_digest: Option<digest::Digest>,
}

/// The backend's routes: `POST /connection_token`, answered with a token from `client` (scoped
/// to the configured location), and `POST /webhook`, which verifies and logs Stripe's events.
pub fn app(client: Client, settings: Settings) -> Router {
    let state = AppState {
        client,
        location: settings.location,
        webhook_secret: settings.webhook_secret,
        access_token_digest: settings
            .access_token
            .map(|token| digest::digest(&digest::SHA256, token.as_bytes())),
    };
    Router::new()
        .route("/connection_token", post(connection_token))
        .route("/webhook", post(webhook))
        .with_state(Arc::new(state))
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting connections and
/// waits for the requests in flight to finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on Ctrl-C, or on SIGTERM on Unix (what container runtimes and systemd send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            // Without a handler the server can still be stopped by SIGTERM or killed; shutting
            // down at once because a handler failed would be worse.
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received; finishing requests in flight"),
        () = terminate => tracing::info!("SIGTERM received; finishing requests in flight"),
    }
}

/// The success body: only `secret`, as the Terminal SDKs expect.
#[derive(serde::Serialize)]
struct TokenBody {
    secret: String,
}

#[derive(serde::Serialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(serde::Serialize)]
struct ErrorDetail {
    message: &'static str,
    /// Stripe's `Request-Id`, which Stripe support asks for; `null` when no response came.
    request_id: Option<String>,
}

async fn connection_token(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let started = Instant::now();
    if let Some(expected) = &state.access_token_digest
        && !bearer_token_matches(&headers, expected)
    {
        // What the caller sent is not logged: a near miss may be the real token mistyped.
        tracing::warn!(
            status = 401,
            "refused a connection token request: no or a wrong bearer token"
        );
        let body = ErrorBody {
            error: ErrorDetail {
                message: "send this backend's token as `Authorization: Bearer <token>`",
                request_id: None,
            },
        };
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
            Json(body),
        )
            .into_response();
    }
    let params = TerminalConnectionTokenCreateParams {
        location: state.location.clone(),
        expand: None,
    };
    let location = state.location.as_deref().unwrap_or("(none)");
    match state.client.post_terminal_connection_tokens(&params).await {
        Ok(token) => {
            // The secret is a credential for a reader: it goes to the caller and nowhere else.
            tracing::info!(
                status = 200,
                location,
                elapsed_ms = started.elapsed().as_millis(),
                "issued a connection token"
            );
            let mut response = Json(TokenBody {
                secret: token.secret,
            })
            .into_response();
            // A token is single-use and short-lived; no cache or proxy should keep a copy.
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => {
            let (status, message) = classify(&error);
            let request_id = error.request_id().map(str::to_owned);
            // The SDK's error text carries no key (it blanks the key and secret fields), so the
            // log can keep the detail an operator needs, while the caller gets a fixed message.
            tracing::warn!(
                status = status.as_u16(),
                stripe_status = error.status().map(|status| status.as_u16()),
                request_id = request_id.as_deref().unwrap_or("(none)"),
                location,
                elapsed_ms = started.elapsed().as_millis(),
                %error,
                "could not issue a connection token"
            );
            let body = ErrorBody {
                error: ErrorDetail {
                    message,
                    request_id,
                },
            };
            (status, Json(body)).into_response()
        }
    }
}

/// Chooses this backend's answer to a failed Stripe call: 502 when Stripe or the way to it
/// failed (a retry later may work), 500 when this backend's own configuration is wrong (no
/// retry will help until someone fixes it), 503 when Stripe asked it to slow down.
fn classify(error: &Error) -> (StatusCode, &'static str) {
    const UPSTREAM: &str = "Stripe could not be reached or failed to issue a connection token";
    const UNDECODABLE: &str = "Stripe's response could not be understood";
    const MISCONFIGURED: &str =
        "this backend is misconfigured and cannot create connection tokens; see its logs";
    const RATE_LIMITED: &str = "Stripe is rate-limiting this backend; try again shortly";

    match error {
        // Parameters the SDK refused to send can only come from this backend's settings.
        Error::InvalidParams(_) | Error::Config(_) => {
            (StatusCode::INTERNAL_SERVER_ERROR, MISCONFIGURED)
        }
        Error::Transport(_) => (StatusCode::BAD_GATEWAY, UPSTREAM),
        Error::Decode(_) => (StatusCode::BAD_GATEWAY, UNDECODABLE),
        Error::Api(api) => by_stripe_status(api.status(), UPSTREAM, MISCONFIGURED, RATE_LIMITED),
        // Kinds of error this example does not know yet: classify by what Stripe answered, and
        // treat no answer at all as a failure on the way to Stripe.
        _ => match error.status() {
            Some(status) => by_stripe_status(status, UPSTREAM, MISCONFIGURED, RATE_LIMITED),
            None => (StatusCode::BAD_GATEWAY, UPSTREAM),
        },
    }
}

/// Maps Stripe's HTTP status to this backend's: Stripe's 5xx is an outage (502), 429 is a rate
/// limit (503), and any other 4xx means Stripe refused what this backend sent, such as a wrong
/// key (401), a key without permission (403) or an unknown location (400/404), so it is the
/// backend's configuration (500).
fn by_stripe_status(
    status: StatusCode,
    upstream: &'static str,
    misconfigured: &'static str,
    rate_limited: &'static str,
) -> (StatusCode, &'static str) {
    if status == StatusCode::TOO_MANY_REQUESTS {
        (StatusCode::SERVICE_UNAVAILABLE, rate_limited)
    } else if status.is_client_error() {
        (StatusCode::INTERNAL_SERVER_ERROR, misconfigured)
    } else {
        (StatusCode::BAD_GATEWAY, upstream)
    }
}

/// Whether `Authorization` is `Bearer <token>` with the token whose SHA-256 is `expected`. The
/// scheme name is case-insensitive (RFC 9110); the token is compared in constant time.
fn bearer_token_matches(headers: &HeaderMap, expected: &digest::Digest) -> bool {
    const SCHEME: &[u8] = b"bearer ";
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return false;
    };
    let value = value.as_bytes();
    let Some(token) = value
        .get(..SCHEME.len())
        .filter(|scheme| scheme.eq_ignore_ascii_case(SCHEME))
        .and_then(|_| value.get(SCHEME.len()..))
    else {
        return false;
    };
    let presented = digest::digest(&digest::SHA256, token);
    presented.as_ref().ct_eq(expected.as_ref()).into()
}

/// Answers Stripe's event deliveries. Stripe counts any answer but 2xx as a failed delivery and
/// retries it for up to three days, so an authentic event gets 200 at once (even one this
/// backend does not handle), and a request that fails verification gets a 400 that says
/// nothing about why: the reason goes to the log, where the operator, not a forger, reads it.
async fn webhook(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = state.webhook_secret.as_deref() else {
        tracing::warn!(
            status = 503,
            "refused a webhook: webhooks are off (STRIPE_WEBHOOK_SECRET is unset)"
        );
        return webhook_answer(
            StatusCode::SERVICE_UNAVAILABLE,
            "webhooks are not configured",
        );
    };
    // A missing header is verified as an empty one, which `Webhook` reports as such.
    let signature = match headers.get(STRIPE_SIGNATURE).map(HeaderValue::to_str) {
        None => "",
        Some(Ok(signature)) => signature,
        Some(Err(_)) => return refuse_webhook(&"the Stripe-Signature header is not ASCII text"),
    };
    // The body is verified as received, bytes and all.
    match Webhook::construct_event(&body, signature, secret) {
        Ok(event) => {
            log_event(event);
            (StatusCode::OK, Json(serde_json::json!({"received": true}))).into_response()
        }
        Err(error @ (WebhookError::NotAnEvent { .. } | WebhookError::NotUtf8 { .. })) => {
            // Signed by Stripe, so retrying will not help, but it is worth a look.
            tracing::warn!(status = 400, %error, "refused a webhook: not an event");
            webhook_answer(StatusCode::BAD_REQUEST, "not an event")
        }
        Err(error) => refuse_webhook(&error),
    }
}

/// Logs why a webhook failed verification (never the secret or a signature: `WebhookError`
/// holds neither) and answers 400 with a body that reveals nothing.
fn refuse_webhook(reason: &dyn std::fmt::Display) -> Response {
    tracing::warn!(status = 400, %reason, "refused a webhook: invalid signature");
    webhook_answer(StatusCode::BAD_REQUEST, "invalid signature")
}

fn webhook_answer(status: StatusCode, error: &'static str) -> Response {
    (status, Json(serde_json::json!({ "error": error }))).into_response()
}

/// One log line per verified event: reader action results at INFO (succeeded) or WARN
/// (failed), a reader event whose object did not decode at WARN with the reason, everything
/// else at DEBUG.
fn log_event(event: Event) {
    let id = &event.id;
    let (reader, succeeded) = match event.kind() {
        EventKind::TerminalReaderActionSucceeded(reader) => (reader, true),
        EventKind::TerminalReaderActionFailed(reader) => (reader, false),
        _ => return log_untyped_event(&event),
    };
    let action = reader.action.as_ref();
    let action_type = action.map_or("(none)", |action| action.type_.as_str());
    if succeeded {
        tracing::info!(event_id = %id, reader = %reader.id, action = action_type, "reader action succeeded");
    } else {
        tracing::warn!(
            event_id = %id,
            reader = %reader.id,
            action = action_type,
            failure_code = action.and_then(|action| action.failure_code.as_deref()).unwrap_or("(none)"),
            failure_message = action.and_then(|action| action.failure_message.as_deref()).unwrap_or("(none)"),
            "reader action failed"
        );
    }
}

/// An event without a typed variant. A reader event lands here when its reader did not fit the
/// SDK's type (an endpoint on another API version): it is kept as JSON with the reason, and the
/// event is answered 200 all the same, since retrying would not change it.
fn log_untyped_event(event: &Event) {
    let (id, type_) = (&event.id, &event.type_);
    let reader_event = matches!(
        type_,
        EventType::TerminalReaderActionSucceeded | EventType::TerminalReaderActionFailed
    );
    match &event.data.object {
        EventObject::Undecoded(undecoded) if reader_event => {
            let json = &undecoded.json;
            let mismatch = event.api_version_mismatch();
            tracing::warn!(
                event_id = %id,
                event_type = type_.as_str(),
                reader = json.get("id").and_then(serde_json::Value::as_str).unwrap_or("(none)"),
                action_status = json.pointer("/action/status").and_then(serde_json::Value::as_str).unwrap_or("(none)"),
                reason = %undecoded.error,
                endpoint_api_version = mismatch.unwrap_or(stripe_sdk::API_VERSION),
                "a reader event whose reader did not decode; kept as JSON (pin the endpoint to the SDK's API version)"
            );
        }
        _ if reader_event => {
            tracing::warn!(event_id = %id, event_type = type_.as_str(), "a reader event whose object is not a reader");
        }
        _ => {
            tracing::debug!(event_id = %id, event_type = type_.as_str(), "received an event this backend does not handle");
        }
    }
}
