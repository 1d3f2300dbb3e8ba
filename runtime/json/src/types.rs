//! Hand-written: the generic shapes that generated response types are built from: Stripe's
//! expandable fields, its list and search result envelopes, and what has an id.

use crate::decode::{Decode, JsonError, Reader};
use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};
use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::sync::OnceLock;

/// What generated `Debug` impls print in place of a secret field's value. The same text as
/// `stripe_sdk_form::REDACTED`, which request types print (the two crates do not depend on
/// each other; stripe-sdk's tests check that the texts agree).
pub const REDACTED: &str = "[redacted]";

/// A field that holds an object's id, or the whole object when the request asked for it with
/// `expand[]`.
///
/// An expanded object is kept as its JSON text and decoded the first time the program asks for
/// it ([`Expandable::as_object`]), then kept. A program so pays, in compile time, only for the
/// types it decodes: a family's responses name other families' objects through these fields (a
/// payment intent's invoice, a customer's default source), and decoding them all eagerly would
/// compile most of the API into every program. With the standalone crate's features, an
/// object's type has its decoder when the feature named after its module is on (`invoice` for
/// `stripe_sdk::invoice::Invoice`).
///
/// The id is there either way ([`Expandable::id`]): every object Stripe expands has one, and a
/// response whose expanded object lacks it does not decode.
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
    /// The object's id, whether or not it was expanded.
    pub fn id(&self) -> &str {
        match self {
            Expandable::Id(id) => id,
            Expandable::Object(object) => object.id(),
        }
    }

    /// Whether the object was expanded.
    pub fn is_object(&self) -> bool {
        matches!(self, Expandable::Object(_))
    }

    /// The object, when it was expanded: decoded the first time it is asked for, and then
    /// borrowed. `Some(Err(_))` says why it does not decode, located in
    /// [`Expanded::json`] (`error.json_path(expanded.json())`).
    pub fn as_object(&self) -> Option<Result<&T, &JsonError>>
    where
        T: Decode + Send + Sync + 'static,
    {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(object.get()),
        }
    }

    /// The object, when it was expanded, decoded into a value of its own: every call decodes
    /// the JSON again. [`as_object`](Self::as_object) decodes it once and lends it;
    /// [`into_object`](Self::into_object) moves it out.
    pub fn object(&self) -> Option<Result<T, JsonError>>
    where
        T: Decode,
    {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(object.decode()),
        }
    }

    /// The object, when it was expanded, moved out: decoded now unless it already was.
    pub fn into_object(self) -> Option<Result<T, JsonError>>
    where
        T: Decode + 'static,
    {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(object.into_decoded()),
        }
    }
}

/// An expanded object as the response held it: its JSON text and its `id` (read ahead), and
/// the object once it has been decoded.
pub struct Expanded<T> {
    id: Box<str>,
    json: Box<str>,
    /// The object (a `T`), or why it does not decode, once asked for.
    ///
    /// Boxed, because an object may expand, through its own expandable fields, into an object
    /// of its own type (a customer's default source names the customer), and a type cannot hold
    /// itself inline. And held as `dyn Any`, so that `T` is not part of this type's layout:
    /// were it, the compiler would decide whether a response is `Send` by walking every type
    /// that any expandable field could expand into, which for Stripe's whole API is deeper
    /// than its recursion limit (`overflow evaluating the requirement ...: Send`). Erased, an
    /// `Expanded` is `Send` and `Sync` whatever it holds, as the JSON text alone was.
    decoded: OnceLock<Result<Box<dyn Any + Send + Sync>, JsonError>>,
    // `fn() -> T`: the type is only decoded to, so it does not decide whether an `Expanded` is
    // `Send` or `Sync` (what is decoded must be, which `get` requires).
    object_type: PhantomData<fn() -> T>,
}

impl<T> Expanded<T> {
    /// An expanded object from its JSON text (for tests and mocks); its `id` is read from it,
    /// and an object without a string `id` is an error, as in a response.
    pub fn from_json(json: &str) -> Result<Self, JsonError> {
        let mut reader = Reader::new(json);
        let (id, json) = read_expanded(&mut reader)?;
        reader.end()?;
        Ok(Expanded::new(id, json))
    }

    fn new(id: Box<str>, json: Box<str>) -> Self {
        Expanded {
            id,
            json,
            decoded: OnceLock::new(),
            object_type: PhantomData,
        }
    }

    /// The object's `id`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The object's JSON text, exactly as the response held it. It may hold secrets (a
    /// payment intent's `client_secret`), which is why `Debug` does not show it.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The object, decoded the first time it is asked for (from any thread) and then
    /// borrowed; or why it does not decode, located in [`Expanded::json`].
    pub fn get(&self) -> Result<&T, &JsonError>
    where
        T: Decode + Send + Sync + 'static,
    {
        match self.decoded.get_or_init(|| decode_boxed::<T>(&self.json)) {
            Ok(object) => match object.downcast_ref::<T>() {
                Some(object) => Ok(object),
                None => unreachable!("an `Expanded<T>` only ever stores a `T`"),
            },
            Err(error) => Err(error),
        }
    }

    /// Decodes the object into a value of its own, from the JSON text, at every call; use
    /// [`get`](Self::get) to decode it once and borrow it. Errors are located in
    /// [`Expanded::json`].
    pub fn decode(&self) -> Result<T, JsonError>
    where
        T: Decode,
    {
        crate::decode::from_str(&self.json)
    }

    /// The object, moved out: the one [`get`](Self::get) decoded, or decoded now.
    pub fn into_decoded(self) -> Result<T, JsonError>
    where
        T: Decode + 'static,
    {
        match self.decoded.into_inner() {
            Some(Ok(object)) => match object.downcast::<T>() {
                Ok(object) => Ok(*object),
                Err(_) => unreachable!("an `Expanded<T>` only ever stores a `T`"),
            },
            Some(Err(error)) => Err(error),
            None => crate::decode::from_str(&self.json),
        }
    }
}

/// Decodes an expanded object into a box, for [`Expanded::get`]; generic over the object type
/// alone.
fn decode_boxed<T: Decode + Send + Sync + 'static>(
    json: &str,
) -> Result<Box<dyn Any + Send + Sync>, JsonError> {
    match crate::decode::from_str::<T>(json) {
        Ok(object) => Ok(Box::new(object)),
        Err(error) => Err(error),
    }
}

impl<T> Clone for Expanded<T> {
    /// The clone has the same text and id; it decodes its object again when asked (cloning the
    /// decoded object would require `T: Clone`, which a type declared without impls lacks).
    fn clone(&self) -> Self {
        Expanded::new(self.id.clone(), self.json.clone())
    }
}

impl<T> PartialEq for Expanded<T> {
    /// Equal when the JSON texts are, whether or not either was decoded.
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

/// An expanded object's id, read ahead, and its text; not generic, so compiled once. An object
/// without a string `id` is an error located on the object.
fn read_expanded(reader: &mut Reader<'_>) -> Result<(Box<str>, Box<str>), JsonError> {
    let id = reader.read_ahead_expanded_id("an id or an object")?;
    let json = reader.raw_value()?;
    Ok((id.into(), json.into()))
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
                Ok((id, json)) => Ok(Expandable::Object(Expanded::new(id, json))),
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
        assert_eq!(id.id(), "th_1");
        assert!(!id.is_object());
        assert!(id.object().is_none());
        assert!(id.as_object().is_none());
        let text = r#"{"size": 3, "id": "th_1"}"#;
        let object: Expandable<Thing> = crate::decode::from_str(text).unwrap();
        // The id is read ahead, wherever it is in the object.
        assert_eq!(object.id(), "th_1");
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
            r#"Expanded { id: "th_1", json: <26 bytes> }"#
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
        let from_json = Expanded::<Thing>::from_json(r#"{"id": "th_2", "size": 1}"#).unwrap();
        assert_eq!(from_json.id(), "th_2");
        assert_eq!(from_json.get().map(|thing| thing.size), Ok(1));
    }

    #[test]
    fn an_expanded_object_without_a_string_id_does_not_decode_and_says_where() {
        #[derive(Debug)]
        struct Holder {
            things: Vec<Expandable<Thing>>,
        }
        crate::decode::decode_object! { Holder, required { "things" => things }, optional {} }
        let holder = crate::decode::from_str::<Holder>(r#"{"things": ["th_0"]}"#).unwrap();
        assert_eq!(holder.things[0].id(), "th_0");
        for (text, path, message) in [
            (
                r#"{"things": ["th_0", {"size": 1}]}"#,
                "things[1]",
                "missing field `id`: an expanded object must have a string `id`",
            ),
            (
                r#"{"things": ["th_0", {"id": null, "size": 1}]}"#,
                "things[1]",
                "missing field `id`: an expanded object must have a string `id`",
            ),
            (
                r#"{"things": [{"id": 7, "size": 1}]}"#,
                "things[0].id",
                "invalid type: integer `7`, expected a string",
            ),
        ] {
            let error = crate::decode::from_str::<Holder>(text).unwrap_err();
            assert_eq!(error.json_path(text), path, "{text}");
            assert_eq!(error.message(), message, "{text}");
        }
        let error = Expanded::<Thing>::from_json(r#"{"size": 1}"#).unwrap_err();
        assert_eq!(error.json_path(r#"{"size": 1}"#), ".");
    }

    #[test]
    fn an_expandable_is_send_and_sync_whatever_it_expands_into() {
        // The decoded object is held erased, so that the compiler does not walk the type graph
        // behind every expandable field to decide this (Stripe's is deeper than its limit).
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Expandable<std::rc::Rc<u8>>>();
        assert_send_sync::<Expandable<Thing>>();
    }

    #[test]
    fn an_expanded_object_is_decoded_once_then_lent() {
        let object: Expandable<Thing> =
            crate::decode::from_str(r#"{"id": "th_1", "size": 3}"#).unwrap();
        let first = object.as_object().unwrap().unwrap();
        let second = object.as_object().unwrap().unwrap();
        // The same value, not a second decoding of the text.
        assert!(std::ptr::eq(first, second));
        assert_eq!(first.size, 3);
        // A clone has the same text, so it is equal, and decodes on its own when asked.
        let clone = object.clone();
        assert_eq!(clone, object);
        assert!(!std::ptr::eq(clone.as_object().unwrap().unwrap(), first));
        // `object()` still gives a value of its own; `into_object` moves the decoded one out.
        assert_eq!(object.object().unwrap().unwrap().size, 3);
        assert_eq!(object.into_object().unwrap().unwrap().size, 3);

        // A decoding error is kept, and given again without decoding again.
        let text = r#"{"id": "th_1", "size": "big"}"#;
        let Expandable::Object(bad) = crate::decode::from_str::<Expandable<Thing>>(text).unwrap()
        else {
            panic!("an object");
        };
        let error = bad.get().unwrap_err();
        assert!(std::ptr::eq(error, bad.get().unwrap_err()));
        assert_eq!(error.json_path(bad.json()), "size");
        assert_eq!(bad.into_decoded().unwrap_err().message(), error_message());

        fn error_message() -> &'static str {
            "invalid type: string \"big\", expected i64"
        }
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
// Exported (and hidden) for the generated types, which name it through the re-export below.
#[doc(hidden)]
#[macro_export]
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
#[doc(hidden)]
pub use crate::impl_event_envelope;
