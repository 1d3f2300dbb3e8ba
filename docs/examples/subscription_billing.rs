//! Subscription billing against the whole-API crate with the features `product`, `price`,
//! `customer`, `checkout_session` and `subscription`: a product, its monthly price, a customer,
//! a subscription-mode Checkout Session, and the subscription cancelled once it is paid.

use stripe_sdk::{
    CheckoutSessionCreateParams, CheckoutSessionCreateParamsLineItems,
    CheckoutSessionCreateParamsMode, Client, CustomerCreateParams, PriceCreateParams,
    PriceCreateParamsRecurring, PriceCreateParamsRecurringInterval, ProductCreateParams,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(std::env::var("STRIPE_SECRET_KEY")?)?;
    let gold = ProductCreateParams::new("Gold plan");
    let product = client.products().create(&gold).await?;
    let monthly = PriceCreateParams {
        product: Some(product.id),
        unit_amount: Some(2000),
        recurring: Some(PriceCreateParamsRecurring::new(
            PriceCreateParamsRecurringInterval::Month,
        )),
        ..PriceCreateParams::new("usd")
    };
    let price = client.prices().create(&monthly).await?;
    let jenny = CustomerCreateParams {
        email: Some("jenny.rosen@example.com".into()),
        ..Default::default()
    };
    let customer = client.customers().create(&jenny).await?;
    let line_item = CheckoutSessionCreateParamsLineItems {
        price: Some(price.id),
        quantity: Some(1),
        ..Default::default()
    };
    let checkout = CheckoutSessionCreateParams {
        mode: Some(CheckoutSessionCreateParamsMode::Subscription),
        customer: Some(customer.id),
        line_items: Some(vec![line_item]),
        ..CheckoutSessionCreateParams::new("https://example.com/success")
    };
    let sessions = client.checkout().sessions();
    let session = sessions.create(&checkout).await?;
    println!("pay at {}", session.url.unwrap_or_default());

    // Once the customer has paid, the session names the subscription it started.
    let session = sessions.retrieve(&session.id).await?;
    if let Some(subscription) = session.subscription {
        let cancelled = client.subscriptions().cancel(subscription.id()).await?;
        println!("subscription {} is {:?}", cancelled.id, cancelled.status);
    }
    Ok(())
}
