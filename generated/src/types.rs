//! Hand-written: the generic shapes that generated types are built from, for Stripe's
//! expandable fields and its "unset" empty-string alternative.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

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
        // `Deserialize` is compiled once (see `deserialize_from_text`); a visitor handing the
        // map on would compile it again for its map deserializer.
        deserialize_from_text(deserializer, |text| {
            if text.starts_with('"') {
                serde_json::from_str(text).map(Expandable::Id)
            } else {
                serde_json::from_str(text).map(|object| Expandable::Object(Box::new(object)))
            }
        })
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
                let text = <$crate::types::Text<'de> as ::serde::Deserialize<'de>>::deserialize(
                    deserializer,
                )?;
                match text.as_str().parse() {
                    Ok(value) => Ok(value),
                    Err(never) => match never {},
                }
            }
        }
    };
}
#[allow(
    unused_imports,
    reason = "the runtime serves any selection of operations; one without such enums leaves it unused"
)]
pub(crate) use serde_via_str;

/// Implements `Deserialize` for a generated response struct: a map visitor that reads each
/// key as [`Text`] and each value through [`next_field`].
///
/// It does what serde's derive does for these structs (unknown fields are skipped, a missing
/// required field is "missing field `x`", a repeated one "duplicate field `x`", an absent or
/// `null` optional field is `None`) with far less code per struct: the derive also compiles a
/// field-name enum with its own visitor, a reader for structs written as JSON arrays, and a copy
/// of serde_json's key reader per struct, and those were the largest share of the whole-API
/// crate's build. Here every struct shares one key type, and each field's value is read by one
/// generic function per value type, shared across structs.
///
/// The field types are not named: each is inferred from the struct's own definition.
#[allow(
    unused_macros,
    reason = "the runtime serves any selection of operations; one without response structs leaves it unused"
)]
macro_rules! deserialize_object {
    (
        $name:ident,
        required { $($required_wire:literal => $required:ident),* $(,)? },
        optional { $($optional_wire:literal => $optional:ident),* $(,)? } $(,)?
    ) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                struct __FieldsVisitor;
                impl<'de> ::serde::de::Visitor<'de> for __FieldsVisitor {
                    type Value = $name;
                    fn expecting(
                        &self,
                        formatter: &mut ::std::fmt::Formatter<'_>,
                    ) -> ::std::fmt::Result {
                        formatter.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: __A,
                    ) -> ::core::result::Result<$name, __A::Error> {
                        $(let mut $required = ::core::option::Option::None;)*
                        $(let mut $optional = ::core::option::Option::None;)*
                        while let ::core::option::Option::Some(key) = map.next_key::<$crate::types::Text<'de>>()? {
                            // One `?` for all arms: each is a branch and a conversion.
                            match key.as_str() {
                                $($required_wire => {
                                    $crate::types::next_field(&mut map, &mut $required, $required_wire)
                                })*
                                $($optional_wire => {
                                    $crate::types::next_field(&mut map, &mut $optional, $optional_wire)
                                })*
                                _ => $crate::types::skip_value(&mut map),
                            }?;
                        }
                        ::core::result::Result::Ok($name {
                            $($required: $crate::types::required::<_, __A::Error>($required, $required_wire)?,)*
                            // Absent and `null` are both `None`. A `match` here rather than
                            // `Option::flatten` saves a generic function per field type.
                            $($optional: match $optional {
                                ::core::option::Option::Some(value) => value,
                                ::core::option::Option::None => ::core::option::Option::None,
                            },)*
                        })
                    }
                }
                deserializer.deserialize_map(__FieldsVisitor)
            }
        }
    };
}
#[allow(
    unused_imports,
    reason = "the runtime serves any selection of operations; one without response structs leaves it unused"
)]
pub(crate) use deserialize_object;

/// A string read from JSON: borrowed from the input when it has no escapes, copied otherwise.
/// Response structs read their keys as this, and response enums their values, so that the
/// deserializer's string reader is compiled once for all of them.
#[allow(
    dead_code,
    reason = "the runtime serves any selection of operations; one without response structs or enums leaves it unused"
)]
pub(crate) struct Text<'de>(Cow<'de, str>);

#[allow(
    dead_code,
    reason = "the runtime serves any selection of operations; one without response structs or enums leaves it unused"
)]
impl Text<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(value)))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(value.to_owned())))
            }

            fn visit_string<E: de::Error>(self, value: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(value)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// Reads the value of the field `name` into its slot; a second value for the same field is an
/// error, as with serde's derive.
#[allow(
    dead_code,
    reason = "the runtime serves any selection of operations; one without response structs leaves it unused"
)]
pub(crate) fn next_field<'de, A: de::MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    #[allow(
        clippy::redundant_pattern_matching,
        reason = "`is_some()` would be one more generic function to compile per field type"
    )]
    if let Some(_) = slot {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a field the struct does not declare: Stripe adds fields without a
/// version bump.
#[allow(
    dead_code,
    reason = "the runtime serves any selection of operations; one without response structs leaves it unused"
)]
pub(crate) fn skip_value<'de, A: de::MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

/// A required field's value, or "missing field `name`".
#[allow(
    dead_code,
    reason = "the runtime serves any selection of operations; one without response structs leaves it unused"
)]
pub(crate) fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// Decodes a value from its raw JSON text: `pick` decodes the text into what it chooses. An
/// [`Expandable`] picks by whether the text is a string; a response union dispatched on
/// `object` reads [`discriminator`] first, and one without discriminators tries its variants in
/// order, keeping the value whole when none fits.
///
/// Decoding the variant from text, with the same kind of deserializer as the whole response,
/// compiles each variant's `Deserialize` once; buffering the value as a `serde_json::Value`
/// first (or serde's `untagged`, which buffers it in its own form) would compile every type
/// below every union a second time, for that deserializer.
pub(crate) fn deserialize_from_text<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    pick: impl FnOnce(&str) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error> {
    let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
    pick(raw.get()).map_err(|error| nested_error(raw.get(), &error))
}

/// A response union's `object` and `deleted` values, read before its variant is chosen.
#[allow(
    dead_code,
    reason = "the runtime serves any selection of operations; one without such unions leaves it unused"
)]
pub(crate) fn discriminator(json: &str) -> Result<(Option<String>, bool), serde_json::Error> {
    #[derive(Deserialize)]
    struct Discriminator {
        #[serde(default)]
        object: Option<String>,
        #[serde(default)]
        deleted: bool,
    }
    let Discriminator { object, deleted } = serde_json::from_str(json)?;
    Ok((object, deleted))
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
