//! Hand-written tests of error responses whose body is not Stripe's error envelope, over real
//! HTTP on loopback (wiremock): a proxy's plain-text 404, an HTML 502, an empty body, JSON that
//! is not the envelope, and a bare JSON number. Each is an `Error::Api` that keeps the status,
//! the request id and a short excerpt of the body, is classified and retried by its status,
//! and never reads as a JSON decoding error.

use std::time::Duration;

use stripe_sdk::{ApiErrorCategory, Client, Error, ErrorKind, TerminalConnectionTokenCreateParams};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_test_51ErrorBodiesKeyDoNotLeak0123456789";

/// Calls the connection-token operation against a server that answers every request with
/// `response`, allowing `max_retries` retries without waiting between them, and returns the
/// error with the number of requests the server received.
async fn fail_with(response: ResponseTemplate, max_retries: u32) -> (Error, usize) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    let client = Client::builder(KEY)
        .base_url(server.uri())
        .max_retries(max_retries)
        .retry_sleep(|_: Duration| async {})
        .build()
        .expect("a client");
    let result = client
        .post_terminal_connection_tokens(&TerminalConnectionTokenCreateParams::default())
        .await;
    let requests = server.received_requests().await.unwrap_or_default().len();
    match result {
        Ok(token) => panic!("an error status gave a token: {token:?}"),
        Err(error) => (error, requests),
    }
}

fn body(status: u16, content_type: &str, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("Request-Id", "req_proxy")
        .set_body_raw(body.as_bytes().to_vec(), content_type)
}

/// Checks what every error without an envelope has: an API error with the status and the
/// request id, no envelope, the body kept whole, and no JSON decoding message anywhere.
fn assert_without_envelope(error: &Error, status: u16, text: &str) {
    assert_eq!(error.status().map(|status| status.as_u16()), Some(status));
    assert_eq!(error.request_id(), Some("req_proxy"));
    assert!(error.api_error().is_none(), "{error:?}");
    let Error::Api(api) = error else {
        panic!("expected an API error, got {error:?}");
    };
    assert!(!api.has_envelope());
    assert_eq!(api.body(), text);
    assert!(api.error().message.is_none());
    let display = error.to_string();
    let debug = format!("{error:?}");
    for rendering in [&display, &debug] {
        assert!(!rendering.contains("invalid type"), "{rendering}");
        assert!(!rendering.contains("expected"), "{rendering}");
        assert!(!rendering.contains(KEY), "{rendering}");
    }
    assert!(
        display.starts_with(&format!(
            "[req_proxy] error response to PostTerminalConnectionTokens without Stripe's error \
             envelope (status {status})"
        )),
        "{display}"
    );
}

#[tokio::test]
async fn a_plain_text_404_is_an_invalid_request_with_its_text() {
    let (error, requests) = fail_with(body(404, "text/plain", "404: Not Found"), 2).await;
    assert_without_envelope(&error, 404, "404: Not Found");
    assert_eq!(
        error.to_string(),
        "[req_proxy] error response to PostTerminalConnectionTokens without Stripe's error \
         envelope (status 404); body: \"404: Not Found\""
    );
    assert_eq!(
        error.kind(),
        ErrorKind::Api(ApiErrorCategory::InvalidRequest)
    );
    assert!(!error.is_retryable());
    assert_eq!((requests, error.attempts()), (1, 1), "a 404 is not retried");
}

#[tokio::test]
async fn an_html_502_is_retried_as_a_5xx_and_keeps_a_short_excerpt() {
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "nginx ".repeat(100)
    );
    let (error, requests) = fail_with(body(502, "text/html", &page), 2).await;
    assert_without_envelope(&error, 502, &page);
    assert_eq!(error.kind(), ErrorKind::Api(ApiErrorCategory::Api));
    assert!(error.is_retryable());
    assert_eq!((requests, error.attempts()), (3, 3), "retried twice");
    // The first 200 characters, quoted (the page is ASCII, so they are its first 200 bytes).
    assert_eq!(
        error.to_string(),
        format!(
            "[req_proxy] error response to PostTerminalConnectionTokens without Stripe's error \
             envelope (status 502); body: {:?} (truncated) (after 3 attempts)",
            &page[..200]
        )
    );
    let display = error.to_string();
    assert!(
        display.len() < page.len(),
        "the excerpt is short: {display}"
    );
}

#[tokio::test]
async fn an_empty_body_says_so() {
    let (error, requests) = fail_with(body(400, "text/plain", ""), 2).await;
    assert_without_envelope(&error, 400, "");
    assert_eq!(
        error.to_string(),
        "[req_proxy] error response to PostTerminalConnectionTokens without Stripe's error \
         envelope (status 400): empty body"
    );
    assert_eq!(
        error.kind(),
        ErrorKind::Api(ApiErrorCategory::InvalidRequest)
    );
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn json_that_is_not_the_envelope_is_quoted_and_the_retry_header_still_counts() {
    for text in [
        r#"{"message":"upstream request timeout"}"#,
        r#"{"error":"upstream request timeout"}"#,
        r#"[{"error":{"type":"api_error"}}]"#,
    ] {
        let response =
            body(504, "application/json", text).insert_header("Stripe-Should-Retry", "false");
        let (error, requests) = fail_with(response, 2).await;
        assert_without_envelope(&error, 504, text);
        assert!(
            error.to_string().contains(&format!("body: {text:?}")),
            "{error}"
        );
        assert_eq!(error.kind(), ErrorKind::Api(ApiErrorCategory::Api));
        assert!(!error.is_retryable(), "Stripe-Should-Retry: false wins");
        assert_eq!(requests, 1);
    }
}

#[tokio::test]
async fn a_json_number_body_is_not_read_as_a_number() {
    let (error, _) = fail_with(body(404, "application/json", "404"), 0).await;
    assert_without_envelope(&error, 404, "404");
    assert!(error.to_string().ends_with("; body: \"404\""), "{error}");
}

#[tokio::test]
async fn a_plain_text_429_is_still_a_rate_limit() {
    let (error, requests) = fail_with(body(429, "text/plain", "Too Many Requests"), 2).await;
    assert_without_envelope(&error, 429, "Too Many Requests");
    assert_eq!(error.kind(), ErrorKind::Api(ApiErrorCategory::RateLimit));
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn a_body_echoing_the_key_or_secrets_is_blanked_in_the_excerpt() {
    let text = format!(r#"{{"client_secret":"pi_1_secret_2","note":"Bearer {KEY}"}}"#);
    let (error, _) = fail_with(body(500, "application/json", &text), 0).await;
    let display = error.to_string();
    assert!(!display.contains("pi_1_secret_2"), "{display}");
    assert!(!display.contains(KEY), "{display}");
    assert!(display.contains("[redacted]"), "{display}");
}
