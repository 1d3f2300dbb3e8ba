//! Hand-written: the generic shapes that generated types are built from, for Stripe's
//! expandable fields and its "unset" empty-string alternative.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A field that holds an object's id, or the whole object when the request asked for it with
/// `expand[]`.
#[derive(Clone, Debug, PartialEq)]
pub enum Expandable<T> {
    /// Not expanded: the object's id.
    Id(String),
    /// Expanded: the object itself.
    Object(Box<T>),
}

impl<T> Expandable<T> {
    /// The object's id, whether or not it was expanded, when the object has one.
    pub fn id(&self) -> Option<&str>
    where
        T: HasId,
    {
        match self {
            Expandable::Id(id) => Some(id),
            Expandable::Object(object) => object.object_id(),
        }
    }

    /// The object, when it was expanded.
    pub fn as_object(&self) -> Option<&T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(object),
        }
    }
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

impl<T: Serialize> Serialize for Expandable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Expandable::Id(id) => serializer.serialize_str(id),
            Expandable::Object(object) => object.serialize(serializer),
        }
    }
}

impl<'de, T: de::DeserializeOwned> Deserialize<'de> for Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The value is kept as raw JSON text and decoded from it: an id string, or the object,
        // with the same kind of deserializer as the whole response, so that `T`'s
        // `Deserialize` is compiled once (see `deserialize_dispatched`); a visitor handing the
        // map on would compile it again for its map deserializer.
        let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        let decoded = if text.starts_with('"') {
            serde_json::from_str(text).map(Expandable::Id)
        } else {
            serde_json::from_str(text).map(|object| Expandable::Object(Box::new(object)))
        };
        decoded.map_err(|error| nested_error(text, &error))
    }
}

/// An error from decoding a value's own text (an expanded object, a union's variant), with
/// the path inside that value where it happened, since the outer decoder only knows where the
/// value started.
fn nested_error<E: de::Error>(text: &str, error: &serde_json::Error) -> E {
    let offset = crate::client::byte_offset(text.as_bytes(), error.line(), error.column());
    let path = crate::client::json_path_at(text.as_bytes(), offset);
    if path == "." {
        E::custom(error)
    } else {
        E::custom(format_args!("at `{path}`: {error}"))
    }
}

/// A request value that can also be sent as the empty string, which tells Stripe to clear
/// the field (for example `metadata=` or `description=`).
#[derive(Clone, Debug, PartialEq)]
pub enum Unsettable<T> {
    /// Send this value.
    Value(T),
    /// Send `""`, clearing the field.
    Unset,
}

impl<T> From<T> for Unsettable<T> {
    fn from(value: T) -> Self {
        Unsettable::Value(value)
    }
}

impl<T: Serialize> Serialize for Unsettable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Unsettable::Value(value) => value.serialize(serializer),
            Unsettable::Unset => serializer.serialize_str(""),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Unsettable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Params read from JSON are rare and small, so buffering to tell "" apart is fine.
        let value = serde_json::Value::deserialize(deserializer)?;
        if value.as_str() == Some("") {
            return Ok(Unsettable::Unset);
        }
        T::deserialize(value)
            .map(Unsettable::Value)
            .map_err(de::Error::custom)
    }
}

/// Implements `Deserialize` (and, with the `serialize` feature, `Serialize`) for a generated
/// response enum with an `Unknown` variant, through its infallible `FromStr` and its `as_str`,
/// so that each enum lists its values once for reading and once for writing instead of in four
/// impls.
#[allow(
    unused_macros,
    reason = "the runtime serves any selection of operations; one without response enums leaves it unused"
)]
macro_rules! serde_via_str {
    ($name:ident) => {
        #[cfg(feature = "serialize")]
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::types::FromStrVisitor::new())
            }
        }
    };
}
#[allow(
    unused_imports,
    reason = "the runtime serves any selection of operations; one without such enums leaves it unused"
)]
pub(crate) use serde_via_str;

/// Deserializes a string through `T`'s infallible `FromStr`. A known value borrowed from the
/// input is matched without being copied; only an unknown one is kept as a `String`.
pub(crate) struct FromStrVisitor<T>(PhantomData<T>);

impl<T> FromStrVisitor<T> {
    #[allow(
        dead_code,
        reason = "the runtime serves any selection of operations; one without such enums leaves it unused"
    )]
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T: std::str::FromStr<Err = std::convert::Infallible>> Visitor<'_> for FromStrVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        match value.parse() {
            Ok(parsed) => Ok(parsed),
            Err(never) => match never {},
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Thing {
        id: String,
        size: i64,
    }

    #[test]
    fn expandable_reads_an_id_or_an_object() {
        let id: Expandable<Thing> = serde_json::from_str(r#""th_1""#).unwrap();
        assert_eq!(id, Expandable::Id("th_1".to_owned()));
        let object: Expandable<Thing> = serde_json::from_str(r#"{"id":"th_1","size":3}"#).unwrap();
        assert_eq!(object.as_object().map(|thing| thing.size), Some(3));
        assert_eq!(
            serde_json::to_string(&object).unwrap(),
            r#"{"id":"th_1","size":3}"#
        );
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""th_1""#);
    }

    #[test]
    fn expandable_errors_keep_the_path() {
        let text = r#"{"thing":{"id":"th_1","size":"big"}}"#;
        #[derive(Debug, Deserialize)]
        struct Holder {
            #[allow(dead_code)]
            thing: Expandable<Thing>,
        }
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let error = serde_path_to_error::deserialize::<_, Holder>(&mut deserializer).unwrap_err();
        // The object is decoded from its own text, so the outer path ends at the field and the
        // message names the path inside the object.
        assert_eq!(error.path().to_string(), "thing");
        let message = error.into_inner().to_string();
        assert!(message.starts_with("at `size`: invalid type"), "{message}");
    }

    #[test]
    fn unsettable_sends_the_empty_string() {
        let unset: Unsettable<String> = Unsettable::Unset;
        assert_eq!(
            crate::form::to_form_string(
                &[("description", &unset)]
                    .into_iter()
                    .collect::<std::collections::BTreeMap<_, _>>()
            )
            .unwrap(),
            "description="
        );
        let back: Unsettable<i64> = serde_json::from_str(r#""""#).unwrap();
        assert_eq!(back, Unsettable::Unset);
        let value: Unsettable<i64> = serde_json::from_str("5").unwrap();
        assert_eq!(value, Unsettable::Value(5));
    }
}

/// A response union's `object` and `deleted` values, read before its variant is chosen.
#[derive(Deserialize)]
struct Discriminator {
    #[serde(default)]
    object: Option<String>,
    #[serde(default)]
    deleted: bool,
}

/// Decodes a response union dispatched on its `object` (and `deleted`) value: the value is
/// kept as raw JSON text, its discriminator read from it, and `pick` decodes the text into the
/// variant that discriminator names (or keeps it whole).
///
/// Decoding the variant from text, with the same kind of deserializer as the whole response,
/// compiles each variant's `Deserialize` once; buffering the value as a `serde_json::Value`
/// first would compile every type below every union a second time, for that deserializer.
#[allow(
    dead_code,
    reason = "the runtime serves any selection of operations; one without such unions leaves it unused"
)]
pub(crate) fn deserialize_dispatched<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    pick: fn(Option<&str>, bool, &str) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error> {
    let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
    let discriminator: Discriminator =
        serde_json::from_str(raw.get()).map_err(|error| nested_error(raw.get(), &error))?;
    pick(
        discriminator.object.as_deref(),
        discriminator.deleted,
        raw.get(),
    )
    .map_err(|error| nested_error(raw.get(), &error))
}
