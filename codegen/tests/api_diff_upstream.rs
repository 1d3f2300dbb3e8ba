//! api-diff on Stripe's published specs (`../shared/stripe-openapi/`), whole API (`--all`):
//! the two version steps, with changes checked by hand against the specs, and a spec against
//! itself. Run with `cargo test -- --include-ignored` beside `../shared`.

use std::path::PathBuf;
use stripe_codegen::Selection;
use stripe_codegen::api_diff::{ApiDiff, ChangeClass, ChangeKind, Semver, diff};
use stripe_codegen::surface::{Surface, surface_of_spec};

fn whole_api(version: &str) -> Surface {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/stripe-openapi")
        .join(version)
        .join("spec3.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    surface_of_spec(
        &format!("{version}/spec3.yaml"),
        &text,
        &Selection::All,
        true,
        false,
    )
    .unwrap_or_else(|error| panic!("{error}"))
}

fn counts(diff: &ApiDiff) -> String {
    format!(
        "{} -> {}: {} breaking, {} compatible, {} docs, semver {}",
        diff.from,
        diff.to,
        diff.count(ChangeClass::Breaking),
        diff.count(ChangeClass::Compatible),
        diff.count(ChangeClass::Docs),
        diff.semver.as_str()
    )
}

#[track_caller]
fn assert_change(diff: &ApiDiff, class: ChangeClass, kind: ChangeKind, rust: &str, pointer: &str) {
    let found = diff
        .changes
        .iter()
        .find(|change| change.kind == kind && change.rust == rust);
    let Some(change) = found else {
        panic!("no {} at {rust} in {}", kind.as_str(), counts(diff));
    };
    assert_eq!(change.class, class, "{change:?}");
    assert_eq!(change.pointer, pointer, "{change:?}");
}

#[test]
#[ignore = "needs ../shared/stripe-openapi"]
fn from_2020_08_27_to_2022_11_15() {
    let diff = diff(&whole_api("2020-08-27"), &whole_api("2022-11-15"));
    eprintln!("{}", counts(&diff));
    assert_eq!(diff.semver, Semver::Major);
    // Checked by hand: `type` of GET /v1/payment_methods (parameter 5) is `required: true` in
    // 2020-08-27 and `required: false` in 2022-11-15.
    assert_change(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::FieldNowOptional,
        "PaymentMethodListParams.type_",
        "/paths/~1v1~1payment_methods/get/parameters/5",
    );
    // checkout.session's `cancel_url` is required and not nullable in 2020-08-27, optional and
    // nullable in 2022-11-15.
    assert_change(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::ResponseFieldNowOptional,
        "CheckoutSession.cancel_url",
        "/components/schemas/checkout.session/properties/cancel_url",
    );
    // /v1/skus is gone from 2022-11-15.
    assert_change(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::OperationRemoved,
        "Client::get_skus",
        "/paths/~1v1~1skus/get",
    );
}

#[test]
#[ignore = "needs ../shared/stripe-openapi"]
fn from_2022_11_15_to_2023_08_16() {
    let diff = diff(&whole_api("2022-11-15"), &whole_api("2023-08-16"));
    eprintln!("{}", counts(&diff));
    assert_eq!(diff.semver, Semver::Major);
    // Checked by hand: dispute.status lists `charge_refunded` first in 2022-11-15 and not at
    // all in 2023-08-16.
    assert_change(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::EnumValueRemoved,
        "DisputeStatus::ChargeRefunded",
        "/components/schemas/dispute/properties/status/enum/0",
    );
    // POST /v1/webhook_endpoints no longer accepts `invoiceitem.updated` in enabled_events.
    let found = diff.changes.iter().find(|change| {
        change.kind == ChangeKind::EnumValueRemoved
            && change.rust == "WebhookEndpointCreateParamsEnabledEvents::InvoiceitemUpdated"
    });
    let change = found.expect("invoiceitem.updated removed");
    assert_eq!(change.class, ChangeClass::Breaking);
    assert_eq!(change.operation.as_deref(), Some("PostWebhookEndpoints"));
    assert!(
        change.pointer.starts_with(
            "/paths/~1v1~1webhook_endpoints/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/enabled_events/items/enum/"
        ),
        "{change:?}"
    );
}

#[test]
#[ignore = "needs ../shared/stripe-openapi"]
fn a_published_spec_against_itself_has_no_changes() {
    // Two independent loads: the surface must not depend on anything but the document.
    let diff = diff(&whole_api("2023-08-16"), &whole_api("2023-08-16"));
    assert!(diff.changes.is_empty(), "{}", counts(&diff));
}
