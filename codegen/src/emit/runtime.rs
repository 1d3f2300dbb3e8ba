//! Every path from generated code into the SDK's hand-written runtime, named once here so that
//! a change to the runtime's layout is one change to the generator.

use proc_macro2::TokenStream;
use quote::quote;

/// The Cargo feature that adds serde's `Serialize` to response types and params.
pub(super) const SERIALIZE_FEATURE: &str = "serialize";
/// The Cargo feature that adds serde's `Deserialize` to request types (params) and response
/// types (through the SDK's decoder).
pub(super) const DESERIALIZE_FEATURE: &str = "deserialize";
/// The Cargo feature that adds `PartialEq` to response structs and unions: compared rarely,
/// and each derived `eq` is code every program compiles.
pub(super) const PARTIAL_EQ_FEATURE: &str = "partial-eq";

/// Declares one function per runtime path, returning its tokens.
macro_rules! runtime_paths {
    ($($(#[$doc:meta])* $name:ident => $($path:tt)::+;)*) => {
        $(
            $(#[$doc])*
            pub(super) fn $name() -> TokenStream {
                quote! { $($path)::+ }
            }
        )*
    };
}

runtime_paths! {
    /// The crate of the response types, as the client crate names it.
    types_crate => stripe_sdk_types;
    /// The crate of the request types, as the client crate names it.
    params_crate => stripe_sdk_params;
    /// The async client, whose methods the operations become.
    client => crate::Client;
    /// The blocking client, with the same methods.
    blocking_client => crate::blocking::Client;
    /// The blocking iterator over a paginated operation's objects.
    blocking_iter => crate::blocking::Iter;
    /// One request, as the client sends it.
    api_request => crate::client::ApiRequest;
    /// The SDK's one error type.
    error => crate::Error;
    /// What validation reports.
    invalid_params => crate::InvalidParams;
    validate_trait => crate::validate::Validate;
    max_length_trait => crate::validate::MaxLength;
    field_path => crate::validate::FieldPath;
    violations => crate::validate::Violations;
    /// What `Debug` prints in place of a secret.
    redacted => crate::REDACTED;
    to_form_string => crate::form::to_form_string;
    /// What params implement to be sent: the form encoding, without serde.
    form_encode => crate::form::Encode;
    form_encoder => crate::form::Encoder;
    form_error => crate::form::FormError;
    path_segment => crate::form::path_segment;
    to_multipart => crate::multipart::to_multipart;
    multipart_params => crate::multipart::MultipartParams;
    file_field => crate::multipart::FileField;
    file_upload => crate::FileUpload;
    expandable => crate::Expandable;
    unsettable => crate::Unsettable;
    /// Stripe's range filter, one type for every `created`-like params field.
    range_query => crate::RangeQuery;
    list => crate::List;
    search_result => crate::SearchResult;
    has_id => crate::HasId;
    /// An object of a known kind that did not decode, kept as JSON with the reason.
    undecoded => crate::types::Undecoded;
    /// The macro that gives the webhook `Event` its methods.
    impl_event_envelope => crate::types::impl_event_envelope;
    list_params => crate::pagination::ListParams;
    search_params => crate::pagination::SearchParams;
    list_stream => crate::pagination::list_stream;
    search_stream => crate::pagination::search_stream;
    /// What a paginated operation's `<method>_stream` returns.
    list_stream_type => crate::pagination::ListStream;
    /// The macro that gives a response enum its decoder and serde impls through `as_str` and
    /// `FromStr`.
    decode_via_str => crate::decode::decode_via_str;
    /// The macro that gives a response struct its decoder and `Deserialize` impl.
    decode_object => crate::decode::decode_object;
    /// The macro that gives a response union its `Deserialize` impl through its decoder.
    deserialize_via_decode => crate::decode::deserialize_via_decode;
    decode_trait => crate::decode::Decode;
    decode_reader => crate::decode::Reader;
    json_error => crate::decode::JsonError;
    /// The macro that defines `Webhook::construct_event` for the generated `Event`.
    impl_construct_event => crate::webhook::impl_construct_event;
}
