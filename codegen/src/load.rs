//! Load: parses a YAML or JSON OpenAPI document into `openapiv3` types, with precise locations.

use crate::error::Error;
use crate::pointer::escape_segment;
use openapiv3::OpenAPI;
use serde::de::DeserializeOwned;

/// The formats the loader reads, chosen by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// Picks the format from a file name, or `None` for an extension the loader does not read.
    pub fn from_path(path: &str) -> Option<Format> {
        let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Parses `text`, read from `file`, as an OpenAPI document in the format its extension names.
pub fn parse_spec(file: &str, text: &str) -> Result<OpenAPI, Error> {
    let format = Format::from_path(file).ok_or_else(|| Error::UnknownFormat {
        file: file.to_owned(),
    })?;
    parse_document(file, text, format)
}

/// Parses any deserializable document (the spec, or the generator's config).
///
/// The fast path parses without tracking where it is; only when that fails does it parse again
/// with `serde_path_to_error`, so a valid multi-megabyte spec pays nothing for good errors.
pub fn parse_document<T: DeserializeOwned>(
    file: &str,
    text: &str,
    format: Format,
) -> Result<T, Error> {
    // openapiv3 panics on a few malformed documents (an untagged enum that parses differently
    // the second time); contain that here so a bad spec is an error, never a crash.
    guard(file, || parse_unguarded(file, text, format))
}

fn guard<T>(file: &str, parse: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)) {
        Ok(result) => result,
        Err(_) => Err(openapiv3_gave_up(file)),
    }
}

fn openapiv3_gave_up(file: &str) -> Error {
    Error::Parse {
        file: file.to_owned(),
        line: 0,
        column: 0,
        pointer: None,
        message: "the document's shape is not OpenAPI 3.0 (the openapiv3 parser gave up on it); \
                  check the structure near recent edits"
            .to_owned(),
    }
}

fn parse_unguarded<T: DeserializeOwned>(
    file: &str,
    text: &str,
    format: Format,
) -> Result<T, Error> {
    let fast = match format {
        Format::Yaml => {
            // A direct parse into maps silently keeps the last of two equal keys; a walk that
            // compares each mapping's keys, as parsing into `Value` does, refuses them without
            // building the document a second time. Both run at once, on two threads, so the
            // check costs no time where a second core is free.
            let (direct, checked) = std::thread::scope(|scope| {
                let check = scope.spawn(|| serde_yaml::from_str::<UniqueKeys>(text).map(drop));
                (serde_yaml::from_str::<T>(text), check.join())
            });
            match checked {
                Ok(Ok(())) => direct.map_err(|_| ()),
                // The path-tracking parse names where a syntax error is; a duplicate key passes
                // it, so that one is reported as the `Value` parse saw it.
                Ok(Err(error)) => {
                    return Err(locate_error::<T>(file, text, format)
                        .unwrap_or_else(|| yaml_error(file, &error, None)));
                }
                // The YAML parser panicked on the checking thread; `guard` would have caught
                // the same panic on this one.
                Err(_) => return Err(openapiv3_gave_up(file)),
            }
        }
        Format::Json => serde_json::from_str(text).map_err(|_| ()),
    };
    match fast {
        Ok(document) => Ok(document),
        Err(()) => {
            Err(locate_error::<T>(file, text, format)
                .unwrap_or_else(|| internal_inconsistency(file)))
        }
    }
}

/// A YAML document walked for duplicate keys and dropped: each mapping's keys are compared as
/// `serde_yaml::Value`s, and two equal keys are refused with the error (and, as a custom error
/// raised in the same place, the location) that parsing into `Value` gives.
struct UniqueKeys;

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_i128<E>(self, _: i128) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_u128<E>(self, _: u128) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_none<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, inner: D) -> Result<UniqueKeys, D::Error> {
        inner.deserialize_any(UniqueKeysVisitor)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let mut keys = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<serde_yaml::Value>()? {
            if keys.contains(&key) {
                return Err(serde::de::Error::custom(duplicate_key_message(&key)));
            }
            map.next_value::<UniqueKeys>()?;
            keys.insert(key);
        }
        Ok(UniqueKeys)
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<UniqueKeys, A::Error> {
        // A tagged value (`!Tag value`): its tag, then its value.
        let (serde::de::IgnoredAny, contents) = data.variant()?;
        serde::de::VariantAccess::newtype_variant::<UniqueKeys>(contents)
    }
}

/// What `serde_yaml::Mapping` says of a duplicate key.
fn duplicate_key_message(key: &serde_yaml::Value) -> String {
    use serde_yaml::Value;
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

fn yaml_error(file: &str, error: &serde_yaml::Error, pointer: Option<String>) -> Error {
    let (line, column) = error
        .location()
        .map_or((0, 0), |location| (location.line(), location.column()));
    Error::Parse {
        file: file.to_owned(),
        line,
        column,
        pointer,
        message: strip_location(&error.to_string()),
    }
}

/// Parses again, tracking the path, to say where the document is wrong; `None` if it parses.
fn locate_error<T: DeserializeOwned>(file: &str, text: &str, format: Format) -> Option<Error> {
    let (path, line, column, message) = match format {
        Format::Yaml => {
            let deserializer = serde_yaml::Deserializer::from_str(text);
            match serde_path_to_error::deserialize::<_, T>(deserializer) {
                Ok(_) => return None,
                Err(error) => {
                    let path = error.path().clone();
                    let inner = error.into_inner();
                    let (line, column) = inner
                        .location()
                        .map_or((0, 0), |location| (location.line(), location.column()));
                    (path, line, column, strip_location(&inner.to_string()))
                }
            }
        }
        Format::Json => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
                Ok(_) => return None,
                Err(error) => {
                    let path = error.path().clone();
                    let inner = error.into_inner();
                    let (line, column) = (inner.line(), inner.column());
                    (path, line, column, strip_location(&inner.to_string()))
                }
            }
        }
    };
    let pointer = path_to_pointer(&path);
    Some(Error::Parse {
        file: file.to_owned(),
        line,
        column,
        pointer: (!pointer.is_empty()).then_some(pointer),
        message,
    })
}

/// Both parsers must agree; if the tracking parse succeeds where the plain one failed, say so
/// rather than inventing a location.
fn internal_inconsistency(file: &str) -> Error {
    Error::Parse {
        file: file.to_owned(),
        line: 0,
        column: 0,
        pointer: None,
        message: "the document failed to parse once and parsed the second time".to_owned(),
    }
}

/// Turns serde_path_to_error's path into a JSON pointer (`/paths/~1v1~1x/post`).
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push('/');
                pointer.push_str(&escape_segment(key));
            }
            // The parser had not yet learned the key; stop at the last known place.
            Segment::Unknown => break,
        }
    }
    pointer
}

/// Both parsers end some messages with " at line L column C"; the error already says where.
/// A location in the middle of a message is left alone, since it may name another place.
fn strip_location(message: &str) -> String {
    if let Some(index) = message.rfind(" at line ") {
        let tail = &message[index + " at line ".len()..];
        let mut parts = tail.split(" column ");
        let is_number = |part: Option<&str>| {
            part.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        };
        if is_number(parts.next()) && is_number(parts.next()) && parts.next().is_none() {
            return message[..index].to_owned();
        }
    }
    message.to_owned()
}
