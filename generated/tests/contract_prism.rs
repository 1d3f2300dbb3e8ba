//! Contract tests against Prism serving `spec/openapi.yaml` with request validation: the SDK's
//! requests must be accepted by the spec and its responses decode into the SDK's types, and
//! requests that break the spec must be refused, which shows that the validation is live.
//!
//! They need a running Prism at `PRISM_URL`; `scripts/contract-test` installs and starts one and
//! runs them. Without `PRISM_URL` each test says that it skipped and passes, so a plain
//! `cargo test` stays self-contained.
//!
//! What Prism (5.14 and 5.16) validates in a form body, found by running it: `maxLength` of
//! `location` and of each `expand[N]`, the type of each `expand[N]` (an object there is refused),
//! and the bearer `Authorization` the spec's security scheme asks for. What it does not: unknown
//! fields, and a plain `expand=foo`. The spec declares `expand` with `style: deepObject,
//! explode: true`, and Prism's deepObject deserializer builds the array only from keys that
//! match `expand[<digits>]`; a bare `expand` key matches none, so Prism sees an empty array
//! (valid) and drops the string. That case is therefore not tested here.

use std::time::Duration;

use stripe_sdk::reqwest;
use stripe_sdk::{Client, Error};
use stripe_sdk::{
    PostTerminalConnectionTokensParams, TerminalConnectionToken, TerminalConnectionTokenObject,
};

/// A test-mode key: Prism only checks that a bearer token is present.
const KEY: &str = "sk_test_ContractTestKey0123456789";
const PATH: &str = "/v1/terminal/connection_tokens";

/// Prism's base URL, or `None` after saying that the test is skipped.
fn prism_url() -> Option<String> {
    match std::env::var("PRISM_URL") {
        Ok(url) if !url.is_empty() => Some(url.trim_end_matches('/').to_owned()),
        _ => {
            println!("skipped: PRISM_URL is not set (run scripts/contract-test)");
            None
        }
    }
}

/// Sends `params` through the SDK to Prism. Any non-2xx answer is an error in the SDK, so an
/// `Ok` means Prism accepted the request and the response decoded.
async fn call_sdk(
    url: &str,
    params: &PostTerminalConnectionTokensParams,
) -> Result<TerminalConnectionToken, Error> {
    let client = Client::builder(KEY)
        .base_url(url)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    client.post_terminal_connection_tokens(params).await
}

fn assert_accepted(result: Result<TerminalConnectionToken, Error>) {
    match result {
        Ok(token) => {
            assert_eq!(
                token.object,
                TerminalConnectionTokenObject::TerminalConnectionToken
            );
            assert!(!token.secret.is_empty());
        }
        Err(error) => panic!(
            "Prism refused the SDK's request (status {:?}): {error}",
            error.status()
        ),
    }
}

/// The answer to a hand-built request: the status and Prism's `sl-violations` header, which
/// lists what broke the spec.
struct Answer {
    status: u16,
    violations: String,
}

/// Posts `body` as a form, with the bearer key unless `authorized` is false.
async fn post_form(url: &str, body: String, authorized: bool) -> Answer {
    let mut request = reqwest::Client::new()
        .post(format!("{url}{PATH}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .timeout(Duration::from_secs(20))
        .body(body);
    if authorized {
        request = request.header("authorization", format!("Bearer {KEY}"));
    }
    let response = request.send().await.unwrap();
    let answer = Answer {
        status: response.status().as_u16(),
        violations: response
            .headers()
            .get("sl-violations")
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .unwrap_or_default(),
    };
    println!("POST {PATH} -> {} {}", answer.status, answer.violations);
    answer
}

/// Asserts a 422 whose violations name `field` and `code` (Prism's words, such as `maxLength`).
fn assert_refused(answer: &Answer, field: &str, code: &str) {
    assert_eq!(answer.status, 422, "violations: {}", answer.violations);
    let violations: serde_json::Value = serde_json::from_str(&answer.violations).unwrap();
    let found = violations.as_array().unwrap().iter().any(|violation| {
        violation["code"] == code
            && violation["location"]
                .as_array()
                .is_some_and(|location| location.iter().any(|part| part == field))
    });
    assert!(
        found,
        "no {code} violation of {field}: {}",
        answer.violations
    );
}

#[tokio::test]
async fn the_sdk_request_without_params_is_accepted() {
    let Some(url) = prism_url() else { return };
    assert_accepted(call_sdk(&url, &PostTerminalConnectionTokensParams::default()).await);
}

#[tokio::test]
async fn the_sdk_request_with_a_location_is_accepted() {
    let Some(url) = prism_url() else { return };
    let params = PostTerminalConnectionTokensParams {
        location: Some("tml_123".to_owned()),
        expand: None,
    };
    assert_accepted(call_sdk(&url, &params).await);
}

#[tokio::test]
async fn the_sdk_request_with_expand_is_accepted() {
    let Some(url) = prism_url() else { return };
    let params = PostTerminalConnectionTokensParams {
        location: None,
        expand: Some(vec!["location".to_owned(), "data.owner".to_owned()]),
    };
    assert_accepted(call_sdk(&url, &params).await);
}

#[tokio::test]
async fn the_sdk_request_with_location_and_expand_is_accepted() {
    let Some(url) = prism_url() else { return };
    let params = PostTerminalConnectionTokensParams {
        location: Some("tml_123".to_owned()),
        expand: Some(vec!["location".to_owned()]),
    };
    assert_accepted(call_sdk(&url, &params).await);
}

/// The control for the refusals below: the same hand-built request, with valid values, is
/// accepted, so a 422 there is caused by the one broken value.
#[tokio::test]
async fn a_valid_hand_built_request_is_accepted() {
    let Some(url) = prism_url() else { return };
    let answer = post_form(&url, "expand[0]=location&location=tml_123".to_owned(), true).await;
    assert_eq!(answer.status, 200, "violations: {}", answer.violations);
}

#[tokio::test]
async fn a_location_over_max_length_is_refused() {
    let Some(url) = prism_url() else { return };
    let body = format!("expand[0]=location&location={}", "a".repeat(5001));
    assert_refused(&post_form(&url, body, true).await, "location", "maxLength");
}

#[tokio::test]
async fn an_expand_item_over_max_length_is_refused() {
    let Some(url) = prism_url() else { return };
    let body = format!("expand[0]={}&location=tml_123", "a".repeat(5001));
    assert_refused(&post_form(&url, body, true).await, "expand", "maxLength");
}

#[tokio::test]
async fn an_expand_item_of_the_wrong_type_is_refused() {
    let Some(url) = prism_url() else { return };
    // `expand[0][field]=location` makes the first item an object where the spec wants a
    // string.
    let body = "expand[0][field]=location&location=tml_123".to_owned();
    assert_refused(&post_form(&url, body, true).await, "expand", "type");
}

#[tokio::test]
async fn a_request_without_the_bearer_key_is_refused() {
    let Some(url) = prism_url() else { return };
    let answer = post_form(&url, "location=tml_123".to_owned(), false).await;
    assert_eq!(answer.status, 401, "violations: {}", answer.violations);
}
