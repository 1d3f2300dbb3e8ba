//! Hand-written: the generic shapes that generated types are built from, for Stripe's
//! expandable fields and its "unset" empty-string alternative.

use crate::decode::{Decode, JsonError, Reader};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

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

impl<T: Decode> Decode for Expandable<T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        // Matches rather than `?` and `Result::map`, which are generic functions of their own
        // (see the impls in `decode`).
        match reader.at_string() {
            Ok(true) => match String::decode(reader) {
                Ok(id) => Ok(Expandable::Id(id)),
                Err(error) => Err(error),
            },
            Ok(false) => match T::decode(reader) {
                Ok(object) => Ok(Expandable::Object(Box::new(object))),
                Err(error) => Err(error),
            },
            Err(error) => Err(error),
        }
    }
}

impl<'de, T: Decode> Deserialize<'de> for Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::decode::deserialize(deserializer)
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
        let object: Expandable<Thing> =
            crate::decode::from_str(r#"{"id":"th_1","size":3}"#).unwrap();
        assert_eq!(object.as_object().map(|thing| thing.size), Some(3));
        assert_eq!(
            serde_json::to_string(&object).unwrap(),
            r#"{"id":"th_1","size":3}"#
        );
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""th_1""#);
        // serde's `Deserialize` goes through the same decoder.
        let through_serde: Expandable<Thing> = serde_json::from_str(r#""th_1""#).unwrap();
        assert_eq!(through_serde, id);
    }

    #[test]
    fn expandable_errors_point_inside_the_object() {
        let text = r#"{"thing":{"id":"th_1","size":"big"}}"#;
        #[derive(Debug)]
        struct Holder {
            #[allow(dead_code)]
            thing: Expandable<Thing>,
        }
        crate::decode::decode_object! { Holder, required { "thing" => thing }, optional {} }
        let error = crate::decode::from_str::<Holder>(text).unwrap_err();
        assert_eq!(
            crate::client::json_path_at(text.as_bytes(), error.offset()),
            "thing.size"
        );
        assert_eq!(
            error.message(),
            "invalid type: string \"big\", expected i64"
        );
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
