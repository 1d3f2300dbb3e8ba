//! Hand-written: a serde `Serializer` that writes Stripe's `application/x-www-form-urlencoded`
//! encoding (nested keys `a[b][c]=v`, indexed arrays `expand[0]=a`), byte-compatible with the
//! official Python SDK.
//!
//! `serde_urlencoded` cannot express nested objects or arrays, which every Stripe operation with
//! `expand` needs, so this module implements the encoding directly. Keys are built segment by
//! segment: each segment is percent-encoded on its own and the brackets between segments are
//! written as they are.
//!
//! stripe-python percent-encodes the whole body with `urlencode` and then turns every `%5B` and
//! `%5D` back into `[` and `]`, so a bracket inside a value or a map key goes out literally too
//! (`v=[x]`). This encoder does the same, byte for byte: `tests/form_corpus.rs` compares it
//! with bytes recorded from stripe-python's own encoder. Where stripe-python's output depends
//! on Python itself rather than on the encoding, this encoder does not follow it: a float is
//! written by Rust's `Display` (`0.00000025`, where Python's `str` writes `2.5e-07`), and a
//! boolean directly inside an array is `true`/`false` (stripe-python lowercases booleans
//! only in object fields and sends `True` inside an array).

use std::fmt::{self, Display, Write as _};

use serde::ser::{self, Impossible, Serialize};

/// Why a value could not be form-encoded, and where.
///
/// Converts into [`crate::Error::InvalidParams`] through [`crate::InvalidParams`], because an
/// unencodable value is a problem with the parameters and no request is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormError {
    path: String,
    message: String,
}

impl FormError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            path: String::new(),
            message: message.into(),
        }
    }

    /// Records the field path of the value that failed, unless a deeper path is already known.
    ///
    /// Errors travel outwards through every enclosing struct and sequence, so the innermost
    /// (most precise) path is the first one attached and must not be overwritten.
    fn at(mut self, path: &str) -> Self {
        if self.path.is_empty() {
            self.path = path.to_owned();
        }
        self
    }

    /// The field path of the value that could not be encoded, in the same syntax as the form
    /// keys without percent-encoding (for example `items[0][price]`); empty for the top level.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong with the value.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "cannot form-encode the parameters: {}", self.message)
        } else {
            write!(f, "cannot form-encode `{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for FormError {}

impl ser::Error for FormError {
    fn custom<T: Display>(msg: T) -> Self {
        Self::new(msg.to_string())
    }
}

/// Encodes `value` (a struct or a string-keyed map) as a Stripe form body or query string.
///
/// Fields appear in serialization order; `None` and unit values are left out; an empty string
/// is sent as `key=` (Stripe's way of clearing a field). The result has no leading `?`.
///
/// # Errors
///
/// Returns a [`FormError`] when the top-level value is not a struct or map, when a float is NaN
/// or infinite, when a map key is not a string, integer, boolean or unit variant, or when the
/// value contains bytes, which have no form encoding.
pub fn to_form_string<T: Serialize + ?Sized>(value: &T) -> Result<String, FormError> {
    // Room for a typical body and key up front, so that small bodies never reallocate.
    let mut writer = Writer {
        out: String::with_capacity(256),
        wrote_pair: false,
        key: String::with_capacity(64),
        raw_key: String::with_capacity(64),
    };
    value.serialize(RootSerializer {
        writer: &mut writer,
    })?;
    Ok(writer.out)
}

/// Checks and percent-encodes the path parameter `name` (`cus_123`, `a/b` -> `a%2Fb`), so that
/// no value can change which resource a request addresses.
///
/// `max_length` is the parameter's `maxLength` from the spec (Stripe gives its path parameters
/// 5000), counted in Unicode scalar values like every other `maxLength` check.
///
/// # Errors
///
/// An empty value, `.` or `..` is refused: as a segment it would address the parent or the
/// collection (`/v1/customers/` lists customers instead of retrieving one), and URL parsers
/// resolve `..` even when percent-encoded, so no encoding makes them safe. A value longer than
/// `max_length` is refused as [`ViolationKind::TooLong`](crate::validate::ViolationKind), the
/// same violation a body field gets. Either way nothing is sent.
pub fn path_segment(
    name: &str,
    value: &str,
    max_length: Option<usize>,
) -> Result<String, crate::InvalidParams> {
    use crate::validate::{FieldPath, ViolationKind, Violations};
    let root = FieldPath::root();
    let path = root.field(name);
    let mut violations = Violations::new();
    match value {
        "" => violations.push(&path, ViolationKind::Empty),
        "." | ".." => violations.push(&path, ViolationKind::DotSegment),
        _ => {
            if let Some(max) = max_length {
                violations.check_max_length(&path, value, max);
            }
        }
    }
    violations
        .into_result()
        .map(|()| encode_path_segment(value))
}

/// Percent-encodes one path segment (`cus_123`, `a/b` -> `a%2Fb`). A space is `%20` here: `+`
/// is literal in a path, and brackets are encoded, since a path may not hold them literally.
/// [`path_segment`] also refuses the values that no encoding makes safe.
pub fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    percent_encode_into(&mut out, segment, Target::PathSegment);
    out
}

/// Appends `input` encoded as stripe-python sends it: Python's `urllib.parse.quote_plus`
/// (ASCII letters, digits and `_.-~` stay, a space becomes `+`, every other byte of the UTF-8
/// encoding becomes `%XX` with uppercase hex), after which `[` and `]` are put back.
fn encode_into(out: &mut String, input: &str) {
    percent_encode_into(out, input, Target::Form);
}

/// Where percent-encoded text goes, which decides how a space and brackets are written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A form body or query string, as stripe-python writes it: a space is `+`, brackets are
    /// literal.
    Form,
    /// One segment of a URL path: a space is `%20`, brackets are encoded.
    PathSegment,
}

/// For each byte, whether it is written as it is: ASCII letters, digits and `_.-~`, and with
/// `brackets` also `[` and `]`. A table keeps the per-byte test to one load.
const fn literal_bytes(brackets: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut index = 0;
    while index < table.len() {
        // `index` is below 256, so the cast cannot truncate.
        let byte = index as u8;
        table[index] = byte.is_ascii_alphanumeric()
            || matches!(byte, b'_' | b'.' | b'-' | b'~')
            || (brackets && matches!(byte, b'[' | b']'));
        index += 1;
    }
    table
}

const FORM_LITERAL: [bool; 256] = literal_bytes(true);
const PATH_LITERAL: [bool; 256] = literal_bytes(false);

fn percent_encode_into(out: &mut String, input: &str, target: Target) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let literal = match target {
        Target::Form => &FORM_LITERAL,
        Target::PathSegment => &PATH_LITERAL,
    };
    // Runs of bytes that stay as they are are copied at once; most values are all such bytes.
    let mut run_start = 0;
    for (index, &byte) in input.as_bytes().iter().enumerate() {
        if literal[usize::from(byte)] {
            continue;
        }
        // A non-empty run is ASCII, so both of its ends are character boundaries.
        out.push_str(input.get(run_start..index).unwrap_or_default());
        run_start = index + 1;
        if byte == b' ' && target == Target::Form {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out.push_str(input.get(run_start..).unwrap_or_default());
}

/// Appends `value` in decimal, without the formatting machinery (array indices are written
/// for every element of every array).
fn push_decimal(out: &mut String, mut value: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        // `value % 10` is below 10, so the cast cannot truncate.
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    for &digit in &digits[start..] {
        out.push(char::from(digit));
    }
}

/// The accumulated body, with `&` between pairs, and the key of the value being serialized.
///
/// The key lives in one buffer that grows by a segment when the serializer descends into a
/// field or element and is cut back when it returns, so encoding allocates nothing per key.
/// It is kept twice: percent-encoded for the wire, and raw for error messages, which use the
/// same field-path syntax as validation errors.
struct Writer {
    out: String,
    wrote_pair: bool,
    key: String,
    raw_key: String,
}

impl Writer {
    /// Starts the pair for the current key and returns the body to append the value to; the
    /// caller appends it already encoded.
    fn start_pair(&mut self) -> &mut String {
        if self.wrote_pair {
            self.out.push('&');
        }
        self.wrote_pair = true;
        self.out.push_str(&self.key);
        self.out.push('=');
        &mut self.out
    }

    fn pair(&mut self, value: &str) {
        encode_into(self.start_pair(), value);
    }

    /// Extends the key by the field or map entry `name` (`parent[name]`, or `name` at the top
    /// level) and returns the lengths to cut it back to.
    fn push_field(&mut self, name: &str) -> (usize, usize) {
        let lengths = (self.key.len(), self.raw_key.len());
        if self.key.is_empty() {
            encode_into(&mut self.key, name);
            self.raw_key.push_str(name);
        } else {
            self.key.push('[');
            encode_into(&mut self.key, name);
            self.key.push(']');
            self.raw_key.push('[');
            self.raw_key.push_str(name);
            self.raw_key.push(']');
        }
        lengths
    }

    /// Extends the key by the array element `index` (`parent[index]`) and returns the lengths
    /// to cut it back to.
    fn push_index(&mut self, index: usize) -> (usize, usize) {
        let lengths = (self.key.len(), self.raw_key.len());
        for key in [&mut self.key, &mut self.raw_key] {
            key.push('[');
            push_decimal(key, index);
            key.push(']');
        }
        lengths
    }

    fn pop(&mut self, (key, raw_key): (usize, usize)) {
        self.key.truncate(key);
        self.raw_key.truncate(raw_key);
    }

    /// Serializes `value` under the key as extended by `push`, attaching the key's path to an
    /// error that has none yet, then restores the key.
    fn nested<T: Serialize + ?Sized>(
        &mut self,
        lengths: (usize, usize),
        value: &T,
    ) -> Result<(), FormError> {
        let result = value.serialize(ValueSerializer { writer: self });
        self.finish_nested(lengths, result)
    }

    /// The part of [`Writer::nested`] that does not depend on the value's type, apart, so that
    /// it is compiled once rather than once per field type of every params struct.
    fn finish_nested(
        &mut self,
        lengths: (usize, usize),
        result: Result<(), FormError>,
    ) -> Result<(), FormError> {
        let result = result.map_err(|error| error.at(&self.raw_key));
        self.pop(lengths);
        result
    }
}

/// Serializes the top-level value, which must be a struct or a map (possibly wrapped in newtype
/// structs), because a form body is a list of key/value pairs and a bare scalar has no key.
struct RootSerializer<'w> {
    writer: &'w mut Writer,
}

fn not_a_struct(what: &str) -> FormError {
    FormError::new(format!(
        "the top-level value must be a struct or a map, not {what}"
    ))
}

impl<'w> ser::Serializer for RootSerializer<'w> {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = Impossible<(), FormError>;
    type SerializeTuple = Impossible<(), FormError>;
    type SerializeTupleStruct = Impossible<(), FormError>;
    type SerializeTupleVariant = Impossible<(), FormError>;
    type SerializeMap = NestedSerializer<'w>;
    type SerializeStruct = NestedSerializer<'w>;
    type SerializeStructVariant = NestedSerializer<'w>;

    fn serialize_bool(self, _: bool) -> Result<(), FormError> {
        Err(not_a_struct("a boolean"))
    }
    fn serialize_i8(self, _: i8) -> Result<(), FormError> {
        Err(not_a_struct("an integer"))
    }
    fn serialize_i16(self, _: i16) -> Result<(), FormError> {
        Err(not_a_struct("an integer"))
    }
    fn serialize_i32(self, _: i32) -> Result<(), FormError> {
        Err(not_a_struct("an integer"))
    }
    fn serialize_i64(self, _: i64) -> Result<(), FormError> {
        Err(not_a_struct("an integer"))
    }
    fn serialize_i128(self, _: i128) -> Result<(), FormError> {
        Err(not_a_struct("an integer"))
    }
    fn serialize_u8(self, _: u8) -> Result<(), FormError> {
        Err(not_a_struct("an integer"))
    }
    fn serialize_u16(self, _: u16) -> Result<(), FormError> {
        Err(not_a_struct("an integer"))
    }
    fn serialize_u32(self, _: u32) -> Result<(), FormError> {
        Err(not_a_struct("an integer"))
    }
    fn serialize_u64(self, _: u64) -> Result<(), FormError> {
        Err(not_a_struct("an integer"))
    }
    fn serialize_u128(self, _: u128) -> Result<(), FormError> {
        Err(not_a_struct("an integer"))
    }
    fn serialize_f32(self, _: f32) -> Result<(), FormError> {
        Err(not_a_struct("a float"))
    }
    fn serialize_f64(self, _: f64) -> Result<(), FormError> {
        Err(not_a_struct("a float"))
    }
    fn serialize_char(self, _: char) -> Result<(), FormError> {
        Err(not_a_struct("a character"))
    }
    fn serialize_str(self, _: &str) -> Result<(), FormError> {
        Err(not_a_struct("a string"))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), FormError> {
        Err(not_a_struct("bytes"))
    }
    fn serialize_none(self) -> Result<(), FormError> {
        Err(not_a_struct("`None`"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), FormError> {
        // An optional parameter set has no sensible meaning: `None` would have to be both "no
        // body" and an error, so the top level must be the struct itself.
        Err(not_a_struct("an `Option`"))
    }
    fn serialize_unit(self) -> Result<(), FormError> {
        Err(not_a_struct("a unit value"))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), FormError> {
        Err(not_a_struct("a unit struct"))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), FormError> {
        Err(not_a_struct("an enum variant"))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, FormError> {
        Err(not_a_struct("a sequence"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FormError> {
        Err(not_a_struct("a tuple"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, FormError> {
        Err(not_a_struct("a tuple struct"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, FormError> {
        Err(not_a_struct("a tuple variant"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, FormError> {
        Ok(NestedSerializer::new(self.writer))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, FormError> {
        Ok(NestedSerializer::new(self.writer))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, FormError> {
        Ok(NestedSerializer::new(self.writer))
    }
}

/// Serializes one value under the writer's current key: scalars become one pair, structs,
/// maps and sequences recurse with longer keys, `None` and unit values write nothing.
struct ValueSerializer<'w> {
    writer: &'w mut Writer,
}

impl ValueSerializer<'_> {
    fn scalar(self, value: &str) -> Result<(), FormError> {
        self.writer.pair(value);
        Ok(())
    }

    /// Writes a number: its digits, sign and decimal point need no percent-encoding.
    fn display(self, value: impl Display) -> Result<(), FormError> {
        // Writing to a `String` cannot fail.
        let _ = write!(self.writer.start_pair(), "{value}");
        Ok(())
    }

    fn float(self, value: f64) -> Result<(), FormError> {
        if !value.is_finite() {
            return Err(FormError::new(format!(
                "the float {value} is not finite and has no form encoding"
            ))
            .at(&self.writer.raw_key));
        }
        // Rust's `Display` for floats prints the shortest string that round-trips, without an
        // exponent, which Stripe's decimal parser accepts.
        self.display(value)
    }
}

impl<'w> ser::Serializer for ValueSerializer<'w> {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = SeqSerializer<'w>;
    type SerializeTuple = SeqSerializer<'w>;
    type SerializeTupleStruct = SeqSerializer<'w>;
    type SerializeTupleVariant = SeqSerializer<'w>;
    type SerializeMap = NestedSerializer<'w>;
    type SerializeStruct = NestedSerializer<'w>;
    type SerializeStructVariant = NestedSerializer<'w>;

    fn serialize_bool(self, value: bool) -> Result<(), FormError> {
        self.scalar(if value { "true" } else { "false" })
    }
    fn serialize_i8(self, value: i8) -> Result<(), FormError> {
        self.display(value)
    }
    fn serialize_i16(self, value: i16) -> Result<(), FormError> {
        self.display(value)
    }
    fn serialize_i32(self, value: i32) -> Result<(), FormError> {
        self.display(value)
    }
    fn serialize_i64(self, value: i64) -> Result<(), FormError> {
        self.display(value)
    }
    fn serialize_i128(self, value: i128) -> Result<(), FormError> {
        self.display(value)
    }
    fn serialize_u8(self, value: u8) -> Result<(), FormError> {
        self.display(value)
    }
    fn serialize_u16(self, value: u16) -> Result<(), FormError> {
        self.display(value)
    }
    fn serialize_u32(self, value: u32) -> Result<(), FormError> {
        self.display(value)
    }
    fn serialize_u64(self, value: u64) -> Result<(), FormError> {
        self.display(value)
    }
    fn serialize_u128(self, value: u128) -> Result<(), FormError> {
        self.display(value)
    }
    fn serialize_f32(self, value: f32) -> Result<(), FormError> {
        if !value.is_finite() {
            return self.float(f64::from(value));
        }
        // Widening to f64 would print artefacts such as `0.10000000149011612`; the f32's own
        // shortest representation is what the caller wrote.
        self.display(value)
    }
    fn serialize_f64(self, value: f64) -> Result<(), FormError> {
        self.float(value)
    }
    fn serialize_char(self, value: char) -> Result<(), FormError> {
        let mut buf = [0u8; 4];
        self.scalar(value.encode_utf8(&mut buf))
    }
    fn serialize_str(self, value: &str) -> Result<(), FormError> {
        self.scalar(value)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), FormError> {
        Err(FormError::new("raw bytes have no form encoding").at(&self.writer.raw_key))
    }
    fn serialize_none(self) -> Result<(), FormError> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), FormError> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), FormError> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), FormError> {
        self.scalar(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, FormError> {
        Ok(SeqSerializer::new(self))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FormError> {
        Ok(SeqSerializer::new(self))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, FormError> {
        Ok(SeqSerializer::new(self))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, FormError> {
        Ok(SeqSerializer::new(self))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, FormError> {
        Ok(NestedSerializer::new(self.writer))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, FormError> {
        Ok(NestedSerializer::new(self.writer))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, FormError> {
        Ok(NestedSerializer::new(self.writer))
    }
}

/// Serializes the elements of a sequence under `key[0]`, `key[1]`, ...
struct SeqSerializer<'w> {
    writer: &'w mut Writer,
    next_index: usize,
}

impl<'w> SeqSerializer<'w> {
    fn new(parent: ValueSerializer<'w>) -> Self {
        Self {
            writer: parent.writer,
            next_index: 0,
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        let lengths = self.writer.push_index(self.next_index);
        self.next_index += 1;
        self.writer.nested(lengths, value)
    }
}

impl ser::SerializeSeq for SeqSerializer<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }
    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl ser::SerializeTuple for SeqSerializer<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }
    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for SeqSerializer<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }
    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for SeqSerializer<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }
    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

/// Serializes the fields of a struct or the entries of a map under `parent[name]`, or under
/// `name` at the top level.
struct NestedSerializer<'w> {
    writer: &'w mut Writer,
    /// The key of the map entry whose value comes next (serde sends keys and values apart).
    pending_key: Option<String>,
}

impl<'w> NestedSerializer<'w> {
    fn new(writer: &'w mut Writer) -> Self {
        Self {
            writer,
            pending_key: None,
        }
    }

    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), FormError> {
        let lengths = self.writer.push_field(name);
        self.writer.nested(lengths, value)
    }

    fn parent_path(&self) -> &str {
        &self.writer.raw_key
    }
}

impl ser::SerializeStruct for NestedSerializer<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        // What `field` does, written out: this is the one function compiled for every field
        // type of every params struct, so it calls nothing else that is generic.
        let lengths = self.writer.push_field(name);
        let result = value.serialize(ValueSerializer {
            writer: &mut *self.writer,
        });
        self.writer.finish_nested(lengths, result)
    }
    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl ser::SerializeStructVariant for NestedSerializer<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        self.field(name, value)
    }
    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl ser::SerializeMap for NestedSerializer<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), FormError> {
        let key = key
            .serialize(MapKeySerializer)
            .map_err(|error| error.at(self.parent_path()))?;
        self.pending_key = Some(key);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        match self.pending_key.take() {
            Some(name) => self.field(&name, value),
            None => {
                Err(FormError::new("a map value was serialized before its key")
                    .at(self.parent_path()))
            }
        }
    }
    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

/// Turns a map key into the text of its key segment. Only keys with an obvious text form are
/// accepted; anything else (a struct as a key, say) has no form encoding.
struct MapKeySerializer;

fn bad_key() -> FormError {
    FormError::new("map keys must be strings, integers, booleans or unit enum variants")
}

impl ser::Serializer for MapKeySerializer {
    type Ok = String;
    type Error = FormError;
    type SerializeSeq = Impossible<String, FormError>;
    type SerializeTuple = Impossible<String, FormError>;
    type SerializeTupleStruct = Impossible<String, FormError>;
    type SerializeTupleVariant = Impossible<String, FormError>;
    type SerializeMap = Impossible<String, FormError>;
    type SerializeStruct = Impossible<String, FormError>;
    type SerializeStructVariant = Impossible<String, FormError>;

    fn serialize_bool(self, value: bool) -> Result<String, FormError> {
        Ok(if value { "true" } else { "false" }.to_owned())
    }
    fn serialize_i8(self, value: i8) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_i16(self, value: i16) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_i32(self, value: i32) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_i64(self, value: i64) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_i128(self, value: i128) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_u8(self, value: u8) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_u16(self, value: u16) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_u32(self, value: u32) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_u64(self, value: u64) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_u128(self, value: u128) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String, FormError> {
        Err(bad_key())
    }
    fn serialize_f64(self, _: f64) -> Result<String, FormError> {
        Err(bad_key())
    }
    fn serialize_char(self, value: char) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_str(self, value: &str) -> Result<String, FormError> {
        Ok(value.to_owned())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, FormError> {
        Err(bad_key())
    }
    fn serialize_none(self) -> Result<String, FormError> {
        Err(bad_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, FormError> {
        Err(bad_key())
    }
    fn serialize_unit(self) -> Result<String, FormError> {
        Err(bad_key())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, FormError> {
        Err(bad_key())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, FormError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, FormError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, FormError> {
        Err(bad_key())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, FormError> {
        Err(bad_key())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FormError> {
        Err(bad_key())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, FormError> {
        Err(bad_key())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, FormError> {
        Err(bad_key())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, FormError> {
        Err(bad_key())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, FormError> {
        Err(bad_key())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, FormError> {
        Err(bad_key())
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<String, FormError> {
        let mut text = String::new();
        write!(text, "{value}").map_err(|_| bad_key())?;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;
    use serde_json::json;

    use super::{FormError, encode_path_segment, push_decimal, to_form_string};

    #[test]
    fn decimals_match_display() {
        for value in [0, 7, 9, 10, 99, 100, 12_345, usize::MAX] {
            let mut out = String::from("x");
            push_decimal(&mut out, value);
            assert_eq!(out, format!("x{value}"));
        }
    }

    #[test]
    fn percent_encoding_matches_a_byte_by_byte_reference() {
        fn reference(input: &str) -> String {
            input
                .bytes()
                .map(|byte| match byte {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                        char::from(byte).to_string()
                    }
                    _ => format!("%{byte:02X}"),
                })
                .collect()
        }
        for input in [
            "",
            "plain",
            " ",
            "a b",
            "é",
            "aé",
            "éa",
            "a/é b~c",
            "日本語x",
            "%+&=[]",
            "x\u{1F600}y",
        ] {
            assert_eq!(encode_path_segment(input), reference(input), "{input:?}");
        }
    }

    fn encode(value: &serde_json::Value) -> String {
        to_form_string(value).unwrap()
    }

    // Depending on serde_json's features, `json!` objects may sort their keys; the documented
    // examples keep their field order by being built as structs instead.

    #[test]
    fn expand_and_location_match_the_python_sdk() {
        #[derive(Serialize)]
        struct Params {
            expand: Vec<&'static str>,
            location: &'static str,
        }
        let params = Params {
            expand: vec!["a", "b"],
            location: "tml_123",
        };
        assert_eq!(
            to_form_string(&params).unwrap(),
            "expand[0]=a&expand[1]=b&location=tml_123"
        );
    }

    #[test]
    fn arrays_of_objects_match_the_python_sdk() {
        #[derive(Serialize)]
        struct Item {
            price: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            quantity: Option<u32>,
            #[serde(skip_serializing_if = "Option::is_none")]
            tax_rates: Option<Vec<&'static str>>,
        }
        #[derive(Serialize)]
        struct Params {
            items: Vec<Item>,
            capture: bool,
        }
        let params = Params {
            items: vec![
                Item {
                    price: "price_1",
                    quantity: Some(2),
                    tax_rates: None,
                },
                Item {
                    price: "price_2",
                    quantity: None,
                    tax_rates: Some(vec!["txr_1", "txr_2"]),
                },
            ],
            capture: true,
        };
        assert_eq!(
            to_form_string(&params).unwrap(),
            "items[0][price]=price_1&items[0][quantity]=2&items[1][price]=price_2\
             &items[1][tax_rates][0]=txr_1&items[1][tax_rates][1]=txr_2&capture=true"
        );
    }

    #[test]
    fn unicode_spaces_and_reserved_characters_match_the_python_sdk() {
        #[derive(Serialize)]
        struct Params {
            metadata: BTreeMap<&'static str, &'static str>,
            description: &'static str,
        }
        let params = Params {
            metadata: BTreeMap::from([("order id", "ünï cødé & co")]),
            description: "hello world+1/2?=",
        };
        assert_eq!(
            to_form_string(&params).unwrap(),
            "metadata[order+id]=%C3%BCn%C3%AF+c%C3%B8d%C3%A9+%26+co\
             &description=hello+world%2B1%2F2%3F%3D"
        );
    }

    #[test]
    fn unreserved_characters_and_brackets_stay_as_stripe_python_sends_them() {
        // stripe-python percent-encodes, then turns `%5B`/`%5D` back into `[`/`]` everywhere,
        // in values and map keys alike.
        assert_eq!(
            encode(&json!({"k": "AZaz09_.-~", "v": "[x]", "m": {"a[b]": "]["}})),
            "k=AZaz09_.-~&m[a[b]]=][&v=[x]"
        );
        // A percent sign is still encoded, so `%5B` in a value cannot turn into a bracket.
        assert_eq!(encode(&json!({"v": "%5B"})), "v=%255B");
    }

    #[test]
    fn none_and_unit_are_skipped_and_empty_strings_are_sent() {
        #[derive(Serialize)]
        struct Params {
            absent: Option<String>,
            cleared: &'static str,
            nothing: (),
            present: Option<i64>,
        }
        let params = Params {
            absent: None,
            cleared: "",
            nothing: (),
            present: Some(-5),
        };
        assert_eq!(to_form_string(&params).unwrap(), "cleared=&present=-5");
    }

    #[test]
    fn empty_struct_gives_an_empty_body() {
        #[derive(Serialize)]
        struct Params {
            expand: Option<Vec<String>>,
        }
        assert_eq!(to_form_string(&Params { expand: None }).unwrap(), "");
        assert_eq!(encode(&json!({})), "");
    }

    #[test]
    fn scalars_use_their_plain_text_forms() {
        assert_eq!(
            encode(&json!({"a": false, "b": 1_700_000_000_u64, "c": 0.1, "d": 2.5e-7, "e": 3.0})),
            "a=false&b=1700000000&c=0.1&d=0.00000025&e=3"
        );
        #[derive(Serialize)]
        struct Floats {
            small: f32,
            character: char,
        }
        assert_eq!(
            to_form_string(&Floats {
                small: 0.1,
                character: 'é'
            })
            .unwrap(),
            "small=0.1&character=%C3%A9"
        );
    }

    #[test]
    fn enums_and_newtypes_are_transparent() {
        #[derive(Serialize)]
        #[serde(rename_all = "snake_case")]
        enum Interval {
            Month,
        }
        #[derive(Serialize)]
        struct Amount(i64);
        #[derive(Serialize)]
        #[serde(untagged)]
        enum OrEmpty {
            Value(Amount),
        }
        #[derive(Serialize)]
        struct Params {
            interval: Interval,
            amount: Amount,
            either: OrEmpty,
        }
        let params = Params {
            interval: Interval::Month,
            amount: Amount(100),
            either: OrEmpty::Value(Amount(7)),
        };
        assert_eq!(
            to_form_string(&params).unwrap(),
            "interval=month&amount=100&either=7"
        );
    }

    #[test]
    fn nested_maps_and_deep_arrays() {
        assert_eq!(
            encode(&json!({"a": {"b": {"c": [[1, 2], []]}}, "metadata": {"": "x", "k": ""}})),
            "a[b][c][0][0]=1&a[b][c][0][1]=2&metadata[]=x&metadata[k]="
        );
    }

    #[test]
    fn integer_map_keys_are_allowed() {
        let map = BTreeMap::from([(2, "two"), (10, "ten")]);
        assert_eq!(to_form_string(&map).unwrap(), "2=two&10=ten");
    }

    #[test]
    fn non_finite_floats_are_rejected_with_their_path() {
        #[derive(Serialize)]
        struct Item {
            rate: f64,
        }
        #[derive(Serialize)]
        struct Params {
            items: Vec<Item>,
        }
        let error = to_form_string(&Params {
            items: vec![Item { rate: 1.5 }, Item { rate: f64::NAN }],
        })
        .unwrap_err();
        assert_eq!(error.path(), "items[1][rate]");
        assert!(error.message().contains("not finite"), "{error}");
        assert_eq!(
            error.to_string(),
            "cannot form-encode `items[1][rate]`: the float NaN is not finite and has no form encoding"
        );
        // serde_json turns non-finite floats into `null`, which is skipped like `None`.
        assert_eq!(encode(&json!({"x": [f32::INFINITY]})), "");
    }

    #[test]
    fn top_level_must_be_a_struct_or_map() {
        for value in [
            json!("text"),
            json!(1),
            json!([1, 2]),
            json!(null),
            json!(true),
        ] {
            let error: FormError = to_form_string(&value).unwrap_err();
            assert_eq!(error.path(), "");
            assert!(error.to_string().contains("top-level value"), "{error}");
        }
        #[derive(Serialize)]
        struct Wrapper(BTreeMap<&'static str, u8>);
        assert_eq!(
            to_form_string(&Wrapper(BTreeMap::from([("a", 1)]))).unwrap(),
            "a=1"
        );
    }

    #[test]
    fn bytes_and_composite_map_keys_are_rejected() {
        #[derive(Serialize)]
        struct Params<'a> {
            #[serde(with = "serde_bytes_like")]
            data: &'a [u8],
        }
        mod serde_bytes_like {
            pub fn serialize<S: serde::Serializer>(v: &&[u8], s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(v)
            }
        }
        let error = to_form_string(&Params { data: b"ab" }).unwrap_err();
        assert_eq!(error.path(), "data");

        let map = BTreeMap::from([(vec![1], "x")]);
        #[derive(Serialize)]
        struct Outer {
            m: BTreeMap<Vec<i32>, &'static str>,
        }
        let error = to_form_string(&Outer { m: map }).unwrap_err();
        assert_eq!(error.path(), "m");
        assert!(error.message().contains("map keys"), "{error}");
    }

    #[test]
    fn custom_serializer_errors_carry_the_field_path() {
        struct Failing;
        impl Serialize for Failing {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("refused"))
            }
        }
        #[derive(Serialize)]
        struct Inner {
            field: Failing,
        }
        #[derive(Serialize)]
        struct Params {
            outer: Vec<Inner>,
        }
        let error = to_form_string(&Params {
            outer: vec![Inner { field: Failing }],
        })
        .unwrap_err();
        assert_eq!(error.path(), "outer[0][field]");
        assert_eq!(error.message(), "refused");
    }

    #[test]
    fn path_segments_cannot_escape_their_segment() {
        assert_eq!(crate::form::encode_path_segment("cus_123"), "cus_123");
        assert_eq!(crate::form::encode_path_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
        assert_eq!(crate::form::encode_path_segment("x y+z"), "x%20y%2Bz");
        assert_eq!(crate::form::encode_path_segment(".."), "..");
        assert_eq!(crate::form::encode_path_segment("é"), "%C3%A9");
    }

    #[test]
    fn path_parameters_that_would_address_another_resource_are_refused() {
        use crate::form::path_segment;
        assert_eq!(path_segment("id", "a/b", None).unwrap(), "a%2Fb");
        assert_eq!(path_segment("id", "...", None).unwrap(), "...");
        assert_eq!(path_segment("id", "[x]", None).unwrap(), "%5Bx%5D");
        for bad in ["", ".", ".."] {
            let error = path_segment("customer", bad, Some(5000)).unwrap_err();
            assert_eq!(error.violations().len(), 1);
            assert_eq!(error.violations()[0].path(), "customer", "{bad:?}");
        }
        let error = path_segment("customer", "..", None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid parameter `customer`: cannot be a path parameter: a URL resolves `.` and `..` \
             to another resource"
        );
    }

    #[test]
    fn path_parameters_are_held_to_their_max_length_in_characters() {
        use crate::form::path_segment;
        use crate::validate::ViolationKind;
        let at_limit = "a".repeat(5000);
        assert_eq!(
            path_segment("customer", &at_limit, Some(5000)).unwrap(),
            at_limit
        );
        // Characters, not bytes: 5000 two-byte characters are within the limit.
        let accented = "é".repeat(5000);
        assert_eq!(
            path_segment("customer", &accented, Some(5000)).unwrap(),
            "%C3%A9".repeat(5000)
        );

        let error = path_segment("customer", &"a".repeat(5001), Some(5000)).unwrap_err();
        assert_eq!(error.violations().len(), 1);
        assert_eq!(error.violations()[0].path(), "customer");
        assert_eq!(
            error.violations()[0].kind(),
            &ViolationKind::TooLong {
                max: 5000,
                actual: 5001
            }
        );
        assert_eq!(
            error.to_string(),
            "invalid parameter `customer`: too long: 5001 characters, at most 5000 allowed"
        );
        let error = path_segment("customer", &"é".repeat(5001), Some(5000)).unwrap_err();
        assert_eq!(error.violations()[0].path(), "customer");

        // Without a limit from the spec, length is not checked.
        assert!(path_segment("customer", &"a".repeat(5001), None).is_ok());
    }
}
