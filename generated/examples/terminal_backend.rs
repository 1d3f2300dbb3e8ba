//! Hand-written example: a minimal Stripe Terminal backend, the server a reader's host asks for
//! connection tokens.
//!
//! ```text
//! STRIPE_SECRET_KEY=sk_test_... cargo run -p stripe-sdk --example terminal_backend -- \
//!     [--listen 127.0.0.1:4242]
//! ```
//!
//! `POST /connection_token` answers `200 {"secret": "..."}`, the body Stripe's Terminal SDKs
//! expect from their connection-token provider. When Stripe cannot issue a token it answers
//! `{"error": {"message": ..., "request_id": ...}}`: 502 when Stripe or the network failed, 500
//! when this backend is misconfigured (a wrong key, a bad `TERMINAL_LOCATION`), 503 when Stripe
//! rate-limited it. Neither responses nor logs ever contain the API key or a token secret.
//!
//! Environment: `STRIPE_SECRET_KEY` (required), `STRIPE_API_BASE` (another base URL, such as a
//! local mock server) and `TERMINAL_LOCATION` (scopes every token to that location). Exit codes:
//! 0 after a clean shutdown (Ctrl-C or SIGTERM), 1 when the server fails, 2 for a usage or
//! configuration problem.
//!
//! This example does not authenticate its callers. A real backend must: anyone who can fetch a
//! connection token can connect a reader to your Stripe account.
//!
//! The tests in `tests/terminal_backend.rs` include this file as a module and drive [`app`] and
//! [`serve`] over loopback, which is why those two are public and `main` stays thin.

use std::ffi::OsString;
use std::future::Future;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use stripe_sdk::PostTerminalConnectionTokensParams;
use stripe_sdk::{Client, Error};

const USAGE: &str = "usage: terminal_backend [--listen ADDRESS:PORT]

Serves POST /connection_token for Stripe Terminal readers, answering {\"secret\": \"...\"}.

options:
  --listen ADDRESS:PORT  where to listen (default 127.0.0.1:4242)
  -h, --help             print this help

environment:
  STRIPE_SECRET_KEY  the secret API key (required)
  STRIPE_API_BASE    the API base URL (default https://api.stripe.com)
  TERMINAL_LOCATION  a location id (tml_...) to scope every token to (empty means none)";

/// Where the server listens unless `--listen` says otherwise; 4242 is the port Stripe's own
/// samples use, and loopback keeps an unauthenticated example off the network by default.
const DEFAULT_LISTEN: &str = "127.0.0.1:4242";

/// What the command line and the environment ask for.
pub struct Config {
    pub listen: SocketAddr,
    pub secret_key: String,
    pub api_base: Option<String>,
    pub location: Option<String>,
}

/// The outcome of reading the command line and the environment.
pub enum Invocation {
    Run(Config),
    Help,
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse_invocation(std::env::args().skip(1), |name| std::env::var_os(name)) {
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
    match listener.local_addr() {
        Ok(address) => tracing::info!(
            %address,
            location = config.location.as_deref().unwrap_or("(none)"),
            "listening; POST /connection_token issues Terminal connection tokens"
        ),
        Err(error) => tracing::warn!(%error, "listening, but the bound address is unknown"),
    }

    match serve(listener, app(client, config.location), shutdown_signal()).await {
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

    // Checking the location against the API document's limits now turns a typo into a startup
    // error instead of a 500 on every reader's first request.
    let params = PostTerminalConnectionTokensParams {
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
        location,
    }))
}

/// What every request handler shares.
struct AppState {
    client: Client,
    location: Option<String>,
}

/// The backend's routes: `POST /connection_token`, answered with a token from `client`, scoped
/// to `location` when there is one.
pub fn app(client: Client, location: Option<String>) -> Router {
    Router::new()
        .route("/connection_token", post(connection_token))
        .with_state(Arc::new(AppState { client, location }))
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

async fn connection_token(State(state): State<Arc<AppState>>) -> Response {
    let started = Instant::now();
    let params = PostTerminalConnectionTokensParams {
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
