//! Contract tests against Prism serving `spec/openapi.yaml` with request validation: every
//! request here is built and sent by the SDK's own `Client`, pointed at Prism, and must be
//! accepted by the spec, with its response decoding into the SDK's types. Values just past a
//! limit must be refused by the SDK itself, before anything is sent.
//!
//! They need a running Prism at `PRISM_URL`, so a plain `cargo test` reports them as ignored.
//! `scripts/contract-test` installs and starts Prism and runs them with `--ignored`; run that way
//! without `PRISM_URL`, they fail.
//!
//! Prism accepts a request whose params vanished on the way (an empty body, or `expand[]=`
//! keys it does not read as array items), so acceptance alone would not show that the params
//! arrived. The client therefore talks to Prism through a small recording proxy in this file,
//! and each test also checks the body Prism accepted.
//!
//! What Prism (5.14 and 5.16) validates in a form body, found by running it: `maxLength` of
//! `location` and of each `expand[N]` (counted in characters), the type of each `expand[N]`,
//! and the bearer `Authorization` the spec's security scheme asks for. What it does not:
//! unknown fields, and keys such as `expand=foo` or `expand[]=foo`. The spec declares `expand`
//! with `style: deepObject, explode: true`, and Prism's deepObject deserializer builds the array
//! only from keys that match `expand[<digits>]`, so it drops the others and sees an empty array.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use stripe_sdk::reqwest;
use stripe_sdk::{Client, Error, ViolationKind};
use stripe_sdk::{
    TerminalConnectionToken, TerminalConnectionTokenCreateParams, TerminalConnectionTokenObject,
};

/// A test-mode key: Prism only checks that a bearer token is present.
const KEY: &str = "sk_test_ContractTestKey0123456789";
const PATH: &str = "/v1/terminal/connection_tokens";
/// The `maxLength` the spec gives `location` and each `expand` item.
const MAX_LENGTH: usize = 5000;

/// Prism's base URL. These tests are ignored unless asked for, and once asked for they must not
/// pass without Prism, so a missing `PRISM_URL` fails them.
fn prism_url() -> String {
    match std::env::var("PRISM_URL") {
        Ok(url) if !url.is_empty() => url.trim_end_matches('/').to_owned(),
        _ => panic!(
            "PRISM_URL is not set: these tests need a running Prism; run `bash \
             scripts/contract-test`, which starts one and runs them"
        ),
    }
}

/// One request as it passed through the proxy on its way to Prism.
#[derive(Clone, Debug)]
struct Recorded {
    method: Method,
    path: String,
    body: String,
}

/// The proxy between the SDK and Prism: it forwards each request unchanged and records it.
#[derive(Clone)]
struct Proxy {
    prism: String,
    http: reqwest::Client,
    recorded: Arc<Mutex<Vec<Recorded>>>,
}

async fn forward(
    State(proxy): State<Proxy>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), ToString::to_string);
    proxy.recorded.lock().unwrap().push(Recorded {
        method: method.clone(),
        path: path.clone(),
        body: String::from_utf8(body.to_vec()).expect("the SDK sends UTF-8 bodies"),
    });
    let mut request = proxy
        .http
        .request(method, format!("{}{path}", proxy.prism))
        .body(body);
    for (name, value) in &headers {
        // The host and length are the proxy's; reqwest sets them for the forwarded request.
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    let answer = request.send().await.expect("Prism answers");
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" {
            response = response.header(name, value);
        }
    }
    let bytes = answer.bytes().await.expect("Prism's body");
    response.body(Body::from(bytes)).expect("a valid response")
}

/// The SDK's client, pointed at a recording proxy in front of Prism.
struct Harness {
    client: Client,
    recorded: Arc<Mutex<Vec<Recorded>>>,
}

impl Harness {
    async fn start() -> Self {
        let proxy = Proxy {
            prism: prism_url(),
            http: reqwest::Client::new(),
            recorded: Arc::default(),
        };
        let recorded = Arc::clone(&proxy.recorded);
        let app = axum::Router::new().fallback(forward).with_state(proxy);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("the proxy's address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        let client = Client::builder(KEY)
            .base_url(format!("http://{address}"))
            .timeout(Duration::from_secs(20))
            .max_retries(0)
            .build()
            .expect("a client");
        Self { client, recorded }
    }

    async fn call(
        &self,
        params: &TerminalConnectionTokenCreateParams,
    ) -> Result<TerminalConnectionToken, Error> {
        self.client.post_terminal_connection_tokens(params).await
    }

    fn recorded(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }

    /// Asserts that Prism accepted exactly one request, a POST of `body`, and that its answer
    /// decoded into a connection token.
    fn assert_accepted(&self, result: Result<TerminalConnectionToken, Error>, body: &str) {
        let recorded = self.recorded();
        match result {
            Ok(token) => {
                assert_eq!(
                    token.object,
                    TerminalConnectionTokenObject::TerminalConnectionToken
                );
                assert!(!token.secret.is_empty());
            }
            Err(error) => panic!(
                "Prism refused the SDK's request (status {:?}): {error}; sent: {recorded:?}",
                error.status()
            ),
        }
        assert_eq!(recorded.len(), 1, "{recorded:?}");
        assert_eq!(recorded[0].method, Method::POST);
        assert_eq!(recorded[0].path, PATH);
        assert!(
            recorded[0].body == body,
            "Prism accepted a body other than the params: {:?}",
            recorded[0].body
        );
    }

    /// Asserts that the SDK refused the params with one too-long violation at `path` and sent
    /// nothing.
    fn assert_refused_before_sending(
        &self,
        result: Result<TerminalConnectionToken, Error>,
        path: &str,
    ) {
        match result {
            Err(Error::InvalidParams(invalid)) => {
                assert_eq!(invalid.violations().len(), 1, "{invalid}");
                assert_eq!(invalid.violations()[0].path(), path, "{invalid}");
                assert_eq!(
                    invalid.violations()[0].kind(),
                    &ViolationKind::TooLong {
                        max: MAX_LENGTH,
                        actual: MAX_LENGTH + 1
                    }
                );
            }
            other => panic!("expected Error::InvalidParams at `{path}`, got {other:?}"),
        }
        assert!(self.recorded().is_empty(), "sent: {:?}", self.recorded());
    }
}

#[tokio::test]
#[ignore = "needs Prism: run scripts/contract-test"]
async fn the_sdk_request_without_params_is_accepted() {
    let harness = Harness::start().await;
    let result = harness
        .call(&TerminalConnectionTokenCreateParams::default())
        .await;
    harness.assert_accepted(result, "");
}

#[tokio::test]
#[ignore = "needs Prism: run scripts/contract-test"]
async fn the_sdk_request_with_a_location_is_accepted() {
    let harness = Harness::start().await;
    let params = TerminalConnectionTokenCreateParams {
        location: Some("tml_123".to_owned()),
        expand: None,
    };
    harness.assert_accepted(harness.call(&params).await, "location=tml_123");
}

#[tokio::test]
#[ignore = "needs Prism: run scripts/contract-test"]
async fn the_sdk_request_with_expand_is_accepted() {
    let harness = Harness::start().await;
    let params = TerminalConnectionTokenCreateParams {
        location: None,
        expand: Some(vec!["location".to_owned(), "data.owner".to_owned()]),
    };
    harness.assert_accepted(
        harness.call(&params).await,
        "expand[0]=location&expand[1]=data.owner",
    );
}

#[tokio::test]
#[ignore = "needs Prism: run scripts/contract-test"]
async fn the_sdk_request_with_location_and_expand_is_accepted() {
    let harness = Harness::start().await;
    let params = TerminalConnectionTokenCreateParams {
        location: Some("tml_123".to_owned()),
        expand: Some(vec!["location".to_owned()]),
    };
    harness.assert_accepted(
        harness.call(&params).await,
        "expand[0]=location&location=tml_123",
    );
}

/// A `location` of exactly `maxLength` characters, in ASCII and in two-byte characters: the
/// SDK counts characters as Prism does, so it neither refuses nor sends what Prism refuses.
#[tokio::test]
#[ignore = "needs Prism: run scripts/contract-test"]
async fn a_location_of_exactly_max_length_is_accepted() {
    for (character, encoded) in [("a", "a"), ("é", "%C3%A9")] {
        let harness = Harness::start().await;
        let params = TerminalConnectionTokenCreateParams {
            location: Some(character.repeat(MAX_LENGTH)),
            expand: None,
        };
        harness.assert_accepted(
            harness.call(&params).await,
            &format!("location={}", encoded.repeat(MAX_LENGTH)),
        );
    }
}

#[tokio::test]
#[ignore = "needs Prism: run scripts/contract-test"]
async fn a_location_one_past_max_length_is_refused_before_sending() {
    let harness = Harness::start().await;
    let params = TerminalConnectionTokenCreateParams {
        location: Some("a".repeat(MAX_LENGTH + 1)),
        expand: None,
    };
    harness.assert_refused_before_sending(harness.call(&params).await, "location");
}

#[tokio::test]
#[ignore = "needs Prism: run scripts/contract-test"]
async fn expand_items_of_exactly_max_length_are_accepted() {
    let harness = Harness::start().await;
    let first = "a".repeat(MAX_LENGTH);
    let second = "b".repeat(MAX_LENGTH);
    let params = TerminalConnectionTokenCreateParams {
        location: None,
        expand: Some(vec![first.clone(), second.clone()]),
    };
    harness.assert_accepted(
        harness.call(&params).await,
        &format!("expand[0]={first}&expand[1]={second}"),
    );
}

#[tokio::test]
#[ignore = "needs Prism: run scripts/contract-test"]
async fn an_expand_item_one_past_max_length_is_refused_before_sending() {
    let harness = Harness::start().await;
    let params = TerminalConnectionTokenCreateParams {
        location: None,
        expand: Some(vec!["location".to_owned(), "a".repeat(MAX_LENGTH + 1)]),
    };
    harness.assert_refused_before_sending(harness.call(&params).await, "expand[1]");
}

/// The one hand-built request, a sanity check of Prism rather than of the SDK: Prism refuses an
/// `expand[0]` one character past `maxLength`, so it reads indexed keys and counts their
/// characters, and the acceptances above at exactly `maxLength` mean something.
#[tokio::test]
#[ignore = "needs Prism: run scripts/contract-test"]
async fn prism_itself_refuses_an_expand_item_past_max_length() {
    let url = prism_url();
    let response = reqwest::Client::new()
        .post(format!("{url}{PATH}"))
        .header("authorization", format!("Bearer {KEY}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .timeout(Duration::from_secs(20))
        .body(format!("expand[0]={}", "a".repeat(MAX_LENGTH + 1)))
        .send()
        .await
        .expect("Prism answers");
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let violations = response
        .headers()
        .get("sl-violations")
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .unwrap_or_default();
    let violations: serde_json::Value =
        serde_json::from_str(&violations).expect("Prism lists its violations as JSON");
    let found = violations.as_array().is_some_and(|all| {
        all.iter().any(|violation| {
            violation["code"] == "maxLength"
                && violation["location"]
                    .as_array()
                    .is_some_and(|location| location.iter().any(|part| part == "expand"))
        })
    });
    assert!(found, "no maxLength violation of expand: {violations}");
}
