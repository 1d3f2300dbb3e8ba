//! Hand-written: the generic shapes that generated request types are built from: Stripe's
//! "unset" empty-string alternative, and files to upload.

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
