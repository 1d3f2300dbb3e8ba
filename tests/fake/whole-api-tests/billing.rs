//! Billing runs against the whole-API fake (issue 28), through the SDK: invoice items onto a
//! draft (as `pending_invoice_items_behavior` says), finalize, pay with the customer's
//! default payment method, void and mark uncollectible; subscriptions active with a paid first
//! invoice, incomplete without a card, trialing with a $0 invoice, canceled and still listed;
//! renewals when the fake's clock or a Test Clock passes the period's end, paid or failed by
//! the card; a subscription-mode Checkout Session completed; and the events of each step.
//!
//! `cargo xtask regen --out DIR` copies this file into `DIR/fake/tests/`; `scripts/fake-tests`
//! runs it.

#[path = "support/wire.rs"]
mod wire;

use serde_json::Value;
use std::time::Duration;
use stripe_sdk::{
    InvoiceCreateParams, InvoiceCreateParamsPendingInvoiceItemsBehavior, InvoiceStatus,
    InvoiceitemCreateParams, SubscriptionCreateParams, SubscriptionCreateParamsItems,
    SubscriptionStatus, TestHelpersTestClockAdvanceParams, TestHelpersTestClockCreateParams,
};
use stripe_sdk_fake::FakeStripe;
use wire::{event_types, ok, raw};

/// 2023-11-14T22:13:20Z.
const CLOCK: i64 = 1_700_000_000;
/// 2023-12-14T22:13:20Z: a calendar month after [`CLOCK`].
const A_MONTH_LATER: i64 = 1_702_592_000;

async fn fake() -> FakeStripe {
    FakeStripe::builder()
        .clock(CLOCK)
        .start()
        .await
        .expect("the fake starts")
}

/// A customer paying with `card` (`pm_card_visa`), or with none when `card` is empty; extra
/// form fields in `more`.
async fn customer(fake: &FakeStripe, card: &str, more: &str) -> String {
    let body = if card.is_empty() {
        more.to_owned()
    } else {
        format!("payment_method={card}&invoice_settings[default_payment_method]={card}&{more}")
    };
    let customer = ok(fake, "POST", "/v1/customers", &body).await;
    customer["id"].as_str().unwrap_or("").to_owned()
}

/// A monthly price of 15.00.
async fn monthly_price(fake: &FakeStripe) -> String {
    let price = ok(
        fake,
        "POST",
        "/v1/prices",
        "currency=usd&unit_amount=1500&recurring[interval]=month&product_data[name]=Plan",
    )
    .await;
    price["id"].as_str().unwrap_or("").to_owned()
}

fn subscription_to(customer: &str, price: &str) -> SubscriptionCreateParams {
    SubscriptionCreateParams {
        items: Some(vec![SubscriptionCreateParamsItems {
            price: Some(price.to_owned()),
            ..Default::default()
        }]),
        ..SubscriptionCreateParams::new(customer)
    }
}

fn count(names: &[String], name: &str) -> usize {
    names.iter().filter(|each| *each == name).count()
}

#[tokio::test]
async fn invoice_items_go_onto_a_draft_that_is_finalized_and_paid() {
    let fake = fake().await;
    let client = fake.client();
    let customer = customer(&fake, "pm_card_visa", "").await;
    for amount in [1000, 250] {
        client
            .invoiceitems()
            .create(&InvoiceitemCreateParams {
                amount: Some(amount),
                currency: Some("usd".to_owned()),
                ..InvoiceitemCreateParams::new(&customer)
            })
            .await
            .expect("an item");
    }
    // Stripe's default at this version leaves waiting items off a new invoice.
    let empty = client
        .invoices()
        .create(&InvoiceCreateParams {
            customer: Some(customer.clone()),
            ..Default::default()
        })
        .await
        .expect("a draft");
    assert_eq!(empty.amount_due, 0);
    let invoice = client
        .invoices()
        .create(&InvoiceCreateParams {
            customer: Some(customer.clone()),
            pending_invoice_items_behavior: Some(
                InvoiceCreateParamsPendingInvoiceItemsBehavior::Include,
            ),
            ..Default::default()
        })
        .await
        .expect("a draft");
    assert_eq!(invoice.status, Some(InvoiceStatus::Draft));
    assert_eq!(invoice.amount_due, 1250);
    assert_eq!(invoice.lines.data.len(), 2);
    let id = invoice.id.clone().unwrap_or_default();

    // An item added to the draft by name.
    ok(
        &fake,
        "POST",
        "/v1/invoiceitems",
        &format!("customer={customer}&amount=50&currency=usd&invoice={id}"),
    )
    .await;
    let finalized = client.invoices().finalize(&id).await.expect("finalized");
    assert_eq!(finalized.status, Some(InvoiceStatus::Open));
    assert_eq!(finalized.amount_due, 1300);
    assert!(
        finalized
            .number
            .as_deref()
            .is_some_and(|number| number.ends_with("-0001"))
    );

    let paid = client.invoices().pay(&id).await.expect("paid");
    assert_eq!(paid.status, Some(InvoiceStatus::Paid));
    assert!(paid.paid);
    assert_eq!(paid.amount_paid, 1300);
    let charge = paid.charge.as_ref().expect("its charge").id().to_owned();
    let charge = ok(&fake, "GET", &format!("/v1/charges/{charge}"), "").await;
    assert_eq!(charge["amount"], 1300);
    assert_eq!(charge["invoice"], id.as_str());
    let names = event_types(&fake);
    for name in [
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
        "charge.succeeded",
    ] {
        assert!(names.contains(&name.to_owned()), "{name} in {names:?}");
    }
}

#[tokio::test]
async fn a_declined_card_fails_the_payment_and_open_invoices_close() {
    let fake = fake().await;
    let client = fake.client();
    let declined = customer(&fake, "pm_card_chargeDeclined", "").await;
    let invoice = ok(
        &fake,
        "POST",
        "/v1/invoices",
        &format!("customer={declined}"),
    )
    .await;
    let id = invoice["id"].as_str().unwrap_or("").to_owned();
    ok(
        &fake,
        "POST",
        "/v1/invoiceitems",
        &format!("customer={declined}&amount=900&currency=usd&invoice={id}"),
    )
    .await;
    let (status, error) = raw(&fake, "POST", &format!("/v1/invoices/{id}/pay"), "").await;
    assert_eq!(status, 402, "{error}");
    assert_eq!(error["error"]["decline_code"], "generic_decline");
    let open = client.invoices().retrieve(&id).await.expect("still there");
    assert_eq!(open.status, Some(InvoiceStatus::Open));
    assert_eq!(open.attempt_count, 1);
    assert!(event_types(&fake).contains(&"invoice.payment_failed".to_owned()));
    let uncollectible = client
        .invoices()
        .mark_uncollectible(&id)
        .await
        .expect("marked");
    assert_eq!(uncollectible.status, Some(InvoiceStatus::Uncollectible));
    let voided = client.invoices().void(&id).await.expect("voided");
    assert_eq!(voided.status, Some(InvoiceStatus::Void));
    let (status, _) = raw(&fake, "POST", &format!("/v1/invoices/{id}/pay"), "").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_subscription_starts_by_its_card_and_stays_listed_when_canceled() {
    let fake = fake().await;
    let client = fake.client();
    let price = monthly_price(&fake).await;

    let paying = customer(&fake, "pm_card_visa", "").await;
    let active = client
        .subscriptions()
        .create(&subscription_to(&paying, &price))
        .await
        .expect("subscribed");
    assert_eq!(active.status, SubscriptionStatus::Active);
    assert_eq!(active.current_period_start, CLOCK);
    assert_eq!(active.current_period_end, A_MONTH_LATER);
    let invoice = active
        .latest_invoice
        .as_ref()
        .expect("a first invoice")
        .id()
        .to_owned();
    let invoice = client
        .invoices()
        .retrieve(&invoice)
        .await
        .expect("the invoice");
    assert_eq!(invoice.status, Some(InvoiceStatus::Paid));
    assert_eq!(invoice.amount_paid, 1500);

    // One made under its customer's path is that customer's, paid the same way, and listed
    // with the others.
    let nested = ok(
        &fake,
        "POST",
        &format!("/v1/customers/{paying}/subscriptions"),
        &format!("items[0][price]={price}"),
    )
    .await;
    assert_eq!(nested["customer"], paying.as_str());
    assert_eq!(nested["status"], "active");
    let listed = ok(
        &fake,
        "GET",
        "/v1/subscriptions",
        &format!("customer={paying}"),
    )
    .await;
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(2));

    let without_card = customer(&fake, "", "").await;
    let incomplete = client
        .subscriptions()
        .create(&subscription_to(&without_card, &price))
        .await
        .expect("subscribed");
    assert_eq!(incomplete.status, SubscriptionStatus::Incomplete);
    // With `error_if_incomplete`, a first payment that cannot be made refuses the
    // subscription, and none is made.
    let (status, refused) = raw(
        &fake,
        "POST",
        "/v1/subscriptions",
        &format!(
            "customer={without_card}&items[0][price]={price}&payment_behavior=error_if_incomplete"
        ),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    // One whose invoices are sent is active while its first invoice waits, open, to be paid.
    let sent = ok(
        &fake,
        "POST",
        "/v1/subscriptions",
        &format!(
            "customer={without_card}&items[0][price]={price}&collection_method=send_invoice&days_until_due=30"
        ),
    )
    .await;
    assert_eq!(sent["status"], "active");
    let invoice = sent["latest_invoice"].as_str().unwrap_or("");
    let invoice = ok(&fake, "GET", &format!("/v1/invoices/{invoice}"), "").await;
    assert_eq!(invoice["status"], "open");
    assert_eq!(invoice["due_date"], CLOCK + 30 * 86_400);

    let trial = client
        .subscriptions()
        .create(&SubscriptionCreateParams {
            trial_period_days: Some(14),
            ..subscription_to(&without_card, &price)
        })
        .await
        .expect("subscribed");
    assert_eq!(trial.status, SubscriptionStatus::Trialing);
    assert_eq!(trial.trial_end, Some(CLOCK + 14 * 86_400));
    let trial_invoice = trial
        .latest_invoice
        .as_ref()
        .expect("an invoice")
        .id()
        .to_owned();
    let trial_invoice = client
        .invoices()
        .retrieve(&trial_invoice)
        .await
        .expect("the invoice");
    assert_eq!((trial_invoice.amount_due, trial_invoice.paid), (0, true));

    let canceled = client
        .subscriptions()
        .cancel(&active.id)
        .await
        .expect("canceled");
    assert_eq!(canceled.status, SubscriptionStatus::Canceled);
    assert_eq!(canceled.canceled_at, Some(CLOCK));
    let again = client
        .subscriptions()
        .retrieve(&active.id)
        .await
        .expect("still there");
    assert_eq!(again.status, SubscriptionStatus::Canceled);
    let listed = ok(&fake, "GET", "/v1/subscriptions", "status=canceled").await;
    let ids: Vec<&Value> = listed["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|sub| &sub["id"])
        .collect();
    assert_eq!(ids, [&Value::String(active.id.clone())]);
    let names = event_types(&fake);
    assert_eq!(count(&names, "customer.subscription.created"), 5);
    assert_eq!(count(&names, "customer.subscription.deleted"), 1);
}

#[tokio::test]
async fn time_renews_subscriptions_paid_or_failed_by_the_card() {
    let fake = fake().await;
    let client = fake.client();
    let price = monthly_price(&fake).await;
    let paying = customer(&fake, "pm_card_visa", "").await;
    let subscription = client
        .subscriptions()
        .create(&subscription_to(&paying, &price))
        .await
        .expect("subscribed");
    let first_invoice = subscription
        .latest_invoice
        .as_ref()
        .expect("invoiced")
        .id()
        .to_owned();

    fake.advance(Duration::from_secs(31 * 86_400));
    let renewed = client
        .subscriptions()
        .retrieve(&subscription.id)
        .await
        .expect("renewed");
    assert_eq!(renewed.status, SubscriptionStatus::Active);
    assert_eq!(renewed.current_period_start, A_MONTH_LATER);
    let second = renewed
        .latest_invoice
        .as_ref()
        .expect("invoiced")
        .id()
        .to_owned();
    assert_ne!(second, first_invoice);
    let second = ok(&fake, "GET", &format!("/v1/invoices/{second}"), "").await;
    assert_eq!(second["billing_reason"], "subscription_cycle");
    assert_eq!(second["status"], "paid");
    let names = event_types(&fake);
    assert_eq!(count(&names, "invoice.paid"), 2);
    assert!(names.contains(&"customer.subscription.updated".to_owned()));

    // A card that declines leaves the renewal's invoice open and the subscription past due.
    let declining = customer(&fake, "pm_card_visa", "").await;
    let doomed = client
        .subscriptions()
        .create(&subscription_to(&declining, &price))
        .await
        .expect("subscribed");
    ok(
        &fake,
        "POST",
        &format!("/v1/subscriptions/{}", doomed.id),
        "default_payment_method=pm_card_chargeDeclined",
    )
    .await;
    fake.advance(Duration::from_secs(31 * 86_400));
    let past_due = client
        .subscriptions()
        .retrieve(&doomed.id)
        .await
        .expect("still there");
    assert_eq!(past_due.status, SubscriptionStatus::PastDue);
    assert!(event_types(&fake).contains(&"invoice.payment_failed".to_owned()));

    // One set to cancel at its period's end ends then, with no new invoice.
    let leaving = customer(&fake, "pm_card_visa", "").await;
    let ending = client
        .subscriptions()
        .create(&subscription_to(&leaving, &price))
        .await
        .expect("subscribed");
    let path = format!("/v1/subscriptions/{}", ending.id);
    ok(&fake, "POST", &path, "cancel_at_period_end=true").await;
    let deleted_before = count(&event_types(&fake), "customer.subscription.deleted");
    fake.advance(Duration::from_secs(31 * 86_400));
    let ended = client
        .subscriptions()
        .retrieve(&ending.id)
        .await
        .expect("still there");
    assert_eq!(ended.status, SubscriptionStatus::Canceled);
    assert_eq!(
        ended
            .latest_invoice
            .as_ref()
            .map(|invoice| invoice.id().to_owned()),
        ending
            .latest_invoice
            .as_ref()
            .map(|invoice| invoice.id().to_owned())
    );
    let deleted = count(&event_types(&fake), "customer.subscription.deleted");
    assert_eq!(deleted, deleted_before + 1);
}

#[tokio::test]
async fn a_test_clock_drives_the_renewals_of_its_customers() {
    let fake = fake().await;
    let client = fake.client();
    let clock = client
        .test_helpers()
        .test_clocks()
        .create(&TestHelpersTestClockCreateParams::new(CLOCK))
        .await
        .expect("a clock");
    let price = monthly_price(&fake).await;
    let on_clock = customer(&fake, "pm_card_visa", &format!("test_clock={}", clock.id)).await;
    let subscription = client
        .subscriptions()
        .create(&subscription_to(&on_clock, &price))
        .await
        .expect("subscribed");
    // The fake's own clock does not move a customer on a test clock.
    fake.advance(Duration::from_secs(40 * 86_400));
    let waiting = client
        .subscriptions()
        .retrieve(&subscription.id)
        .await
        .expect("there");
    assert_eq!(waiting.current_period_end, A_MONTH_LATER);

    let advanced = client
        .test_helpers()
        .test_clocks()
        .advance(
            &clock.id,
            &TestHelpersTestClockAdvanceParams::new(A_MONTH_LATER + 3600),
        )
        .await
        .expect("advanced");
    assert_eq!(advanced.frozen_time, A_MONTH_LATER + 3600);
    let renewed = client
        .subscriptions()
        .retrieve(&subscription.id)
        .await
        .expect("there");
    assert_eq!(renewed.current_period_start, A_MONTH_LATER);
    let invoices = ok(
        &fake,
        "GET",
        "/v1/invoices",
        &format!("subscription={}", subscription.id),
    )
    .await;
    assert_eq!(invoices["data"].as_array().map(Vec::len), Some(2));
    let (status, _) = raw(
        &fake,
        "POST",
        &format!("/v1/test_helpers/test_clocks/{}/advance", clock.id),
        &format!("frozen_time={CLOCK}"),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_subscription_checkout_makes_the_customer_subscription_and_invoice() {
    let fake = fake().await;
    let client = fake.client();
    let price = monthly_price(&fake).await;
    let session = ok(
        &fake,
        "POST",
        "/v1/checkout/sessions",
        &format!(
            "mode=subscription&success_url=https://shop.example/thanks&customer_email=ada@example.com\
             &line_items[0][price]={price}&line_items[0][quantity]=2"
        ),
    )
    .await;
    let id = session["id"].as_str().unwrap_or("");
    let completed = fake.complete_checkout_session(id).expect("completed");
    let customer = completed["customer"]
        .as_str()
        .expect("a new customer")
        .to_owned();
    let subscription = completed["subscription"]
        .as_str()
        .expect("a subscription")
        .to_owned();
    let subscription = client
        .subscriptions()
        .retrieve(&subscription)
        .await
        .expect("there");
    assert_eq!(subscription.status, SubscriptionStatus::Active);
    assert_eq!(subscription.customer.id(), customer);
    let invoice = completed["invoice"].as_str().expect("an invoice");
    let invoice = ok(&fake, "GET", &format!("/v1/invoices/{invoice}"), "").await;
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["amount_paid"], 3000);
    let customer = ok(&fake, "GET", &format!("/v1/customers/{customer}"), "").await;
    assert_eq!(customer["email"], "ada@example.com");
    let names = event_types(&fake);
    for name in [
        "customer.created",
        "customer.subscription.created",
        "invoice.paid",
        "checkout.session.completed",
    ] {
        assert!(names.contains(&name.to_owned()), "{name} in {names:?}");
    }
}
