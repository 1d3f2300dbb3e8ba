//! Subscription billing against the whole-API crate with the features `product`, `price`,
//! `customer`, `checkout_session` and `subscription`: a product, its monthly price, a customer,
//! a subscription-mode Checkout Session, and the subscription cancelled once it is paid.

use stripe_sdk::{
    Client, PostCheckoutSessionsParams, PostCheckoutSessionsParamsLineItems,
    PostCheckoutSessionsParamsMode, PostCustomersParams, PostPricesParams,
    PostPricesParamsRecurring, PostPricesParamsRecurringInterval, PostProductsParams,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(std::env::var("STRIPE_SECRET_KEY")?)?;
    let gold = PostProductsParams::new("Gold plan");
    let product = client.products().create(&gold).await?;
    let monthly = PostPricesParams {
        product: Some(product.id),
        unit_amount: Some(2000),
        recurring: Some(PostPricesParamsRecurring::new(
            PostPricesParamsRecurringInterval::Month,
        )),
        ..PostPricesParams::new("usd")
    };
    let price = client.prices().create(&monthly).await?;
    let jenny = PostCustomersParams {
        email: Some("jenny.rosen@example.com".into()),
        ..Default::default()
    };
    let customer = client.customers().create(&jenny).await?;
    let line_item = PostCheckoutSessionsParamsLineItems {
        price: Some(price.id),
        quantity: Some(1),
        ..Default::default()
    };
    let checkout = PostCheckoutSessionsParams {
        mode: Some(PostCheckoutSessionsParamsMode::Subscription),
        customer: Some(customer.id),
        line_items: Some(vec![line_item]),
        ..PostCheckoutSessionsParams::new("https://example.com/success")
    };
    let sessions = client.checkout().sessions();
    let session = sessions.create(&checkout).await?;
    println!("pay at {}", session.url.unwrap_or_default());

    // Once the customer has paid, the session names the subscription it started.
    let session = sessions.retrieve(&session.id).await?;
    if let Some(subscription) = session.subscription {
        let cancelled = client.subscriptions().delete(subscription.id()).await?;
        println!("subscription {} is {:?}", cancelled.id, cancelled.status);
    }
    Ok(())
}
