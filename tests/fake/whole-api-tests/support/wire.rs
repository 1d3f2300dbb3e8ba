//! Raw requests to the fake, for the money and billing tests: a form body (POST) or a query
//! (GET, DELETE) with the fake's key, answered as the status and the JSON body, for the
//! fields and routes a test reads on the wire.

use serde_json::Value;
use stripe_sdk::reqwest;
use stripe_sdk_fake::{DEFAULT_API_KEY, FakeStripe};

/// `method path` with `body` as the form (POST) or the query (GET, DELETE).
pub async fn raw(fake: &FakeStripe, method: &str, path: &str, body: &str) -> (u16, Value) {
    let client = reqwest::Client::new();
    let request = match method {
        "GET" => client.get(format!("{}{path}?{body}", fake.url())),
        "DELETE" => client.delete(format!("{}{path}?{body}", fake.url())),
        _ => client
            .post(format!("{}{path}", fake.url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned()),
    };
    let response = request
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .expect("the fake answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// [`raw`], expecting a 200, answering the body.
pub async fn ok(fake: &FakeStripe, method: &str, path: &str, body: &str) -> Value {
    let (status, value) = raw(fake, method, path, body).await;
    assert_eq!(status, 200, "{method} {path} {body}: {value}");
    value
}

/// The types of the events recorded so far, oldest first.
pub fn event_types(fake: &FakeStripe) -> Vec<String> {
    fake.events()
        .iter()
        .map(|event| event["type"].as_str().unwrap_or("").to_owned())
        .collect()
}
