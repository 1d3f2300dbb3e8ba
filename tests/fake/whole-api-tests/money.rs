//! Money moves against the whole-API fake (issue 28), through the SDK: a succeeded payment's
//! Charge and BalanceTransaction (2.9% + 30¢), the balance pending then available on the
//! fake's clock, refunds full and partial through Stripe's three routes, a manual capture,
//! destination charges with their Transfer and ApplicationFee (refused until the account's
//! onboarding is completed), account links, and `expand` reaching each of these.
//!
//! `cargo xtask regen --out DIR` copies this file into `DIR/fake/tests/`; `scripts/fake-tests`
//! runs it.

#[path = "support/wire.rs"]
mod wire;

use std::time::Duration;
use stripe_sdk::{
    AccountLinkCreateParams, AccountLinkCreateParamsType, PaymentIntent, PaymentIntentCreateParams,
    PaymentIntentCreateParamsTransferData, PaymentIntentParamsCaptureMethod, RefundCreateParams,
    RequestOptions,
};
use stripe_sdk_fake::FakeStripe;
use wire::{event_types, ok, raw};

async fn fake() -> FakeStripe {
    FakeStripe::builder()
        .clock(1_700_000_000)
        .start()
        .await
        .expect("the fake starts")
}

/// The id of the charge a payment intent names.
fn charge_of(intent: &PaymentIntent) -> String {
    intent
        .latest_charge
        .as_ref()
        .map(|charge| charge.id().to_owned())
        .expect("a latest_charge")
}

/// The payment `params` make, succeeded, and the id of its charge.
async fn pay(
    client: &stripe_sdk::Client,
    params: &PaymentIntentCreateParams,
) -> (PaymentIntent, String) {
    let intent = client.payment_intents().create(params).await.expect("paid");
    let charge = charge_of(&intent);
    (intent, charge)
}

/// A payment of `amount` cents confirmed with `pm_card_visa`.
fn visa_payment(amount: i64) -> PaymentIntentCreateParams {
    PaymentIntentCreateParams {
        payment_method: Some("pm_card_visa".to_owned()),
        confirm: Some(true),
        ..PaymentIntentCreateParams::new(amount, "usd")
    }
}

#[tokio::test]
async fn a_succeeded_payment_makes_its_charge_and_balance_transaction() {
    let fake = fake().await;
    let client = fake.client();
    let (intent, charge_id) = pay(&client, &visa_payment(2000)).await;
    assert!(charge_id.starts_with("ch_"), "{charge_id}");
    let charge = client
        .charges()
        .retrieve(&charge_id)
        .await
        .expect("the charge");
    assert!(charge.paid && charge.captured && !charge.refunded);
    assert_eq!(charge.amount, 2000);
    assert_eq!(charge.amount_captured, 2000);
    assert_eq!(
        charge.payment_intent.as_ref().map(|pi| pi.id().to_owned()),
        Some(intent.id.clone())
    );
    let transaction_id = charge
        .balance_transaction
        .as_ref()
        .expect("captured")
        .id()
        .to_owned();
    assert!(transaction_id.starts_with("txn_"), "{transaction_id}");
    let transaction = client
        .balance_transactions()
        .retrieve(&transaction_id)
        .await
        .expect("the balance transaction");
    // 2.9% of 20.00 is 0.58, plus 0.30.
    assert_eq!(
        (transaction.amount, transaction.fee, transaction.net),
        (2000, 88, 1912)
    );
    let balance = client.balance().retrieve().await.expect("the balance");
    assert_eq!(balance.pending[0].amount, 1912);
    assert_eq!(balance.available[0].amount, 0);
    let listed = client.balance_transactions().list().await.expect("listed");
    assert_eq!(listed.data.len(), 1);
    let history = ok(&fake, "GET", "/v1/balance/history", "").await;
    assert_eq!(history["data"][0]["id"], transaction_id.as_str());
    assert!(event_types(&fake).contains(&"charge.succeeded".to_owned()));

    // Two days on, the funds are available.
    fake.advance(Duration::from_secs(2 * 86_400));
    let balance = client.balance().retrieve().await.expect("the balance");
    assert_eq!(
        (balance.pending[0].amount, balance.available[0].amount),
        (0, 1912)
    );
    let transaction = ok(
        &fake,
        "GET",
        &format!("/v1/balance_transactions/{transaction_id}"),
        "",
    )
    .await;
    assert_eq!(transaction["status"], "available");

    // `expand` reaches the charge and its balance transaction.
    let (status, expanded) = raw(
        &fake,
        "GET",
        &format!("/v1/payment_intents/{}", intent.id),
        "expand[]=latest_charge.balance_transaction",
    )
    .await;
    assert_eq!(status, 200, "{expanded}");
    assert_eq!(expanded["latest_charge"]["id"], charge_id.as_str());
    assert_eq!(expanded["latest_charge"]["balance_transaction"]["fee"], 88);
}

#[tokio::test]
async fn refunds_go_through_three_routes_until_nothing_is_left() {
    let fake = fake().await;
    let client = fake.client();
    let (intent, charge) = pay(&client, &visa_payment(2000)).await;

    let partial = client
        .refunds()
        .create(&RefundCreateParams {
            payment_intent: Some(intent.id.clone()),
            amount: Some(500),
            ..Default::default()
        })
        .await
        .expect("refunded in part");
    assert!(partial.id.starts_with("re_"));
    assert_eq!(partial.amount, 500);
    let after = client
        .charges()
        .retrieve(&charge)
        .await
        .expect("the charge");
    assert_eq!((after.amount_refunded, after.refunded), (500, false));

    let nested = ok(
        &fake,
        "POST",
        &format!("/v1/charges/{charge}/refunds"),
        "amount=700",
    )
    .await;
    assert_eq!(nested["charge"], charge.as_str());
    let (status, too_much) = raw(
        &fake,
        "POST",
        "/v1/refunds",
        &format!("charge={charge}&amount=900"),
    )
    .await;
    assert_eq!(status, 400, "{too_much}");
    assert_eq!(too_much["error"]["code"], "amount_too_large");

    let whole = client
        .charges()
        .refund(&charge)
        .await
        .expect("the rest refunded");
    assert_eq!((whole.amount_refunded, whole.refunded), (2000, true));
    let (status, again) = raw(&fake, "POST", "/v1/refunds", &format!("charge={charge}")).await;
    assert_eq!(status, 400);
    assert_eq!(again["error"]["code"], "charge_already_refunded");

    // Each refund is listed in `/v1/refunds`, whichever route made it.
    let refunds = client.refunds().list().await.expect("listed");
    assert_eq!(refunds.data.len(), 3);
    let refunded = event_types(&fake)
        .iter()
        .filter(|name| *name == "charge.refunded")
        .count();
    assert_eq!(refunded, 3);
    // The charge's transaction and one per refund.
    let listed = ok(&fake, "GET", "/v1/balance_transactions", "").await;
    let kinds: Vec<&str> = listed["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|transaction| transaction["type"].as_str())
        .collect();
    assert_eq!(kinds, ["refund", "refund", "refund", "charge"]);
    let refund = &listed["data"][0];
    assert_eq!(
        (refund["amount"].as_i64(), refund["net"].as_i64()),
        (Some(-800), Some(-800))
    );
}

#[tokio::test]
async fn a_manual_capture_charges_at_authorization_and_moves_money_at_capture() {
    let fake = fake().await;
    let client = fake.client();
    let intent = client
        .payment_intents()
        .create(&PaymentIntentCreateParams {
            capture_method: Some(PaymentIntentParamsCaptureMethod::Manual),
            ..visa_payment(3000)
        })
        .await
        .expect("authorized");
    let charge = charge_of(&intent);
    let authorized = ok(&fake, "GET", &format!("/v1/charges/{charge}"), "").await;
    assert_eq!(authorized["captured"], false);
    assert!(authorized["balance_transaction"].is_null());
    client
        .payment_intents()
        .capture(&intent.id)
        .await
        .expect("captured");
    let captured = ok(&fake, "GET", &format!("/v1/charges/{charge}"), "").await;
    assert_eq!(captured["captured"], true);
    assert_eq!(captured["amount_captured"], 3000);
    assert!(
        captured["balance_transaction"]
            .as_str()
            .is_some_and(|id| id.starts_with("txn_"))
    );
    assert!(event_types(&fake).contains(&"charge.captured".to_owned()));
}

#[tokio::test]
async fn a_destination_charge_waits_for_onboarding_then_transfers() {
    let fake = fake().await;
    let client = fake.client();
    let account = ok(
        &fake,
        "POST",
        "/v1/accounts",
        "type=express&capabilities[card_payments][requested]=true&capabilities[transfers][requested]=true",
    )
    .await;
    let account_id = account["id"].as_str().unwrap_or("").to_owned();
    assert_eq!(account["charges_enabled"], false);
    assert_eq!(account["capabilities"]["transfers"], "inactive");

    let link = client
        .account_links()
        .create(&AccountLinkCreateParams {
            refresh_url: Some("https://shop.example/reauth".to_owned()),
            return_url: Some("https://shop.example/return".to_owned()),
            ..AccountLinkCreateParams::new(
                &account_id,
                AccountLinkCreateParamsType::AccountOnboarding,
            )
        })
        .await
        .expect("a link");
    assert!(link.url.starts_with("https://"), "{}", link.url);
    assert_eq!(link.expires_at, 1_700_000_000 + 300);

    let destination = PaymentIntentCreateParams {
        application_fee_amount: Some(200),
        transfer_data: Some(PaymentIntentCreateParamsTransferData::new(&account_id)),
        ..visa_payment(2000)
    };
    let refused = client.payment_intents().create(&destination).await;
    let error = refused.expect_err("the account cannot receive transfers yet");
    assert!(
        format!("{error:?}").contains("insufficient_capabilities_for_transfer"),
        "{error:?}"
    );

    let onboarded = fake
        .complete_account_onboarding(&account_id)
        .expect("onboarded");
    assert_eq!(onboarded["charges_enabled"], true);
    assert_eq!(onboarded["payouts_enabled"], true);
    assert_eq!(onboarded["capabilities"]["transfers"], "active");
    assert_eq!(onboarded["capabilities"]["card_payments"], "active");
    let over_http = ok(
        &fake,
        "POST",
        &format!("/v1/test_helpers/accounts/{account_id}/complete_onboarding"),
        "",
    )
    .await;
    assert_eq!(over_http["details_submitted"], true);

    let (_, charge_id) = pay(&client, &destination).await;
    let charge = ok(
        &fake,
        "GET",
        &format!("/v1/charges/{charge_id}"),
        "expand[]=transfer&expand[]=application_fee",
    )
    .await;
    assert_eq!(charge["transfer"]["amount"], 1800);
    assert_eq!(charge["transfer"]["destination"], account_id.as_str());
    assert_eq!(charge["application_fee"]["amount"], 200);
    assert_eq!(charge["application_fee"]["account"], account_id.as_str());
    // The connected account sees the payment the transfer made, pending in its balance.
    let seller = fake
        .client()
        .with_options(RequestOptions::new().stripe_account(&account_id));
    let seller_balance = seller.balance().retrieve().await.expect("its balance");
    assert_eq!(seller_balance.pending[0].amount, 1800);
    let payment = charge["transfer"]["destination_payment"]
        .as_str()
        .unwrap_or("");
    assert!(payment.starts_with("py_"), "{payment}");
    seller
        .charges()
        .retrieve(payment)
        .await
        .expect("the payment");
    let transfers = client.transfers().list().await.expect("listed");
    assert_eq!(transfers.data.len(), 1);
    let fees = client.application_fees().list().await.expect("listed");
    assert_eq!(fees.data.len(), 1);
    let names = event_types(&fake);
    assert!(names.contains(&"transfer.created".to_owned()), "{names:?}");
    assert!(
        names.contains(&"application_fee.created".to_owned()),
        "{names:?}"
    );
}

#[tokio::test]
async fn a_completed_checkout_session_and_a_reader_payment_make_charges() {
    let fake = fake().await;
    let session = ok(
        &fake,
        "POST",
        "/v1/checkout/sessions",
        "mode=payment&success_url=https://shop.example/thanks&line_items[0][quantity]=2\
         &line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=1500\
         &line_items[0][price_data][product_data][name]=Mug",
    )
    .await;
    let id = session["id"].as_str().unwrap_or("");
    let completed = fake.complete_checkout_session(id).expect("completed");
    let intent_id = completed["payment_intent"].as_str().unwrap_or("");
    let intent = ok(
        &fake,
        "GET",
        &format!("/v1/payment_intents/{intent_id}"),
        "expand[]=latest_charge",
    )
    .await;
    assert_eq!(intent["latest_charge"]["amount"], 3000);
    assert_eq!(intent["latest_charge"]["paid"], true);

    let location = ok(&fake, "POST", "/v1/terminal/locations", "display_name=Shop&address[country]=US&address[line1]=1 Main St&address[city]=Springfield&address[postal_code]=12345&address[state]=CA").await;
    let reader = ok(
        &fake,
        "POST",
        "/v1/terminal/readers",
        &format!(
            "registration_code=simulated-wpe&location={}",
            location["id"].as_str().unwrap_or("")
        ),
    )
    .await;
    let reader_id = reader["id"].as_str().unwrap_or("").to_owned();
    let intent = ok(
        &fake,
        "POST",
        "/v1/payment_intents",
        "amount=1000&currency=usd&payment_method_types[]=card_present",
    )
    .await;
    let intent_id = intent["id"].as_str().unwrap_or("").to_owned();
    ok(
        &fake,
        "POST",
        &format!("/v1/terminal/readers/{reader_id}/process_payment_intent"),
        &format!("payment_intent={intent_id}"),
    )
    .await;
    ok(
        &fake,
        "POST",
        &format!("/v1/test_helpers/terminal/readers/{reader_id}/present_payment_method"),
        "",
    )
    .await;
    let paid = ok(
        &fake,
        "GET",
        &format!("/v1/payment_intents/{intent_id}"),
        "expand[]=latest_charge",
    )
    .await;
    assert_eq!(paid["latest_charge"]["amount"], 1000);
    assert_eq!(paid["latest_charge"]["payment_intent"], intent_id.as_str());
}
