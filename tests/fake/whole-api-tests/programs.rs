//! The three users' programs of `docs/examples/` (issue 28) run against the whole-API fake with
//! no workarounds: each program's own functions are called with the fake's client, and between
//! them the test does only what the customer, the seller or the card reader would do on Stripe
//! (pay on the Checkout page, finish the seller's onboarding, tap the test card). Then it reads
//! what Stripe would have: the charge and its balance transaction, the paid invoice, the
//! canceled subscription still retrievable, the transfer and the application fee, and the events.
//!
//! `cargo xtask regen --out DIR` copies this file into `DIR/fake/tests/` with the programs in
//! `support/`; `scripts/fake-tests` runs it.

#[path = "support/subscription_billing.rs"]
#[allow(
    dead_code,
    reason = "the test calls the program's functions, not its `main`"
)]
mod subscription_billing;

#[path = "support/connect_marketplace.rs"]
#[allow(
    dead_code,
    reason = "the test calls the program's functions, not its `main`"
)]
mod connect_marketplace;

#[path = "support/terminal_payment.rs"]
#[allow(
    dead_code,
    reason = "the test calls the program's functions, not its `main`"
)]
mod terminal_payment;

use stripe_sdk::{
    BalanceTransactionType, Charge, ChargeStatus, Client, Expandable, InvoiceStatus,
    PaymentIntentStatus, SubscriptionStatus, TerminalReaderReaderResourceReaderActionStatus,
};
use stripe_sdk_fake::FakeStripe;

async fn fake() -> FakeStripe {
    FakeStripe::start().await.expect("the fake starts")
}

/// Asserts that every one of `names` was recorded.
fn assert_events(fake: &FakeStripe, names: &[&str]) {
    let recorded: Vec<String> = fake
        .events()
        .iter()
        .map(|event| event["type"].as_str().unwrap_or("").to_owned())
        .collect();
    for name in names {
        assert!(
            recorded.iter().any(|event| event == name),
            "{name} in {recorded:?}"
        );
    }
}

/// The id an expandable field names, which must be set.
fn id_of<T>(field: &Option<Expandable<T>>, what: &str) -> String {
    field
        .as_ref()
        .map(|field| field.id().to_owned())
        .expect(what)
}

/// The charge `id`, asserted succeeded, paid and captured for `amount`, with a balance
/// transaction whose fee and net add up to the amount.
async fn assert_charge_succeeded(client: &Client, id: &str, amount: i64) -> Charge {
    let charge = client.charges().retrieve(id).await.expect("the charge");
    assert_eq!(charge.status, ChargeStatus::Succeeded);
    assert!(charge.paid && charge.captured && !charge.refunded);
    assert_eq!((charge.amount, charge.amount_captured), (amount, amount));
    let transaction = id_of(&charge.balance_transaction, "a balance transaction");
    let transaction = client
        .balance_transactions()
        .retrieve(&transaction)
        .await
        .expect("the balance transaction");
    assert_eq!(transaction.type_, BalanceTransactionType::Charge);
    assert_eq!(transaction.amount, amount);
    assert!(transaction.fee > 0, "Stripe's fee: {}", transaction.fee);
    assert_eq!(transaction.net, amount - transaction.fee);
    charge
}

#[tokio::test]
async fn subscription_billing_subscribes_through_checkout_then_cancels() {
    let fake = fake().await;
    let client = fake.client();
    let session = subscription_billing::subscribe(&client)
        .await
        .expect("a Checkout Session");
    assert!(session.url.is_some(), "a page to pay on");
    // Until Jenny pays, the session has no subscription to cancel.
    subscription_billing::cancel(&client, &session.id)
        .await
        .expect_err("not paid yet");

    // Jenny pays on Stripe's Checkout page.
    fake.complete_checkout_session(&session.id)
        .expect("completed");
    let canceled = subscription_billing::cancel(&client, &session.id)
        .await
        .expect("canceled");
    assert_eq!(canceled.status, SubscriptionStatus::Canceled);
    assert!(canceled.canceled_at.is_some());

    // Stripe keeps a canceled subscription: it is retrieved and listed with its status.
    let retrieved = client
        .subscriptions()
        .retrieve(&canceled.id)
        .await
        .expect("still retrievable");
    assert_eq!(retrieved.status, SubscriptionStatus::Canceled);
    let customer = retrieved.customer.id().to_owned();
    let customer = client.customers().retrieve(&customer).await.expect("Jenny");
    assert!(format!("{customer:?}").contains("jenny.rosen@example.com"));

    // The first invoice was paid with its charge for the month's 20.00.
    let invoice = id_of(&retrieved.latest_invoice, "a first invoice");
    let invoice = client
        .invoices()
        .retrieve(&invoice)
        .await
        .expect("the invoice");
    assert_eq!(invoice.status, Some(InvoiceStatus::Paid));
    assert_eq!(invoice.amount_paid, 2000);
    let charge = id_of(&invoice.charge, "the invoice's charge");
    assert_charge_succeeded(&client, &charge, 2000).await;

    assert_events(
        &fake,
        &[
            "product.created",
            "price.created",
            "customer.created",
            "checkout.session.completed",
            "customer.subscription.created",
            "invoice.created",
            "invoice.finalized",
            "invoice.paid",
            "invoice.payment_succeeded",
            "charge.succeeded",
            "customer.subscription.deleted",
        ],
    );
}

#[tokio::test]
async fn connect_marketplace_pays_the_seller_once_it_is_onboarded() {
    let fake = fake().await;
    let client = fake.client();
    let (seller, link) = connect_marketplace::create_seller(&client)
        .await
        .expect("a seller");
    assert!(seller.starts_with("acct_"), "{seller}");
    assert!(link.starts_with("https://"), "{link}");
    // Stripe refuses a destination charge to an account that cannot receive transfers yet.
    let refused = connect_marketplace::pay_seller(&client, &seller).await;
    let error = refused.expect_err("the seller is not onboarded");
    assert!(
        format!("{error:?}").contains("insufficient_capabilities_for_transfer"),
        "{error:?}"
    );

    // The seller finishes Stripe's hosted onboarding.
    fake.complete_account_onboarding(&seller)
        .expect("onboarded");
    let transactions = connect_marketplace::pay_seller(&client, &seller)
        .await
        .expect("paid");

    let charges = client.charges().list().await.expect("listed");
    assert_eq!(charges.data.len(), 1, "one payment went through");
    let charge = assert_charge_succeeded(&client, &charges.data[0].id, 10_000).await;
    let payment = id_of(&charge.payment_intent, "the payment intent");
    let payment = client
        .payment_intents()
        .retrieve(&payment)
        .await
        .expect("the payment");
    assert_eq!(payment.status, PaymentIntentStatus::Succeeded);
    let transfer = id_of(&charge.transfer, "a transfer");
    let transfer = client
        .transfers()
        .retrieve(&transfer)
        .await
        .expect("the transfer");
    assert_eq!(
        transfer.destination.as_ref().map(|d| d.id()),
        Some(seller.as_str())
    );
    assert_eq!(transfer.amount, 9000, "100.00 less the platform's 10.00");
    let fee = id_of(&charge.application_fee, "an application fee");
    let fee = client
        .application_fees()
        .retrieve(&fee)
        .await
        .expect("the application fee");
    assert_eq!(fee.amount, 1000);
    assert_eq!(fee.account.id(), seller);

    // The program's last day of balance transactions holds the charge's.
    let charge_transaction = id_of(
        &charge.balance_transaction,
        "the charge's balance transaction",
    );
    assert!(
        transactions
            .iter()
            .any(|transaction| transaction.id == charge_transaction),
        "{transactions:?}"
    );
    // Stripe records no event when an account is created; its onboarding updates it.
    let names: Vec<String> = fake
        .events()
        .iter()
        .map(|event| event["type"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        !names.iter().any(|name| name.contains("account.created")),
        "{names:?}"
    );
    assert_events(
        &fake,
        &[
            "account.updated",
            "payment_intent.created",
            "payment_intent.succeeded",
            "charge.succeeded",
            "transfer.created",
            "application_fee.created",
        ],
    );
}

#[tokio::test]
async fn terminal_payment_is_collected_on_the_reader_then_captured() {
    let fake = fake().await;
    let client = fake.client();
    let reader = terminal_payment::set_up_reader(&client)
        .await
        .expect("a reader");
    let payment = terminal_payment::process_payment(&client, &reader)
        .await
        .expect("processing");
    let processing = client
        .terminal()
        .readers()
        .retrieve(&reader)
        .await
        .expect("the reader");
    let action = format!("{processing:?}");
    assert!(action.contains(&payment), "{action}");

    // The customer taps Stripe's test card on the simulated reader, as the program's `main`
    // does.
    client
        .test_helpers()
        .terminal()
        .readers()
        .present_payment_method(&reader)
        .await
        .expect("presented");
    let authorized = client
        .payment_intents()
        .retrieve(&payment)
        .await
        .expect("the payment");
    assert_eq!(authorized.status, PaymentIntentStatus::RequiresCapture);
    let captured = client
        .payment_intents()
        .capture(&payment)
        .await
        .expect("captured");
    assert_eq!(captured.status, PaymentIntentStatus::Succeeded);
    assert_eq!(captured.amount_received, Some(1500));
    let charge = id_of(&captured.latest_charge, "a charge");
    assert_charge_succeeded(&client, &charge, 1500).await;

    let reader = client
        .terminal()
        .readers()
        .retrieve(&reader)
        .await
        .expect("the reader");
    let status = format!("{reader:?}");
    assert!(
        status.contains(&format!(
            "{:?}",
            TerminalReaderReaderResourceReaderActionStatus::Succeeded
        )),
        "{status}"
    );
    assert_events(
        &fake,
        &[
            "terminal.reader.action_succeeded",
            "payment_intent.amount_capturable_updated",
            "charge.succeeded",
            "charge.captured",
            "payment_intent.succeeded",
        ],
    );
}
