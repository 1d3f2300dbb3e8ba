//! Hand-written: the generic shapes that generated request types are built from: Stripe's
//! "unset" empty-string alternative, its range filters, and files to upload.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

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

impl<T: crate::form::Encode> crate::form::Encode for Unsettable<T> {
    fn encode(&self, form: &mut crate::form::Encoder) -> Result<(), crate::form::FormError> {
        match self {
            Unsettable::Value(value) => value.encode(form),
            Unsettable::Unset => form.str(""),
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

/// Stripe's range filter on a timestamp or an amount (`created`, `arrival_date`, `due_date`,
/// ...): one exact value, or bounds, sent as `created=<n>` or `created[gte]=<n>&created[lt]=<m>`.
///
/// ```
/// use stripe_sdk_form::RangeQuery;
///
/// let last_week = RangeQuery::gte(1_765_000_000).and_lt(1_765_604_800);
/// let exactly: RangeQuery = 1_765_000_000.into();
/// # assert_ne!(last_week, exactly);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RangeQuery {
    /// Exactly this value.
    Equal(i64),
    /// Within these bounds; a bound that is `None` is not sent.
    Bounds {
        gt: Option<i64>,
        gte: Option<i64>,
        lt: Option<i64>,
        lte: Option<i64>,
    },
}

impl RangeQuery {
    const UNBOUNDED: RangeQuery = RangeQuery::Bounds {
        gt: None,
        gte: None,
        lt: None,
        lte: None,
    };

    /// Greater than `value`.
    pub fn gt(value: i64) -> Self {
        Self::UNBOUNDED.and_gt(value)
    }

    /// Greater than or equal to `value`.
    pub fn gte(value: i64) -> Self {
        Self::UNBOUNDED.and_gte(value)
    }

    /// Less than `value`.
    pub fn lt(value: i64) -> Self {
        Self::UNBOUNDED.and_lt(value)
    }

    /// Less than or equal to `value`.
    pub fn lte(value: i64) -> Self {
        Self::UNBOUNDED.and_lte(value)
    }

    /// From `start` (included) to `end` (excluded), as Rust's `start..end`.
    pub fn between(start: i64, end: i64) -> Self {
        Self::gte(start).and_lt(end)
    }

    /// These bounds and greater than `value` (an exact value becomes bounds).
    pub fn and_gt(self, value: i64) -> Self {
        self.with(|bounds| bounds.0 = Some(value))
    }

    /// These bounds and greater than or equal to `value`.
    pub fn and_gte(self, value: i64) -> Self {
        self.with(|bounds| bounds.1 = Some(value))
    }

    /// These bounds and less than `value`.
    pub fn and_lt(self, value: i64) -> Self {
        self.with(|bounds| bounds.2 = Some(value))
    }

    /// These bounds and less than or equal to `value`.
    pub fn and_lte(self, value: i64) -> Self {
        self.with(|bounds| bounds.3 = Some(value))
    }

    fn with(
        self,
        set: impl FnOnce(&mut (Option<i64>, Option<i64>, Option<i64>, Option<i64>)),
    ) -> Self {
        let mut bounds = match self {
            RangeQuery::Equal(value) => (None, Some(value), None, Some(value)),
            RangeQuery::Bounds { gt, gte, lt, lte } => (gt, gte, lt, lte),
        };
        set(&mut bounds);
        let (gt, gte, lt, lte) = bounds;
        RangeQuery::Bounds { gt, gte, lt, lte }
    }
}

impl From<i64> for RangeQuery {
    fn from(value: i64) -> Self {
        RangeQuery::Equal(value)
    }
}

impl crate::form::Encode for RangeQuery {
    fn encode(&self, form: &mut crate::form::Encoder) -> Result<(), crate::form::FormError> {
        match self {
            RangeQuery::Equal(value) => value.encode(form),
            RangeQuery::Bounds { gt, gte, lt, lte } => {
                form.fields(&[("gt", gt), ("gte", gte), ("lt", lt), ("lte", lte)])
            }
        }
    }
}

impl crate::validate::Validate for RangeQuery {
    fn validate_at(&self, _: &crate::validate::FieldPath<'_>, _: &mut crate::validate::Violations) {
    }
}

/// As Stripe's JSON would write it: a number, or an object of the bounds that are set.
#[cfg(feature = "serialize")]
impl Serialize for RangeQuery {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RangeQuery::Equal(value) => serializer.serialize_i64(*value),
            RangeQuery::Bounds { gt, gte, lt, lte } => {
                use serde::ser::SerializeMap;
                let bounds = [("gt", gt), ("gte", gte), ("lt", lt), ("lte", lte)];
                let mut map = serializer.serialize_map(None)?;
                for (name, bound) in bounds {
                    if let Some(bound) = bound {
                        map.serialize_entry(name, bound)?;
                    }
                }
                map.end()
            }
        }
    }
}

#[cfg(feature = "deserialize")]
impl<'de> Deserialize<'de> for RangeQuery {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Bounds {
            gt: Option<i64>,
            gte: Option<i64>,
            lt: Option<i64>,
            lte: Option<i64>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Equal(i64),
            Bounds(Bounds),
        }
        Ok(match Wire::deserialize(deserializer)? {
            Wire::Equal(value) => RangeQuery::Equal(value),
            Wire::Bounds(Bounds { gt, gte, lt, lte }) => RangeQuery::Bounds { gt, gte, lt, lte },
        })
    }
}

/// A file to upload: its name as the server should see it, its media type, and its bytes.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FileUpload {
    pub filename: String,
    /// Sent as the part's `Content-Type`; `application/octet-stream` when `None`.
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

impl FileUpload {
    pub fn new(filename: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        FileUpload {
            filename: filename.into(),
            content_type: None,
            data: data.into(),
        }
    }

    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl fmt::Debug for FileUpload {
    // A file can be megabytes; its size says enough in logs and errors.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileUpload")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("bytes", &self.data.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
