//! The generator's error type: every refusal names the file, the JSON pointer and the operation.

use std::fmt;

/// Why the generator refused its input. Each error says where, so a spec author can jump there.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file is not valid YAML or JSON, or does not have the shape of an OpenAPI 3.0 document.
    #[error("{file}{}: {message}{}", line_suffix(*.line, *.column), path_suffix(.pointer))]
    Parse {
        file: String,
        line: usize,
        column: usize,
        /// Where in the document the parser was, when the text parsed but its shape was wrong.
        pointer: Option<String>,
        message: String,
    },
    /// The file's extension names no format the loader reads.
    #[error("{file}: unknown spec format: expected a `.yaml`, `.yml` or `.json` file")]
    UnknownFormat { file: String },
    /// The generation config itself is wrong (it names no spec, or an operation twice).
    #[error("{file}: {message}")]
    Config { file: String, message: String },
    /// The config selects an operationId that the spec does not define.
    #[error("{file}: unknown operationId `{operation_id}` in the selection: the spec has no such operation{}", suggestion_suffix(.suggestion))]
    UnknownOperation {
        file: String,
        operation_id: String,
        suggestion: Option<String>,
    },
    /// The emitter produced tokens that are not valid Rust: a bug in the generator, not the spec.
    #[error("internal error: generated `{path}` is not valid Rust: {message}")]
    Render { path: String, message: String },
    /// The spec says something the generator does not (or cannot) honour.
    #[error("{}", Located { file, pointer, operation_id: operation_id.as_deref(), kind })]
    Spec {
        file: String,
        pointer: String,
        operation_id: Option<String>,
        kind: SpecErrorKind,
    },
}

/// What is wrong at a place in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecErrorKind {
    /// A `$ref` points at a component that does not exist.
    DanglingRef { reference: String },
    /// A `$ref` that is not a local component reference (`#/components/...`).
    ExternalRef { reference: String },
    /// A chain of `$ref`s that leads back to itself without reaching a schema.
    CyclicRef { reference: String },
    /// A request or response media type the generator cannot encode or decode.
    UnsupportedContentType { content_type: String },
    /// An operation without any 2xx response, so there is nothing to return on success.
    NoSuccessResponse,
    /// Two operations share one operationId.
    DuplicateOperationId { other_pointer: String },
    /// Two generated items would get the same Rust name.
    NameClash { name: String, other: String },
    /// A construct that the generator does not map to Rust yet.
    Unsupported { what: String },
}

impl fmt::Display for SpecErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DanglingRef { reference } => {
                write!(f, "dangling $ref `{reference}`: no such component")
            }
            Self::ExternalRef { reference } => write!(
                f,
                "unsupported $ref `{reference}`: only local `#/components/...` references are read"
            ),
            Self::CyclicRef { reference } => {
                write!(
                    f,
                    "cyclic $ref `{reference}`: the chain of references never reaches a definition"
                )
            }
            Self::UnsupportedContentType { content_type } => write!(
                f,
                "unsupported content type `{content_type}`: requests must be \
                 `application/x-www-form-urlencoded` and responses `application/json`"
            ),
            Self::NoSuccessResponse => {
                write!(
                    f,
                    "no 2xx response: the operation must say what it returns on success"
                )
            }
            Self::DuplicateOperationId { other_pointer } => {
                write!(f, "duplicate operationId, also used at {other_pointer}")
            }
            Self::NameClash { name, other } => write!(
                f,
                "the generated name `{name}` is already taken by {other}; rename one of them"
            ),
            Self::Unsupported { what } => write!(f, "unsupported: {what}"),
        }
    }
}

struct Located<'a> {
    file: &'a str,
    pointer: &'a str,
    operation_id: Option<&'a str>,
    kind: &'a SpecErrorKind,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file, self.pointer)?;
        if let Some(operation_id) = self.operation_id {
            write!(f, " (operation {operation_id})")?;
        }
        write!(f, ": {}", self.kind)
    }
}

/// `:line:column`, or nothing when the parser could not say where (line 0).
fn line_suffix(line: usize, column: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}:{column}")
    }
}

fn path_suffix(pointer: &Option<String>) -> String {
    match pointer {
        Some(pointer) if !pointer.is_empty() => format!(" (at #{pointer})"),
        _ => String::new(),
    }
}

fn suggestion_suffix(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(name) => format!("; did you mean `{name}`?"),
        None => String::new(),
    }
}
