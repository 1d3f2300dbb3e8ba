//! Hand-written: Stripe's `application/x-www-form-urlencoded` encoding (nested keys
//! `a[b][c]=v`, indexed arrays `expand[0]=a`), byte-compatible with the official Python SDK,
//! through the [`Encode`] trait that every generated params type implements.
//!
//! `serde_urlencoded` cannot express nested objects or arrays, which every Stripe operation with
//! `expand` needs, so this module implements the encoding directly. Keys are built segment by
//! segment: each segment is percent-encoded on its own and the brackets between segments are
//! written as they are.
//!
//! stripe-python percent-encodes the whole body with `urlencode` and then turns every `%5B` and
//! `%5D` back into `[` and `]`, so a bracket inside a value or a map key goes out literally too
//! (`v=[x]`). This encoder does the same, byte for byte: `tests/sdk/tests/form_corpus.rs`
//! compares it with bytes recorded from stripe-python's own encoder. Where stripe-python's output depends
//! on Python itself rather than on the encoding, this encoder does not follow it: a float is
//! written by Rust's `Display` (`0.00000025`, where Python's `str` writes `2.5e-07`), and a
//! boolean directly inside an array is `true`/`false` (stripe-python lowercases booleans
//! only in object fields and sends `True` inside an array).

use std::collections::BTreeMap;
use std::fmt::{self, Display, Write as _};

/// Why a value could not be form-encoded, and where.
///
/// Converts into `stripe_sdk::Error::InvalidParams` through [`crate::InvalidParams`], because an
/// unencodable value is a problem with the parameters and no request is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormError {
    path: String,
    message: String,
}

impl FormError {
    /// A failure at the top level (the encoder adds the field path as the error propagates).
    /// Hidden: `stripe-sdk`'s multipart encoder makes these too.
    #[doc(hidden)]
    pub fn new(message: impl Into<String>) -> Self {
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

/// Encodes `value` (a params struct, a string-keyed map or a JSON object) as a Stripe form body
/// or query string.
///
/// Fields appear in declaration order; `None` and `null` are left out; an empty string is sent
/// as `key=` (Stripe's way of clearing a field). The result has no leading `?`.
///
/// # Errors
///
/// Returns a [`FormError`] when the top-level value is not a struct or map, or when a float is
/// NaN or infinite.
pub fn to_form_string<T: Encode + ?Sized>(value: &T) -> Result<String, FormError> {
    encode_form(&value)
}

/// [`to_form_string`]'s body, compiled once rather than once per params type.
fn encode_form(value: &dyn Encode) -> Result<String, FormError> {
    // Room for a typical body and key up front, so that small bodies never reallocate.
    let mut encoder = Encoder {
        out: String::with_capacity(256),
        wrote_pair: false,
        key: String::with_capacity(64),
        raw_key: String::with_capacity(64),
        depth: 0,
    };
    value.encode(&mut encoder)?;
    Ok(encoder.out)
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

/// A value that Stripe's form encoding can write: the generated params types, the types of
/// their fields, and `serde_json::Value` for free-form params.
///
/// Generated params implement it by listing their fields for [`Encoder::fields`], whose values
/// are trait objects: a struct's encoding is one call, not one generic function per field type,
/// which is what keeps params cheap to compile (serde's derive was most of their cost).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be form-encoded as Stripe params",
    note = "generated params types implement `stripe_sdk::form::Encode`; so do strings, numbers, \
            booleans, `Option`, `Vec`, string-keyed `BTreeMap`s and `serde_json::Value`"
)]
pub trait Encode {
    /// Writes this value's pairs under the encoder's current key.
    ///
    /// # Errors
    ///
    /// A [`FormError`] for a value with no form encoding (a non-finite float, or a scalar or
    /// sequence at the top level), with the path of the innermost value that failed.
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError>;
}

/// The body being written, with `&` between pairs, and the key of the value being encoded.
///
/// The key lives in one buffer that grows by a segment when the encoder descends into a field
/// or element and is cut back when it returns, so encoding allocates nothing per key. It is
/// kept twice: percent-encoded for the wire, and raw for error messages, which use the same
/// field-path syntax as validation errors.
pub struct Encoder {
    out: String,
    wrote_pair: bool,
    key: String,
    raw_key: String,
    /// How many fields and elements deep the value being encoded is; at 0 it is the top level,
    /// which has no key and so must be a struct or map.
    depth: usize,
}

impl fmt::Debug for Encoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body holds the params' values, which may be personal data: only the key shows.
        f.debug_struct("Encoder")
            .field("key", &self.raw_key)
            .finish_non_exhaustive()
    }
}

impl Encoder {
    /// Writes the fields of a struct (or the entries of a map) in order, each under
    /// `parent[name]`, or under `name` at the top level.
    ///
    /// # Errors
    ///
    /// The first field's error, with its path.
    pub fn fields(&mut self, fields: &[(&str, &dyn Encode)]) -> Result<(), FormError> {
        for (name, value) in fields {
            self.field(name, *value)?;
        }
        Ok(())
    }

    /// Writes one field or map entry: `value` under `parent[name]`.
    ///
    /// # Errors
    ///
    /// The value's error, with its path.
    pub fn field(&mut self, name: &str, value: &dyn Encode) -> Result<(), FormError> {
        let lengths = self.push_field(name);
        let result = value.encode(self);
        self.finish_nested(lengths, result)
    }

    /// Writes the elements of a sequence, under `key[0]`, `key[1]`, ...
    ///
    /// # Errors
    ///
    /// At the top level, which has no key to index; otherwise the first element's error.
    pub fn elements<T: Encode>(&mut self, elements: &[T]) -> Result<(), FormError> {
        self.refuse_at_top_level("a sequence")?;
        for (index, element) in elements.iter().enumerate() {
            self.element(index, element)?;
        }
        Ok(())
    }

    fn element(&mut self, index: usize, value: &dyn Encode) -> Result<(), FormError> {
        let lengths = self.push_index(index);
        let result = value.encode(self);
        self.finish_nested(lengths, result)
    }

    /// Writes one pair: the current key and `value`, percent-encoded.
    ///
    /// # Errors
    ///
    /// At the top level, where a bare value has no key.
    pub fn str(&mut self, value: &str) -> Result<(), FormError> {
        self.refuse_at_top_level("a string")?;
        encode_into(self.start_pair(), value);
        Ok(())
    }

    /// Writes a number: its digits, sign and decimal point need no percent-encoding.
    fn display(&mut self, value: impl Display, what: &str) -> Result<(), FormError> {
        self.refuse_at_top_level(what)?;
        // Writing to a `String` cannot fail.
        let _ = write!(self.start_pair(), "{value}");
        Ok(())
    }

    fn float(&mut self, value: f64) -> Result<(), FormError> {
        if !value.is_finite() {
            return Err(FormError::new(format!(
                "the float {value} is not finite and has no form encoding"
            ))
            .at(&self.raw_key));
        }
        // Rust's `Display` for floats prints the shortest string that round-trips, without an
        // exponent, which Stripe's decimal parser accepts.
        self.display(value, "a float")
    }

    /// Writes nothing, as for `None` or `null`, which only the top level refuses.
    fn nothing(&mut self, what: &str) -> Result<(), FormError> {
        self.refuse_at_top_level(what)
    }

    /// A form body is a list of key/value pairs, so the top-level value must be a struct or a
    /// map: a bare scalar or sequence would have no key.
    fn refuse_at_top_level(&self, what: &str) -> Result<(), FormError> {
        if self.depth == 0 {
            return Err(FormError::new(format!(
                "the top-level value must be a struct or a map, not {what}"
            )));
        }
        Ok(())
    }

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

    /// Extends the key by the field or map entry `name` (`parent[name]`, or `name` at the top
    /// level) and returns the lengths to cut it back to.
    fn push_field(&mut self, name: &str) -> (usize, usize) {
        let lengths = (self.key.len(), self.raw_key.len());
        if self.depth == 0 {
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
        self.depth += 1;
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
        self.depth += 1;
        lengths
    }

    /// Attaches the key's path to an error that has none yet, then restores the key.
    fn finish_nested(
        &mut self,
        (key, raw_key): (usize, usize),
        result: Result<(), FormError>,
    ) -> Result<(), FormError> {
        let result = result.map_err(|error| error.at(&self.raw_key));
        self.key.truncate(key);
        self.raw_key.truncate(raw_key);
        self.depth -= 1;
        result
    }
}

impl Encode for str {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        form.str(self)
    }
}

impl Encode for String {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        form.str(self)
    }
}

impl Encode for bool {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        form.refuse_at_top_level("a boolean")?;
        form.str(if *self { "true" } else { "false" })
    }
}

/// Integers in decimal.
macro_rules! encode_integers {
    ($($integer:ty),*) => {
        $(
            impl Encode for $integer {
                fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
                    form.display(self, "an integer")
                }
            }
        )*
    };
}
encode_integers!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl Encode for f64 {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        form.float(*self)
    }
}

impl Encode for f32 {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        if !self.is_finite() {
            return form.float(f64::from(*self));
        }
        // Widening to f64 would print artefacts such as `0.10000000149011612`; the f32's own
        // shortest representation is what the caller wrote.
        form.display(self, "a float")
    }
}

impl<T: Encode + ?Sized> Encode for &T {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        (**self).encode(form)
    }
}

impl<T: Encode + ?Sized> Encode for Box<T> {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        (**self).encode(form)
    }
}

/// `None` is left out, as stripe-python leaves out a `None` value.
impl<T: Encode> Encode for Option<T> {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        match self {
            Some(value) => value.encode(form),
            None => form.nothing("`None`"),
        }
    }
}

impl<T: Encode> Encode for [T] {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        form.elements(self)
    }
}

impl<T: Encode, const N: usize> Encode for [T; N] {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        form.elements(self)
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        form.elements(self)
    }
}

/// A map's entries in the map's order, like a struct's fields: `metadata[key]=value`.
impl<K: AsRef<str>, V: Encode> Encode for BTreeMap<K, V> {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        for (key, value) in self {
            form.field(key.as_ref(), value)?;
        }
        Ok(())
    }
}

/// Free-form JSON, encoded as stripe-python encodes the same dict: `null` is left out,
/// numbers keep their JSON form, arrays are indexed and objects nested.
impl Encode for serde_json::Value {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        use serde_json::Value;
        match self {
            Value::Null => form.nothing("`null`"),
            Value::Bool(value) => value.encode(form),
            Value::Number(number) => {
                if let Some(integer) = number.as_i64() {
                    integer.encode(form)
                } else if let Some(integer) = number.as_u64() {
                    integer.encode(form)
                } else {
                    // A JSON number is an integer or a finite float.
                    form.float(number.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(text) => form.str(text),
            Value::Array(elements) => form.elements(elements),
            Value::Object(entries) => entries.encode(form),
        }
    }
}

impl Encode for serde_json::Map<String, serde_json::Value> {
    fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
        for (key, value) in self {
            form.field(key, value)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::{Encode, Encoder, FormError, encode_path_segment, push_decimal, to_form_string};

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

    // `json!` objects sort their keys (serde_json without `preserve_order`); the documented
    // examples keep their field order by being structs with `Encode` impls, written the way
    // the generator writes them.

    struct ExpandParams {
        expand: Vec<&'static str>,
        location: &'static str,
    }

    impl Encode for ExpandParams {
        fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
            form.fields(&[("expand", &self.expand), ("location", &self.location)])
        }
    }

    #[test]
    fn expand_and_location_match_the_python_sdk() {
        let params = ExpandParams {
            expand: vec!["a", "b"],
            location: "tml_123",
        };
        assert_eq!(
            to_form_string(&params).unwrap(),
            "expand[0]=a&expand[1]=b&location=tml_123"
        );
    }

    struct Item {
        price: &'static str,
        quantity: Option<u32>,
        tax_rates: Option<Vec<&'static str>>,
    }

    impl Encode for Item {
        fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
            form.fields(&[
                ("price", &self.price),
                ("quantity", &self.quantity),
                ("tax_rates", &self.tax_rates),
            ])
        }
    }

    struct ItemsParams {
        items: Vec<Item>,
        capture: bool,
    }

    impl Encode for ItemsParams {
        fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
            form.fields(&[("items", &self.items), ("capture", &self.capture)])
        }
    }

    #[test]
    fn arrays_of_objects_match_the_python_sdk() {
        let params = ItemsParams {
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
        struct Params {
            metadata: BTreeMap<&'static str, &'static str>,
            description: &'static str,
        }
        impl Encode for Params {
            fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
                form.fields(&[
                    ("metadata", &self.metadata),
                    ("description", &self.description),
                ])
            }
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
    fn none_and_null_are_skipped_and_empty_strings_are_sent() {
        struct Params {
            absent: Option<String>,
            cleared: &'static str,
            present: Option<i64>,
        }
        impl Encode for Params {
            fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
                form.fields(&[
                    ("absent", &self.absent),
                    ("cleared", &self.cleared),
                    ("present", &self.present),
                ])
            }
        }
        let params = Params {
            absent: None,
            cleared: "",
            present: Some(-5),
        };
        assert_eq!(to_form_string(&params).unwrap(), "cleared=&present=-5");
        assert_eq!(encode(&json!({"a": null, "b": [null, 1]})), "b[1]=1");
    }

    #[test]
    fn empty_struct_gives_an_empty_body() {
        struct Params {
            expand: Option<Vec<String>>,
        }
        impl Encode for Params {
            fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
                form.fields(&[("expand", &self.expand)])
            }
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
        assert_eq!(
            encode(&json!({"big": u64::MAX})),
            "big=18446744073709551615"
        );
        struct Floats {
            small: f32,
        }
        impl Encode for Floats {
            fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
                form.fields(&[("small", &self.small)])
            }
        }
        assert_eq!(to_form_string(&Floats { small: 0.1 }).unwrap(), "small=0.1");
    }

    #[test]
    fn nested_maps_and_deep_arrays() {
        assert_eq!(
            encode(&json!({"a": {"b": {"c": [[1, 2], []]}}, "metadata": {"": "x", "k": ""}})),
            "a[b][c][0][0]=1&a[b][c][0][1]=2&metadata[]=x&metadata[k]="
        );
        // An empty key at the top level is still a key.
        assert_eq!(encode(&json!({"": "x"})), "=x");
    }

    #[test]
    fn non_finite_floats_are_rejected_with_their_path() {
        struct Rate {
            rate: f64,
        }
        impl Encode for Rate {
            fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
                form.fields(&[("rate", &self.rate)])
            }
        }
        struct Params {
            items: Vec<Rate>,
        }
        impl Encode for Params {
            fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
                form.fields(&[("items", &self.items)])
            }
        }
        let error = to_form_string(&Params {
            items: vec![Rate { rate: 1.5 }, Rate { rate: f64::NAN }],
        })
        .unwrap_err();
        assert_eq!(error.path(), "items[1][rate]");
        assert!(error.message().contains("not finite"), "{error}");
        assert_eq!(
            error.to_string(),
            "cannot form-encode `items[1][rate]`: the float NaN is not finite and has no form encoding"
        );
        let error = to_form_string(&BTreeMap::from([("x", vec![f32::INFINITY])])).unwrap_err();
        assert_eq!(error.path(), "x[0]");
    }

    #[test]
    fn top_level_must_be_a_struct_or_map() {
        for value in [
            json!("text"),
            json!(1),
            json!(1.5),
            json!([1, 2]),
            json!(null),
            json!(true),
        ] {
            let error: FormError = to_form_string(&value).unwrap_err();
            assert_eq!(error.path(), "");
            assert!(error.to_string().contains("top-level value"), "{error}");
        }
        assert!(to_form_string(&None::<String>).is_err());
        assert!(to_form_string(&[1, 2]).is_err());
        assert_eq!(
            to_form_string(&Some(BTreeMap::from([("a", 1)]))).unwrap(),
            "a=1"
        );
    }

    #[test]
    fn errors_carry_the_innermost_field_path() {
        struct Failing;
        impl Encode for Failing {
            fn encode(&self, _: &mut Encoder) -> Result<(), FormError> {
                Err(FormError::new("refused"))
            }
        }
        struct Inner {
            field: Failing,
        }
        impl Encode for Inner {
            fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
                form.fields(&[("field", &self.field)])
            }
        }
        struct Params {
            outer: Vec<Inner>,
        }
        impl Encode for Params {
            fn encode(&self, form: &mut Encoder) -> Result<(), FormError> {
                form.fields(&[("outer", &self.outer)])
            }
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
