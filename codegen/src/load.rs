//! Load: parses a YAML or JSON OpenAPI document into `openapiv3` types, with precise locations.

use crate::error::Error;
use crate::pointer::escape_segment;
use openapiv3::OpenAPI;
use serde::de::DeserializeOwned;

mod split;
mod unique_keys;

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
    // A large YAML spec is parsed in two halves on two threads when its lines allow the cut;
    // when they do not, or a half fails (or openapiv3 panics on one), the whole document is
    // parsed as before, and reports any error where it is.
    if format == Format::Yaml && text.len() >= split::SMALLEST_SPLIT_SPEC {
        let halves = std::panic::catch_unwind(|| split::parse_in_halves(text));
        if let Ok(Some(spec)) = halves {
            return Ok(spec);
        }
    }
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
    match format {
        Format::Yaml => {
            // A direct parse into maps would keep the last of two equal keys; the wrapper
            // compares each mapping's keys as they are read and refuses the second, as
            // parsing into `Value` does, within this one parse.
            let deserializer = serde_yaml::Deserializer::from_str(text);
            unique_keys::deserialize::<T, _>(deserializer).map_err(|error| {
                // The path-tracking parse names where the document is wrong; a duplicate key
                // passes it (it does not compare keys), so that one is reported as this parse
                // saw it, with the mapping's line and column.
                locate_error::<T>(file, text, format)
                    .unwrap_or_else(|| yaml_error(file, &error, None))
            })
        }
        Format::Json => serde_json::from_str(text).map_err(|_| {
            locate_error::<T>(file, text, format).unwrap_or_else(|| internal_inconsistency(file))
        }),
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
