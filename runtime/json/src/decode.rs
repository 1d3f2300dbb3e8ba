//! Hand-written: the JSON decoder that response types are read with, a reader over the text and
//! one small non-generic `decode` function per type.
//!
//! Response types are decoded here rather than through serde's `Deserialize`: serde's model
//! compiles serde_json's parser again for every struct (its map reader), every optional field
//! type and every field value, and those copies were more than half of the code a whole-API
//! build generated. Here a struct's decoder is one function that calls the reader, which is
//! compiled once; what stays generic is a few lines per field type (`Option<T>`, `Vec<T>`).
//!
//! Every response type still implements serde's `Deserialize` (through [`deserialize`]), so
//! `serde_json::from_str::<Customer>` works; the SDK's own paths (the client, webhooks) call
//! [`from_str`].

use serde::de::{self, Deserializer};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// Nesting deeper than this is refused, so that a hostile body cannot exhaust the stack.
const MAX_DEPTH: u32 = 128;

/// A type that can be read from JSON by [`Reader`]. Generated response types implement it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no decoder in this build",
    label = "`{Self}` is decoded only with its own Cargo feature",
    note = "a type that the enabled features reach only through expandable fields is declared without its decoder; enable the Cargo feature that `{Self}`'s documentation names (\"Needs the Cargo feature `charge`\"): for a resource, its name in snake case (`Invoice` needs `invoice`, `CheckoutSession` needs `checkout_session`)"
)]
pub trait Decode: Sized {
    /// Reads one value of this type at the reader's position.
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError>;
}

/// Why a JSON text could not be decoded: a message in serde's words and the byte offset it
/// refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    offset: usize,
    message: String,
}

impl JsonError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        Self {
            offset,
            message: message.into(),
        }
    }

    /// The byte offset in the decoded text that the error is about: the start of a value of
    /// the wrong type, the closing brace of an object that misses a field, or where the syntax
    /// broke.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// What went wrong, without position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The JSON path (`data[0].customer`, `.` for the top level) of the value the error is
    /// about in `text`, the text that was decoded.
    pub fn json_path(&self, text: &str) -> String {
        json_path_at(text.as_bytes(), self.offset)
    }

    /// The message with the line and column of the offset in `text`, as serde_json says it.
    pub fn located(&self, text: &str) -> String {
        let before = &text.as_bytes()[..self.offset.min(text.len())];
        let line = before.iter().filter(|byte| **byte == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|byte| *byte == b'\n')
            .map_or(0, |newline| newline + 1);
        let column = before.len() - line_start + 1;
        format!("{} at line {line} column {column}", self.message)
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for JsonError {}

/// Decodes the whole of `text` as one `T`; text after the value is an error.
pub fn from_str<T: Decode>(text: &str) -> Result<T, JsonError> {
    let mut reader = Reader::new(text);
    let value = T::decode(&mut reader)?;
    reader.end()?;
    Ok(value)
}

/// serde's `Deserialize` for a type that implements [`Decode`]: the value is read as a
/// `serde_json::Value` (from any serde format), written back as JSON text and decoded from it.
/// This is the path for callers that use serde directly; the SDK decodes from text itself.
pub fn deserialize<'de, D: Deserializer<'de>, T: Decode>(deserializer: D) -> Result<T, D::Error> {
    let value = <serde_json::Value as de::Deserialize>::deserialize(deserializer)?;
    let text = value.to_string();
    from_str(&text).map_err(|error| {
        let path = error.json_path(&text);
        if path == "." {
            de::Error::custom(error.message())
        } else {
            de::Error::custom(format_args!("at `{path}`: {}", error.message()))
        }
    })
}

/// Where a reader was, to go back there (a union tries its variants one after another).
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    position: usize,
    depth: u32,
}

/// An object being read: whether its first key is still to come, and where its closing brace
/// was once it has been read (a missing field is reported there).
#[derive(Debug)]
pub struct ObjectCursor {
    first: bool,
    close: usize,
}

/// An array being read: whether its first element is still to come.
#[derive(Debug)]
pub struct ArrayCursor {
    first: bool,
}

/// A reader over a JSON text. Generated decoders call it; it checks the syntax as it goes.
#[derive(Debug)]
pub struct Reader<'a> {
    text: &'a str,
    position: usize,
    depth: u32,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            position: 0,
            depth: 0,
        }
    }

    /// Where the reader is, to come back to with [`Reader::reset`].
    pub fn mark(&self) -> Mark {
        Mark {
            position: self.position,
            depth: self.depth,
        }
    }

    /// Goes back to where [`Reader::mark`] was taken.
    pub fn reset(&mut self, mark: Mark) {
        self.position = mark.position;
        self.depth = mark.depth;
    }

    /// Checks that only whitespace follows.
    pub fn end(&mut self) -> Result<(), JsonError> {
        self.skip_whitespace();
        if self.position < self.text.len() {
            return Err(self.error("trailing characters"));
        }
        Ok(())
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn error(&self, message: impl Into<String>) -> JsonError {
        JsonError::new(self.position, message)
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes().get(self.position) {
            self.position += 1;
        }
    }

    /// The next byte that is not whitespace, not consumed.
    fn peek(&mut self) -> Result<u8, JsonError> {
        self.skip_whitespace();
        self.bytes()
            .get(self.position)
            .copied()
            .ok_or_else(|| self.error("EOF while parsing a value"))
    }

    /// Consumes `byte` (after whitespace), or says which was expected.
    fn expect(&mut self, byte: u8, what: &str) -> Result<(), JsonError> {
        if self.peek()? == byte {
            self.position += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected {what}")))
        }
    }

    /// Whether the next value is a string (an expandable field's id).
    pub fn at_string(&mut self) -> Result<bool, JsonError> {
        Ok(self.peek()? == b'"')
    }

    /// Consumes `null` when it is next, and says whether it was.
    pub fn null(&mut self) -> Result<bool, JsonError> {
        if self.peek()? == b'n' {
            self.literal("null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), JsonError> {
        if self.text[self.position..].starts_with(word) {
            self.position += word.len();
            Ok(())
        } else {
            Err(self.error("expected value"))
        }
    }

    /// The error for a value of the wrong type at the reader's position, in serde's words
    /// ("invalid type: string \"a\", expected i64"). The reader does not move.
    pub fn invalid_type(&mut self, expected: &str) -> JsonError {
        let mark = self.mark();
        let start = match self.peek() {
            Ok(_) => self.position,
            Err(error) => return error,
        };
        let unexpected = match self.describe_value() {
            Ok(unexpected) => unexpected,
            Err(error) => return error,
        };
        self.reset(mark);
        JsonError::new(
            start,
            format!("invalid type: {unexpected}, expected {expected}"),
        )
    }

    /// How serde names the value at the position (consuming what it reads).
    fn describe_value(&mut self) -> Result<String, JsonError> {
        Ok(match self.peek()? {
            b'"' => format!("string {:?}", self.string_unchecked()?),
            b't' => self.literal("true").map(|()| "boolean `true`".to_owned())?,
            b'f' => self
                .literal("false")
                .map(|()| "boolean `false`".to_owned())?,
            b'n' => self.literal("null").map(|()| "null".to_owned())?,
            b'{' => "map".to_owned(),
            b'[' => "sequence".to_owned(),
            _ => match self.number()? {
                Number::Integer(text) => format!("integer `{text}`"),
                Number::Float(text) => format!("floating point `{text}`"),
            },
        })
    }

    /// Reads a string; `expected` names the type for the error when the value is not one.
    pub fn string(&mut self, expected: &str) -> Result<Cow<'a, str>, JsonError> {
        if self.peek()? == b'"' {
            self.string_unchecked()
        } else {
            Err(self.invalid_type(expected))
        }
    }

    /// Reads the string at the position, which starts with `"`: borrowed from the text when it
    /// has no escapes.
    fn string_unchecked(&mut self) -> Result<Cow<'a, str>, JsonError> {
        let bytes = self.bytes();
        self.position += 1;
        let start = self.position;
        loop {
            match bytes.get(self.position) {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    let value = &self.text[start..self.position];
                    self.position += 1;
                    return Ok(Cow::Borrowed(value));
                }
                Some(b'\\') => break,
                Some(0..=0x1f) => {
                    return Err(self.error(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
                Some(_) => self.position += 1,
            }
        }
        // An escape: copy what came before it, then decode the rest piece by piece.
        let mut owned = String::from(&self.text[start..self.position]);
        loop {
            let run_start = self.position;
            while let Some(byte) = bytes.get(self.position) {
                if matches!(byte, b'"' | b'\\' | 0..=0x1f) {
                    break;
                }
                self.position += 1;
            }
            owned.push_str(&self.text[run_start..self.position]);
            match bytes.get(self.position) {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    self.position += 1;
                    return Ok(Cow::Owned(owned));
                }
                Some(b'\\') => {
                    self.position += 1;
                    let escaped = match bytes.get(self.position) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.position += 1;
                            let decoded = self.unicode_escape()?;
                            owned.push(decoded);
                            continue;
                        }
                        Some(_) => return Err(self.error("invalid escape")),
                        None => return Err(self.error("EOF while parsing a string")),
                    };
                    self.position += 1;
                    owned.push(escaped);
                }
                Some(_) => {
                    return Err(self.error(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
            }
        }
    }

    /// The character of a `\u` escape whose four hex digits start at the position, joining a
    /// surrogate pair written as two escapes.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.text[self.position..].starts_with("\\u") {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                self.position += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("lone trailing surrogate in hex escape")),
            scalar => scalar,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.position..self.position + 4)
            .ok_or_else(|| self.error("EOF while parsing a string"))?;
        let value = u32::from_str_radix(digits, 16)
            .ok()
            .filter(|_| digits.bytes().all(|byte| byte.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid escape"))?;
        self.position += 4;
        Ok(value)
    }

    /// Reads a number token, checking JSON's grammar.
    fn number(&mut self) -> Result<Number<'a>, JsonError> {
        let bytes = self.bytes();
        let start = self.position;
        let digits = |reader: &mut Self| {
            let from = reader.position;
            while bytes.get(reader.position).is_some_and(u8::is_ascii_digit) {
                reader.position += 1;
            }
            reader.position > from
        };
        if bytes.get(self.position) == Some(&b'-') {
            self.position += 1;
        }
        match bytes.get(self.position) {
            Some(b'0') => self.position += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => {
                self.position = start;
                return Err(self.error("expected value"));
            }
        }
        let mut float = false;
        if bytes.get(self.position) == Some(&b'.') {
            float = true;
            self.position += 1;
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = bytes.get(self.position) {
            float = true;
            self.position += 1;
            if let Some(b'+' | b'-') = bytes.get(self.position) {
                self.position += 1;
            }
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        let text = &self.text[start..self.position];
        Ok(if float {
            Number::Float(text)
        } else {
            Number::Integer(text)
        })
    }

    /// Reads an integer that fits `T` (`i64`, `u64`); `expected` names it for errors.
    fn integer<T: std::str::FromStr>(&mut self, expected: &str) -> Result<T, JsonError> {
        let byte = self.peek()?;
        if byte != b'-' && !byte.is_ascii_digit() {
            return Err(self.invalid_type(expected));
        }
        let start = self.position;
        match self.number()? {
            Number::Integer(text) => text.parse().map_err(|_| {
                JsonError::new(
                    start,
                    format!("invalid value: integer `{text}`, expected {expected}"),
                )
            }),
            Number::Float(_) => {
                self.position = start;
                Err(self.invalid_type(expected))
            }
        }
    }

    /// Reads a number as `f64`.
    fn float(&mut self) -> Result<f64, JsonError> {
        let byte = self.peek()?;
        if byte != b'-' && !byte.is_ascii_digit() {
            return Err(self.invalid_type("f64"));
        }
        let start = self.position;
        let (Number::Integer(text) | Number::Float(text)) = self.number()?;
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(value),
            _ => Err(JsonError::new(start, "number out of range")),
        }
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        Ok(())
    }

    /// Starts reading an object; `expected` names the type for the error when the value is
    /// not one (`struct Customer`).
    pub fn begin_object(&mut self, expected: &str) -> Result<ObjectCursor, JsonError> {
        if self.peek()? != b'{' {
            return Err(self.invalid_type(expected));
        }
        self.enter()?;
        self.position += 1;
        Ok(ObjectCursor {
            first: true,
            close: self.position,
        })
    }

    /// The object's next key, with the reader at its value; `None` after the closing brace.
    pub fn next_key(
        &mut self,
        object: &mut ObjectCursor,
    ) -> Result<Option<Cow<'a, str>>, JsonError> {
        if self.peek()? == b'}' {
            object.close = self.position;
            self.position += 1;
            self.depth -= 1;
            return Ok(None);
        }
        if object.first {
            object.first = false;
        } else {
            self.expect(b',', "`,` or `}`")?;
        }
        if self.peek()? != b'"' {
            return Err(self.error("key must be a string"));
        }
        let key = self.string_unchecked()?;
        self.expect(b':', "`:`")?;
        Ok(Some(key))
    }

    /// Starts reading an array; `expected` names it for the error when the value is not one.
    pub fn begin_array(&mut self, expected: &str) -> Result<ArrayCursor, JsonError> {
        if self.peek()? != b'[' {
            return Err(self.invalid_type(expected));
        }
        self.enter()?;
        self.position += 1;
        Ok(ArrayCursor { first: true })
    }

    /// Whether the array has another element, with the reader at it when it has.
    pub fn next_element(&mut self, array: &mut ArrayCursor) -> Result<bool, JsonError> {
        if self.peek()? == b']' {
            self.position += 1;
            self.depth -= 1;
            return Ok(false);
        }
        if array.first {
            array.first = false;
        } else {
            self.expect(b',', "`,` or `]`")?;
        }
        Ok(true)
    }

    /// Reads the value of a struct's field into its slot; a second value for the same field
    /// is "duplicate field `name`", as with serde's derive.
    pub fn field<T: Decode>(&mut self, slot: &mut Option<T>, name: &str) -> Result<(), JsonError> {
        #[allow(
            clippy::redundant_pattern_matching,
            reason = "`is_some()` would be one more generic function to compile per field type"
        )]
        if let Some(_) = slot {
            return Err(self.duplicate_field(name));
        }
        match T::decode(self) {
            Ok(value) => {
                *slot = Some(value);
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    /// Decodes the value of the optional field `name` (absent, `null` or a `T`) into `slot`,
    /// refusing a second occurrence of the key.
    ///
    /// The same as [`field`](Self::field) with an `Option<T>`, but one generic function per
    /// field type instead of two (`field` and `Option`'s `decode`): optional fields are most
    /// of Stripe's. (Variants that call non-generic helpers for the checks, or write the slot
    /// once, measured larger: each early return adds its own cleanup.)
    pub fn optional_field<T: Decode>(
        &mut self,
        slot: &mut Option<Option<T>>,
        name: &str,
    ) -> Result<(), JsonError> {
        #[allow(
            clippy::redundant_pattern_matching,
            reason = "`is_some()` would be one more generic function to compile per field type"
        )]
        if let Some(_) = slot {
            return Err(self.duplicate_field(name));
        }
        match self.null() {
            Ok(true) => {
                *slot = Some(None);
                Ok(())
            }
            Ok(false) => match T::decode(self) {
                Ok(value) => {
                    *slot = Some(Some(value));
                    Ok(())
                }
                Err(error) => Err(error),
            },
            Err(error) => Err(error),
        }
    }

    fn duplicate_field(&self, name: &str) -> JsonError {
        self.error(format!("duplicate field `{name}`"))
    }

    /// "missing field `name`", at the object's closing brace.
    ///
    /// Generated decoders match on the slot themselves and call this for the error only: a
    /// generic function returning the value would be compiled again for every field type.
    pub fn missing_field(&self, object: &ObjectCursor, name: &str) -> JsonError {
        JsonError::new(object.close, format!("missing field `{name}`"))
    }

    /// Skips one value, checking its syntax: a field the struct does not declare (Stripe adds
    /// fields without a version bump).
    pub fn skip_value(&mut self) -> Result<(), JsonError> {
        match self.peek()? {
            b'"' => {
                self.string_unchecked()?;
            }
            b't' => self.literal("true")?,
            b'f' => self.literal("false")?,
            b'n' => self.literal("null")?,
            b'{' => {
                let mut object = self.begin_object("a map")?;
                while self.next_key(&mut object)?.is_some() {
                    self.skip_value()?;
                }
            }
            b'[' => {
                let mut array = self.begin_array("a sequence")?;
                while self.next_element(&mut array)? {
                    self.skip_value()?;
                }
            }
            _ => {
                self.number()?;
            }
        }
        Ok(())
    }

    /// Skips one value and returns its text.
    pub fn raw_value(&mut self) -> Result<&'a str, JsonError> {
        self.skip_whitespace();
        let start = self.position;
        self.skip_value()?;
        Ok(&self.text[start..self.position])
    }

    /// Reads ahead through the object at the position, handing each key to `visit` with the
    /// reader at its value; `visit` reads the value or returns `false` to have it skipped. The
    /// reader then goes back to the object's start. `expected` names the type for the error
    /// when the value is not an object.
    fn read_ahead(
        &mut self,
        expected: &str,
        visit: &mut dyn FnMut(&str, &mut Self) -> Result<bool, JsonError>,
    ) -> Result<(), JsonError> {
        let mark = self.mark();
        let mut cursor = self.begin_object(expected)?;
        while let Some(key) = self.next_key(&mut cursor)? {
            if !visit(&key, self)? {
                self.skip_value()?;
            }
        }
        self.reset(mark);
        Ok(())
    }

    /// A string or `null` value.
    fn optional_string(&mut self) -> Result<Option<Cow<'a, str>>, JsonError> {
        if self.null()? {
            Ok(None)
        } else {
            self.string("a string").map(Some)
        }
    }

    /// A response union's `object` and `deleted` values, read ahead from the object at the
    /// position; the reader does not move. `expected` names the union for the error when the
    /// value is not an object.
    pub fn discriminator(
        &mut self,
        expected: &str,
    ) -> Result<(Option<Cow<'a, str>>, bool), JsonError> {
        let mut object = None;
        let mut deleted = false;
        self.read_ahead(expected, &mut |key, reader| match key {
            "object" => {
                object = reader.optional_string()?;
                Ok(true)
            }
            "deleted" => {
                deleted = Option::<bool>::decode(reader)?.unwrap_or(false);
                Ok(true)
            }
            _ => Ok(false),
        })?;
        Ok((object, deleted))
    }

    /// After a value that started at `start` failed to decode into its type with `error`,
    /// goes back there and keeps the value whole as JSON with the reason, as an
    /// [`Undecoded`](crate::types::Undecoded) whose `object` is `object`. Fails only when the
    /// value is not valid JSON at all.
    pub fn keep_undecoded(
        &mut self,
        start: Mark,
        object: &str,
        error: JsonError,
    ) -> Result<crate::types::Undecoded, JsonError> {
        self.reset(start);
        self.skip_whitespace();
        let begin = self.position;
        let json = serde_json::Value::decode(self)?;
        let inside = &self.text.as_bytes()[begin..self.position];
        Ok(crate::types::Undecoded {
            object: object.to_owned(),
            json,
            error: crate::types::UndecodedReason {
                path: json_path_at(inside, error.offset.saturating_sub(begin)),
                message: error.message,
            },
        })
    }

    /// An expanded object's `id`, read ahead as [`Reader::read_ahead_id`] does. Every object
    /// Stripe expands has one, so an object without a string `id` is an error, located on the
    /// object (its JSON path is the expandable field's).
    pub fn read_ahead_expanded_id(&mut self, expected: &str) -> Result<Cow<'a, str>, JsonError> {
        self.skip_whitespace();
        let start = self.position;
        match self.read_ahead_id(expected) {
            Ok(Some(id)) => Ok(id),
            Ok(None) => Err(JsonError::new(
                start,
                "missing field `id`: an expanded object must have a string `id`",
            )),
            Err(error) => Err(error),
        }
    }

    /// An object's `id`, read ahead from the object at the position; the reader does not
    /// move. `expected` names the type for the error when the value is not an object.
    pub fn read_ahead_id(&mut self, expected: &str) -> Result<Option<Cow<'a, str>>, JsonError> {
        let mut id = None;
        self.read_ahead(expected, &mut |key, reader| {
            if key == "id" {
                id = reader.optional_string()?;
                Ok(true)
            } else {
                Ok(false)
            }
        })?;
        Ok(id)
    }
}

/// A number token as written.
enum Number<'a> {
    Integer(&'a str),
    Float(&'a str),
}

impl Decode for String {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.string("a string").map(Cow::into_owned)
    }
}

impl Decode for bool {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        match reader.peek()? {
            b't' => reader.literal("true").map(|()| true),
            b'f' => reader.literal("false").map(|()| false),
            _ => Err(reader.invalid_type("a boolean")),
        }
    }
}

impl Decode for i64 {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.integer("i64")
    }
}

impl Decode for u64 {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.integer("u64")
    }
}

impl Decode for f64 {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.float()
    }
}

/// Arbitrary JSON, kept as serde_json's value.
impl Decode for serde_json::Value {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.skip_whitespace();
        let start = reader.position;
        let text = reader.raw_value()?;
        serde_json::from_str(text).map_err(|error| JsonError::new(start, error.to_string()))
    }
}

// The generic impls below match on results rather than use `?` or `Result::map`: each of those
// is a generic function of its own, compiled again for every type these are instantiated with,
// and there is one instantiation per field type of the whole API.

/// Absent is handled by the struct; `null` is `None`.
impl<T: Decode> Decode for Option<T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        match reader.null() {
            Ok(true) => Ok(None),
            Ok(false) => match T::decode(reader) {
                Ok(value) => Ok(Some(value)),
                Err(error) => Err(error),
            },
            Err(error) => Err(error),
        }
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        match T::decode(reader) {
            Ok(value) => Ok(Box::new(value)),
            Err(error) => Err(error),
        }
    }
}

impl<T: Decode> Decode for Vec<T> {
    #[allow(
        clippy::question_mark,
        reason = "`?` is a generic function of its own per instantiation (see above)"
    )]
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut array = match reader.begin_array("a sequence") {
            Ok(array) => array,
            Err(error) => return Err(error),
        };
        let mut items = Vec::new();
        loop {
            match reader.next_element(&mut array) {
                Ok(true) => {}
                Ok(false) => return Ok(items),
                Err(error) => return Err(error),
            }
            match T::decode(reader) {
                Ok(item) => items.push(item),
                Err(error) => return Err(error),
            }
        }
    }
}

impl<T: Decode> Decode for BTreeMap<String, T> {
    #[allow(
        clippy::question_mark,
        reason = "`?` is a generic function of its own per instantiation (see above)"
    )]
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut object = match reader.begin_object("a map") {
            Ok(object) => object,
            Err(error) => return Err(error),
        };
        let mut entries = BTreeMap::new();
        loop {
            let key = match reader.next_key(&mut object) {
                Ok(Some(key)) => key,
                Ok(None) => return Ok(entries),
                Err(error) => return Err(error),
            };
            match T::decode(reader) {
                Ok(value) => {
                    entries.insert(key.into_owned(), value);
                }
                Err(error) => return Err(error),
            }
        }
    }
}

/// Implements [`Decode`] and serde's `Deserialize` for a generated response struct.
///
/// Unknown fields are skipped, a missing required field is "missing field `x`", a repeated
/// one "duplicate field `x`", an absent or `null` optional field is `None`: what serde's derive
/// does, in one non-generic function per struct. The field types are not named: each is
/// inferred from the struct's own definition.
// Exported (and hidden) for the generated types, which name it through the re-export below.
#[doc(hidden)]
#[macro_export]
macro_rules! decode_object {
    // The decoder's body: `$reader` is the decode function's parameter, named by the caller
    // because a macro's own identifiers do not reach code it did not write.
    (
        @body $name:ident, $reader:ident,
        required { $($required_wire:literal => $required:ident),* $(,)? },
        optional { $($optional_wire:literal => $optional:ident),* $(,)? } $(,)?
    ) => {{
        // `match` rather than `?` throughout: `?` instantiates a conversion function
        // for every response type.
        let mut object =
            match $reader.begin_object(concat!("struct ", stringify!($name))) {
                ::core::result::Result::Ok(object) => object,
                ::core::result::Result::Err(error) => {
                    return ::core::result::Result::Err(error);
                }
            };
        $(let mut $required = ::core::option::Option::None;)*
        $(let mut $optional = ::core::option::Option::None;)*
        loop {
            let key = match $reader.next_key(&mut object) {
                ::core::result::Result::Ok(::core::option::Option::Some(key)) => key,
                ::core::result::Result::Ok(::core::option::Option::None) => break,
                ::core::result::Result::Err(error) => {
                    return ::core::result::Result::Err(error);
                }
            };
            // One exit for all arms: each is a branch.
            let result = match &*key {
                $($required_wire => $reader.field(&mut $required, $required_wire),)*
                $($optional_wire => {
                    $reader.optional_field(&mut $optional, $optional_wire)
                })*
                _ => $reader.skip_value(),
            };
            if let ::core::result::Result::Err(error) = result {
                return ::core::result::Result::Err(error);
            }
        }
        ::core::result::Result::Ok($name {
            // A `match` rather than a helper: one generic function less per field type.
            $($required: match $required {
                ::core::option::Option::Some(value) => value,
                ::core::option::Option::None => {
                    return ::core::result::Result::Err(
                        $reader.missing_field(&object, $required_wire),
                    );
                }
            },)*
            // Absent and `null` are both `None`. A `match` here rather than
            // `Option::flatten` saves a generic function per field type.
            $($optional: match $optional {
                ::core::option::Option::Some(value) => value,
                ::core::option::Option::None => ::core::option::Option::None,
            },)*
        })
    }};
    (
        $name:ident,
        required { $($required_wire:literal => $required:ident),* $(,)? },
        optional { $($optional_wire:literal => $optional:ident),* $(,)? } $(,)?
    ) => {
        impl $crate::decode::Decode for $name {
            fn decode(
                reader: &mut $crate::decode::Reader<'_>,
            ) -> ::core::result::Result<Self, $crate::decode::JsonError> {
                $crate::decode::decode_object!(
                    @body $name, reader,
                    required { $($required_wire => $required),* },
                    optional { $($optional_wire => $optional),* },
                )
            }
        }
        $crate::decode::deserialize_via_decode!($name);
    };
    // A generic envelope (`List<T>`): the same decoder for any `T` that decodes. Its serde
    // impls are its own.
    (
        $name:ident<$param:ident>,
        required { $($required_wire:literal => $required:ident),* $(,)? },
        optional { $($optional_wire:literal => $optional:ident),* $(,)? } $(,)?
    ) => {
        impl<$param: $crate::decode::Decode> $crate::decode::Decode for $name<$param> {
            fn decode(
                reader: &mut $crate::decode::Reader<'_>,
            ) -> ::core::result::Result<Self, $crate::decode::JsonError> {
                $crate::decode::decode_object!(
                    @body $name, reader,
                    required { $($required_wire => $required),* },
                    optional { $($optional_wire => $optional),* },
                )
            }
        }
    };
}
#[doc(hidden)]
pub use crate::decode_object;

/// Implements serde's `Deserialize` for a generated response type through its [`Decode`]
/// impl (see [`deserialize`]).
// Exported (and hidden) for the generated types, which name it through the re-export below.
#[doc(hidden)]
#[macro_export]
macro_rules! deserialize_via_decode {
    ($name:ident) => {
        // Only with its feature: each impl is a generic function whose MIR goes into the
        // crate's metadata, which every program paid for whether it used serde here or not.
        #[cfg(feature = "deserialize")]
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                $crate::decode::deserialize(deserializer)
            }
        }
    };
}
#[doc(hidden)]
pub use crate::deserialize_via_decode;

/// Implements [`Decode`], serde's `Deserialize` and (with the `serialize` feature) `Serialize`
/// for a generated response enum with an `Unknown` variant, through its infallible `FromStr` and
/// its `as_str`.
// Exported (and hidden) for the generated types, which name it through the re-export below.
#[doc(hidden)]
#[macro_export]
macro_rules! decode_via_str {
    ($name:ident) => {
        impl $crate::decode::Decode for $name {
            fn decode(
                reader: &mut $crate::decode::Reader<'_>,
            ) -> ::core::result::Result<Self, $crate::decode::JsonError> {
                let text = reader.string(concat!("enum ", stringify!($name)))?;
                match text.parse() {
                    ::core::result::Result::Ok(value) => ::core::result::Result::Ok(value),
                    ::core::result::Result::Err(never) => match never {},
                }
            }
        }
        $crate::decode::deserialize_via_decode!($name);
        #[cfg(feature = "serialize")]
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}
#[doc(hidden)]
pub use crate::decode_via_str;

/// The path (`data[0].customer`, `.` for the top level) of the value being read at `offset`
/// in the JSON `text`: the keys and indices of the containers still open there. Public (and
/// hidden) for `stripe-sdk`'s client and webhooks, which report where other JSON failed.
#[doc(hidden)]
pub fn json_path_at(text: &[u8], offset: usize) -> String {
    // A failure at an object's closing brace (a missing field) belongs to the object itself.
    let offset = if text.get(offset) == Some(&b'}') {
        offset + 1
    } else {
        offset
    };
    enum Frame {
        Object { key: Option<String> },
        Array { index: usize },
    }
    let mut frames: Vec<Frame> = Vec::new();
    let mut position = 0;
    // In an object, the next string is a key until its `:` is read.
    let mut expecting_key = false;
    while position < offset {
        match text[position] {
            b'{' => {
                frames.push(Frame::Object { key: None });
                expecting_key = true;
            }
            b'[' => {
                frames.push(Frame::Array { index: 0 });
                expecting_key = false;
            }
            b'}' | b']' => {
                frames.pop();
                expecting_key = false;
            }
            b',' => match frames.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { .. }) => expecting_key = true,
                None => {}
            },
            b':' => expecting_key = false,
            b'"' => {
                let start = position + 1;
                let mut end = start;
                while end < text.len() && text[end] != b'"' {
                    end += if text[end] == b'\\' { 2 } else { 1 };
                }
                if expecting_key && let Some(Frame::Object { key }) = frames.last_mut() {
                    let raw = &text[start..end.min(text.len())];
                    *key = Some(
                        serde_json::from_slice::<String>(
                            &text[start - 1..(end + 1).min(text.len())],
                        )
                        .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned()),
                    );
                }
                position = end;
            }
            _ => {}
        }
        position += 1;
    }
    let mut path = String::new();
    for frame in &frames {
        match frame {
            Frame::Object { key: Some(key) } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Point {
        x: i64,
        label: Option<String>,
        tags: Option<Vec<String>>,
    }
    decode_object! { Point, required { "x" => x }, optional { "label" => label, "tags" => tags } }

    fn error_of<T: Decode + fmt::Debug>(text: &str) -> String {
        match from_str::<T>(text) {
            Ok(value) => format!("decoded: {value:?}"),
            Err(error) => error.located(text),
        }
    }

    #[test]
    fn a_struct_decodes_skipping_unknown_fields() -> Result<(), JsonError> {
        let text = r#" { "extra": {"a": [1, 2.5e3, null, true, false, "s\"x"]}, "x": -7, "label": null, "tags": ["a", "\u00e9\ud83d\ude00"] } "#;
        let point: Point = from_str(text)?;
        assert_eq!(
            point,
            Point {
                x: -7,
                label: None,
                tags: Some(vec!["a".to_owned(), "é😀".to_owned()]),
            }
        );
        Ok(())
    }

    #[test]
    fn errors_name_what_and_where() {
        assert_eq!(
            error_of::<Point>("{}"),
            "missing field `x` at line 1 column 2"
        );
        assert_eq!(
            error_of::<Point>(r#"{"x":1,"x":2}"#),
            "duplicate field `x` at line 1 column 12"
        );
        assert_eq!(
            error_of::<Point>(r#"{"x":"7"}"#),
            "invalid type: string \"7\", expected i64 at line 1 column 6"
        );
        assert_eq!(
            error_of::<Point>(r#"{"x":1.5}"#),
            "invalid type: floating point `1.5`, expected i64 at line 1 column 6"
        );
        assert_eq!(
            error_of::<Point>("[1]"),
            "invalid type: sequence, expected struct Point at line 1 column 1"
        );
        assert_eq!(
            error_of::<Point>(r#"{"x":1} x"#),
            "trailing characters at line 1 column 9"
        );
        assert_eq!(
            error_of::<Point>(r#"{"x":99999999999999999999}"#),
            "invalid value: integer `99999999999999999999`, expected i64 at line 1 column 6"
        );
        assert_eq!(
            error_of::<Point>("{\"x\":1,\n\"label\":\"a\u{1}\"}"),
            "control character (\\u0000-\\u001F) found while parsing a string at line 2 column 11"
        );
        assert_eq!(
            error_of::<Point>(r#"{"x":1"#),
            "EOF while parsing a value at line 1 column 7"
        );
        assert_eq!(
            error_of::<Point>(r#"{"x" 1}"#),
            "expected `:` at line 1 column 6"
        );
        assert_eq!(
            error_of::<Point>(r#"{"x":01}"#),
            "expected `,` or `}` at line 1 column 7"
        );
        assert_eq!(
            error_of::<Point>(r#"{"x":-}"#),
            "expected value at line 1 column 6"
        );
        assert_eq!(
            error_of::<String>(r#""\ud800""#),
            "lone leading surrogate in hex escape at line 1 column 8"
        );
        assert_eq!(
            error_of::<String>(r#""\q""#),
            "invalid escape at line 1 column 3"
        );
        assert_eq!(
            error_of::<f64>("1e999"),
            "number out of range at line 1 column 1"
        );
        assert_eq!(error_of::<bool>("nul"), "expected value at line 1 column 1");
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let error = error_of::<serde_json::Value>(&text);
        assert!(error.starts_with("recursion limit exceeded"), "{error}");
    }

    #[test]
    fn scalars_and_containers_decode() -> Result<(), JsonError> {
        assert_eq!(from_str::<f64>("-1.25e2")?, -125.0);
        assert_eq!(from_str::<f64>("3")?, 3.0);
        assert_eq!(from_str::<u64>("18446744073709551615")?, u64::MAX);
        assert!(from_str::<bool>("true")?);
        let map: BTreeMap<String, Option<i64>> = from_str(r#"{"a": 1, "b": null}"#)?;
        assert_eq!(map.get("a"), Some(&Some(1)));
        assert_eq!(map.get("b"), Some(&None));
        let value: serde_json::Value = from_str(r#" {"k": [1, "two"]} "#)?;
        assert_eq!(value, serde_json::json!({"k": [1, "two"]}));
        Ok(())
    }

    #[test]
    fn the_discriminator_is_read_ahead() -> Result<(), JsonError> {
        let text = r#"{"id": "x", "deleted": true, "object": "card"}"#;
        let mut reader = Reader::new(text);
        let (object, deleted) = reader.discriminator("union Source")?;
        assert_eq!(object.as_deref(), Some("card"));
        assert!(deleted);
        // The reader did not move: the whole object is still there to decode.
        assert_eq!(reader.raw_value()?, text);
        Ok(())
    }

    #[cfg(feature = "deserialize")]
    #[test]
    fn serde_deserialize_goes_through_the_decoder() {
        let point: Result<Point, _> = serde_json::from_str(r#"{"x": 1, "tags": ["a"]}"#);
        assert_eq!(
            point.ok(),
            Some(Point {
                x: 1,
                label: None,
                tags: Some(vec!["a".to_owned()]),
            })
        );
        let error = serde_json::from_str::<Point>(r#"{"x": 1, "tags": [3]}"#)
            .map(|_| ())
            .map_err(|error| error.to_string());
        assert_eq!(
            error,
            Err("at `tags[0]`: invalid type: integer `3`, expected a string".to_owned())
        );
    }

    /// The path where decoding failed, read from the decoder's position as the client does,
    /// names the containers open there: the same paths a path-tracking decoder reports.
    #[test]
    fn a_decoding_failure_is_located_by_its_json_path() {
        #[derive(Debug)]
        #[allow(dead_code, reason = "only decoded")]
        struct Item {
            id: String,
            amount: i64,
        }
        crate::decode::decode_object! { Item, required { "id" => id, "amount" => amount }, optional {} }
        #[derive(Debug)]
        #[allow(dead_code, reason = "only decoded")]
        struct Page {
            object: String,
            data: Vec<Item>,
        }
        crate::decode::decode_object! { Page, required { "object" => object, "data" => data }, optional {} }
        let path = |body: &str| {
            from_str::<Page>(body)
                .map(|_| ())
                .map_err(|error| json_path_at(body.as_bytes(), error.offset()))
        };
        assert_eq!(path(r#"{"object":"list","data":[]}"#), Ok(()));
        assert_eq!(
            path(
                r#"{"object": "list", "data": [{"id": "a", "amount": 1}, {"id": "b", "amount": "x"}]}"#
            ),
            Err("data[1].amount".to_owned())
        );
        assert_eq!(
            path("{\n  \"object\": \"list\",\n  \"data\": [\n    {\"id\": \"a,\\\"]}\"}\n  ]\n}"),
            Err("data[0]".to_owned()),
            "a missing field is reported at its object; commas and brackets in strings are text"
        );
        assert_eq!(
            path(r#"{"object": 7, "data": []}"#),
            Err("object".to_owned())
        );
        assert_eq!(path("7"), Err(".".to_owned()));
        assert_eq!(
            path(r#"{"object":"list","data":[]} trailing"#),
            Err(".".to_owned())
        );
        assert_eq!(path(""), Err(".".to_owned()));
    }
}
