//! Stripe's conventions: list and search pages, expandable fields, the `""` that unsets a
//! field, object-discriminated unions, pagination cursors, and resource families (modules).

use super::registry::TypeRegistry;
use super::responses::JSON_CONTENT_TYPE;
use super::{Lowering, SchemaSite, unsupported};
use crate::error::Error;
use crate::ir::{
    Direction, Discriminator, OperationParams, Pagination, ResponseBody, TypeKind, TypeRef,
};
use crate::naming::{field_name, nested_type_name, snake_case};
use crate::pointer::join;
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode, Type};

/// The `x-resourceId`s of all components in snake case, longest first, so that the most
/// specific family wins (`payment_method` before `payment`).
pub(super) fn resource_families(spec: &OpenAPI) -> Vec<String> {
    let mut families: Vec<String> = spec
        .components
        .iter()
        .flat_map(|components| components.schemas.values())
        .filter_map(|schema| match schema {
            ReferenceOr::Item(schema) => schema
                .schema_data
                .extensions
                .get("x-resourceId")?
                .as_str()
                .map(super::resources::resource_name),
            ReferenceOr::Reference { .. } => None,
        })
        .collect();
    families.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    families.dedup();
    families
}

/// The module of a component schema: the longest resource family (`x-resourceId`) its
/// name starts with (`payment_method_details_card` -> `payment_method`), else `shared`. A
/// deleted stub (`deleted_customer`) is its resource's.
pub(super) fn module_for_component(families: &[String], name: &str) -> String {
    let snake = snake_case(name);
    let snake = match snake.strip_prefix("deleted_") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => snake,
    };
    families
        .iter()
        .find(|family| {
            snake == **family
                || snake
                    .strip_prefix(family.as_str())
                    .is_some_and(|rest| rest.starts_with('_'))
        })
        .map_or_else(
            || crate::SHARED_MODULE.to_owned(),
            |family| module_name(family),
        )
}

/// The module of an operation none of whose responses names a resource: the first path
/// segment after `/v1`.
pub(super) fn module_for_path(path: &str) -> String {
    let mut segments = path
        .split('/')
        .filter(|segment| !segment.is_empty() && !segment.starts_with('{'));
    let first = segments.next().unwrap_or("root");
    let family = if first == "v1" {
        segments.next().unwrap_or("root")
    } else {
        first
    };
    module_name(family)
}

/// A family's module name; the names the crate's hand-written runtime and its dependencies
/// already use get a suffix, so a generated module never shadows them.
pub(super) fn module_name(family: &str) -> String {
    let name = field_name(family);
    if crate::runtime::is_taken_module_name(&name) {
        format!("{name}_api")
    } else {
        name
    }
}

/// The component an operation returns: its success response's `$ref`, or the items of a list
/// it returns.
pub(super) fn returned_component(operation: &openapiv3::Operation) -> Option<&str> {
    let success = operation
        .responses
        .responses
        .iter()
        .filter(|(code, _)| matches!(code, StatusCode::Code(200..=299)))
        .find_map(|(_, response)| match response {
            ReferenceOr::Item(response) => response.content.get(JSON_CONTENT_TYPE)?.schema.as_ref(),
            ReferenceOr::Reference { .. } => None,
        });
    match success? {
        ReferenceOr::Reference { reference } => Some(reference.as_str()),
        ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Type(Type::Object(object)),
            ..
        }) => match object.properties.get("data") {
            Some(ReferenceOr::Item(data)) => match &data.schema_kind {
                SchemaKind::Type(Type::Array(openapiv3::ArrayType {
                    items: Some(ReferenceOr::Reference { reference }),
                    ..
                })) => Some(reference.as_str()),
                _ => None,
            },
            _ => None,
        },
        ReferenceOr::Item(_) => None,
    }
}

/// Whether a component's schema becomes a named type (and so is lowered once and shared by
/// every reference), rather than an inline shape such as a string, a map or a list page.
pub(super) fn becomes_named_type(schema: &Schema, direction: Direction) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => !string.enumeration.is_empty(),
        // A list page becomes `List<T>`, never a type of its own.
        SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => false,
        SchemaKind::Type(Type::Object(object)) => {
            direction == Direction::Request || page_kind(object).is_none()
        }
        _ => false,
    }
}

/// A list response whose params take `starting_after` (or a search whose params take
/// `page`) can be followed page by page.
pub(super) fn pagination(
    registry: &TypeRegistry,
    params: Option<&OperationParams>,
    response: &ResponseBody,
) -> Option<Pagination> {
    let params = params?;
    let TypeKind::Struct(body) = &registry.get(params.type_id)?.kind else {
        return None;
    };
    let has_string_field = |name: &str| {
        body.fields.iter().any(|field| {
            field.wire_name == name && field.optional && matches!(field.ty, TypeRef::String { .. })
        })
    };
    match response {
        ResponseBody::Json(TypeRef::List(_)) if has_string_field("starting_after") => {
            Some(Pagination::List)
        }
        ResponseBody::Json(TypeRef::SearchResult(_)) if has_string_field("page") => {
            Some(Pagination::Search)
        }
        ResponseBody::Json(_) | ResponseBody::Binary { .. } => None,
    }
}

pub(super) enum PageKind {
    List,
    Search,
}

/// Stripe's list and search envelopes, recognised by their exact set of properties so that an
/// object that merely has a `data` field is never mistaken for one.
pub(super) fn page_kind(object: &openapiv3::ObjectType) -> Option<PageKind> {
    let mut names: Vec<&str> = object.properties.keys().map(String::as_str).collect();
    names.sort_unstable();
    let ReferenceOr::Item(kind) = object.properties.get("object")? else {
        return None;
    };
    let SchemaKind::Type(Type::String(kind)) = &kind.schema_kind else {
        return None;
    };
    match (kind.enumeration.as_slice(), names.as_slice()) {
        ([Some(value)], ["data", "has_more", "object", "url"]) if value == "list" => {
            Some(PageKind::List)
        }
        (
            [Some(value)],
            [
                "data",
                "has_more",
                "next_page",
                "object",
                "total_count",
                "url",
            ]
            | ["data", "has_more", "next_page", "object", "url"],
        ) if value == "search_result" => Some(PageKind::Search),
        _ => None,
    }
}

impl<'a> Lowering<'a> {
    /// A list or search page becomes `List<T>` or `SearchResult<T>` of its `data` items.
    pub(super) fn lower_page(
        &mut self,
        object: &'a openapiv3::ObjectType,
        site: &SchemaSite<'_>,
    ) -> Result<TypeRef, Error> {
        let Some(ReferenceOr::Item(data)) = object.properties.get("data") else {
            return Err(self.error(
                &site.pointer,
                unsupported("a list whose `data` is a `$ref`"),
            ));
        };
        let data_site = site.nested(
            join(&format!("{}/properties", site.pointer), &["data"]),
            nested_type_name(&site.name_hint, "Item"),
        );
        let TypeRef::Array(item) = self.lower_inline(data, &data_site)? else {
            return Err(self.error(
                &data_site.pointer,
                unsupported("a list whose `data` is not an array"),
            ));
        };
        Ok(match page_kind(object) {
            Some(PageKind::Search) => TypeRef::SearchResult(item),
            Some(PageKind::List) | None => TypeRef::List(item),
        })
    }
}

/// Stripe's range filter (`created`, `arrival_date`, ...): an integer, or an object of integer
/// bounds among `gt`, `gte`, `lt` and `lte`, none required.
pub(super) fn is_range_query<'s>(
    alternatives: impl Iterator<Item = &'s ReferenceOr<Schema>>,
) -> bool {
    let is_integer =
        |schema: &Schema| matches!(schema.schema_kind, SchemaKind::Type(Type::Integer(_)));
    let (mut integers, mut bounds, mut others) = (0, 0, 0);
    for alternative in alternatives {
        let ReferenceOr::Item(schema) = alternative else {
            others += 1;
            continue;
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Integer(_)) => integers += 1,
            SchemaKind::Type(Type::Object(object))
                if !object.properties.is_empty()
                    && object.required.is_empty()
                    && object.properties.iter().all(|(name, property)| {
                        ["gt", "gte", "lt", "lte"].contains(&name.as_str())
                            && matches!(property, ReferenceOr::Item(bound) if is_integer(bound))
                    }) =>
            {
                bounds += 1;
            }
            _ => others += 1,
        }
    }
    (integers, bounds, others) == (1, 1, 0)
}

/// Stripe's "unset" alternative: `{type: string, enum: [""]}`.
pub(super) fn is_unset_alternative(schema: &ReferenceOr<Schema>) -> bool {
    matches!(schema, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(string)), .. })
        if string.enumeration.len() == 1 && string.enumeration[0].as_deref() == Some(""))
}

/// The id alternative of an expandable field: a string without an enum.
pub(super) fn is_plain_string(schema: &ReferenceOr<Schema>) -> bool {
    matches!(schema, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(string)), .. })
        if string.enumeration.is_empty())
}

/// An expandable field (`x-expansionResources`): an id string or the object it names.
pub(super) fn is_expandable<'s>(
    schema: &Schema,
    mut alternatives: impl Iterator<Item = &'s ReferenceOr<Schema>>,
) -> bool {
    schema
        .schema_data
        .extensions
        .contains_key("x-expansionResources")
        && alternatives.any(is_plain_string)
}

/// A component's fixed `object` value, and whether it is a deleted stub (`deleted: true`).
pub(super) fn discriminator_of(schema: &Schema) -> Option<Discriminator> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let ReferenceOr::Item(object_field) = object.properties.get("object")? else {
        return None;
    };
    let SchemaKind::Type(Type::String(string)) = &object_field.schema_kind else {
        return None;
    };
    let [Some(value)] = string.enumeration.as_slice() else {
        return None;
    };
    let deleted = match object.properties.get("deleted") {
        Some(ReferenceOr::Item(deleted)) => matches!(&deleted.schema_kind,
            SchemaKind::Type(Type::Boolean(boolean)) if boolean.enumeration == [Some(true)]),
        _ => false,
    };
    Some(Discriminator {
        object: value.clone(),
        deleted,
    })
}
