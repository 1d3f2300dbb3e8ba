//! A Connect marketplace with the features `account`, `account_link`, `payment_intent` and
//! `balance_transaction`: an Express seller onboarded, paid less a fee, the day's transactions.

use stripe_sdk::{
    AccountCreateParams, AccountCreateParamsCapabilities, AccountCreateParamsType,
    AccountLinkCreateParams, AccountLinkCreateParamsType, AccountParamsCapabilitiesCardPayments,
    AccountParamsCapabilitiesTransfers, BalanceTransaction, BalanceTransactionListParams, Client,
    Error, PaymentIntentCreateParams, PaymentIntentCreateParamsTransferData, RangeQuery,
};

/// Run once to create the seller, then again with its id once it has finished onboarding.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(std::env::var("STRIPE_SECRET_KEY")?)?;
    match std::env::args().nth(1) {
        None => println!("seller and onboarding: {:?}", create_seller(&client).await?),
        Some(seller) => println!("{:#?}", pay_seller(&client, &seller).await?),
    }
    Ok(())
}

pub async fn create_seller(client: &Client) -> Result<(String, String), Error> {
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
    Ok((seller.id, link.url))
}

/// A buyer pays 100.00 by card, the seller gets it less a 10.00 fee; the day's transactions.
pub async fn pay_seller(client: &Client, seller: &str) -> Result<Vec<BalanceTransaction>, Error> {
    let destination = PaymentIntentCreateParams {
        payment_method_types: Some(vec!["card".into()]),
        payment_method: Some("pm_card_visa".into()),
        confirm: Some(true),
        application_fee_amount: Some(1000),
        transfer_data: Some(PaymentIntentCreateParamsTransferData::new(seller)),
        ..PaymentIntentCreateParams::new(10_000, "usd")
    };
    let payment = client.payment_intents().create(&destination).await?;
    let last_day = BalanceTransactionListParams {
        created: Some(RangeQuery::gte(payment.created - 24 * 60 * 60)),
        ..Default::default()
    };
    let transactions = client.balance_transactions().list_stream_with(&last_day);
    transactions.collect_all().await
}
