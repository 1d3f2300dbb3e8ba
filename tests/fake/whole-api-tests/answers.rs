//! The fake answers as Stripe answers (issue 27), against the whole-API fake: objects whole
//! with Stripe's starting values, requests read as Stripe reads them (`True`, Basic auth,
//! metadata and idempotency key limits, large bodies), 404s for every missing id, a parent's
//! included, deleted stubs, search pages, test payment methods, and a canceled subscription
//! that stays retrievable.
//!
//! `cargo xtask regen --out DIR` copies this file into `DIR/fake/tests/`; `scripts/fake-tests`
//! runs it.

use serde_json::Value;
use stripe_sdk::reqwest;
use stripe_sdk::{
    CustomerCreateParams, CustomerOrDeleted, CustomerRetrieveParams, CustomerSearchParams,
    PaymentMethodAttachParams, ProductCreateParams,
};
use stripe_sdk_fake::{DEFAULT_API_KEY, FakeStripe};

async fn fake() -> FakeStripe {
    FakeStripe::builder()
        .clock(1_700_000_000)
        .start()
        .await
        .expect("the fake starts")
}

/// A raw request with a form body (POST) or query (GET, DELETE), authorized with `auth`.
async fn send(fake: &FakeStripe, method: &str, path: &str, body: &str, auth: &str) -> (u16, Value) {
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
        .header("authorization", auth)
        .send()
        .await
        .expect("the fake answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn raw(fake: &FakeStripe, method: &str, path: &str, body: &str) -> (u16, Value) {
    send(
        fake,
        method,
        path,
        body,
        &format!("Bearer {DEFAULT_API_KEY}"),
    )
    .await
}

#[tokio::test]
async fn a_new_customer_has_every_field() {
    let fake = fake().await;
    let customer = fake
        .client()
        .post_customers(&CustomerCreateParams::default())
        .await
        .expect("created");
    assert!(customer.id.starts_with("cus_"), "{}", customer.id);
    assert_eq!(customer.email, None);
    assert_eq!(customer.metadata, Some(Default::default()));
    let (_, wire) = raw(&fake, "GET", &format!("/v1/customers/{}", customer.id), "").await;
    for field in [
        "email",
        "name",
        "description",
        "address",
        "phone",
        "metadata",
        "balance",
    ] {
        assert!(wire.get(field).is_some(), "{field} is missing from {wire}");
    }
    assert_eq!(wire["livemode"], false);
    assert_eq!(wire["created"], 1_700_000_000);
    assert!(
        wire.get("sources").is_none(),
        "sources is included only when expanded"
    );
}

/// A create's answer is serialized from the copy its `customer.created` event takes (rather
/// than from one more copy): the body, its replay under the same idempotency key, the event's
/// object, the log's record of both requests and a retrieve all give the same customer.
#[tokio::test]
async fn a_create_answers_what_it_stored_and_its_event_holds() {
    // An endpoint nothing listens at: the event's delivery is queued, and its body recorded,
    // at the create.
    let fake = FakeStripe::builder()
        .clock(1_700_000_000)
        .webhook("http://127.0.0.1:9/webhook", "whsec_test_secret")
        .start()
        .await
        .expect("the fake starts");
    let create = || {
        reqwest::Client::new()
            .post(format!("{}/v1/customers", fake.url()))
            .bearer_auth(DEFAULT_API_KEY)
            .header("idempotency-key", "customer-1")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("email=jenny%40example.com&metadata[order]=6735&name=Jenny+Rosen")
            .send()
    };
    let first = create().await.expect("answers");
    assert_eq!(first.status().as_u16(), 200);
    let first = first.text().await.expect("a body");
    let again = create().await.expect("answers");
    let again = again.text().await.expect("a body");
    assert_eq!(first, again, "the replay is the same bytes");
    let customer: Value = serde_json::from_str(&first).expect("JSON");
    assert_eq!(customer["name"], "Jenny Rosen");
    assert_eq!(customer["metadata"]["order"], "6735");
    let id = customer["id"].as_str().expect("an id").to_owned();

    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].response, customer);
    assert_eq!(requests[1].response, customer);
    assert!(requests[1].replayed);

    let events = fake.events();
    let created: Vec<&Value> = events
        .iter()
        .filter(|event| event["type"] == "customer.created")
        .collect();
    assert_eq!(created.len(), 1, "the replay records no event");
    assert_eq!(created[0]["data"]["object"], customer);
    // The event keeps its object as the answer's JSON: every reader of it gets it whole.
    let event_id = created[0]["id"].as_str().expect("an event id").to_owned();
    let (status, listed) = raw(&fake, "GET", "/v1/events", "type=customer.created").await;
    assert_eq!(status, 200);
    assert_eq!(listed["data"][0]["id"], event_id.as_str());
    assert_eq!(listed["data"][0]["data"]["object"], customer);
    let (status, retrieved_event) = raw(&fake, "GET", &format!("/v1/events/{event_id}"), "").await;
    assert_eq!(status, 200);
    assert_eq!(&retrieved_event, created[0]);
    let deliveries = fake.deliveries();
    let delivered = deliveries
        .iter()
        .find(|delivery| delivery.event_id == event_id)
        .expect("the event's delivery");
    let sent: Value = serde_json::from_str(&delivered.payload).expect("JSON");
    assert_eq!(sent["data"]["object"], customer);
    assert_eq!(sent["id"], event_id.as_str());
    assert_eq!(sent["type"], "customer.created");
    assert_eq!(sent["pending_webhooks"], 1);
    assert_eq!(sent["data"].as_object().map(|data| data.len()), Some(1));

    let (status, retrieved) = raw(&fake, "GET", &format!("/v1/customers/{id}"), "").await;
    assert_eq!(status, 200);
    assert_eq!(retrieved, customer);
}

#[tokio::test]
async fn starting_values_follow_stripe() {
    let fake = fake().await;
    let product = fake
        .client()
        .post_products(&ProductCreateParams::new("Mug"))
        .await
        .expect("created");
    assert!(product.active);
    assert!(product.id.starts_with("prod_"));
    let (status, price) = raw(
        &fake,
        "POST",
        "/v1/prices",
        &format!(
            "currency=usd&unit_amount=500&product={}&recurring[interval]=month",
            product.id
        ),
    )
    .await;
    assert_eq!(status, 200, "{price}");
    assert_eq!(price["type"], "recurring");
    assert_eq!(price["active"], true);
    let (_, one_time) = raw(
        &fake,
        "POST",
        "/v1/prices",
        &format!("currency=usd&unit_amount=5&product={}", product.id),
    )
    .await;
    assert_eq!(one_time["type"], "one_time");

    let (_, customer) = raw(&fake, "POST", "/v1/customers", "").await;
    let (status, invoice) = raw(
        &fake,
        "POST",
        "/v1/invoices",
        &format!("customer={}", customer["id"].as_str().unwrap_or("")),
    )
    .await;
    assert_eq!(status, 200, "{invoice}");
    assert!(
        invoice["id"].as_str().unwrap_or("").starts_with("in_"),
        "{invoice}"
    );
    assert_eq!(invoice["status"], "draft");

    let (_, account) = raw(
        &fake,
        "POST",
        "/v1/accounts",
        "type=custom&capabilities[card_payments][requested]=True&capabilities[transfers][requested]=true",
    )
    .await;
    assert_eq!(account["charges_enabled"], false);
    assert_eq!(account["capabilities"]["card_payments"], "inactive");
    assert_eq!(account["capabilities"]["transfers"], "inactive");
    assert_eq!(account["created"], 1_700_000_000);
    let (_, link) = raw(
        &fake,
        "POST",
        "/v1/account_links",
        &format!(
            "account={}&type=account_onboarding&refresh_url=https://example.com/r&return_url=https://example.com/d",
            account["id"].as_str().unwrap_or("")
        ),
    )
    .await;
    assert!(
        link["url"].as_str().unwrap_or("").starts_with("https://"),
        "{link}"
    );
    assert_eq!(link["expires_at"], 1_700_000_300);
    assert_eq!(link["created"], 1_700_000_000);
}

#[tokio::test]
async fn requests_are_read_as_stripe_reads_them() {
    let fake = fake().await;
    // `True` and `False` are booleans.
    let (status, intent) = raw(
        &fake,
        "POST",
        "/v1/payment_intents",
        "amount=100&currency=usd&automatic_payment_methods[enabled]=True",
    )
    .await;
    assert_eq!(status, 200, "{intent}");
    // Basic auth carries the key as its user name (base64 of "sk_test_stripe_sdk_fake:").
    let basic = "Basic c2tfdGVzdF9zdHJpcGVfc2RrX2Zha2U6";
    let (status, _) = send(&fake, "GET", "/v1/customers", "", basic).await;
    assert_eq!(status, 200);
    // Metadata limits.
    let many: Vec<String> = (0..51).map(|n| format!("metadata[k{n}]=v")).collect();
    let (status, error) = raw(&fake, "POST", "/v1/customers", &many.join("&")).await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["error"]["param"], "metadata");
    let long_key = format!("metadata[{}]=v", "k".repeat(41));
    assert_eq!(raw(&fake, "POST", "/v1/customers", &long_key).await.0, 400);
    let long_value = format!("metadata[k]={}", "v".repeat(501));
    assert_eq!(
        raw(&fake, "POST", "/v1/customers", &long_value).await.0,
        400
    );
    // 100,000 params are read in linear time and refused as too many keys, not a stall.
    let huge: Vec<String> = (0..100_000).map(|n| format!("metadata[k{n}]=v")).collect();
    let started = std::time::Instant::now();
    assert_eq!(
        raw(&fake, "POST", "/v1/customers", &huge.join("&")).await.0,
        400
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // An idempotency key over 255 characters, even a 1 MB one, is a 400, not a dropped
    // connection.
    let response = reqwest::Client::new()
        .post(format!("{}/v1/customers", fake.url()))
        .bearer_auth(DEFAULT_API_KEY)
        .header("idempotency-key", "k".repeat(1 << 20))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 400);
}

#[tokio::test]
async fn missing_ids_are_404s_naming_the_param() {
    let fake = fake().await;
    for (method, path, param) in [
        (
            "POST",
            "/v1/test_helpers/test_clocks/clock_xyz/advance",
            "id",
        ),
        (
            "DELETE",
            "/v1/customers/cus_nope/sources/card_nope",
            "customer",
        ),
        (
            "POST",
            "/v1/treasury/inbound_transfers/ibt_xxx/cancel",
            "id",
        ),
        ("GET", "/v1/transfers/tr_nope/reversals", "id"),
        ("GET", "/v1/accounts/acct_nope/persons", "account"),
    ] {
        let body = if path.ends_with("advance") {
            "frozen_time=1700000100"
        } else {
            ""
        };
        let (status, error) = raw(&fake, method, path, body).await;
        assert_eq!(status, 404, "{method} {path}: {error}");
        assert_eq!(error["error"]["code"], "resource_missing", "{path}");
        assert!(error["error"]["param"].is_string(), "{path}: {error}");
        let _ = param;
    }
}

#[tokio::test]
async fn deleted_objects_answer_their_stub_and_ids_are_per_resource() {
    let fake = fake().await;
    let client = fake.client();
    let customer = client
        .post_customers(&CustomerCreateParams::default())
        .await
        .expect("created");
    client
        .delete_customers_customer(&customer.id)
        .await
        .expect("deleted");
    let retrieved = client
        .get_customers_customer(&customer.id, &CustomerRetrieveParams::default())
        .await
        .expect("a deleted customer is retrieved");
    assert!(matches!(retrieved, CustomerOrDeleted::DeletedCustomer(_)));

    let (_, coupon) = raw(
        &fake,
        "POST",
        "/v1/coupons",
        "id=250FF&percent_off=10&duration=once",
    )
    .await;
    assert_eq!(coupon["id"], "250FF", "an id given at creation is kept");
    assert_eq!(raw(&fake, "DELETE", "/v1/coupons/250FF", "").await.0, 200);
    assert_eq!(raw(&fake, "GET", "/v1/coupons/250FF", "").await.0, 404);
    let (_, plan) = raw(
        &fake,
        "POST",
        "/v1/plans",
        "id=250FF&currency=usd&interval=month&amount=100&product[name]=P",
    )
    .await;
    assert_eq!(plan["id"], "250FF");
    assert_eq!(
        raw(&fake, "GET", "/v1/plans/250FF", "").await.0,
        200,
        "a deleted coupon's id is free for a plan"
    );
}

#[tokio::test]
async fn search_pages_carry_next_page_and_total_count() {
    let fake = fake().await;
    let client = fake.client();
    for _ in 0..3 {
        client
            .post_customers(&CustomerCreateParams::default())
            .await
            .expect("created");
    }
    let page = client
        .get_customers_search(&{
            let mut params = CustomerSearchParams::new("created>0");
            params.limit = Some(2);
            params.expand = Some(vec!["total_count".to_owned()]);
            params
        })
        .await
        .expect("searched");
    assert!(page.has_more);
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.total_count, Some(3));
    let next = page.next_page.expect("a next page");
    let rest = client
        .get_customers_search(&{
            let mut params = CustomerSearchParams::new("created>0");
            params.page = Some(next);
            params
        })
        .await
        .expect("the next page");
    assert_eq!(rest.data.len(), 1);
    assert!(!rest.has_more);
    assert_eq!(rest.next_page, None);
}

#[tokio::test]
async fn test_payment_methods_work_where_an_id_goes() {
    let fake = fake().await;
    let client = fake.client();
    let customer = client
        .post_customers(&CustomerCreateParams::default())
        .await
        .expect("created");
    let attach = PaymentMethodAttachParams::new(customer.id.clone());
    let first = client
        .post_payment_methods_payment_method_attach("pm_card_visa", &attach)
        .await
        .expect("attached");
    let second = client
        .post_payment_methods_payment_method_attach("pm_card_visa", &attach)
        .await
        .expect("attached");
    assert!(first.id.starts_with("pm_") && first.id != "pm_card_visa");
    assert_ne!(first.id, second.id, "each use makes a new payment method");
    // A declining test payment method, attached, still declines.
    let declined = client
        .post_payment_methods_payment_method_attach("pm_card_chargeDeclined", &attach)
        .await
        .expect("attached");
    let (status, error) = raw(
        &fake,
        "POST",
        "/v1/payment_intents",
        &format!(
            "amount=100&currency=usd&confirm=true&payment_method={}",
            declined.id
        ),
    )
    .await;
    assert_eq!(status, 402, "{error}");
    // Confirming with a test payment method uses a new one made from it.
    let (status, paid) = raw(
        &fake,
        "POST",
        "/v1/payment_intents",
        "amount=100&currency=usd&confirm=true&payment_method=pm_card_visa",
    )
    .await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["status"], "succeeded");
    let made = paid["payment_method"].as_str().unwrap_or("");
    assert!(made.starts_with("pm_") && made != "pm_card_visa", "{paid}");
    let (status, method) = raw(&fake, "GET", &format!("/v1/payment_methods/{made}"), "").await;
    assert_eq!(status, 200, "{method}");
    assert_eq!(method["card"]["last4"], "4242");
}

#[tokio::test]
async fn a_canceled_subscription_stays_retrievable() {
    let fake = fake().await;
    // A customer with a card to pay with: the subscription starts `active` (without one, it
    // would be `incomplete`, its first invoice open).
    let (_, customer) = raw(
        &fake,
        "POST",
        "/v1/customers",
        "payment_method=pm_card_visa&invoice_settings[default_payment_method]=pm_card_visa",
    )
    .await;
    let (_, price) = raw(
        &fake,
        "POST",
        "/v1/prices",
        "currency=usd&unit_amount=500&recurring[interval]=month&product_data[name]=Plan",
    )
    .await;
    let (status, subscription) = raw(
        &fake,
        "POST",
        "/v1/subscriptions",
        &format!(
            "customer={}&items[0][price]={}",
            customer["id"].as_str().unwrap_or(""),
            price["id"].as_str().unwrap_or("")
        ),
    )
    .await;
    assert_eq!(status, 200, "{subscription}");
    assert_eq!(subscription["status"], "active");
    let id = subscription["id"].as_str().unwrap_or("").to_owned();
    let (status, canceled) = raw(&fake, "DELETE", &format!("/v1/subscriptions/{id}"), "").await;
    assert_eq!(status, 200, "{canceled}");
    assert_eq!(canceled["status"], "canceled");
    assert_eq!(canceled["canceled_at"], 1_700_000_000);
    let (status, again) = raw(&fake, "GET", &format!("/v1/subscriptions/{id}"), "").await;
    assert_eq!(status, 200);
    assert_eq!(again["status"], "canceled");
    let events: Vec<Value> = fake.events();
    assert!(
        events
            .iter()
            .any(|event| event["type"] == "customer.subscription.deleted")
    );
}

/// Stripe's `fixtures3.json` for the fake's API version: `STRIPE_FIXTURES` when set, otherwise
/// where `scripts/fake-tests` generates this crate (`target/full-VERSION/fake`, four folders
/// below the repository's parent, which holds `shared/`).
fn fixtures_file() -> String {
    std::env::var("STRIPE_FIXTURES").unwrap_or_else(|_| {
        format!(
            "{}/../../../../shared/stripe-openapi/{}/fixtures3.json",
            env!("CARGO_MANIFEST_DIR"),
            stripe_sdk_fake::API_VERSION
        )
    })
}

#[tokio::test]
async fn the_stripe_mock_like_mode_serves_its_fixtures() {
    let path = fixtures_file();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{path}: {error}; set STRIPE_FIXTURES to fixtures3.json"));
    let fixtures: Value = serde_json::from_str(&text).expect("the fixtures are JSON");
    let fixture_customer = fixtures["resources"]["customer"]["id"]
        .as_str()
        .expect("a customer fixture")
        .to_owned();
    let fake = FakeStripe::builder()
        .fixtures_file(&path)
        .expect("the fixtures read")
        .unknown_ids(stripe_sdk_fake::UnknownIds::Synthesize)
        .start()
        .await
        .expect("the fake starts");
    let client = fake.client();

    // The fixtures are stored objects: listed from the start, and retrieved by their ids.
    let customers = client.customers().list().await.expect("lists");
    assert!(
        customers
            .data
            .iter()
            .any(|customer| customer.id == fixture_customer),
        "the fixture's customer is listed"
    );
    let retrieved = client
        .customers()
        .retrieve(&fixture_customer)
        .await
        .expect("the fixture's customer retrieves");
    assert!(
        matches!(retrieved, CustomerOrDeleted::Customer(customer) if customer.id == fixture_customer)
    );

    // An object made up for an unknown id names that id in its nested lists' URLs.
    let (status, charge) = raw(&fake, "GET", "/v1/charges/ch_123", "").await;
    assert_eq!(status, 200, "{charge}");
    assert_eq!(charge["id"], "ch_123");
    assert_eq!(charge["refunds"]["url"], "/v1/charges/ch_123/refunds");
}
