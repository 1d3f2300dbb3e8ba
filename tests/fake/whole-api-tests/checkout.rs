//! Checkout Sessions against the whole-API fake, through the SDK: a session opens unpaid with
//! the amounts of its line items, our test helper completes it (`checkout.session.completed`,
//! after a succeeded payment intent's events) and refuses to complete it twice, the same
//! helper is served over HTTP, and an open session expires. Then the shop of
//! `docs/webhooks.md` end to end: its handler, served on loopback as the fake's webhook
//! endpoint, verifies each delivery and fulfils the order exactly once.
//!
//! `docs/tests/readme.rs` requires every `rust,ignore` block of `docs/webhooks.md` to be a run
//! of lines of this file (indentation aside), so the shop's handler in the guide is the one
//! tested here.
//!
//! `cargo xtask regen --out DIR` copies this file into `DIR/fake/tests/` (it needs the whole
//! API's families); `scripts/fake-tests` runs it.

mod support;

use hyper::StatusCode;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use stripe_sdk::reqwest;
use stripe_sdk::{
    CheckoutSessionCreateParams, CheckoutSessionCreateParamsLineItems,
    CheckoutSessionCreateParamsLineItemsPriceData,
    CheckoutSessionCreateParamsLineItemsPriceDataProductData, CheckoutSessionCreateParamsMode,
    CheckoutSessionPaymentStatus, CheckoutSessionStatus, EventKind, EventObject, EventType,
    PaymentIntentStatus, Webhook,
};
use stripe_sdk_fake::{DEFAULT_API_KEY, DeliveryStatus, FakeError, FakeStripe};

const CLOCK: i64 = 1_700_000_000;

async fn fake() -> FakeStripe {
    FakeStripe::builder()
        .clock(CLOCK)
        .start()
        .await
        .expect("the fake starts")
}

/// The types of the events recorded so far, oldest first.
fn event_types(fake: &FakeStripe) -> Vec<String> {
    fake.events()
        .iter()
        .map(|event| event["type"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// The shop's checkout: two mugs at 15.00, for order 6735.
fn two_mugs() -> CheckoutSessionCreateParams {
    CheckoutSessionCreateParams {
        mode: Some(CheckoutSessionCreateParamsMode::Payment),
        client_reference_id: Some("order_6735".to_owned()),
        line_items: Some(vec![CheckoutSessionCreateParamsLineItems {
            price_data: Some(CheckoutSessionCreateParamsLineItemsPriceData {
                unit_amount: Some(1500),
                product_data: Some(
                    CheckoutSessionCreateParamsLineItemsPriceDataProductData::new("Mug"),
                ),
                ..CheckoutSessionCreateParamsLineItemsPriceData::new("usd")
            }),
            quantity: Some(2),
            ..Default::default()
        }]),
        ..CheckoutSessionCreateParams::new("https://shop.example/thanks")
    }
}

/// The status and the error envelope of a refused helper call.
fn refused(error: FakeError) -> (u16, Value) {
    match error {
        FakeError::Refused { status, error, .. } => (status, error),
        other => panic!("not a refusal: {other:?}"),
    }
}

#[tokio::test]
async fn our_helper_completes_an_open_session_once() {
    let fake = fake().await;
    let client = fake.client();
    let session = client
        .checkout()
        .sessions()
        .create(&two_mugs())
        .await
        .expect("created");
    assert_eq!(session.status, Some(CheckoutSessionStatus::Open));
    assert_eq!(session.payment_status, CheckoutSessionPaymentStatus::Unpaid);
    assert_eq!(session.amount_total, Some(3000));
    assert_eq!(session.currency.as_deref(), Some("usd"));
    assert_eq!(session.client_reference_id.as_deref(), Some("order_6735"));
    assert_eq!(session.expires_at, CLOCK + 24 * 60 * 60);
    assert_eq!(
        session.url,
        Some(format!("https://checkout.stripe.com/c/pay/{}", session.id))
    );
    assert!(session.payment_intent.is_none());

    let completed = fake
        .complete_checkout_session(&session.id)
        .expect("completed");
    assert_eq!(completed["id"], session.id.as_str());
    assert_eq!(completed["status"], "complete");
    assert_eq!(completed["payment_status"], "paid");

    // The stored session, as the SDK reads it, with the payment intent the payment made.
    let stored = client
        .checkout()
        .sessions()
        .retrieve(&session.id)
        .await
        .expect("retrieved");
    assert_eq!(stored.status, Some(CheckoutSessionStatus::Complete));
    assert_eq!(stored.payment_status, CheckoutSessionPaymentStatus::Paid);
    assert_eq!(stored.url, None);
    let intent_id = stored
        .payment_intent
        .as_ref()
        .map(|intent| intent.id().to_owned())
        .expect("a payment intent");
    let intent = client
        .payment_intents()
        .retrieve(&intent_id)
        .await
        .expect("the payment intent");
    assert_eq!(intent.status, PaymentIntentStatus::Succeeded);
    assert_eq!(intent.amount, 3000);
    assert_eq!(intent.amount_received, Some(3000));
    assert_eq!(intent.currency, "usd");

    assert_eq!(
        event_types(&fake),
        [
            "payment_intent.created",
            "charge.succeeded",
            "payment_intent.succeeded",
            "checkout.session.completed"
        ]
    );
    let events = fake.events();
    let event = events.last().expect("an event");
    assert_eq!(event["data"]["object"]["id"], session.id.as_str());
    assert_eq!(event["data"]["object"]["payment_status"], "paid");
    // The helper's call is logged as the request it stands for, and its events name it.
    let request = fake
        .requests()
        .into_iter()
        .find(|request| {
            request.operation_id == Some("PostTestHelpersCheckoutSessionsSessionComplete")
        })
        .expect("logged");
    assert_eq!(request.status, Some(200));
    assert_eq!(event["request"]["id"], request.request_id.as_str());

    // Only an open session completes: a second time is Stripe's 400 for a state error.
    let (status, error) = refused(
        fake.complete_checkout_session(&session.id)
            .expect_err("already complete"),
    );
    assert_eq!(status, 400);
    assert_eq!(error["error"]["type"], "invalid_request_error");
    assert_eq!(fake.events().len(), 4);

    let (status, error) = refused(
        fake.complete_checkout_session("cs_test_unknown")
            .expect_err("never created"),
    );
    assert_eq!(status, 404);
    assert_eq!(error["error"]["code"], "resource_missing");
}

#[tokio::test]
async fn the_helper_is_served_over_http_with_the_api_key() {
    let fake = fake().await;
    let session = fake
        .client()
        .checkout()
        .sessions()
        .create(&two_mugs())
        .await
        .expect("created");
    let url = format!(
        "{}/v1/test_helpers/checkout/sessions/{}/complete",
        fake.url(),
        session.id
    );
    let http = reqwest::Client::new();
    let anonymous = http.post(&url).send().await.expect("answered");
    assert_eq!(anonymous.status().as_u16(), 401);

    let answer = http
        .post(&url)
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .expect("answered");
    assert_eq!(answer.status().as_u16(), 200);
    let body = answer.bytes().await.expect("a body");
    let completed: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(completed["status"], "complete");
    assert_eq!(
        event_types(&fake).last().map(String::as_str),
        Some("checkout.session.completed")
    );
}

#[tokio::test]
async fn an_open_session_expires_and_then_cannot_complete() {
    let fake = fake().await;
    let client = fake.client();
    let session = client
        .checkout()
        .sessions()
        .create(&two_mugs())
        .await
        .expect("created");
    let expired = client
        .checkout()
        .sessions()
        .expire(&session.id)
        .await
        .expect("expired");
    assert_eq!(expired.status, Some(CheckoutSessionStatus::Expired));
    assert_eq!(expired.payment_status, CheckoutSessionPaymentStatus::Unpaid);
    assert_eq!(event_types(&fake), ["checkout.session.expired"]);

    let again = client
        .checkout()
        .sessions()
        .expire(&session.id)
        .await
        .expect_err("already expired");
    assert_eq!(again.status().map(|status| status.as_u16()), Some(400));
    let (status, _) = refused(
        fake.complete_checkout_session(&session.id)
            .expect_err("expired"),
    );
    assert_eq!(status, 400);
}

/// The shop: its webhook signing secret, and the orders it fulfilled (session id, client
/// reference), in order.
#[derive(Clone, Default)]
struct Shop {
    secret: String,
    fulfilled: Arc<Mutex<Vec<(String, Option<String>)>>>,
}

impl Shop {
    /// Fulfils the order of a session, once per session id however often it is called.
    fn fulfil(&self, id: &str, client_reference_id: Option<&str>) -> std::future::Ready<()> {
        let mut fulfilled = self.fulfilled.lock().expect("the orders");
        if !fulfilled.iter().any(|(seen, _)| seen == id) {
            fulfilled.push((id.to_owned(), client_reference_id.map(str::to_owned)));
        }
        std::future::ready(())
    }

    fn fulfilled(&self) -> Vec<(String, Option<String>)> {
        self.fulfilled.lock().expect("the orders").clone()
    }
}

/// The shop's webhook handler: the guide's verification, then exactly the guide's match on
/// the event (docs/webhooks.md, "A shop"), with `fulfil_order` recording the order.
async fn shop_webhook(shop: &Shop, signature: &str, body: &[u8]) -> StatusCode {
    let event = match Webhook::construct_event(body, signature, &shop.secret) {
        Ok(event) => event,
        Err(_) => return StatusCode::BAD_REQUEST,
    };
    let fulfil_order = |id: &str, reference: Option<&str>| shop.fulfil(id, reference);
    match event.kind() {
        EventKind::CheckoutSessionCompleted(session) => {
            // Delayed payment methods complete the session before the money arrives; fulfil
            // those on `checkout.session.async_payment_succeeded` instead.
            if session.payment_status == CheckoutSessionPaymentStatus::Paid {
                // Stripe may deliver an event more than once: fulfil each session id once.
                fulfil_order(&session.id, session.client_reference_id.as_deref()).await;
            }
        }
        EventKind::Other(event) if event.type_ == EventType::CheckoutSessionCompleted => {
            // An endpoint on an older version: the fields fulfilment needs are in the JSON.
            if let EventObject::Undecoded(session) = &event.data.object {
                let id = session.json["id"].as_str().unwrap_or_default();
                if session.json["payment_status"] == "paid" {
                    fulfil_order(id, session.json["client_reference_id"].as_str()).await;
                }
            }
        }
        _ => {}
    }
    StatusCode::OK
}

/// Serves the shop's handler on a free loopback port; returns its URL.
async fn serve(shop: Shop) -> String {
    support::serve_webhooks("/stripe/webhook", move |signature, body| {
        let shop = shop.clone();
        async move { shop_webhook(&shop, &signature, &body).await }
    })
    .await
}

#[tokio::test]
async fn the_shop_fulfils_a_completed_checkout_once() {
    let shop = Shop {
        secret: "whsec_test_shop".to_owned(),
        ..Shop::default()
    };
    let url = serve(shop.clone()).await;
    let fake = FakeStripe::builder()
        .clock(CLOCK)
        .webhook(url.as_str(), shop.secret.as_str())
        .start()
        .await
        .expect("the fake starts");

    // The customer checks out, and pays on the hosted page (our helper, here).
    let session = fake
        .client()
        .checkout()
        .sessions()
        .create(&two_mugs())
        .await
        .expect("created");
    fake.complete_checkout_session(&session.id)
        .expect("completed");
    fake.settle().await;

    assert_eq!(
        shop.fulfilled(),
        [(session.id.clone(), Some("order_6735".to_owned()))]
    );
    // Every event was genuine, so every delivery was answered 200 at its first attempt,
    // including the payment intent's and the charge's, which the shop ignores.
    let deliveries = fake.deliveries();
    assert_eq!(deliveries.len(), 4);
    for delivery in &deliveries {
        assert_eq!(delivery.status, DeliveryStatus::Succeeded, "{delivery:?}");
        assert_eq!(delivery.attempts.len(), 1, "{delivery:?}");
    }

    // Stripe may deliver an event again: the same delivery, replayed, is answered 200 and
    // fulfils nothing more.
    let completed = deliveries
        .iter()
        .find(|delivery| delivery.event_type == "checkout.session.completed")
        .expect("the completion's delivery");
    let signature = completed.attempts[0].signature.clone();
    let replay = reqwest::Client::new()
        .post(&url)
        .header("Stripe-Signature", signature)
        .body(completed.payload.clone())
        .send()
        .await
        .expect("answered");
    assert_eq!(replay.status().as_u16(), 200);
    assert_eq!(shop.fulfilled().len(), 1);

    // A forged delivery is refused.
    let forged = reqwest::Client::new()
        .post(&url)
        .header("Stripe-Signature", "t=1,v1=00")
        .body(completed.payload.clone())
        .send()
        .await
        .expect("answered");
    assert_eq!(forged.status().as_u16(), 400);
}
