//! The change model: how a change is classed, what kind it is, where it is, and the whole
//! comparison with its semver level.

use serde::{Deserialize, Serialize};

/// How a change affects code that uses the generated crate. Ordered most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeClass {
    /// A change the generator made where the spec did not change (see
    /// [`classify_generator_changes`]): a bug in the generator, counted as breaking for the
    /// semver bump, since it may be.
    Generator,
    /// Code that compiled or worked may stop doing so.
    Breaking,
    /// Something new; existing code keeps working.
    Compatible,
    /// Only documentation changed.
    Docs,
}

impl ChangeClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeClass::Generator => "generator",
            ChangeClass::Breaking => "breaking",
            ChangeClass::Compatible => "compatible",
            ChangeClass::Docs => "docs",
        }
    }

    pub(super) fn title(self) -> &'static str {
        match self {
            ChangeClass::Generator => "Generator (the spec did not change here)",
            ChangeClass::Breaking => "Breaking",
            ChangeClass::Compatible => "Compatible",
            ChangeClass::Docs => "Docs",
        }
    }

    /// The semver level a change of this class needs on its own.
    pub fn semver(self) -> Semver {
        match self {
            ChangeClass::Generator | ChangeClass::Breaking => Semver::Major,
            ChangeClass::Compatible => Semver::Minor,
            ChangeClass::Docs => Semver::Patch,
        }
    }

    const ALL: [ChangeClass; 4] = [
        ChangeClass::Generator,
        ChangeClass::Breaking,
        ChangeClass::Compatible,
        ChangeClass::Docs,
    ];
}

/// The semver level a set of changes calls for. Ordered least first.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Semver {
    #[default]
    None,
    Patch,
    Minor,
    Major,
}

impl Semver {
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::None => "none",
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }
}

/// What changed, in one word (the `kind` of a [`Change`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    ApiVersionChanged,
    OperationAdded,
    OperationRemoved,
    MethodRenamed,
    OperationEndpointChanged,
    PathParamsChanged,
    ParamsTypeChanged,
    ResponseTypeChanged,
    PaginationChanged,
    TypeAdded,
    TypeRemoved,
    TypeKindChanged,
    TypeMoved,
    FieldAdded,
    FieldRemoved,
    FieldRenamed,
    FieldNowRequired,
    FieldNowOptional,
    FieldTypeChanged,
    MaxLengthChanged,
    ResponseFieldAdded,
    ResponseFieldRemoved,
    ResponseFieldRenamed,
    ResponseFieldNowOptional,
    ResponseFieldNowRequired,
    ResponseFieldTypeChanged,
    EnumValueAdded,
    EnumValueRemoved,
    EnumVariantRenamed,
    UnionVariantAdded,
    UnionVariantRemoved,
    UnionVariantTypeChanged,
    FeatureAdded,
    FeatureRemoved,
    ImplAdded,
    ImplRemoved,
    ImplFeaturesChanged,
    AliasNowOwnType,
    TypeRenamed,
    DocChanged,
}

impl ChangeKind {
    /// The kind as the JSON output spells it (`max_length_changed`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::ApiVersionChanged => "api_version_changed",
            ChangeKind::OperationAdded => "operation_added",
            ChangeKind::OperationRemoved => "operation_removed",
            ChangeKind::MethodRenamed => "method_renamed",
            ChangeKind::OperationEndpointChanged => "operation_endpoint_changed",
            ChangeKind::PathParamsChanged => "path_params_changed",
            ChangeKind::ParamsTypeChanged => "params_type_changed",
            ChangeKind::ResponseTypeChanged => "response_type_changed",
            ChangeKind::PaginationChanged => "pagination_changed",
            ChangeKind::TypeAdded => "type_added",
            ChangeKind::TypeRemoved => "type_removed",
            ChangeKind::TypeKindChanged => "type_kind_changed",
            ChangeKind::TypeMoved => "type_moved",
            ChangeKind::FieldAdded => "field_added",
            ChangeKind::FieldRemoved => "field_removed",
            ChangeKind::FieldRenamed => "field_renamed",
            ChangeKind::FieldNowRequired => "field_now_required",
            ChangeKind::FieldNowOptional => "field_now_optional",
            ChangeKind::FieldTypeChanged => "field_type_changed",
            ChangeKind::MaxLengthChanged => "max_length_changed",
            ChangeKind::ResponseFieldAdded => "response_field_added",
            ChangeKind::ResponseFieldRemoved => "response_field_removed",
            ChangeKind::ResponseFieldRenamed => "response_field_renamed",
            ChangeKind::ResponseFieldNowOptional => "response_field_now_optional",
            ChangeKind::ResponseFieldNowRequired => "response_field_now_required",
            ChangeKind::ResponseFieldTypeChanged => "response_field_type_changed",
            ChangeKind::EnumValueAdded => "enum_value_added",
            ChangeKind::EnumValueRemoved => "enum_value_removed",
            ChangeKind::EnumVariantRenamed => "enum_variant_renamed",
            ChangeKind::UnionVariantAdded => "union_variant_added",
            ChangeKind::UnionVariantRemoved => "union_variant_removed",
            ChangeKind::UnionVariantTypeChanged => "union_variant_type_changed",
            ChangeKind::FeatureAdded => "feature_added",
            ChangeKind::FeatureRemoved => "feature_removed",
            ChangeKind::ImplAdded => "impl_added",
            ChangeKind::ImplRemoved => "impl_removed",
            ChangeKind::ImplFeaturesChanged => "impl_features_changed",
            ChangeKind::AliasNowOwnType => "alias_now_own_type",
            ChangeKind::TypeRenamed => "type_renamed",
            ChangeKind::DocChanged => "doc_changed",
        }
    }
}

/// One change to the public API.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Change {
    pub class: ChangeClass,
    pub kind: ChangeKind,
    /// The operationId the change belongs to; `None` for shared (component) types, features
    /// and the API version.
    pub operation: Option<String>,
    /// The Rust item (`TerminalConnectionTokenCreateParams.location`,
    /// `Client::post_terminal_connection_tokens`, `TerminalReaderStatus::Online`).
    pub rust: String,
    /// Where the item is in the new spec, or in the old one when it was removed.
    pub pointer: String,
    /// What changed, for a reader (`maxLength 5000 -> 500`).
    pub detail: String,
    /// The item stands for several places of the spec (a shared request struct, or an alias
    /// of one), so the spec at its one pointer cannot say whether the spec changed: such a
    /// change is never counted as the generator's.
    #[serde(skip)]
    pub spans_places: bool,
}

/// The comparison of two surfaces: `--format json` prints exactly this object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiDiff {
    /// The old spec's API version.
    pub from: String,
    /// The new spec's API version.
    pub to: String,
    pub semver: Semver,
    /// Breaking first, then compatible, then docs; each class ordered by Rust path.
    pub changes: Vec<Change>,
}

impl ApiDiff {
    /// How many changes there are of `class`.
    pub fn count(&self, class: ChangeClass) -> usize {
        self.changes
            .iter()
            .filter(|change| change.class == class)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// `1 breaking, 0 compatible, 2 docs`, led by the generator's changes when there are any.
    pub fn counts(&self) -> String {
        let counts: Vec<String> = ChangeClass::ALL
            .iter()
            .filter(|class| **class != ChangeClass::Generator || self.count(**class) > 0)
            .map(|class| format!("{} {}", self.count(*class), class.as_str()))
            .collect();
        counts.join(", ")
    }

    /// The classes that have changes, most severe first, each with its changes.
    pub(super) fn by_class(&self) -> impl Iterator<Item = (ChangeClass, Vec<&Change>)> {
        ChangeClass::ALL.into_iter().filter_map(|class| {
            let in_class: Vec<&Change> = self
                .changes
                .iter()
                .filter(|change| change.class == class)
                .collect();
            (!in_class.is_empty()).then_some((class, in_class))
        })
    }
}

/// Why a version or a surface record cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ApiDiffError {
    /// The crate's version is not `MAJOR.MINOR.PATCH` with numbers.
    #[error("version `{version}` is not MAJOR.MINOR.PATCH: cannot bump it")]
    Version { version: String },
    /// The surface record is not valid JSON of the expected shape.
    #[error("{file}:{line}:{column}: not an API surface record: {message}")]
    Record {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
}
