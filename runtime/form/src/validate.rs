//! Hand-written: checks of the constraints the API document states (such as `maxLength`), run
//! before a request is sent, and the error that reports every violation at once.
//!
//! Generated parameter types implement [`Validate`]; their `validate_at` walks the fields with a
//! [`FieldPath`] that borrows its parent, so a valid request allocates nothing, and a path is
//! only rendered to text (`items[0][price]`, the same syntax as the form keys) when a violation
//! is recorded.

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Display};
use std::hash::BuildHasher;

/// What generated `Debug` impls print in place of a secret field's value.
pub const REDACTED: &str = "[redacted]";

/// A field path during validation: a borrowed linked list from the current field up to the
/// root of the parameters.
#[derive(Clone, Copy, Debug)]
pub struct FieldPath<'a> {
    parent: Option<&'a FieldPath<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Segment<'a> {
    Root,
    Field(&'a str),
    Index(usize),
}

impl<'a> FieldPath<'a> {
    /// The path of the parameters themselves; renders as the empty string.
    pub const fn root() -> FieldPath<'static> {
        FieldPath {
            parent: None,
            segment: Segment::Root,
        }
    }

    /// The path of the field (or map entry) `name` inside this one.
    pub fn field<'b>(&'b self, name: &'b str) -> FieldPath<'b> {
        FieldPath {
            parent: Some(self),
            segment: Segment::Field(name),
        }
    }

    /// The path of element `index` of the array at this path.
    pub fn index(&self, index: usize) -> FieldPath<'_> {
        FieldPath {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    /// Whether this is the root path.
    pub fn is_root(&self) -> bool {
        matches!(self.segment, Segment::Root)
    }
}

impl Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The list runs from leaf to root; collect it so it can be printed root first. Paths are
        // a handful of segments deep, and this runs only when a violation is reported.
        let mut segments = Vec::new();
        let mut current = Some(self);
        while let Some(path) = current {
            segments.push(path.segment);
            current = path.parent;
        }
        let mut at_top = true;
        for segment in segments.iter().rev() {
            match segment {
                Segment::Root => {}
                Segment::Field(name) if at_top => {
                    f.write_str(name)?;
                    at_top = false;
                }
                Segment::Field(name) => write!(f, "[{name}]")?,
                Segment::Index(index) => {
                    write!(f, "[{index}]")?;
                    at_top = false;
                }
            }
        }
        Ok(())
    }
}

/// What was wrong with one parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// The string has more characters (Unicode scalar values, not bytes) than allowed.
    TooLong {
        /// The most characters allowed.
        max: usize,
        /// How many characters the value has.
        actual: usize,
    },
    /// The value has no form encoding (for example a NaN float), so it cannot be sent.
    NotEncodable {
        /// Why the value could not be encoded.
        message: String,
    },
    /// The value is empty where something is required (an idempotency key, say).
    Empty,
    /// The value holds characters other than printable ASCII, which an HTTP header (such as
    /// `Idempotency-Key`) cannot carry reliably.
    NotPrintableAscii,
    /// The value is `.` or `..`, which a URL resolves to another resource wherever it stands
    /// as a path segment, even percent-encoded.
    DotSegment,
}

impl Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong { max, actual } => {
                write!(f, "too long: {actual} characters, at most {max} allowed")
            }
            Self::NotEncodable { message } => write!(f, "cannot be form-encoded: {message}"),
            Self::Empty => f.write_str("must not be empty"),
            Self::DotSegment => f.write_str(
                "cannot be a path parameter: a URL resolves `.` and `..` to another resource",
            ),
            Self::NotPrintableAscii => f.write_str(
                "may only hold printable ASCII characters (no control characters, line breaks \
                 or non-ASCII letters)",
            ),
        }
    }
}

/// One broken constraint: where, and what. The offending value itself is never kept, so a
/// violation is safe to log even when the field holds a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    path: String,
    kind: ViolationKind,
}

impl Violation {
    /// Creates a violation at `path` (rendered like `items[0][price]`).
    pub fn new(path: impl Into<String>, kind: ViolationKind) -> Self {
        Self {
            path: path.into(),
            kind,
        }
    }

    /// The field path, in the same syntax as the form keys but not percent-encoded, for example
    /// `location`, `expand[3]` or `items[0][price]`; empty for the parameters as a whole.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong.
    pub fn kind(&self) -> &ViolationKind {
        &self.kind
    }
}

impl Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "the parameters: {}", self.kind)
        } else {
            write!(f, "`{}`: {}", self.path, self.kind)
        }
    }
}

/// The parameters broke one or more constraints; no request was sent.
///
/// Holds every violation found, in field order, so a caller can fix them all in one go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidParams {
    violations: Vec<Violation>,
}

impl InvalidParams {
    /// Every violation, in the order the fields were checked.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Takes the violations out.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }

    /// The first violation at exactly `path`, if any.
    pub fn violation_at(&self, path: &str) -> Option<&Violation> {
        self.violations.iter().find(|v| v.path == path)
    }
}

impl Display for InvalidParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.violations.as_slice() {
            [only] => write!(f, "invalid parameter {only}"),
            all => {
                write!(f, "{} invalid parameters: ", all.len())?;
                for (index, violation) in all.iter().enumerate() {
                    if index > 0 {
                        f.write_str("; ")?;
                    }
                    Display::fmt(violation, f)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for InvalidParams {}

impl From<crate::form::FormError> for InvalidParams {
    fn from(error: crate::form::FormError) -> Self {
        Self {
            violations: vec![Violation::new(
                error.path(),
                ViolationKind::NotEncodable {
                    message: error.message().to_owned(),
                },
            )],
        }
    }
}

impl<'a> IntoIterator for &'a InvalidParams {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.violations.iter()
    }
}

/// The violations collected so far during one validation run.
#[derive(Clone, Debug, Default)]
pub struct Violations {
    found: Vec<Violation>,
}

impl Violations {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a violation at `path`.
    pub fn push(&mut self, path: &FieldPath<'_>, kind: ViolationKind) {
        self.found.push(Violation::new(path.to_string(), kind));
    }

    /// Records a violation when `value` has more than `max` characters.
    ///
    /// Counts Unicode scalar values, as Stripe does, so `é` counts once although it is two bytes
    /// in UTF-8.
    pub fn check_max_length(&mut self, path: &FieldPath<'_>, value: &str, max: usize) {
        // A string never has more characters than bytes, so short strings skip the count.
        if value.len() <= max {
            return;
        }
        let actual = value.chars().count();
        if actual > max {
            self.push(path, ViolationKind::TooLong { max, actual });
        }
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// `Ok` when nothing was recorded, otherwise every violation as one error.
    pub fn into_result(self) -> Result<(), InvalidParams> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(InvalidParams {
                violations: self.found,
            })
        }
    }
}

/// A value whose constraints can be checked before it is sent.
pub trait Validate {
    /// Checks this value, which sits at `path`, recording every violation in `violations`.
    fn validate_at(&self, path: &FieldPath<'_>, violations: &mut Violations);

    /// Checks this value as the top-level parameters, reporting all violations together.
    fn validate(&self) -> Result<(), InvalidParams> {
        let mut violations = Violations::new();
        self.validate_at(&FieldPath::root(), &mut violations);
        violations.into_result()
    }
}

/// A string with a `maxLength`, or a container of such strings (an optional one, a list, the
/// values of a map), so that generated code checks a field of any of these shapes in one call.
pub trait MaxLength {
    /// Records a violation for every string in this value, which sits at `path`, that has
    /// more than `max` characters.
    fn check_max_length(&self, path: &FieldPath<'_>, violations: &mut Violations, max: usize);
}

impl MaxLength for str {
    fn check_max_length(&self, path: &FieldPath<'_>, violations: &mut Violations, max: usize) {
        violations.check_max_length(path, self, max);
    }
}

impl MaxLength for String {
    fn check_max_length(&self, path: &FieldPath<'_>, violations: &mut Violations, max: usize) {
        violations.check_max_length(path, self, max);
    }
}

/// Implements a checking trait for the containers generated types use, by checking each value
/// in them at its own path: `list[3]`, `metadata[key]`. `$method` takes the path and the
/// violations, then `$arg`s that are passed on unchanged.
macro_rules! look_through_containers {
    ($trait:ident :: $method:ident ($($arg:ident : $arg_ty:ty),*)) => {
        impl<T: $trait + ?Sized> $trait for &T {
            fn $method(&self, path: &FieldPath<'_>, violations: &mut Violations $(, $arg: $arg_ty)*) {
                (**self).$method(path, violations $(, $arg)*);
            }
        }

        impl<T: $trait + ?Sized> $trait for Box<T> {
            fn $method(&self, path: &FieldPath<'_>, violations: &mut Violations $(, $arg: $arg_ty)*) {
                (**self).$method(path, violations $(, $arg)*);
            }
        }

        impl<T: $trait> $trait for Option<T> {
            fn $method(&self, path: &FieldPath<'_>, violations: &mut Violations $(, $arg: $arg_ty)*) {
                if let Some(value) = self {
                    value.$method(path, violations $(, $arg)*);
                }
            }
        }

        impl<T: $trait> $trait for [T] {
            fn $method(&self, path: &FieldPath<'_>, violations: &mut Violations $(, $arg: $arg_ty)*) {
                for (index, value) in self.iter().enumerate() {
                    value.$method(&path.index(index), violations $(, $arg)*);
                }
            }
        }

        impl<T: $trait> $trait for Vec<T> {
            fn $method(&self, path: &FieldPath<'_>, violations: &mut Violations $(, $arg: $arg_ty)*) {
                self.as_slice().$method(path, violations $(, $arg)*);
            }
        }

        impl<K: AsRef<str> + Ord, V: $trait> $trait for BTreeMap<K, V> {
            fn $method(&self, path: &FieldPath<'_>, violations: &mut Violations $(, $arg: $arg_ty)*) {
                for (key, value) in self {
                    value.$method(&path.field(key.as_ref()), violations $(, $arg)*);
                }
            }
        }

        impl<K: AsRef<str>, V: $trait, S: BuildHasher> $trait for HashMap<K, V, S> {
            fn $method(&self, path: &FieldPath<'_>, violations: &mut Violations $(, $arg: $arg_ty)*) {
                for (key, value) in sorted_entries(self) {
                    value.$method(&path.field(key), violations $(, $arg)*);
                }
            }
        }

        impl<T: $trait> $trait for crate::Unsettable<T> {
            fn $method(&self, path: &FieldPath<'_>, violations: &mut Violations $(, $arg: $arg_ty)*) {
                if let crate::Unsettable::Value(value) = self {
                    value.$method(path, violations $(, $arg)*);
                }
            }
        }
    };
}

look_through_containers!(Validate::validate_at());
look_through_containers!(MaxLength::check_max_length(max: usize));

/// A map's entries in key order, so that the same map always reports the same violations in
/// the same order, whatever the hasher.
fn sorted_entries<K: AsRef<str>, V, S>(map: &HashMap<K, V, S>) -> Vec<(&str, &V)> {
    let mut entries: Vec<(&str, &V)> = map.iter().map(|(k, v)| (k.as_ref(), v)).collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries
}

/// Values with no constraints of their own. Generated code checks constrained strings through
/// [`MaxLength`], so these exist to let containers of plain values be walked uniformly.
macro_rules! unconstrained {
    ($($ty:ty),* $(,)?) => {
        $(
            impl Validate for $ty {
                fn validate_at(&self, _: &FieldPath<'_>, _: &mut Violations) {}
            }
        )*
    };
}

unconstrained!(
    String,
    str,
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    serde_json::Value
);

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use super::{FieldPath, Validate, ViolationKind, Violations};

    /// A string limited to three characters, standing in for a generated constrained field.
    struct Short(&'static str);

    impl Validate for Short {
        fn validate_at(&self, path: &FieldPath<'_>, violations: &mut Violations) {
            violations.check_max_length(path, self.0, 3);
        }
    }

    #[test]
    fn paths_render_like_form_keys() {
        let root = FieldPath::root();
        assert_eq!(root.to_string(), "");
        assert!(root.is_root());
        let items = root.field("items");
        assert_eq!(items.to_string(), "items");
        let first = items.index(0);
        assert_eq!(first.to_string(), "items[0]");
        let price = first.field("price");
        assert_eq!(price.to_string(), "items[0][price]");
        assert_eq!(
            price.field("a").field("b").to_string(),
            "items[0][price][a][b]"
        );
        assert_eq!(root.index(3).to_string(), "[3]");
    }

    #[test]
    fn max_length_counts_characters_not_bytes() {
        let mut violations = Violations::new();
        let path = FieldPath::root();
        let path = path.field("name");
        violations.check_max_length(&path, "ééé", 3);
        violations.check_max_length(&path, "abc", 3);
        assert!(violations.is_empty());
        violations.check_max_length(&path, "éééé", 3);
        let error = violations.into_result().unwrap_err();
        assert_eq!(error.violations().len(), 1);
        assert_eq!(error.violations()[0].path(), "name");
        assert_eq!(
            error.violations()[0].kind(),
            &ViolationKind::TooLong { max: 3, actual: 4 }
        );
        assert_eq!(
            error.to_string(),
            "invalid parameter `name`: too long: 4 characters, at most 3 allowed"
        );
    }

    #[test]
    fn containers_report_every_violation_with_its_path() {
        let nested: Option<Vec<Box<Short>>> = Some(vec![
            Box::new(Short("ok")),
            Box::new(Short("long")),
            Box::new(Short("longer")),
        ]);
        let mut violations = Violations::new();
        let root = FieldPath::root();
        nested.validate_at(&root.field("list"), &mut violations);

        let btree = BTreeMap::from([("b key", Short("long")), ("a", Short("ok"))]);
        btree.validate_at(&root.field("metadata"), &mut violations);

        let hash: HashMap<String, Short> = HashMap::from([
            ("z".to_owned(), Short("zzzz")),
            ("y".to_owned(), Short("yyyy")),
        ]);
        hash.validate_at(&root.field("map"), &mut violations);

        let error = violations.into_result().unwrap_err();
        let paths: Vec<&str> = error.violations().iter().map(|v| v.path()).collect();
        assert_eq!(
            paths,
            ["list[1]", "list[2]", "metadata[b key]", "map[y]", "map[z]"]
        );
        assert!(
            error
                .to_string()
                .starts_with("5 invalid parameters: `list[1]`")
        );
        assert!(error.violation_at("map[z]").is_some());
        assert_eq!((&error).into_iter().count(), 5);
    }

    #[test]
    fn max_length_looks_through_options_lists_maps_and_unsettable_values() {
        use super::MaxLength;
        let root = FieldPath::root();
        let mut violations = Violations::new();
        let list: Option<Vec<String>> = Some(vec!["ok".to_owned(), "long".to_owned()]);
        list.check_max_length(&root.field("expand"), &mut violations, 3);
        let map = HashMap::from([("b", "long".to_owned()), ("a", "four".to_owned())]);
        map.check_max_length(&root.field("metadata"), &mut violations, 3);
        let unset: crate::Unsettable<String> = crate::Unsettable::Unset;
        unset.check_max_length(&root.field("unset"), &mut violations, 0);
        let set = crate::Unsettable::Value("long".to_owned());
        set.check_max_length(&root.field("set"), &mut violations, 3);
        None::<String>.check_max_length(&root.field("none"), &mut violations, 0);
        let paths: Vec<String> = violations
            .into_result()
            .unwrap_err()
            .violations()
            .iter()
            .map(|violation| violation.path().to_owned())
            .collect();
        assert_eq!(paths, ["expand[1]", "metadata[a]", "metadata[b]", "set"]);
    }

    #[test]
    fn none_and_unset_skip_a_value_that_would_be_refused() {
        // The same too-long value is refused when present, so an `Ok` for the absent one
        // shows that it was skipped rather than that nothing is ever checked.
        assert!(Some(Short("long")).validate().is_err());
        assert_eq!(None::<Short>.validate(), Ok(()));
        assert!(crate::Unsettable::Value(Short("long")).validate().is_err());
        assert_eq!(crate::Unsettable::<Short>::Unset.validate(), Ok(()));
    }
}
