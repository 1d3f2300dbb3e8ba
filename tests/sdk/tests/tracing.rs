//! Hand-written test of the client's `tracing` output: one span per call and one per attempt,
//! with the operation, method, path, attempt, status, request id and duration, and never a
//! header, a body, the API key or a token's secret.

mod common;

use stripe_sdk::TerminalConnectionTokenCreateParams;
use stripe_sdk::{Client, RequestOptions};
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::Sink;

const KEY: &str = "sk_test_51TracingKeyDoNotLeak0123456789";

#[tokio::test]
async fn spans_carry_the_call_and_attempt_details_and_no_secrets() {
    let server = MockServer::start().await;
    // The failing attempt's body echoes the key and a secret, as a misbehaving proxy might.
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("Request-Id", "req_log_1")
                .set_body_raw(
                    format!(
                        r#"{{"error":{{"type":"api_error","message":"key {KEY}"}},"secret":"pst_test_LOGSECRET"}}"#
                    )
                    .into_bytes(),
                    "application/json",
                ),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Request-Id", "req_log_2")
                .set_body_raw(
                    r#"{"object":"terminal.connection_token","secret":"pst_test_LOGSECRET"}"#,
                    "application/json",
                ),
        )
        .mount(&server)
        .await;

    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);

    let client = Client::builder(KEY)
        .base_url(server.uri())
        .retry_sleep(|_| async {})
        .build()
        .unwrap();
    let params = TerminalConnectionTokenCreateParams {
        location: Some("tml_logged_nowhere".to_owned()),
        ..Default::default()
    };
    let token = client
        .with_options(
            RequestOptions::new()
                .idempotency_key("idem-key-not-logged")
                .stripe_account("acct_not_logged"),
        )
        .post_terminal_connection_tokens(&params)
        .await
        .unwrap();
    drop(guard);
    assert_eq!(token.secret, "pst_test_LOGSECRET");

    let log = sink.text();
    for expected in [
        "stripe_request",
        "stripe_attempt",
        "operation_id=\"PostTerminalConnectionTokens\"",
        "method=POST",
        "path=/v1/terminal/connection_tokens",
        "attempt=1",
        "attempt=2",
        "status=500",
        "status=200",
        "request_id=\"req_log_1\"",
        "request_id=\"req_log_2\"",
        "attempts=2",
        "duration_ms=",
        "retrying the Stripe API request",
        "reason=status 500",
    ] {
        assert!(log.contains(expected), "`{expected}` missing from:\n{log}");
    }
    for secret in [
        KEY,
        "Bearer",
        "pst_test_LOGSECRET",
        "idem-key-not-logged",
        "acct_not_logged",
        "tml_logged_nowhere",
    ] {
        assert!(!log.contains(secret), "`{secret}` leaked into:\n{log}");
    }
}
