//! Events and webhooks against the whole-API fake, through the SDK: every create, update and
//! delete of a customer is an event (`previous_attributes` on the update) that `GET
//! /v1/events` lists newest first, pages and filters by type; an endpoint created with `POST
//! /v1/webhook_endpoints` answers its secret once and gets the events it enabled, signed so
//! that `Webhook::construct_event` accepts them.
//!
//! `cargo xtask regen --out DIR` copies this file into `DIR/fake/tests/` (it needs the whole
//! API's families); `scripts/fake-tests` runs it.

mod support;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;
use support::receiver;
use stripe_sdk::{
    EventObject, EventType, EventRetrieveParams, EventListParams, CustomerUpdateParams,
    CustomerCreateParams, SubscriptionCreateParams, WebhookEndpointCreateParams,
    WebhookEndpointCreateParamsEnabledEvents,
    Unsettable, Webhook,
};
use stripe_sdk_fake::{DeliveryStatus, FakeStripe};

fn metadata(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

#[tokio::test]
async fn customer_changes_are_events_listed_newest_first() {
    let fake = FakeStripe::builder()
        .clock(1_700_000_000)
        .start()
        .await
        .expect("the fake starts");
    let client = fake.client();
    let customer = client
        .post_customers(&CustomerCreateParams {
            email: Some("jenny@example.com".to_owned()),
            metadata: Some(Unsettable::Value(metadata(&[("order", "6735")]))),
            ..Default::default()
        })
        .await
        .expect("created");
    fake.advance(Duration::from_secs(60));
    client
        .post_customers_customer(
            &customer.id,
            &CustomerUpdateParams {
                name: Some("Jenny Rosen".to_owned()),
                metadata: Some(Unsettable::Value(metadata(&[("note", "vip")]))),
                ..Default::default()
            },
        )
        .await
        .expect("updated");
    // An update that changes nothing records nothing.
    client
        .post_customers_customer(
            &customer.id,
            &CustomerUpdateParams {
                name: Some("Jenny Rosen".to_owned()),
                ..Default::default()
            },
        )
        .await
        .expect("updated again");
    fake.advance(Duration::from_secs(60));
    client
        .delete_customers_customer(&customer.id)
        .await
        .expect("deleted");

    let page = client
        .get_events(&EventListParams::default())
        .await
        .expect("listed");
    let types: Vec<EventType> = page.data.iter().map(|event| event.type_.clone()).collect();
    assert_eq!(
        types,
        [
            EventType::CustomerDeleted,
            EventType::CustomerUpdated,
            EventType::CustomerCreated
        ]
    );
    let created: Vec<i64> = page.data.iter().map(|event| event.created).collect();
    assert_eq!(created, [1_700_000_120, 1_700_000_060, 1_700_000_000]);
    for event in &page.data {
        match &event.data.object {
            EventObject::Customer(object) => assert_eq!(object.id, customer.id),
            other => panic!("{}: not a customer: {other:?}", event.id),
        }
    }

    // The update's event holds the old values of what changed, and names its request.
    let updated = client
        .get_events(&EventListParams {
            type_: Some("customer.updated".to_owned()),
            ..Default::default()
        })
        .await
        .expect("filtered");
    assert_eq!(updated.data.len(), 1);
    let previous = updated.data[0]
        .data
        .previous_attributes
        .clone()
        .expect("previous attributes");
    assert_eq!(previous["metadata"], json!({"order": "6735"}));
    assert_eq!(previous["name"], Value::Null);
    assert!(previous.get("email").is_none(), "unchanged: {previous}");
    let update_request = &fake.requests()[1];
    assert_eq!(
        updated.data[0]
            .request
            .as_ref()
            .and_then(|request| request.id.as_deref()),
        Some(update_request.request_id.as_str())
    );

    // Pages of one, and `types`.
    let first = client
        .get_events(&EventListParams {
            limit: Some(1),
            ..Default::default()
        })
        .await
        .expect("a page");
    assert!(first.has_more);
    let rest = client
        .get_events(&EventListParams {
            starting_after: Some(first.data[0].id.clone()),
            types: Some(vec![
                "customer.created".to_owned(),
                "customer.deleted".to_owned(),
            ]),
            ..Default::default()
        })
        .await
        .expect("the rest");
    assert_eq!(rest.data.len(), 1);
    assert_eq!(rest.data[0].type_, EventType::CustomerCreated);

    let one = client
        .get_events_id(&rest.data[0].id, &EventRetrieveParams::default())
        .await
        .expect("retrieved");
    assert_eq!(one.id, rest.data[0].id);
    assert_eq!(fake.events().len(), 3);
}

#[tokio::test]
async fn an_endpoint_created_through_the_api_gets_what_it_enabled() {
    let (url, received) = receiver(&[]).await;
    let fake = FakeStripe::start().await.expect("the fake starts");
    let client = fake.client();
    let endpoint = client
        .post_webhook_endpoints(&WebhookEndpointCreateParams::new(
            vec![
                WebhookEndpointCreateParamsEnabledEvents::CustomerCreated,
                WebhookEndpointCreateParamsEnabledEvents::CustomerDeleted,
            ],
            url.clone(),
        ))
        .await
        .expect("created");
    let secret = endpoint
        .secret
        .clone()
        .expect("the create answers the secret");
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert_eq!(endpoint.status, "enabled");
    assert_eq!(endpoint.url, url);

    let customer = client
        .post_customers(&CustomerCreateParams::default())
        .await
        .expect("created");
    client
        .post_customers_customer(
            &customer.id,
            &CustomerUpdateParams {
                email: Some("new@example.com".to_owned()),
                ..Default::default()
            },
        )
        .await
        .expect("updated");
    client
        .delete_customers_customer(&customer.id)
        .await
        .expect("deleted");
    fake.settle().await;

    // `customer.updated` was not enabled: two deliveries, both to this endpoint, in order.
    let deliveries = fake.deliveries();
    assert_eq!(deliveries.len(), 2);
    assert!(deliveries.iter().all(|delivery| {
        delivery.status == DeliveryStatus::Succeeded
            && delivery.endpoint_id.as_deref() == Some(endpoint.id.as_str())
    }));
    let received = received.lock().expect("the log").clone();
    let verified: Vec<EventType> = received
        .iter()
        .map(|(signature, body)| {
            Webhook::construct_event(body, signature, &secret)
                .expect("genuine")
                .type_
        })
        .collect();
    assert_eq!(
        verified,
        [EventType::CustomerCreated, EventType::CustomerDeleted]
    );

    // A URL that is not http(s) is refused as Stripe refuses it.
    let error = client
        .post_webhook_endpoints(&WebhookEndpointCreateParams::new(
            vec![WebhookEndpointCreateParamsEnabledEvents::Asterisk],
            "not a url",
        ))
        .await
        .expect_err("refused");
    assert_eq!(
        error.api_error().and_then(|api| api.param.as_deref()),
        Some("url")
    );
}

#[tokio::test]
async fn events_take_the_names_stripe_gives_them() {
    let fake = FakeStripe::builder()
        .clock(1_700_000_000)
        .start()
        .await
        .expect("the fake starts");
    let client = fake.client();
    let customer = client
        .post_customers(&CustomerCreateParams::default())
        .await
        .expect("a customer");
    // A subscription's events are named under its customer.
    let subscription = client
        .post_subscriptions(&SubscriptionCreateParams::new(customer.id.clone()))
        .await
        .expect("a subscription");
    let types: Vec<(String, String)> = fake
        .events()
        .iter()
        .map(|event| {
            (
                event["type"].as_str().unwrap_or_default().to_owned(),
                event["data"]["object"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(
        types[..2],
        [
            ("customer.created".to_owned(), customer.id.clone()),
            (
                "customer.subscription.created".to_owned(),
                subscription.id.clone()
            ),
        ]
    );
    // Then its first invoice's, named after the invoice.
    assert!(
        types[2..]
            .iter()
            .all(|(name, _)| name.starts_with("invoice.")),
        "{types:?}"
    );
}
