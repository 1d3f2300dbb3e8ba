//! Hand-written: the generic shapes that generated response types are built from: Stripe's
//! expandable fields, its list and search result envelopes, and what has an id.

use crate::decode::{Decode, JsonError, Reader};
use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// What generated `Debug` impls print in place of a secret field's value. The same text as
/// `stripe_sdk_params::REDACTED`, which request types print (the two crates do not depend on
/// each other; stripe-sdk's tests check that the texts agree).
pub const REDACTED: &str = "[redacted]";

/// A field that holds an object's id, or the whole object when the request asked for it with
/// `expand[]`.
///
/// An expanded object is kept as its JSON text and decoded when the program asks for it
/// ([`Expandable::object`]). A program so pays, in compile time, only for the types it decodes:
/// a family's responses name other families' objects through these fields (a payment intent's
/// invoice, a customer's default source), and decoding them all eagerly would compile most of
/// the API into every program. With the standalone crate's features, an object's type has its
/// decoder when a feature that returns it is on (its own family's, for one).
pub enum Expandable<T> {
    /// Not expanded: the object's id.
    Id(String),
    /// Expanded: the object, as JSON until it is decoded.
    Object(Expanded<T>),
}

// `Clone`, `PartialEq` and `Debug` are written out for `Expandable` and `Expanded` rather than
// derived: a derive would require them of `T`, which may be a type declared without impls.
impl<T> Clone for Expandable<T> {
    fn clone(&self) -> Self {
        match self {
            Expandable::Id(id) => Expandable::Id(id.clone()),
            Expandable::Object(object) => Expandable::Object(object.clone()),
        }
    }
}

impl<T> PartialEq for Expandable<T> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Expandable::Id(left), Expandable::Id(right)) => left == right,
            (Expandable::Object(left), Expandable::Object(right)) => left == right,
            _ => false,
        }
    }
}

impl<T> fmt::Debug for Expandable<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expandable::Id(id) => formatter.debug_tuple("Id").field(id).finish(),
            Expandable::Object(object) => formatter.debug_tuple("Object").field(object).finish(),
        }
    }
}

impl<T> Expandable<T> {
    /// The object's id, whether or not it was expanded, when the object has one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Expandable::Id(id) => Some(id),
            Expandable::Object(object) => object.id(),
        }
    }

    /// The object decoded, when it was expanded.
    pub fn object(&self) -> Option<Result<T, JsonError>>
    where
        T: Decode,
    {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(object.decode()),
        }
    }
}

/// An expanded object as the response held it: its JSON text, and its `id` read ahead.
pub struct Expanded<T> {
    id: Option<String>,
    json: Box<str>,
    // `fn() -> T`: the type is only decoded to, so it does not decide whether an `Expanded` is
    // `Send` or `Sync`.
    object_type: PhantomData<fn() -> T>,
}

impl<T> Expanded<T> {
    /// An expanded object from its JSON text (for tests and mocks); its `id` is read from it.
    pub fn from_json(json: &str) -> Result<Self, JsonError> {
        let mut reader = Reader::new(json);
        let expanded = read_expanded(&mut reader)?;
        reader.end()?;
        Ok(Expanded {
            id: expanded.0,
            json: expanded.1,
            object_type: PhantomData,
        })
    }

    /// The object's `id`, when it has one.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The object's JSON text, exactly as the response held it. It may hold secrets (a
    /// payment intent's `client_secret`), which is why `Debug` does not show it.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// Decodes the object. Errors are located in [`Expanded::json`].
    pub fn decode(&self) -> Result<T, JsonError>
    where
        T: Decode,
    {
        crate::decode::from_str(&self.json)
    }
}

impl<T> Clone for Expanded<T> {
    fn clone(&self) -> Self {
        Expanded {
            id: self.id.clone(),
            json: self.json.clone(),
            object_type: PhantomData,
        }
    }
}

impl<T> PartialEq for Expanded<T> {
    fn eq(&self, other: &Self) -> bool {
        self.json == other.json
    }
}

impl<T> fmt::Debug for Expanded<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Expanded")
            .field("id", &self.id)
            .field("json", &format_args!("<{} bytes>", self.json.len()))
            .finish()
    }
}

impl<T> Serialize for Expanded<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value: serde_json::Value =
            serde_json::from_str(&self.json).map_err(serde::ser::Error::custom)?;
        value.serialize(serializer)
    }
}

/// An expanded object's id, read ahead, and its text; not generic, so compiled once.
fn read_expanded(reader: &mut Reader<'_>) -> Result<(Option<String>, Box<str>), JsonError> {
    let id = reader.read_ahead_id("an id or an object")?;
    let json = reader.raw_value()?;
    Ok((id.map(std::borrow::Cow::into_owned), json.into()))
}

/// Objects that carry an `id`: an [`Expandable`] gives it either way, and a list's last id is
/// the cursor of the page after it.
pub trait HasId {
    fn object_id(&self) -> Option<&str>;
}

impl HasId for serde_json::Value {
    fn object_id(&self) -> Option<&str> {
        self.get("id").and_then(serde_json::Value::as_str)
    }
}

impl<T> Serialize for Expandable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Expandable::Id(id) => serializer.serialize_str(id),
            Expandable::Object(object) => object.serialize(serializer),
        }
    }
}

impl<T> Decode for Expandable<T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        // A match rather than `?`, which is a generic function of its own (see the impls in
        // `decode`).
        match reader.at_string() {
            Ok(true) => match String::decode(reader) {
                Ok(id) => Ok(Expandable::Id(id)),
                Err(error) => Err(error),
            },
            Ok(false) => match read_expanded(reader) {
                Ok((id, json)) => Ok(Expandable::Object(Expanded {
                    id,
                    json,
                    object_type: PhantomData,
                })),
                Err(error) => Err(error),
            },
            Err(error) => Err(error),
        }
    }
}

impl<'de, T> Deserialize<'de> for Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::decode::deserialize(deserializer)
    }
}

/// One page of a list (`"object": "list"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    /// Always `list`.
    pub object: String,
    /// The objects on this page.
    pub data: Vec<T>,
    /// Whether another page follows this one.
    pub has_more: bool,
    /// The URL this list is read from.
    pub url: String,
}

/// One page of search results (`"object": "search_result"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResult<T> {
    /// Always `search_result`.
    pub object: String,
    /// The objects on this page.
    pub data: Vec<T>,
    /// Whether another page follows this one.
    pub has_more: bool,
    /// The cursor to pass as `page` for the next page.
    #[serde(default)]
    pub next_page: Option<String>,
    /// The total number of matches, when the request asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    /// The URL this search is read from.
    pub url: String,
}

crate::decode::decode_object! {
    List<T>,
    required { "object" => object, "data" => data, "has_more" => has_more, "url" => url },
    optional {},
}

crate::decode::decode_object! {
    SearchResult<T>,
    required { "object" => object, "data" => data, "has_more" => has_more, "url" => url },
    optional { "next_page" => next_page, "total_count" => total_count },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize)]
    struct Thing {
        id: String,
        size: i64,
    }
    crate::decode::decode_object! { Thing, required { "id" => id, "size" => size }, optional {} }

    #[test]
    fn expandable_reads_an_id_or_an_object() {
        let id: Expandable<Thing> = crate::decode::from_str(r#""th_1""#).unwrap();
        assert_eq!(id, Expandable::Id("th_1".to_owned()));
        assert_eq!(id.id(), Some("th_1"));
        assert!(id.object().is_none());
        let text = r#"{"size": 3, "id": "th_1"}"#;
        let object: Expandable<Thing> = crate::decode::from_str(text).unwrap();
        // The id is read ahead, wherever it is in the object.
        assert_eq!(object.id(), Some("th_1"));
        assert_eq!(
            object.object().map(|thing| thing.map(|thing| thing.size)),
            Some(Ok(3))
        );
        // Re-encoded, the object is the same JSON value.
        assert_eq!(
            serde_json::to_value(&object).unwrap(),
            serde_json::json!({"id": "th_1", "size": 3})
        );
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""th_1""#);
        // serde's `Deserialize` goes through the same decoder.
        let through_serde: Expandable<Thing> = serde_json::from_str(r#""th_1""#).unwrap();
        assert_eq!(through_serde, id);
    }

    #[test]
    fn an_expanded_object_is_checked_as_json_and_decoded_when_asked() {
        let text = r#"{"thing":{"id":"th_1","size":"big"}}"#;
        #[derive(Debug)]
        struct Holder {
            thing: Expandable<Thing>,
        }
        crate::decode::decode_object! { Holder, required { "thing" => thing }, optional {} }
        // The response decodes: the object's type is not checked until it is asked for.
        let holder = crate::decode::from_str::<Holder>(text).unwrap();
        let Expandable::Object(expanded) = &holder.thing else {
            panic!("the thing was expanded: {holder:?}");
        };
        let error = expanded.decode().unwrap_err();
        assert_eq!(error.json_path(expanded.json()), "size");
        assert_eq!(
            error.message(),
            "invalid type: string \"big\", expected i64"
        );
        // `Debug` never shows the text, which may hold secrets.
        assert_eq!(
            format!("{expanded:?}"),
            r#"Expanded { id: Some("th_1"), json: <26 bytes> }"#
        );
        // Its syntax is checked with the response's. (An error at a closing brace is placed on
        // the object it closes, as a missing field is.)
        let broken = r#"{"thing":{"id":"th_1","size":}}"#;
        let error = crate::decode::from_str::<Holder>(broken).unwrap_err();
        assert_eq!(error.json_path(broken), "thing");
        assert_eq!(error.message(), "expected value");
        let not_an_object = r#"{"thing": 5}"#;
        let error = crate::decode::from_str::<Holder>(not_an_object).unwrap_err();
        assert_eq!(
            error.message(),
            "invalid type: integer `5`, expected an id or an object"
        );
        let from_json = Expanded::<Thing>::from_json(r#"{"id": null, "size": 1}"#).unwrap();
        assert_eq!(from_json.id(), None);
        assert_eq!(
            from_json
                .decode()
                .map_err(|error| error.message().to_owned()),
            Err("invalid type: null, expected a string".to_owned())
        );
    }
}

/// An object of a kind this SDK generates that did not decode into its generated type, kept
/// whole as JSON together with the reason.
///
/// A webhook event's `data.object` is rendered in the API version of the endpoint it was sent
/// to, which is often older than the version this SDK was generated for
/// (`stripe_sdk::API_VERSION`): a field the SDK's version requires may be missing, or have
/// another type. Such an event is still genuine, so the event is kept with its object here
/// instead of being refused. Read the fields you need from [`Undecoded::json`], log
/// [`Undecoded::error`], or answer 200 for a type you do not handle; pinning the endpoint to
/// the SDK's API version in Stripe's dashboard makes these objects decode.
#[derive(Clone, Debug, PartialEq)]
pub struct Undecoded {
    /// The object's `object` value, such as `invoice`.
    pub object: String,
    /// The object exactly as received.
    pub json: serde_json::Value,
    /// Why it did not decode into its type.
    pub error: UndecodedReason,
}

/// Why an object did not decode into its generated type: where, and what went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndecodedReason {
    /// The JSON path inside the object (`.` for the object itself, `lines.data[0].amount`
    /// for a nested value).
    pub path: String,
    /// What went wrong there, in serde's words, such as "missing field `created`".
    pub message: String,
}

impl fmt::Display for UndecodedReason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} (at `{}`)", self.message, self.path)
    }
}

impl std::error::Error for UndecodedReason {}

impl HasId for Undecoded {
    fn object_id(&self) -> Option<&str> {
        self.json.object_id()
    }
}

impl Serialize for Undecoded {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

/// Gives the generated webhook `Event` its methods, with the API version the SDK was generated
/// for.
#[allow(
    unused_macros,
    reason = "a document without Stripe's `event` schema generates no `Event`"
)]
macro_rules! impl_event_envelope {
    ($event:ident, $api_version:literal) => {
        impl $event {
            /// The event's `api_version` when it is not the one this SDK was generated for
            #[doc = concat!("(`", $api_version, "`), or `None` when it is the same or the event")]
            /// does not say.
            ///
            /// Stripe renders `data.object` in the API version of the webhook endpoint. When
            /// it differs, some objects may not decode into their types and arrive as
            /// `EventObject::Undecoded`, with the JSON kept whole; pin the endpoint to the
            /// SDK's version (or create it with that `api_version`) to have them typed.
            pub fn api_version_mismatch(&self) -> ::core::option::Option<&str> {
                match self.api_version.as_deref() {
                    ::core::option::Option::Some(version) if version != $api_version => {
                        ::core::option::Option::Some(version)
                    }
                    _ => ::core::option::Option::None,
                }
            }
        }
    };
}
#[allow(
    unused_imports,
    reason = "a document without Stripe's `event` schema generates no `Event`"
)]
pub(crate) use impl_event_envelope;
