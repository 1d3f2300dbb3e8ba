//! End-to-end tests of the Terminal backend example over loopback: a wiremock server plays
//! Stripe, the example's router serves on an ephemeral port, and a plain HTTP client plays the
//! reader's host calling `POST /connection_token` and Stripe delivering events to
//! `POST /webhook`.

mod common;

#[path = "../examples/terminal_backend.rs"]
#[allow(dead_code)]
mod backend;

use std::ffi::OsString;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use stripe_sdk::reqwest;
use stripe_sdk::{Client, Webhook};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{assert_log_line, capture_logs};

const KEY: &str = "sk_test_51TerminalBackendKeyDoNotLeak0123456789";
const SECRET: &str = "pst_test_TOKENSECRETVALUE";
const STRIPE_PATH: &str = "/v1/terminal/connection_tokens";

const WEBHOOK_SECRET: &str = "whsec_test_TerminalBackendWebhookSecretDoNotLeak";
const ACCESS_TOKEN: &str = "tbt_test_CallerTokenDoNotLeak_0123456789";

/// The backend under test, running on its own task until `stop` is called.
struct Backend {
    /// `POST /connection_token`.
    url: String,
    /// `POST /webhook`.
    webhook_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Backend {
    /// Serves the example's router for a default client of `stripe_base` on 127.0.0.1:0.
    async fn start(stripe_base: &str, location: Option<&str>) -> Self {
        let settings = backend::Settings {
            location: location.map(str::to_owned),
            ..Default::default()
        };
        Self::start_with(client_of(stripe_base), settings).await
    }

    /// Serves the example's router for `client` on 127.0.0.1:0.
    async fn start_with(client: Client, settings: backend::Settings) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (shutdown, signal) = oneshot::channel::<()>();
        let app = backend::app(client, settings);
        let task = tokio::spawn(backend::serve(listener, app, async {
            // A dropped sender also ends the server, so a failing test cannot leave it running.
            let _ = signal.await;
        }));
        Self {
            url: format!("http://{address}/connection_token"),
            webhook_url: format!("http://{address}/webhook"),
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

fn client_of(stripe_base: &str) -> Client {
    Client::builder(KEY).base_url(stripe_base).build().unwrap()
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
    let backend = Backend::start_with(client, backend::Settings::default()).await;

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
    assert_eq!(config.settings.location.as_deref(), Some("tml_123"));
    assert!(config.settings.webhook_secret.is_none());
    assert!(config.settings.access_token.is_none());

    let Ok(backend::Invocation::Run(config)) = backend::parse_invocation(
        args(&["--listen=[::1]:80"]),
        env_from(&[("STRIPE_SECRET_KEY", KEY), ("TERMINAL_LOCATION", "")]),
    ) else {
        panic!("a valid invocation was refused");
    };
    assert_eq!(config.listen, "[::1]:80".parse().unwrap());
    assert_eq!(
        config.settings.location, None,
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

fn unix_now() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since.as_secs()).unwrap()
}

/// A backend with webhooks on (or off, with `None`) and a mock Stripe that must not be called.
async fn webhook_backend(secret: Option<&str>) -> (Backend, MockServer) {
    let stripe = MockServer::start().await;
    let settings = backend::Settings {
        webhook_secret: secret.map(str::to_owned),
        ..Default::default()
    };
    (
        Backend::start_with(client_of(&stripe.uri()), settings).await,
        stripe,
    )
}

/// Delivers `payload` as Stripe would, with `signature` as the `Stripe-Signature` header (none
/// when `None`), and returns the status and the raw body.
async fn deliver(url: &str, payload: &str, signature: Option<&str>) -> (u16, String) {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json; charset=utf-8")
        .body(payload.to_owned());
    if let Some(signature) = signature {
        request = request.header("stripe-signature", signature);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// A reader event as Stripe sends it (trimmed to the envelope and the reader's action).
fn reader_event(event_type: &str, reader: &str, action: &Value) -> String {
    json!({
        "id": "evt_1ReaderEvent",
        "object": "event",
        "api_version": "2023-08-16",
        "created": 1_700_000_000,
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null},
        "type": event_type,
        "data": {"object": {
            "id": reader,
            "object": "terminal.reader",
            "device_type": "bbpos_wisepos_e",
            "label": "Front desk",
            "livemode": false,
            "location": "tml_FrontDesk",
            "serial_number": "WSC513102012345",
            "status": "online",
            "action": action,
        }},
    })
    .to_string()
}

#[tokio::test]
async fn a_signed_reader_failure_is_logged_with_its_code_and_answered_200() {
    let (logs, _guard) = capture_logs();
    let (backend, stripe) = webhook_backend(Some(WEBHOOK_SECRET)).await;
    let payload = reader_event(
        "terminal.reader.action_failed",
        "tmr_FailingReader",
        &json!({
            "type": "process_payment_intent",
            "status": "failed",
            "failure_code": "card_declined",
            "failure_message": "Your card was declined.",
            "process_payment_intent": {"payment_intent": "pi_123"},
        }),
    );
    let signature = Webhook::generate_test_header(&payload, WEBHOOK_SECRET, unix_now());

    let (status, body) = deliver(&backend.webhook_url, &payload, Some(&signature)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"received": true})
    );
    backend.stop().await.unwrap();

    let logs = logs.text();
    assert_log_line(
        &logs,
        "reader action failed",
        &[
            "WARN",
            "evt_1ReaderEvent",
            "tmr_FailingReader",
            "process_payment_intent",
            "card_declined",
            "Your card was declined.",
        ],
    );
    assert!(!logs.contains(WEBHOOK_SECRET), "{logs}");
    assert!(!logs.contains(&signature[signature.len() - 32..]), "{logs}");
    assert!(stripe.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_signed_reader_success_and_other_events_are_answered_200() {
    let (logs, _guard) = capture_logs();
    let (backend, _stripe) = webhook_backend(Some(WEBHOOK_SECRET)).await;
    let succeeded = reader_event(
        "terminal.reader.action_succeeded",
        "tmr_GoodReader",
        &json!({"type": "process_payment_intent", "status": "succeeded",
                "failure_code": null, "failure_message": null}),
    );
    let other = json!({
        "id": "evt_2Other",
        "object": "event",
        "api_version": "2023-08-16",
        "created": 1_700_000_000,
        "livemode": false,
        "pending_webhooks": 1,
        "request": null,
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_123", "object": "payment_intent", "amount": 1000}},
    })
    .to_string();

    for payload in [&succeeded, &other] {
        let signature = Webhook::generate_test_header(payload, WEBHOOK_SECRET, unix_now());
        let (status, body) = deliver(&backend.webhook_url, payload, Some(&signature)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body, r#"{"received":true}"#);
    }
    backend.stop().await.unwrap();

    let logs = logs.text();
    assert_log_line(
        &logs,
        "reader action succeeded",
        &["INFO", "tmr_GoodReader", "process_payment_intent"],
    );
    assert_log_line(&logs, "evt_2Other", &["DEBUG", "payment_intent.succeeded"]);
}

#[tokio::test]
async fn forged_altered_stale_and_unsigned_webhooks_get_a_400_that_reveals_nothing() {
    let (logs, _guard) = capture_logs();
    let (backend, stripe) = webhook_backend(Some(WEBHOOK_SECRET)).await;
    let payload = reader_event(
        "terminal.reader.action_succeeded",
        "tmr_Forged",
        &json!({"type": "process_payment_intent", "status": "succeeded"}),
    );
    let now = unix_now();
    let good = Webhook::generate_test_header(&payload, WEBHOOK_SECRET, now);
    let forged = Webhook::generate_test_header(&payload, "whsec_guessed", now);
    let stale = Webhook::generate_test_header(&payload, WEBHOOK_SECRET, now - 301);
    let altered = payload.replacen("tmr_Forged", "tmr_Forgee", 1);
    let re_encoded =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&payload).unwrap()).unwrap();
    let good_signature = good.split_once("v1=").unwrap().1;
    let v0_only = format!("t={now},v0={good_signature}");
    let cases: [(&str, &str, Option<&str>); 8] = [
        ("no header", &payload, None),
        ("empty header", &payload, Some("")),
        ("malformed header", &payload, Some("signature please")),
        ("only v0", &payload, Some(&v0_only)),
        ("wrong secret", &payload, Some(&forged)),
        ("older than the tolerance", &payload, Some(&stale)),
        ("altered body", &altered, Some(&good)),
        ("re-encoded body", &re_encoded, Some(&good)),
    ];
    for (case, body, signature) in cases {
        let (status, answer) = deliver(&backend.webhook_url, body, signature).await;
        assert_eq!(status, 400, "{case}: {answer}");
        assert_eq!(answer, r#"{"error":"invalid signature"}"#, "{case}");
    }
    // The untouched request still passes, so the refusals above are about what was changed.
    let (status, _) = deliver(&backend.webhook_url, &payload, Some(&good)).await;
    assert_eq!(status, 200);
    backend.stop().await.unwrap();

    let logs = logs.text();
    let refusals: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("refused a webhook: invalid signature"))
        .collect();
    assert_eq!(refusals.len(), cases.len(), "{logs}");
    // Each log line says why, for the operator.
    for reason in [
        "no Stripe-Signature header",
        "malformed",
        "no v1 signature",
        "tolerance",
    ] {
        assert!(logs.contains(reason), "{reason} missing from:\n{logs}");
    }
    // Only the genuine delivery at the end is logged as an event.
    assert_eq!(
        logs.matches("tmr_Forged").count(),
        1,
        "a forged event was logged:\n{logs}"
    );
    assert!(!logs.contains(WEBHOOK_SECRET), "{logs}");
    for signature in [&good, &forged, &stale] {
        let hex = signature.split_once("v1=").unwrap().1;
        assert!(!logs.contains(&hex[..32]), "{logs}");
    }
    assert!(stripe.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_signed_reader_event_whose_reader_does_not_decode_is_answered_200_and_logged() {
    let (logs, _guard) = capture_logs();
    let (backend, _stripe) = webhook_backend(Some(WEBHOOK_SECRET)).await;
    // A reader as an endpoint on an older API version might render it: `serial_number`, which
    // the SDK's version requires, is missing.
    let mut event: Value = serde_json::from_str(&reader_event(
        "terminal.reader.action_succeeded",
        "tmr_OldVersion",
        &json!({"type": "process_payment_intent", "status": "succeeded"}),
    ))
    .unwrap();
    event["api_version"] = json!("2020-08-27");
    event["data"]["object"]
        .as_object_mut()
        .unwrap()
        .remove("serial_number");
    let payload = event.to_string();
    let signature = Webhook::generate_test_header(&payload, WEBHOOK_SECRET, unix_now());

    let (status, body) = deliver(&backend.webhook_url, &payload, Some(&signature)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, r#"{"received":true}"#);
    backend.stop().await.unwrap();

    let logs = logs.text();
    assert_log_line(
        &logs,
        "did not decode",
        &[
            "WARN",
            "evt_1ReaderEvent",
            "tmr_OldVersion",
            "succeeded",
            "missing field `serial_number`",
            "2020-08-27",
        ],
    );
}

#[tokio::test]
async fn a_signed_body_that_is_not_an_event_is_a_400() {
    let (backend, _stripe) = webhook_backend(Some(WEBHOOK_SECRET)).await;
    for payload in ["[]", r#"{"id":"evt_1","type":"x"}"#, "not json"] {
        let signature = Webhook::generate_test_header(payload, WEBHOOK_SECRET, unix_now());
        let (status, body) = deliver(&backend.webhook_url, payload, Some(&signature)).await;
        assert_eq!(status, 400, "{payload}: {body}");
        assert_eq!(body, r#"{"error":"not an event"}"#);
    }
    backend.stop().await.unwrap();
}

#[tokio::test]
async fn without_a_webhook_secret_the_endpoint_answers_503() {
    let (backend, _stripe) = webhook_backend(None).await;
    let payload = reader_event("terminal.reader.action_succeeded", "tmr_1", &json!(null));
    let signature = Webhook::generate_test_header(&payload, WEBHOOK_SECRET, unix_now());
    let (status, body) = deliver(&backend.webhook_url, &payload, Some(&signature)).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body, r#"{"error":"webhooks are not configured"}"#);
    backend.stop().await.unwrap();
}

#[tokio::test]
async fn with_a_backend_token_only_callers_presenting_it_get_connection_tokens() {
    let (logs, _guard) = capture_logs();
    let stripe = stripe_answering(ResponseTemplate::new(200).set_body_raw(
        token_json(None).to_string().into_bytes(),
        "application/json",
    ))
    .await;
    let settings = backend::Settings {
        access_token: Some(ACCESS_TOKEN.to_owned()),
        ..Default::default()
    };
    let backend = Backend::start_with(client_of(&stripe.uri()), settings).await;
    let http = reqwest::Client::new();

    let near_miss = format!("Bearer {}", &ACCESS_TOKEN[..ACCESS_TOKEN.len() - 1]);
    let too_long = format!("Bearer {ACCESS_TOKEN}0");
    let basic = format!("Basic {ACCESS_TOKEN}");
    let no_space = format!("Bearer{ACCESS_TOKEN}");
    let refused: [Option<&str>; 6] = [
        None,
        Some(""),
        Some(&near_miss),
        Some(&too_long),
        Some(&basic),
        Some(&no_space),
    ];
    for authorization in refused {
        let mut request = http.post(&backend.url);
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 401, "{authorization:?}");
        assert_eq!(
            response.headers().get("www-authenticate").unwrap(),
            "Bearer"
        );
        let body = response.text().await.unwrap();
        assert_error_body(&body, None);
        assert!(!body.contains(ACCESS_TOKEN), "{body}");
    }
    assert!(stripe.received_requests().await.unwrap().is_empty());

    for scheme in ["Bearer", "bearer"] {
        let response = http
            .post(&backend.url)
            .header("authorization", format!("{scheme} {ACCESS_TOKEN}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{scheme}");
        assert_eq!(
            serde_json::from_str::<Value>(&response.text().await.unwrap()).unwrap(),
            json!({"secret": SECRET})
        );
    }
    assert_eq!(stripe.received_requests().await.unwrap().len(), 2);
    backend.stop().await.unwrap();

    let logs = logs.text();
    assert_eq!(
        logs.matches("refused a connection token request").count(),
        refused.len(),
        "{logs}"
    );
    assert!(!logs.contains(&ACCESS_TOKEN[..20]), "{logs}");
}

#[tokio::test]
async fn the_webhook_endpoint_needs_no_bearer_token_and_only_serves_post() {
    let stripe = MockServer::start().await;
    let settings = backend::Settings {
        webhook_secret: Some(WEBHOOK_SECRET.to_owned()),
        access_token: Some(ACCESS_TOKEN.to_owned()),
        ..Default::default()
    };
    let backend = Backend::start_with(client_of(&stripe.uri()), settings).await;
    // Stripe cannot send the backend's bearer token; the signature is what authenticates it.
    let payload = reader_event("terminal.reader.action_succeeded", "tmr_1", &json!(null));
    let signature = Webhook::generate_test_header(&payload, WEBHOOK_SECRET, unix_now());
    let (status, body) = deliver(&backend.webhook_url, &payload, Some(&signature)).await;
    assert_eq!(status, 200, "{body}");

    let response = reqwest::Client::new()
        .get(&backend.webhook_url)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    backend.stop().await.unwrap();
}

#[test]
fn without_a_backend_token_only_loopback_addresses_are_accepted() {
    for address in [
        "0.0.0.0:4242",
        "[::]:4242",
        "192.0.2.10:4242",
        "[2001:db8::1]:4242",
    ] {
        let refusal = backend::parse_invocation(
            args(&["--listen", address]),
            env_from(&[("STRIPE_SECRET_KEY", KEY), ("TERMINAL_BACKEND_TOKEN", "")]),
        );
        match refusal {
            Err(message) => {
                for expected in ["refusing to listen", "TERMINAL_BACKEND_TOKEN", "127.0.0.1"] {
                    assert!(message.contains(expected), "{address}: {message}");
                }
            }
            Ok(_) => panic!("{address} was accepted without TERMINAL_BACKEND_TOKEN"),
        }
        let Ok(backend::Invocation::Run(config)) = backend::parse_invocation(
            args(&["--listen", address]),
            env_from(&[
                ("STRIPE_SECRET_KEY", KEY),
                ("TERMINAL_BACKEND_TOKEN", ACCESS_TOKEN),
                ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
            ]),
        ) else {
            panic!("{address} was refused with TERMINAL_BACKEND_TOKEN set");
        };
        assert_eq!(config.settings.access_token.as_deref(), Some(ACCESS_TOKEN));
        assert_eq!(
            config.settings.webhook_secret.as_deref(),
            Some(WEBHOOK_SECRET)
        );
    }
    for address in [
        "127.0.0.1:4242",
        "127.8.9.10:4242",
        "[::1]:4242",
        "[::ffff:127.0.0.1]:4242",
    ] {
        assert!(
            matches!(
                backend::parse_invocation(
                    args(&["--listen", address]),
                    env_from(&[("STRIPE_SECRET_KEY", KEY)]),
                ),
                Ok(backend::Invocation::Run(_))
            ),
            "{address} is loopback"
        );
    }
}

#[tokio::test]
async fn the_example_exits_2_when_asked_to_listen_openly_without_a_token() {
    // `run` is all of `main` but reading the process's own arguments and environment; the
    // refusal comes before it binds a socket or installs a log subscriber.
    let code = backend::run(
        args(&["--listen", "0.0.0.0:0"]),
        env_from(&[("STRIPE_SECRET_KEY", KEY)]),
    )
    .await;
    assert_eq!(code, ExitCode::from(2));
}
