//! A program written against 0.3, which named params after operationIds
//! (`PostTerminalConnectionTokensParams`), still builds against 0.4: the old names are
//! deprecated aliases of the new ones (`TerminalConnectionTokenCreateParams`), so the program
//! compiles with deprecation warnings that name the new type. `#[expect(deprecated)]` makes
//! this test fail to build (warnings are denied) should an old name stop being deprecated,
//! and not build at all should one disappear.

#[test]
#[expect(
    deprecated,
    reason = "0.3's operationId names, kept as deprecated aliases"
)]
fn operation_id_names_still_name_the_renamed_types() {
    use stripe_sdk::{GetTerminalReadersReaderParams, PostTerminalConnectionTokensParams};

    let params = PostTerminalConnectionTokensParams {
        location: Some("tml_1".to_owned()),
        ..Default::default()
    };
    // The same type under its new name: a value of one is a value of the other.
    let renamed: stripe_sdk::TerminalConnectionTokenCreateParams = params.clone();
    assert_eq!(renamed, params);
    let retrieve = GetTerminalReadersReaderParams::default();
    let _: &stripe_sdk::TerminalReaderRetrieveParams = &retrieve;
}
