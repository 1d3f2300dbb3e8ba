//! Duplicate keys refused within the one parse: a deserializer that wraps another and
//! compares each mapping's keys as the document is read, the way `serde_path_to_error` wraps
//! one to track the path.
//!
//! A direct parse into `openapiv3`'s maps keeps the last of two equal keys without a word.
//! Parsing into `serde_yaml::Value` refuses them, and so does this wrapper, with the same
//! message raised at the same place (inside the mapping's own deserialization, so serde_yaml
//! gives it the mapping's line, column and path), without reading the file a second time.
//! Every value the target skips (`IgnoredAny`) is walked as well, as the `Value` parse walks
//! the whole document. Keys are compared as `serde_yaml::Value`s made from what the key's
//! scalar was read as; a key that is itself a mapping or a sequence is not compared (no
//! OpenAPI map has one, and the target refuses it anyway).

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_yaml::Value;
use std::collections::HashSet;
use std::fmt;

/// Deserializes a `T` from `deserializer`, refusing any mapping with two equal keys.
pub(super) fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: de::Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(Checked {
        inner: deserializer,
        key: None,
    })
}

/// Where the scalar a mapping's key was read as is kept, for the mapping to compare.
type KeySlot<'k> = Option<&'k mut Option<Value>>;

/// A deserializer whose mappings are checked; when it is reading a key, the key's scalar is
/// also written to `key`.
struct Checked<'k, D> {
    inner: D,
    key: KeySlot<'k>,
}

/// The visitor handed to the wrapped deserializer: it records a key's scalar and wraps what
/// it is given (mappings, sequences, nested deserializers) so they are checked too.
struct CheckedVisitor<'k, V> {
    inner: V,
    key: KeySlot<'k>,
}

impl<V> CheckedVisitor<'_, V> {
    fn record(&mut self, key: impl FnOnce() -> Value) {
        if let Some(slot) = self.key.as_deref_mut() {
            *slot = Some(key());
        }
    }
}

/// Forwards each `deserialize_*` method to the wrapped deserializer with a checking visitor.
macro_rules! forward_deserialize {
    ($($method:ident($($argument:ident: $argument_type:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(
                self,
                $($argument: $argument_type,)*
                visitor: V,
            ) -> Result<V::Value, D::Error> {
                self.inner.$method($($argument,)* CheckedVisitor { inner: visitor, key: self.key })
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Checked<'_, D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(length: usize);
        deserialize_tuple_struct(name: &'static str, length: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }

    /// A skipped value is read whole, so a duplicate key inside it is refused as the `Value`
    /// parse refuses it; the skipping visitor accepts whatever it is given.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(CheckedVisitor {
            inner: visitor,
            key: self.key,
        })
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// Forwards scalar `visit_*` methods, recording the key each makes.
macro_rules! forward_scalars {
    ($($method:ident($value_type:ty) => $key:expr;)*) => {
        $(
            fn $method<E: de::Error>(mut self, value: $value_type) -> Result<V::Value, E> {
                self.record(|| $key(&value));
                self.inner.$method(value)
            }
        )*
    };
}

fn number_key<N: Copy + Into<serde_yaml::Number>>(value: &N) -> Value {
    Value::Number((*value).into())
}

/// A key read as a number too wide for `serde_yaml::Number` is kept as its digits.
fn wide_key<N: fmt::Display>(value: &N) -> Value {
    Value::String(value.to_string())
}

fn string_key(value: &&str) -> Value {
    Value::String((*value).to_owned())
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CheckedVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        self.inner.expecting(formatter)
    }

    forward_scalars! {
        visit_bool(bool) => |value: &bool| Value::Bool(*value);
        visit_i8(i8) => number_key;
        visit_i16(i16) => number_key;
        visit_i32(i32) => number_key;
        visit_i64(i64) => number_key;
        visit_i128(i128) => wide_key;
        visit_u8(u8) => number_key;
        visit_u16(u16) => number_key;
        visit_u32(u32) => number_key;
        visit_u64(u64) => number_key;
        visit_u128(u128) => wide_key;
        visit_f32(f32) => |value: &f32| Value::Number(f64::from(*value).into());
        visit_f64(f64) => number_key;
        visit_char(char) => |value: &char| Value::String(value.to_string());
        visit_str(&str) => string_key;
        visit_borrowed_str(&'de str) => string_key;
        visit_string(String) => |value: &String| Value::String(value.clone());
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<V::Value, E> {
        self.inner.visit_bytes(value)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, value: &'de [u8]) -> Result<V::Value, E> {
        self.inner.visit_borrowed_bytes(value)
    }

    fn visit_byte_buf<E: de::Error>(self, value: Vec<u8>) -> Result<V::Value, E> {
        self.inner.visit_byte_buf(value)
    }

    fn visit_none<E: de::Error>(mut self) -> Result<V::Value, E> {
        self.record(|| Value::Null);
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(mut self) -> Result<V::Value, E> {
        self.record(|| Value::Null);
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Checked {
            inner: deserializer,
            key: self.key,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Checked {
            inner: deserializer,
            key: self.key,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, sequence: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(CheckedSequence(sequence))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(CheckedMap {
            inner: map,
            keys: HashSet::new(),
        })
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(CheckedEnum(data))
    }
}

/// A seed whose value is read through a checking deserializer; with a slot, it is a key.
struct CheckedSeed<'k, S> {
    inner: S,
    key: KeySlot<'k>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for CheckedSeed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Checked {
            inner: deserializer,
            key: self.key,
        })
    }
}

struct CheckedSequence<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for CheckedSequence<A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        self.0.next_element_seed(CheckedSeed {
            inner: seed,
            key: None,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// A mapping whose keys so far are kept, to refuse the first that comes again.
struct CheckedMap<A> {
    inner: A,
    keys: HashSet<Value>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CheckedMap<A> {
    type Error = A::Error;

    fn next_key_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        let mut key = None;
        let read = self.inner.next_key_seed(CheckedSeed {
            inner: seed,
            key: Some(&mut key),
        })?;
        if let Some(key) = key
            && let Some(duplicate) = self.keys.replace(key)
        {
            return Err(de::Error::custom(duplicate_key_message(&duplicate)));
        }
        Ok(read)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.next_value_seed(CheckedSeed {
            inner: seed,
            key: None,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A tagged value (`!Tag value`): its tag is read as it is, its value checked.
struct CheckedEnum<A>(A);

impl<'de, A: de::EnumAccess<'de>> de::EnumAccess<'de> for CheckedEnum<A> {
    type Error = A::Error;
    type Variant = CheckedVariant<A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let (tag, variant) = self.0.variant_seed(seed)?;
        Ok((tag, CheckedVariant(variant)))
    }
}

struct CheckedVariant<A>(A);

impl<'de, A: de::VariantAccess<'de>> de::VariantAccess<'de> for CheckedVariant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.0.newtype_variant_seed(CheckedSeed {
            inner: seed,
            key: None,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        length: usize,
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(
            length,
            CheckedVisitor {
                inner: visitor,
                key: None,
            },
        )
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(
            fields,
            CheckedVisitor {
                inner: visitor,
                key: None,
            },
        )
    }
}

/// What `serde_yaml::Mapping` says of a duplicate key.
fn duplicate_key_message(key: &Value) -> String {
    match key {
        Value::Null => "duplicate entry with null key".to_owned(),
        Value::Bool(boolean) => format!("duplicate entry with key `{boolean}`"),
        Value::Number(number) => format!("duplicate entry with key {number}"),
        Value::String(string) => format!("duplicate entry with key {string:?}"),
        Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_) => {
            "duplicate entry in YAML map".to_owned()
        }
    }
}
