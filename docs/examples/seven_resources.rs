//! A program over seven resources of the whole-API crate, each enabled by the feature a user
//! would guess (`customer`, `subscription`, `payment_method`, `terminal_reader`, `invoice`,
//! `account`, `payment_intent`), calling create, retrieve, update, delete (or the resource's
//! own way to end an object), list and an action of each through the resource-style methods.
//!
//! `scripts/check-full-crates` builds it as a program of its own that depends on the whole-API
//! crate with only those features, warnings denied, as a user's program would, so the names a
//! user reads here cannot drift from the generated ones.
//!
//! Run against a test-mode key (`STRIPE_SECRET_KEY=sk_test_...`) it creates and then removes
//! what it made; with `STRIPE_API_BASE` it talks to another server, such as the fake Stripe.

use stripe_sdk::{
    AccountCreateParams, AccountRejectParams, AccountUpdateParams, Client, CustomerCreateParams,
    CustomerListParams, CustomerUpdateParams, InvoiceCreateParams, InvoiceUpdateParams,
    PaymentIntentCreateParams, PaymentIntentUpdateParams, PaymentMethodAttachParams,
    PaymentMethodCreateParams, PaymentMethodListParams, PaymentMethodUpdateParams, RangeQuery,
    SubscriptionCreateParams, SubscriptionUpdateParams, TerminalReaderCreateParams,
    TerminalReaderProcessPaymentIntentParams, TerminalReaderUpdateParams,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Client::builder(std::env::var("STRIPE_SECRET_KEY")?);
    if let Ok(base) = std::env::var("STRIPE_API_BASE") {
        builder = builder.base_url(base);
    }
    let client = builder.build()?;

    // Customers: create, retrieve, update, list every page (with a range filter); delete at the end.
    let customers = client.customers();
    let customer = customers
        .create(&CustomerCreateParams {
            email: Some("jenny.rosen@example.com".to_owned()),
            ..Default::default()
        })
        .await?;
    let customer = customers.retrieve(&customer.id).await?;
    let customer_id = match &customer {
        stripe_sdk::CustomerOrDeleted::Customer(customer) => customer.id.clone(),
        other => return Err(format!("the customer was deleted: {other:?}").into()),
    };
    customers
        .update(
            &customer_id,
            &CustomerUpdateParams {
                description: Some("from the seven-resource example".to_owned()),
                ..Default::default()
            },
        )
        .await?;
    let since = RangeQuery::gte(1_700_000_000);
    let recent = customers
        .list_stream_with(&CustomerListParams {
            created: Some(since),
            limit: Some(100),
            ..Default::default()
        })
        .collect_all()
        .await?;
    println!("{} customers since {since:?}", recent.len());

    // Payment methods: create, attach (the action), retrieve, update, list, detach.
    let payment_methods = client.payment_methods();
    let card = payment_methods
        .create(&PaymentMethodCreateParams {
            type_: Some(stripe_sdk::PaymentMethodCreateParamsType::Card),
            ..Default::default()
        })
        .await?;
    payment_methods
        .attach(&card.id, &PaymentMethodAttachParams::new(&customer_id))
        .await?;
    payment_methods.retrieve(&card.id).await?;
    payment_methods
        .update(&card.id, &PaymentMethodUpdateParams::default())
        .await?;
    let mut cards = payment_methods.list_stream_with(&PaymentMethodListParams {
        customer: Some(customer_id.clone()),
        ..Default::default()
    });
    while let Some(card) = cards.next().await {
        println!("card {}", card?.id);
    }

    // Payment intents: create, retrieve, update, list, cancel (the action; they are not deleted).
    let payment_intents = client.payment_intents();
    let intent = payment_intents
        .create(&PaymentIntentCreateParams {
            customer: Some(customer_id.clone()),
            payment_method: Some(card.id.clone()),
            ..PaymentIntentCreateParams::new(2000, "usd")
        })
        .await?;
    payment_intents.retrieve(&intent.id).await?;
    payment_intents
        .update(&intent.id, &PaymentIntentUpdateParams::default())
        .await?;
    payment_intents.list().await?;

    // Terminal readers: create, retrieve, update, list, process a payment (the action), delete.
    let readers = client.terminal().readers();
    let reader = readers
        .create(&TerminalReaderCreateParams::new("simulated-wpe"))
        .await?;
    readers.retrieve(&reader.id).await?;
    readers
        .update(&reader.id, &TerminalReaderUpdateParams::default())
        .await?;
    readers.list().await?;
    readers
        .process_payment_intent(
            &reader.id,
            &TerminalReaderProcessPaymentIntentParams::new(&intent.id),
        )
        .await?;
    readers.delete(&reader.id).await?;
    payment_intents.cancel(&intent.id).await?;

    // Subscriptions: create, retrieve, update, list, cancel.
    let subscriptions = client.subscriptions();
    let subscription = subscriptions
        .create(&SubscriptionCreateParams::new(&customer_id))
        .await?;
    subscriptions.retrieve(&subscription.id).await?;
    subscriptions
        .update(&subscription.id, &SubscriptionUpdateParams::default())
        .await?;
    subscriptions.list().await?;
    subscriptions.cancel(&subscription.id).await?;

    // Invoices: create, retrieve, update, list, finalize (the action), delete a draft.
    let invoices = client.invoices();
    let invoice = invoices
        .create(&InvoiceCreateParams {
            customer: Some(customer_id.clone()),
            ..Default::default()
        })
        .await?;
    let invoice_id = invoice.id.clone().unwrap_or_default();
    invoices.retrieve(&invoice_id).await?;
    invoices
        .update(&invoice_id, &InvoiceUpdateParams::default())
        .await?;
    invoices.list().await?;
    invoices.finalize(&invoice_id).await?;
    invoices.delete(&invoice_id).await.ok();

    // Connected accounts: create, retrieve, update, list, reject (the action), delete.
    let accounts = client.accounts();
    let account = accounts.create(&AccountCreateParams::default()).await?;
    accounts.retrieve(&account.id).await?;
    accounts
        .update(&account.id, &AccountUpdateParams::default())
        .await?;
    accounts.list().await?;
    accounts
        .reject(&account.id, &AccountRejectParams::new("fraud"))
        .await?;
    accounts.delete(&account.id).await?;

    payment_methods.detach(&card.id).await?;
    customers.delete(&customer_id).await?;
    Ok(())
}
