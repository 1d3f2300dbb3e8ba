//! Hand-written tests of the client over real HTTP on loopback (wiremock): the exact request it
//! sends, how responses decode, how Stripe-shaped error responses map to errors, and that the
//! API key and token secrets never show up in `Debug` or `Display` output.

use std::time::Duration;

use stripe_sdk::{ApiErrorCategory, ApiErrorType, Client, Error, ErrorKind};
use stripe_sdk::{
    TerminalConnectionToken, TerminalConnectionTokenCreateParams, TerminalConnectionTokenObject,
};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_test_51WireMockKeyDoNotLeak0123456789";
const PATH: &str = "/v1/terminal/connection_tokens";
const TOKEN_JSON: &str = r#"{"object":"terminal.connection_token","location":"tml_123","secret":"pst_test_SECRETVALUE"}"#;

/// Starts a server answering every request with `response`.
async fn server_with(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn client_for(server: &MockServer) -> Client {
    Client::builder(KEY).base_url(server.uri()).build().unwrap()
}

fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

/// Sends a connection-token request with no parameters against `response` and returns the
/// result, checking that exactly one request was made. Retries are off, so that these tests
/// see how one response maps to a result (`retries.rs` tests the retries).
async fn call_with(response: ResponseTemplate) -> Result<TerminalConnectionToken, Error> {
    let server = server_with(response).await;
    let result = Client::builder(KEY)
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap()
        .post_terminal_connection_tokens(&TerminalConnectionTokenCreateParams::default())
        .await;
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    result
}

fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request
        .headers
        .get(name)
        .map(|value| value.to_str().unwrap())
}

/// Asserts that neither `Debug` nor `Display` of `value` contains the API key.
fn assert_no_key(value: &(impl std::fmt::Debug + std::fmt::Display)) {
    let debug = format!("{value:?}");
    let display = value.to_string();
    assert!(!debug.contains(KEY), "key in Debug: {debug}");
    assert!(!display.contains(KEY), "key in Display: {display}");
}

#[test]
fn client_errors_and_calls_can_cross_threads() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    fn assert_send<T: Send>(_: &T) {}
    assert_send_sync::<Client>();
    assert_send_sync::<Error>();
    // The future of a call must be `Send` so that servers can `tokio::spawn` it.
    let client = Client::new(KEY).unwrap();
    let params = TerminalConnectionTokenCreateParams::default();
    assert_send(&client.post_terminal_connection_tokens(&params));
}

#[tokio::test]
async fn sends_the_exact_request_and_decodes_the_token() {
    let server = server_with(
        ResponseTemplate::new(200)
            .insert_header("Request-Id", "req_ok")
            // Unknown response fields are ignored: Stripe adds fields without a version bump.
            .set_body_raw(
                r#"{"object":"terminal.connection_token","location":"tml_123",
                    "secret":"pst_test_SECRETVALUE","livemode":false,"brand_new":{"x":[1]}}"#,
                "application/json",
            ),
    )
    .await;
    let params = TerminalConnectionTokenCreateParams {
        expand: Some(vec!["a".to_owned(), "b".to_owned()]),
        location: Some("tml_123".to_owned()),
    };
    let token = client_for(&server)
        .post_terminal_connection_tokens(&params)
        .await
        .unwrap();

    assert_eq!(token.location.as_deref(), Some("tml_123"));
    assert_eq!(
        token.object,
        TerminalConnectionTokenObject::TerminalConnectionToken
    );
    assert_eq!(token.secret, "pst_test_SECRETVALUE");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), PATH);
    assert_eq!(request.url.query(), None);
    assert_eq!(
        header(request, "authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(header(request, "stripe-version"), Some("2023-08-16"));
    assert_eq!(
        header(request, "stripe-version"),
        Some(stripe_sdk::API_VERSION)
    );
    assert_eq!(
        header(request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(header(request, "accept"), Some("application/json"));
    assert_eq!(
        header(request, "user-agent"),
        Some(concat!("stripe-sdk-rust/", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(
        String::from_utf8(request.body.clone()).unwrap(),
        "expand[0]=a&expand[1]=b&location=tml_123"
    );
    let lengths: Vec<_> = request.headers.get_all("content-length").iter().collect();
    assert_eq!(lengths, ["40"]);
}

#[tokio::test]
async fn sends_an_empty_form_body_without_params_and_keeps_unknown_object_values() {
    let server = server_with(json(
        200,
        r#"{"object":"terminal.connection_token_v2","secret":"pst_test_X"}"#,
    ))
    .await;
    let token = client_for(&server)
        .post_terminal_connection_tokens(&TerminalConnectionTokenCreateParams::default())
        .await
        .unwrap();
    assert_eq!(
        token.object,
        TerminalConnectionTokenObject::Unknown("terminal.connection_token_v2".to_owned())
    );
    assert_eq!(token.location, None);

    let requests = server.received_requests().await.unwrap();
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), PATH);
    assert!(request.body.is_empty(), "{:?}", request.body);
    assert_eq!(header(request, "content-length"), Some("0"));
    assert_eq!(
        header(request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
}

#[tokio::test]
async fn base_url_keeps_its_path_prefix_and_tolerates_a_trailing_slash() {
    let server = server_with(json(200, TOKEN_JSON)).await;
    let client = Client::builder(KEY)
        .base_url(format!("{}/stripe/", server.uri()))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), format!("{}/stripe", server.uri()));
    client
        .post_terminal_connection_tokens(&TerminalConnectionTokenCreateParams::default())
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.path(), format!("/stripe{PATH}"));
}

#[tokio::test]
async fn a_caller_supplied_http_client_is_used() {
    let server = server_with(json(200, TOKEN_JSON)).await;
    // A default header that only this reqwest client adds shows which client sent a request.
    let mut marker = stripe_sdk::reqwest::header::HeaderMap::new();
    marker.insert("x-test-http-client", "caller".parse().unwrap());
    let http = stripe_sdk::reqwest::Client::builder()
        .default_headers(marker)
        .build()
        .unwrap();
    let client = Client::builder(KEY)
        .base_url(server.uri())
        .http_client(http)
        .build()
        .unwrap();
    let token = client
        .post_terminal_connection_tokens(&TerminalConnectionTokenCreateParams::default())
        .await
        .unwrap();
    assert_eq!(token.secret, "pst_test_SECRETVALUE");
    // Clones share the configuration, the caller's HTTP client included.
    client
        .clone()
        .post_terminal_connection_tokens(&TerminalConnectionTokenCreateParams::default())
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(header(request, "x-test-http-client"), Some("caller"));
        assert_eq!(request.url.path(), PATH);
    }
}

#[tokio::test]
async fn a_400_with_param_is_an_api_error_with_the_request_id() {
    let error = call_with(
        json(
            400,
            r#"{"error":{"type":"invalid_request_error","code":"resource_missing",
                "doc_url":"https://stripe.com/docs/error-codes/resource-missing",
                "message":"No such location: 'tml_x'","param":"location",
                "request_log_url":"https://dashboard.stripe.com/test/logs/req_123",
                "some_future_member":true}}"#,
        )
        .insert_header("Request-Id", "req_123"),
    )
    .await
    .unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.request_id(), Some("req_123"));
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.error().type_, ApiErrorType::InvalidRequestError);
    assert_eq!(api.error().param.as_deref(), Some("location"));
    assert_eq!(api.error().code.as_deref(), Some("resource_missing"));
    assert_eq!(
        api.error().message.as_deref(),
        Some("No such location: 'tml_x'")
    );
    assert_eq!(api.operation_id(), "PostTerminalConnectionTokens");
    assert_eq!(api.category(), ApiErrorCategory::InvalidRequest);
    assert!(api.body().contains("some_future_member"));
    assert_eq!(
        error.to_string(),
        "[req_123] invalid_request_error (status 400): No such location: 'tml_x' \
         (code: resource_missing, param: location)"
    );
    assert_eq!(
        error.api_error().map(|e| e.type_.as_str()),
        Some("invalid_request_error")
    );
    assert_no_key(&error);
}

#[tokio::test]
async fn a_401_is_an_authentication_error_and_an_echoed_key_is_blanked() {
    // A server (or a misbehaving proxy) that quotes the key back must not put it in our errors.
    let body = format!(
        r#"{{"error":{{"type":"invalid_request_error","message":"Invalid API Key provided: {KEY}"}}}}"#
    );
    let error = call_with(json(401, &body).insert_header("Request-Id", "req_401"))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.status().as_u16(), 401);
    assert_eq!(api.category(), ApiErrorCategory::Authentication);
    assert_eq!(
        api.error().message.as_deref(),
        Some("Invalid API Key provided: [redacted]")
    );
    assert!(!api.body().contains(KEY));
    assert_eq!(
        error.to_string(),
        "[req_401] invalid_request_error (status 401): Invalid API Key provided: [redacted]"
    );
    assert_no_key(&error);
}

#[tokio::test]
async fn an_html_502_is_an_api_error_with_status_excerpt_and_request_id() {
    let html = format!(
        "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>upstream said \
         Authorization: Bearer {KEY}</body>\n</html>\n{}",
        "x".repeat(2000)
    );
    let error = call_with(
        ResponseTemplate::new(502)
            .insert_header("Request-Id", "req_502")
            .set_body_raw(html.into_bytes(), "text/html"),
    )
    .await
    .unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.request_id(), Some("req_502"));
    assert_eq!(error.kind(), ErrorKind::Api(ApiErrorCategory::Api));
    assert!(error.api_error().is_none(), "no envelope: {error:?}");
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert!(!api.has_envelope());
    assert!(
        api.body()
            .starts_with("<html>\n<head><title>502 Bad Gateway")
    );
    let text = error.to_string();
    assert!(
        text.starts_with(
            "[req_502] error response to PostTerminalConnectionTokens without Stripe's error \
             envelope (status 502); body: \"<html>\\n<head><title>502 Bad Gateway"
        ),
        "{text}"
    );
    // The excerpt is short: the 2000 characters after the page are cut off.
    assert!(text.ends_with(" (truncated)"), "{text}");
    assert!(text.len() < 400, "{text}");
    assert_no_key(&error);
}

#[tokio::test]
async fn a_500_without_an_error_member_is_never_success() {
    for body in [r#"{"foo":1}"#, TOKEN_JSON, ""] {
        let error = call_with(json(500, body).insert_header("Request-Id", "req_500"))
            .await
            .unwrap_err();
        let Error::Api(api) = &error else {
            panic!("expected an API error for {body:?}, got {error:?}");
        };
        assert_eq!(api.status().as_u16(), 500);
        assert_eq!(api.request_id(), Some("req_500"));
        assert!(!api.has_envelope(), "{body}");
        assert!(error.is_retryable(), "{body}");
        // The token body's secret is blanked in the excerpt.
        assert!(
            !error.to_string().contains("pst_test_SECRETVALUE"),
            "{error}"
        );
        assert!(
            !format!("{error:?}").contains("pst_test_SECRETVALUE"),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn a_200_missing_secret_is_a_decode_error() {
    let error = call_with(json(
        200,
        r#"{"object":"terminal.connection_token","location":"tml_1"}"#,
    ))
    .await
    .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.status().as_u16(), 200);
    assert_eq!(decode.json_path(), ".");
    assert!(
        decode.message().contains("missing field `secret`"),
        "{}",
        decode.message()
    );
    assert!(
        error.to_string().contains("missing field `secret`"),
        "{error}"
    );
}

#[tokio::test]
async fn a_200_with_a_wrongly_typed_field_reports_its_json_path_and_hides_the_secret() {
    let error = call_with(json(
        200,
        r#"{"location":{"id":"tml_1"},"object":"terminal.connection_token","secret":"pst_test_SECRETVALUE"}"#,
    ))
    .await
    .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.json_path(), "location");
    assert!(
        decode.message().contains("invalid type"),
        "{}",
        decode.message()
    );
    assert!(decode.body_excerpt().contains(r#""secret":"[redacted]""#));
    assert!(!error.to_string().contains("pst_test_SECRETVALUE"));
    assert!(!format!("{error:?}").contains("pst_test_SECRETVALUE"));
}

#[tokio::test]
async fn a_200_with_trailing_data_is_a_decode_error() {
    let error = call_with(json(200, &format!("{TOKEN_JSON} trailing")))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert!(error.to_string().contains("trailing"), "{error}");
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    // Bind a port and release it, so nothing listens there.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    // Connection failures are retried; the waits between attempts are skipped.
    let client = Client::builder(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_sleep(|_| async {})
        .build()
        .unwrap();
    let error = client
        .post_terminal_connection_tokens(&TerminalConnectionTokenCreateParams::default())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.status(), None);
    assert_eq!(error.request_id(), None);
    assert!(error.transport_error().unwrap().is_connect(), "{error:?}");
    let text = error.to_string();
    assert!(
        text.starts_with("request to the Stripe API failed: "),
        "{text}"
    );
    // The chain of causes is part of the message.
    assert!(text.to_lowercase().contains("connect"), "{text}");
    assert_no_key(&error);
}

#[tokio::test]
async fn a_slow_response_times_out() {
    let server = server_with(json(200, TOKEN_JSON).set_delay(Duration::from_secs(5))).await;
    let client = Client::builder(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap();
    let error = client
        .post_terminal_connection_tokens(&TerminalConnectionTokenCreateParams::default())
        .await
        .unwrap_err();
    assert!(
        error.transport_error().is_some_and(|e| e.is_timeout()),
        "{error:?}"
    );
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(error.is_timeout());
}

#[tokio::test]
async fn the_key_and_secrets_never_appear_in_debug_output() {
    let builder = Client::builder(KEY).base_url("http://127.0.0.1:9");
    let builder_debug = format!("{builder:?}");
    assert!(!builder_debug.contains(KEY), "{builder_debug}");
    assert!(builder_debug.contains("[redacted]"), "{builder_debug}");

    let client = builder.build().unwrap();
    let client_debug = format!("{client:?}");
    assert!(!client_debug.contains(KEY), "{client_debug}");
    assert!(client_debug.contains("[redacted]"), "{client_debug}");
    assert!(
        client_debug.contains("http://127.0.0.1:9"),
        "{client_debug}"
    );

    let token: TerminalConnectionToken = serde_json::from_str(TOKEN_JSON).unwrap();
    let token_debug = format!("{token:?}");
    assert!(token_debug.contains("[redacted]"), "{token_debug}");
    assert!(
        !token_debug.contains("pst_test_SECRETVALUE"),
        "{token_debug}"
    );

    // A card error whose linked PaymentIntent carries a client secret.
    let error = call_with(
        json(
            402,
            r#"{"error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline",
                "message":"Your card was declined.","charge":"ch_1",
                "payment_intent":{"id":"pi_1","object":"payment_intent","client_secret":"pi_1_secret_abc"}}}"#,
        )
        .insert_header("Request-Id", "req_402"),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "[req_402] card_error (status 402): Your card was declined. \
         (code: card_declined, decline_code: generic_decline)"
    );
    let debug = format!("{error:?}");
    assert!(!debug.contains("pi_1_secret_abc"), "{debug}");
    assert!(debug.contains("pi_1"), "{debug}");
    // The caller can still reach the secret on purpose.
    let linked = error.api_error().unwrap().payment_intent.as_ref().unwrap();
    assert_eq!(linked["client_secret"], "pi_1_secret_abc");
}
