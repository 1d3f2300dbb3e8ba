//! Stateful scenarios against the whole-API fake, through the SDK: customers created,
//! retrieved, updated and deleted; lists paged across pages and filtered; expansion;
//! idempotent replays; connected accounts; and each error code the fake answers.
//!
//! `cargo xtask regen --out DIR` copies this file into `DIR/fake/tests/` (it needs the whole
//! API's families, which the checked-in SDK does not have); `scripts/check-full-crates` runs
//! it.

use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;
use stripe_sdk::reqwest;
use stripe_sdk::{
    ApiErrorCategory, CustomerCreateParams, CustomerListParams, CustomerOrDeleted,
    CustomerRetrieveParams, CustomerUpdateParams, ErrorKind, PaymentIntentCreateParams,
    PaymentIntentListParams, PaymentIntentRetrieveParams, RequestOptions, Unsettable,
};
use stripe_sdk_fake::{DEFAULT_API_KEY, FakeStripe};

async fn fake() -> FakeStripe {
    FakeStripe::builder()
        .clock(1_700_000_000)
        .start()
        .await
        .expect("the fake starts")
}

fn metadata(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

/// A raw form POST (or GET with `body` as the query), for what the SDK refuses to send.
async fn raw(fake: &FakeStripe, method: &str, path: &str, body: &str) -> (u16, Value) {
    let client = reqwest::Client::new();
    let request = match method {
        "GET" => client.get(format!("{}{path}?{body}", fake.url())),
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
    (status, serde_json::from_str(&text).expect("JSON"))
}

#[tokio::test]
async fn a_customer_is_created_retrieved_updated_and_deleted() {
    let fake = fake().await;
    let client = fake.client();
    let created = client
        .post_customers(&CustomerCreateParams {
            email: Some("jenny@example.com".to_owned()),
            metadata: Some(Unsettable::Value(metadata(&[
                ("order", "6735"),
                ("tier", "gold"),
            ]))),
            ..Default::default()
        })
        .await
        .expect("created");
    assert!(created.id.starts_with("cus_"), "{}", created.id);
    assert_eq!(
        created.created, 1_700_000_000,
        "created comes from the fake's clock"
    );
    assert_eq!(created.email.as_deref(), Some("jenny@example.com"));

    // The retrieve answers a union (a customer, or a deleted one): its JSON says which.
    client
        .get_customers_customer(&created.id, &CustomerRetrieveParams::default())
        .await
        .expect("retrieved");
    let log = fake.requests();
    let retrieved = &log.last().expect("logged").response;
    assert_eq!(retrieved["id"], created.id.as_str());
    assert_eq!(retrieved["email"], "jenny@example.com");
    assert_eq!(retrieved["object"], "customer");

    // Update merges: a new key is added, `""` deletes one, the rest stays.
    let updated = client
        .post_customers_customer(
            &created.id,
            &CustomerUpdateParams {
                name: Some("Jenny Rosen".to_owned()),
                metadata: Some(Unsettable::Value(metadata(&[
                    ("tier", ""),
                    ("note", "vip"),
                ]))),
                ..Default::default()
            },
        )
        .await
        .expect("updated");
    assert_eq!(updated.name.as_deref(), Some("Jenny Rosen"));
    assert_eq!(updated.email.as_deref(), Some("jenny@example.com"));
    assert_eq!(
        updated.metadata,
        Some(metadata(&[("note", "vip"), ("order", "6735")]))
    );

    let deleted = client
        .delete_customers_customer(&created.id)
        .await
        .expect("deleted");
    assert!(deleted.deleted);
    assert_eq!(deleted.id, created.id);
    // Stripe answers a deleted customer's retrieve with its deleted stub; an update is a 404.
    let gone = client
        .get_customers_customer(&created.id, &CustomerRetrieveParams::default())
        .await
        .expect("the deleted stub");
    assert!(
        matches!(gone, CustomerOrDeleted::DeletedCustomer(_)),
        "{gone:?}"
    );
    let error = client
        .post_customers_customer(&created.id, &CustomerUpdateParams::default())
        .await
        .expect_err("gone");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(404));
    assert_eq!(
        error.api_error().and_then(|api| api.code.as_deref()),
        Some("resource_missing")
    );
}

#[tokio::test]
async fn lists_page_newest_first() {
    let fake = fake().await;
    let client = fake.client();
    let mut ids = Vec::new();
    for index in 0..25 {
        let customer = client
            .post_customers(&CustomerCreateParams {
                email: Some(format!("c{index}@example.com")),
                ..Default::default()
            })
            .await
            .expect("created");
        ids.push(customer.id);
        fake.advance_clock(Duration::from_secs(1));
    }
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    let page = |starting_after: Option<String>, ending_before: Option<String>| {
        let client = client.clone();
        async move {
            client
                .get_customers(&CustomerListParams {
                    limit: Some(10),
                    starting_after,
                    ending_before,
                    ..Default::default()
                })
                .await
                .expect("a page")
        }
    };
    let first = page(None, None).await;
    let first_ids: Vec<String> = first.data.iter().map(|c| c.id.clone()).collect();
    assert_eq!(first_ids, newest_first[..10]);
    assert!(first.has_more);
    assert_eq!(first.url, "/v1/customers");
    let second = page(first_ids.last().cloned(), None).await;
    let second_ids: Vec<String> = second.data.iter().map(|c| c.id.clone()).collect();
    assert_eq!(second_ids, newest_first[10..20]);
    assert!(second.has_more);
    let third = page(second_ids.last().cloned(), None).await;
    assert_eq!(third.data.len(), 5);
    assert!(!third.has_more);
    // Back from the second page's first object: the first page again.
    let back = page(None, second_ids.first().cloned()).await;
    let back_ids: Vec<String> = back.data.iter().map(|c| c.id.clone()).collect();
    assert_eq!(back_ids, first_ids);
    assert!(!back.has_more);

    // A filter naming a field.
    let by_email = client
        .get_customers(&CustomerListParams {
            email: Some("c3@example.com".to_owned()),
            ..Default::default()
        })
        .await
        .expect("filtered");
    assert_eq!(by_email.data.len(), 1);
    assert_eq!(by_email.data[0].id, ids[3]);

    // An out-of-range limit is refused as Stripe refuses it.
    let error = client
        .get_customers(&CustomerListParams {
            limit: Some(1000),
            ..Default::default()
        })
        .await
        .expect_err("refused");
    assert_eq!(
        error.api_error().and_then(|api| api.param.as_deref()),
        Some("limit")
    );
}

#[tokio::test]
async fn payment_intents_filter_by_customer_and_expand_it() {
    let fake = fake().await;
    let client = fake.client();
    let mut customers = Vec::new();
    for _ in 0..2 {
        customers.push(
            client
                .post_customers(&CustomerCreateParams::default())
                .await
                .expect("created")
                .id,
        );
    }
    for (amount, customer) in [(1000, 0), (2000, 0), (3000, 1)] {
        let intent = client
            .post_payment_intents(&PaymentIntentCreateParams {
                customer: Some(customers[customer].clone()),
                ..PaymentIntentCreateParams::new(amount, "usd")
            })
            .await
            .expect("created");
        assert!(intent.id.starts_with("pi_"), "{}", intent.id);
        assert_eq!(intent.amount, amount);
        assert_eq!(
            intent.customer.as_ref().map(|c| c.id()),
            Some(customers[customer].as_str())
        );
    }
    let of_first = client
        .get_payment_intents(&PaymentIntentListParams {
            customer: Some(customers[0].clone()),
            ..Default::default()
        })
        .await
        .expect("filtered");
    let amounts: Vec<i64> = of_first.data.iter().map(|intent| intent.amount).collect();
    assert_eq!(
        amounts,
        [2000, 1000],
        "newest first, only the first customer's"
    );

    // `expand` replaces the id with the stored customer, in a retrieve and in a list.
    let intent_id = of_first.data[0].id.clone();
    let expanded = client
        .get_payment_intents_intent(
            &intent_id,
            &PaymentIntentRetrieveParams {
                expand: Some(vec!["customer".to_owned()]),
                ..Default::default()
            },
        )
        .await
        .expect("expanded");
    let customer = expanded.customer.expect("a customer");
    assert_eq!(customer.id(), customers[0].as_str());
    assert!(
        customer.object().is_some_and(|decoded| decoded.is_ok()),
        "decodes as an object"
    );
    let log = fake.requests();
    let answered = &log.last().expect("logged").response;
    assert_eq!(answered["customer"]["object"], "customer");
    client
        .get_payment_intents(&PaymentIntentListParams {
            expand: Some(vec!["data.customer".to_owned()]),
            ..Default::default()
        })
        .await
        .expect("a list with expanded customers");
    let log = fake.requests();
    let answered = &log.last().expect("logged").response;
    assert_eq!(answered["data"][0]["customer"]["id"], customers[1].as_str());
}

#[tokio::test]
async fn an_idempotent_create_is_replayed() {
    let fake = fake().await;
    let client = fake
        .client()
        .with_options(RequestOptions::new().idempotency_key("signup-jenny"));
    let params = CustomerCreateParams {
        email: Some("jenny@example.com".to_owned()),
        ..Default::default()
    };
    let first = client.post_customers(&params).await.expect("created");
    let again = client.post_customers(&params).await.expect("replayed");
    assert_eq!(first.id, again.id);
    assert_eq!(fake.stored_objects(), 1, "created once");
    assert!(fake.requests()[1].replayed);
    let error = client
        .post_customers(&CustomerCreateParams {
            email: Some("other@example.com".to_owned()),
            ..Default::default()
        })
        .await
        .expect_err("other params under the same key");
    assert_eq!(error.kind(), ErrorKind::Api(ApiErrorCategory::Idempotency));
}

#[tokio::test]
async fn objects_of_a_connected_account_are_seen_only_with_it() {
    let fake = fake().await;
    let connected = fake
        .client()
        .with_options(RequestOptions::new().stripe_account("acct_1Connected"));
    let customer = connected
        .post_customers(&CustomerCreateParams::default())
        .await
        .expect("created");
    connected
        .get_customers_customer(&customer.id, &Default::default())
        .await
        .expect("seen with the account");
    let platform = fake.client();
    let error = platform
        .get_customers_customer(&customer.id, &Default::default())
        .await
        .expect_err("not the platform's");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(404));
    let listed = platform
        .get_customers(&CustomerListParams::default())
        .await
        .expect("listed");
    assert!(listed.data.is_empty());
    let listed = connected
        .get_customers(&CustomerListParams::default())
        .await
        .expect("listed");
    assert_eq!(listed.data.len(), 1);
    assert_eq!(
        fake.requests()[0].stripe_account.as_deref(),
        Some("acct_1Connected")
    );
}

#[tokio::test]
async fn each_error_code_names_its_param() {
    let fake = fake().await;
    let cases: [(&str, &str, &str, u16, Option<&str>, Option<&str>); 7] = [
        (
            "POST",
            "/v1/customers",
            "shipping[name]=J&shipping[address][line1]=1+Main&shipping[address][line9]=x",
            400,
            Some("parameter_unknown"),
            Some("shipping[address][line9]"),
        ),
        (
            "POST",
            "/v1/payment_intents",
            "currency=usd",
            400,
            Some("parameter_missing"),
            Some("amount"),
        ),
        (
            "POST",
            "/v1/customers",
            "tax_exempt=sometimes",
            400,
            None,
            Some("tax_exempt"),
        ),
        (
            "POST",
            "/v1/customers",
            "balance=lots",
            400,
            Some("parameter_invalid_integer"),
            Some("balance"),
        ),
        (
            "GET",
            "/v1/customers",
            "limit=ten",
            400,
            Some("parameter_invalid_integer"),
            Some("limit"),
        ),
        (
            "GET",
            "/v1/customers/cus_missing",
            "",
            404,
            Some("resource_missing"),
            Some("id"),
        ),
        ("GET", "/v1/customerz", "", 404, None, None),
    ];
    for (method, path, body, status, code, param) in cases {
        let (answered, json) = raw(&fake, method, path, body).await;
        let what = format!("{method} {path} {body}: {json}");
        assert_eq!(answered, status, "{what}");
        assert_eq!(json["error"]["type"], "invalid_request_error", "{what}");
        assert_eq!(json["error"]["code"].as_str(), code, "{what}");
        assert_eq!(json["error"]["param"].as_str(), param, "{what}");
    }
    // A string longer than its maxLength, counted in characters.
    let long = "é".repeat(5001);
    let (answered, json) = raw(
        &fake,
        "POST",
        "/v1/customers",
        &format!("description={long}"),
    )
    .await;
    assert_eq!(answered, 400);
    assert_eq!(json["error"]["param"], "description");
}
