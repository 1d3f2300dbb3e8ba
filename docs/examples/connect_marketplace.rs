//! A Connect marketplace against the whole-API crate with the features `account`,
//! `account_link`, `payment_intent` and `balance_transaction`: an Express account, its
//! onboarding link, a destination payment with an application fee, the last day's transactions.

use stripe_sdk::{
    AccountCreateParams, AccountCreateParamsCapabilities, AccountCreateParamsType,
    AccountLinkCreateParams, AccountLinkCreateParamsType, AccountParamsCapabilitiesCardPayments,
    AccountParamsCapabilitiesTransfers, BalanceTransactionListParams, Client,
    PaymentIntentCreateParams, PaymentIntentCreateParamsTransferData, RangeQuery,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(std::env::var("STRIPE_SECRET_KEY")?)?;
    let requested = Some(true);
    let express = AccountCreateParams {
        type_: Some(AccountCreateParamsType::Express),
        country: Some("US".into()),
        email: Some("seller@example.com".into()),
        capabilities: Some(AccountCreateParamsCapabilities {
            card_payments: Some(AccountParamsCapabilitiesCardPayments { requested }),
            transfers: Some(AccountParamsCapabilitiesTransfers { requested }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let seller = client.accounts().create(&express).await?;
    let onboarding = AccountLinkCreateParams {
        refresh_url: Some("https://example.com/reauth".into()),
        return_url: Some("https://example.com/return".into()),
        ..AccountLinkCreateParams::new(&seller.id, AccountLinkCreateParamsType::AccountOnboarding)
    };
    let link = client.account_links().create(&onboarding).await?;
    println!("onboard the seller at {}", link.url);

    // A buyer pays 100.00; the seller receives it less the platform's 10.00 fee.
    let destination = PaymentIntentCreateParams {
        application_fee_amount: Some(1000),
        transfer_data: Some(PaymentIntentCreateParamsTransferData::new(&seller.id)),
        ..PaymentIntentCreateParams::new(10_000, "usd")
    };
    let intent = client.payment_intents().create(&destination).await?;
    println!("payment {} is {:?}", intent.id, intent.status);

    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    let last_day = BalanceTransactionListParams {
        created: Some(RangeQuery::gte(now.as_secs() as i64 - 24 * 60 * 60)),
        ..Default::default()
    };
    let transactions = client.balance_transactions().list_stream_with(&last_day);
    for transaction in transactions.collect_all().await? {
        println!(
            "{} {} {}",
            transaction.id, transaction.amount, transaction.currency
        );
    }
    Ok(())
}
