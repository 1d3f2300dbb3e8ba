//! Stripe's test payment methods and cards: which ones decline, and how (the code, the
//! decline code and the message Stripe's testing page gives), and what a decline or an
//! approval does to a payment intent.

use super::{set, text};
use serde_json::{Value, json};

/// What a test card does when a payment is confirmed with it.
pub(crate) struct Decline {
    pub code: &'static str,
    pub decline_code: &'static str,
    pub message: &'static str,
}

/// The decline of a test payment method, or `None` when it succeeds (`pm_card_visa` and every
/// other one this table does not name).
pub(crate) fn decline_of_payment_method(payment_method: &str) -> Option<Decline> {
    let (code, decline_code, message) = match payment_method {
        "pm_card_chargeDeclined" | "pm_card_visa_chargeDeclined" => (
            "card_declined",
            "generic_decline",
            "Your card was declined.",
        ),
        "pm_card_chargeDeclinedInsufficientFunds"
        | "pm_card_visa_chargeDeclinedInsufficientFunds" => (
            "card_declined",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
        "pm_card_chargeDeclinedLostCard" | "pm_card_visa_chargeDeclinedLostCard" => {
            ("card_declined", "lost_card", "Your card was declined.")
        }
        "pm_card_chargeDeclinedStolenCard" | "pm_card_visa_chargeDeclinedStolenCard" => {
            ("card_declined", "stolen_card", "Your card was declined.")
        }
        "pm_card_chargeDeclinedExpiredCard" => {
            ("expired_card", "expired_card", "Your card has expired.")
        }
        "pm_card_chargeDeclinedIncorrectCvc" => (
            "incorrect_cvc",
            "incorrect_cvc",
            "Your card's security code is incorrect.",
        ),
        "pm_card_chargeDeclinedProcessingError" => (
            "processing_error",
            "processing_error",
            "An error occurred while processing your card. Try again in a little bit.",
        ),
        _ => return None,
    };
    Some(Decline {
        code,
        decline_code,
        message,
    })
}

/// The decline of a card number presented to a simulated reader (Stripe's Terminal test
/// cards), or `None` when it is approved.
pub(crate) fn decline_of_card_number(number: &str) -> Option<Decline> {
    decline_of_number(number)
}

/// The declined payment intent's error, as `last_payment_error` and in the 402's envelope.
pub(crate) fn card_error(decline: &Decline, payment_method: &str) -> Value {
    json!({
        "type": "card_error",
        "code": decline.code,
        "decline_code": decline.decline_code,
        "message": decline.message,
        "doc_url": format!("https://stripe.com/docs/error-codes/{}", decline.code.replace('_', "-")),
        "payment_method_type": "card",
        "param": if payment_method.is_empty() { Value::Null } else { json!("payment_method") },
    })
}

/// Records a decline on the intent: back to `requires_payment_method`, with the error.
pub(crate) fn decline_intent(intent: &mut Value, decline: &Decline, payment_method: &str) -> Value {
    let error = card_error(decline, payment_method);
    set(intent, "last_payment_error", error.clone());
    set(intent, "status", json!("requires_payment_method"));
    set(intent, "payment_method", Value::Null);
    error
}

/// Records an approval on the intent: `succeeded`, or `requires_capture` with
/// `capture_method=manual`; returns the event it causes.
pub(crate) fn approve_intent(intent: &mut Value, payment_method: &str) -> &'static str {
    let amount = intent.get("amount").cloned().unwrap_or(json!(0));
    set(intent, "payment_method", json!(payment_method));
    set(intent, "last_payment_error", Value::Null);
    if text(intent, "capture_method") == "manual" {
        set(intent, "status", json!("requires_capture"));
        set(intent, "amount_capturable", amount);
        "payment_intent.amount_capturable_updated"
    } else {
        set(intent, "status", json!("succeeded"));
        set(intent, "amount_received", amount);
        set(intent, "amount_capturable", json!(0));
        "payment_intent.succeeded"
    }
}

/// Whether `id` is one of Stripe's test payment methods (`pm_card_visa`,
/// `pm_card_chargeDeclined`, `pm_card_visa_chargeDeclinedLostCard`, `pm_card_us`...): Stripe
/// takes them wherever a payment method id goes, in test mode. Real ids (`pm_` and a random
/// part) have no second underscore, so the form tells them apart.
pub(crate) fn is_test_payment_method(id: &str) -> bool {
    id.strip_prefix("pm_card_").is_some_and(|name| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The card number Stripe's testing page gives for a test payment method: the one whose
/// decline it names, else Visa's `4242...` (or the brand's own test number).
fn test_card_number(token: &str) -> &'static str {
    let name = token.strip_prefix("pm_card_").unwrap_or(token);
    let decline = name
        .strip_prefix("visa_")
        .unwrap_or(name)
        .strip_prefix("chargeDeclined");
    match decline {
        Some("") => "4000000000000002",
        Some("InsufficientFunds") => "4000000000009995",
        Some("LostCard") => "4000000000009987",
        Some("StolenCard") => "4000000000009979",
        Some("ExpiredCard") => "4000000000000069",
        Some("IncorrectCvc") => "4000000000000127",
        Some("ProcessingError") => "4000000000000119",
        _ => match name {
            "mastercard" => "5555555555554444",
            "amex" => "378282246310005",
            "discover" => "6011111111111117",
            _ => "4242424242424242",
        },
    }
}

/// The decline a card number gives, whether presented to a reader or behind a payment
/// method: Stripe's test numbers for each decline.
fn decline_of_number(number: &str) -> Option<Decline> {
    let last4 = number.get(number.len().saturating_sub(4)..).unwrap_or("");
    let token = match last4 {
        "0002" => "pm_card_chargeDeclined",
        "9995" => "pm_card_chargeDeclinedInsufficientFunds",
        "9987" => "pm_card_chargeDeclinedLostCard",
        "9979" => "pm_card_chargeDeclinedStolenCard",
        "0069" => "pm_card_chargeDeclinedExpiredCard",
        "0127" => "pm_card_chargeDeclinedIncorrectCvc",
        "0119" => "pm_card_chargeDeclinedProcessingError",
        _ => return None,
    };
    decline_of_payment_method(token)
}

/// The decline of a payment method id: a test payment method by its name, a stored one (made
/// from a test payment method) by its card's last four digits.
pub(crate) fn decline_of(payment_method: &str, stored: Option<&Value>) -> Option<Decline> {
    if is_test_payment_method(payment_method) {
        return decline_of_payment_method(payment_method);
    }
    let last4 = stored?.pointer("/card/last4")?.as_str()?;
    decline_of_number(last4)
}

/// A new payment method `id` made from test payment method `token`, as Stripe makes one for
/// each use: a card of the test number's brand and last four digits.
pub(crate) fn payment_method_from_token(mut object: Value, token: &str, now: i64) -> Value {
    let number = test_card_number(token);
    let brand = match number.as_bytes().first() {
        Some(b'5') => "mastercard",
        Some(b'3') => "amex",
        Some(b'6') => "discover",
        _ => "visa",
    };
    let last4 = &number[number.len() - 4..];
    set(&mut object, "type", json!("card"));
    set(&mut object, "customer", Value::Null);
    set(&mut object, "created", json!(now));
    set(
        &mut object,
        "card",
        json!({
            "brand": brand, "last4": last4, "exp_month": 12, "exp_year": 2034,
            "country": "US", "funding": "credit", "fingerprint": null,
            "checks": {"address_line1_check": null, "address_postal_code_check": null, "cvc_check": "pass"},
            "networks": {"available": [brand], "preferred": null},
            "three_d_secure_usage": {"supported": true}, "wallet": null,
            "generated_from": null, "display_brand": brand,
        }),
    );
    object
}
