//! End-to-end tests of the Terminal backend example over loopback: a wiremock server plays
//! Stripe, the example's router serves on an ephemeral port, and a plain HTTP client plays the
//! reader's host calling `POST /connection_token`.

#[path = "../examples/terminal_backend.rs"]
#[allow(dead_code)]
mod backend;

use std::ffi::OsString;
use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{Value, json};
use stripe_sdk::Client;
use stripe_sdk::reqwest;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_test_51TerminalBackendKeyDoNotLeak0123456789";
const SECRET: &str = "pst_test_TOKENSECRETVALUE";
const STRIPE_PATH: &str = "/v1/terminal/connection_tokens";

/// The backend under test, running on its own task until `stop` is called.
struct Backend {
    url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Backend {
    /// Serves the example's router for a default client of `stripe_base` on 127.0.0.1:0.
    async fn start(stripe_base: &str, location: Option<&str>) -> Self {
        let client = Client::builder(KEY).base_url(stripe_base).build().unwrap();
        Self::start_with(client, location).await
    }

    /// Serves the example's router for `client` on 127.0.0.1:0.
    async fn start_with(client: Client, location: Option<&str>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (shutdown, signal) = oneshot::channel::<()>();
        let app = backend::app(client, location.map(str::to_owned));
        let task = tokio::spawn(backend::serve(listener, app, async {
            // A dropped sender also ends the server, so a failing test cannot leave it running.
            let _ = signal.await;
        }));
        Self {
            url: format!("http://{address}/connection_token"),
            shutdown: Some(shutdown),
            task,
        }
    }

    /// Signals shutdown and waits (bounded) for `serve` to return.
    async fn stop(mut self) -> std::io::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            shutdown.send(()).unwrap();
        }
        tokio::time::timeout(Duration::from_secs(5), self.task)
            .await
            .expect("serve did not return within 5 s of the shutdown signal")
            .unwrap()
    }
}

/// A mock Stripe answering the connection-token endpoint with `response`.
async fn stripe_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(STRIPE_PATH))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// A JSON response as Stripe sends it, with a request id. `Stripe-Should-Retry: false` keeps
/// the SDK from retrying error statuses, so that error cases stay fast and make one request.
fn stripe_json(status: u16, request_id: &str, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("Request-Id", request_id)
        .insert_header("Stripe-Should-Retry", "false")
        .set_body_raw(body.to_string().into_bytes(), "application/json")
}

fn token_json(location: Option<&str>) -> Value {
    let mut token = json!({"object": "terminal.connection_token", "secret": SECRET});
    if let Some(location) = location {
        token["location"] = json!(location);
    }
    token
}

/// Posts to the backend as a reader's host would (an empty body) and returns the status, the
/// `Cache-Control` header and the raw body.
async fn post(url: &str) -> (u16, Option<String>, String) {
    let response = reqwest::Client::new().post(url).send().await.unwrap();
    let status = response.status().as_u16();
    let cache_control = response
        .headers()
        .get("cache-control")
        .map(|value| value.to_str().unwrap().to_owned());
    (status, cache_control, response.text().await.unwrap())
}

/// Checks an error body's shape and request id, and that neither the key nor a token secret
/// leaked into it.
fn assert_error_body(body: &str, request_id: Option<&str>) {
    assert!(!body.contains(KEY), "the API key leaked: {body}");
    assert!(!body.contains(SECRET), "a token secret leaked: {body}");
    let value: Value = serde_json::from_str(body).unwrap();
    let error = value["error"].as_object().unwrap();
    assert_eq!(error.len(), 2, "{body}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(error["request_id"], json!(request_id), "{body}");
}

/// A base URL on which nothing listens: the port was free a moment ago and is closed again.
async fn unreachable_base() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address: SocketAddr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

#[tokio::test]
async fn issues_exactly_the_secret_scoped_to_the_configured_location() {
    let stripe = stripe_answering(
        ResponseTemplate::new(200)
            .insert_header("Request-Id", "req_ok")
            .set_body_raw(
                token_json(Some("tml_123")).to_string().into_bytes(),
                "application/json",
            ),
    )
    .await;
    let backend = Backend::start(&stripe.uri(), Some("tml_123")).await;

    let (status, cache_control, body) = post(&backend.url).await;
    assert_eq!(status, 200, "{body}");
    let value: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value, json!({"secret": SECRET}));
    assert_eq!(cache_control.as_deref(), Some("no-store"));

    let requests = stripe.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        String::from_utf8_lossy(&requests[0].body),
        "location=tml_123"
    );
    assert_eq!(
        requests[0].headers.get("authorization").unwrap(),
        &format!("Bearer {KEY}")
    );
    backend.stop().await.unwrap();
}

#[tokio::test]
async fn without_a_location_no_location_is_sent() {
    let stripe = stripe_answering(ResponseTemplate::new(200).set_body_raw(
        token_json(None).to_string().into_bytes(),
        "application/json",
    ))
    .await;
    let backend = Backend::start(&stripe.uri(), None).await;

    let (status, _, body) = post(&backend.url).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"secret": SECRET})
    );
    let requests = stripe.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].body.is_empty(), "{:?}", requests[0].body);
    backend.stop().await.unwrap();
}

#[tokio::test]
async fn a_stripe_500_is_a_502_naming_the_request_id_and_not_the_key() {
    // Stripe's error message echoing the key is the worst case: the SDK blanks it and the
    // backend does not forward Stripe's text anyway.
    let stripe = stripe_answering(stripe_json(
        500,
        "req_500",
        &json!({"error": {"type": "api_error", "message": format!("boom for {KEY}")}}),
    ))
    .await;
    let backend = Backend::start(&stripe.uri(), Some("tml_123")).await;

    let (status, _, body) = post(&backend.url).await;
    assert_eq!(status, 502, "{body}");
    assert_error_body(&body, Some("req_500"));
    assert_eq!(stripe.received_requests().await.unwrap().len(), 1);
    backend.stop().await.unwrap();
}

#[tokio::test]
async fn an_undecodable_stripe_response_is_a_502_with_its_request_id() {
    let stripe = stripe_answering(
        ResponseTemplate::new(502)
            .insert_header("Request-Id", "req_html")
            .insert_header("Stripe-Should-Retry", "false")
            .set_body_raw(b"<html>Bad Gateway</html>".to_vec(), "text/html"),
    )
    .await;
    let backend = Backend::start(&stripe.uri(), None).await;

    let (status, _, body) = post(&backend.url).await;
    assert_eq!(status, 502, "{body}");
    assert_error_body(&body, Some("req_html"));
    backend.stop().await.unwrap();
}

#[tokio::test]
async fn a_stripe_401_means_the_backend_is_misconfigured_500() {
    let stripe = stripe_answering(stripe_json(
        401,
        "req_401",
        &json!({"error": {
            "type": "invalid_request_error",
            "message": "Invalid API Key provided: sk_test_****6789"
        }}),
    ))
    .await;
    let backend = Backend::start(&stripe.uri(), None).await;

    let (status, _, body) = post(&backend.url).await;
    assert_eq!(status, 500, "{body}");
    assert_error_body(&body, Some("req_401"));
    backend.stop().await.unwrap();
}

#[tokio::test]
async fn a_stripe_429_is_a_503() {
    let stripe = stripe_answering(stripe_json(
        429,
        "req_429",
        &json!({"error": {"type": "invalid_request_error", "code": "rate_limit"}}),
    ))
    .await;
    let backend = Backend::start(&stripe.uri(), None).await;

    let (status, _, body) = post(&backend.url).await;
    assert_eq!(status, 503, "{body}");
    assert_error_body(&body, Some("req_429"));
    backend.stop().await.unwrap();
}

#[tokio::test]
async fn an_invalid_location_is_a_500_and_nothing_reaches_stripe() {
    let stripe = stripe_answering(ResponseTemplate::new(200)).await;
    let backend = Backend::start(&stripe.uri(), Some(&"x".repeat(5001))).await;

    let (status, _, body) = post(&backend.url).await;
    assert_eq!(status, 500, "{body}");
    assert_error_body(&body, None);
    assert!(stripe.received_requests().await.unwrap().is_empty());
    backend.stop().await.unwrap();
}

#[tokio::test]
async fn an_unreachable_stripe_is_a_502_without_a_request_id() {
    // The SDK retries connection failures with backoff; without retries the test stays fast,
    // and the outcome after the last attempt is the same.
    let client = Client::builder(KEY)
        .base_url(unreachable_base().await)
        .max_retries(0)
        .build()
        .unwrap();
    let backend = Backend::start_with(client, None).await;

    let (status, _, body) = post(&backend.url).await;
    assert_eq!(status, 502, "{body}");
    assert_error_body(&body, None);
    backend.stop().await.unwrap();
}

#[tokio::test]
async fn only_post_is_served() {
    let stripe = stripe_answering(ResponseTemplate::new(200)).await;
    let backend = Backend::start(&stripe.uri(), None).await;

    let response = reqwest::Client::new()
        .get(&backend.url)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert!(stripe.received_requests().await.unwrap().is_empty());
    backend.stop().await.unwrap();
}

#[tokio::test]
async fn the_shutdown_signal_ends_serve_promptly_even_with_an_idle_keep_alive_connection() {
    let stripe = stripe_answering(ResponseTemplate::new(200).set_body_raw(
        token_json(None).to_string().into_bytes(),
        "application/json",
    ))
    .await;
    let backend = Backend::start(&stripe.uri(), None).await;
    let url = backend.url.clone();

    // One request leaves a pooled keep-alive connection open; graceful shutdown must close it
    // rather than wait for the client to.
    let http = reqwest::Client::new();
    let response = http.post(&url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.text().await.unwrap();

    let started = std::time::Instant::now();
    backend.stop().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // A fresh client: after shutdown nothing accepts connections any more.
    assert!(reqwest::Client::new().post(&url).send().await.is_err());
}

fn env_from(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
    let pairs: Vec<(String, OsString)> = pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), OsString::from(value)))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(candidate, _)| candidate == name)
            .map(|(_, value)| value.clone())
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|arg| (*arg).to_owned()).collect()
}

#[test]
fn the_command_line_and_environment_are_read_strictly() {
    let env = env_from(&[
        ("STRIPE_SECRET_KEY", KEY),
        ("STRIPE_API_BASE", "http://127.0.0.1:12111"),
        ("TERMINAL_LOCATION", "tml_123"),
    ]);
    let Ok(backend::Invocation::Run(config)) =
        backend::parse_invocation(args(&["--listen", "127.0.0.1:9000"]), &env)
    else {
        panic!("a valid invocation was refused");
    };
    assert_eq!(config.listen, "127.0.0.1:9000".parse().unwrap());
    assert_eq!(config.secret_key, KEY);
    assert_eq!(config.api_base.as_deref(), Some("http://127.0.0.1:12111"));
    assert_eq!(config.location.as_deref(), Some("tml_123"));

    let Ok(backend::Invocation::Run(config)) = backend::parse_invocation(
        args(&["--listen=[::1]:80"]),
        env_from(&[("STRIPE_SECRET_KEY", KEY), ("TERMINAL_LOCATION", "")]),
    ) else {
        panic!("a valid invocation was refused");
    };
    assert_eq!(config.listen, "[::1]:80".parse().unwrap());
    assert_eq!(
        config.location, None,
        "an empty TERMINAL_LOCATION means none"
    );

    assert!(matches!(
        backend::parse_invocation(args(&["--help"]), env_from(&[])),
        Ok(backend::Invocation::Help)
    ));

    // Arguments, environment, and a phrase the refusal must contain.
    type Refusal<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let long_location = "x".repeat(5001);
    let refusals: [Refusal<'_>; 6] = [
        (&[], &[], "STRIPE_SECRET_KEY"),
        (&[], &[("STRIPE_SECRET_KEY", "")], "STRIPE_SECRET_KEY"),
        (
            &["--listen"],
            &[("STRIPE_SECRET_KEY", KEY)],
            "needs a value",
        ),
        (
            &["--listen", "localhost"],
            &[("STRIPE_SECRET_KEY", KEY)],
            "not an IP address",
        ),
        (
            &["--port", "1"],
            &[("STRIPE_SECRET_KEY", KEY)],
            "unknown argument `--port`",
        ),
        (
            &[],
            &[
                ("STRIPE_SECRET_KEY", KEY),
                ("TERMINAL_LOCATION", &long_location),
            ],
            "TERMINAL_LOCATION",
        ),
    ];
    for (argv, vars, expected) in refusals {
        match backend::parse_invocation(args(argv), env_from(vars)) {
            Err(message) => {
                assert!(message.contains(expected), "{argv:?}: {message}");
                assert!(!message.contains(KEY), "{argv:?}: {message}");
            }
            Ok(_) => panic!("{argv:?} {vars:?} was accepted"),
        }
    }
}
