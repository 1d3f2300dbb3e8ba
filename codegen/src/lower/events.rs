//! Webhook events: when the spec has Stripe's `event` schema, the event envelope (`Event`), the
//! enum of every event name the spec lists (`EventType`) and the union of every resource this
//! run generates (`EventObject`), built after the operations as ordinary IR types.
//!
//! `Event` is the `event` component lowered like any other (and shared with operations that
//! return events), with two fields retyped: `type` becomes `EventType` and `data.object`
//! becomes `EventObject`. `EventType`'s values are the `enabled_events` of the spec's webhook
//! endpoint params (minus the wildcard `*`), the one place Stripe's document lists event names.
//! `EventObject` is a response union dispatched on `object` (and `deleted`) over every
//! component type with a fixed `object` value, so an object of a kind this run did not generate
//! stays whole as JSON. In standalone crates the types live in the `event` family, whose feature
//! therefore reaches every resource: a union over every resource cannot be smaller than they.

use super::params::FORM_CONTENT_TYPE;
use super::registry::Definition;
use super::{Lowering, Place, SchemaSite, enums, event_objects, stripe, unsupported};
use crate::error::Error;
use crate::ir::{
    Direction, Discriminator, Doc, EnumDef, EnumVariant, EventTypes, NamedEvent, Origin, TypeId,
    TypeKind, TypeRef, UnionDef, UnionVariant,
};
use crate::naming::type_name;
use crate::pointer::join;
use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};

/// The component schema of Stripe's event envelope.
const EVENT_COMPONENT: &str = "event";
/// The names of the types built here besides the envelope.
const EVENT_TYPE: &str = "EventType";
const EVENT_OBJECT: &str = "EventObject";
/// The request property that lists the event names a webhook endpoint subscribes to.
const ENABLED_EVENTS: &str = "enabled_events";
/// The `enabled_events` value that stands for every event, not an event name.
const WILDCARD: &str = "*";

/// The names the event types will take, when the spec has an `event` schema: lowering keeps
/// inline types off them (the `event` schema's own `object` enum becomes `EventObject2`), since
/// the event types are built only after every operation.
pub(super) fn reserved_names(spec: &OpenAPI) -> Vec<String> {
    if has_event(spec) {
        vec![EVENT_TYPE.to_owned(), EVENT_OBJECT.to_owned()]
    } else {
        Vec::new()
    }
}

fn has_event(spec: &OpenAPI) -> bool {
    spec.components
        .as_ref()
        .is_some_and(|components| components.schemas.contains_key(EVENT_COMPONENT))
}

impl Lowering<'_> {
    /// Builds the event types when the spec has an `event` component; call it after every
    /// selected operation is lowered, so that `EventObject` covers each resource they reach.
    pub(super) fn lower_events(&mut self) -> Result<Option<EventTypes>, Error> {
        if !has_event(self.spec) {
            return Ok(None);
        }
        let module = stripe::module_for_component(&self.families, EVENT_COMPONENT);
        let reference = format!("#/components/schemas/{EVENT_COMPONENT}");
        let site = SchemaSite {
            pointer: join("/components/schemas", &[EVENT_COMPONENT]),
            direction: Direction::Response,
            module: &module,
            name_hint: type_name(EVENT_COMPONENT),
            place: Place::Nested,
            defines: None,
            component: None,
        };
        let envelope = match self.lower_reference(&reference, &site)? {
            TypeRef::Named(id) | TypeRef::Boxed(id) => id,
            _ => {
                return Err(self.error(
                    &site.pointer,
                    unsupported("an `event` schema that is not an object with properties"),
                ));
            }
        };
        let (type_field, data) = self.envelope_fields(envelope, &site.pointer)?;
        let object_field = self.data_object_field(data, &site.pointer)?;
        let module = self.type_module(envelope);

        let (names, names_pointer) = self.event_names();
        let name_variants = enums::enum_variants(names);
        let kind_pointer = names_pointer
            .unwrap_or_else(|| join(&format!("{}/properties", site.pointer), &["type"]));
        let kind = self
            .registry
            .reserve_exact(EVENT_TYPE.to_owned(), &kind_pointer, Origin::Inline)
            .map_err(|error| self.error(&kind_pointer, error))?;
        self.registry.define(
            kind,
            Definition {
                module: module.clone(),
                doc: Doc(Some(
                    "What happened: an event's `type`, one variant per event name the API \
                     document lists."
                        .to_owned(),
                )),
                kind: TypeKind::Enum(EnumDef {
                    direction: Direction::Response,
                    variants: name_variants.clone(),
                }),
            },
        );

        let object_pointer = self.field_pointer(data, object_field);
        let object = self
            .registry
            .reserve_exact(EVENT_OBJECT.to_owned(), &object_pointer, Origin::Inline)
            .map_err(|error| self.error(&object_pointer, error))?;
        let variants = self.resource_variants();
        let (by_name, undecided) = self.named_events(&name_variants, &variants);
        self.registry.define(
            object,
            Definition {
                module: module.clone(),
                doc: Doc(Some(
                    "The object an event is about (`data.object`), decoded by its `object` value \
                     into the resource's type. An object of a kind this SDK does not generate is \
                     kept whole as JSON (`Unknown`), and so is one of a known kind that does not \
                     decode into its type (`Undecoded`, with the reason), as happens when the \
                     webhook endpoint is on an older API version than the SDK."
                        .to_owned(),
                )),
                kind: TypeKind::Union(UnionDef {
                    direction: Direction::Response,
                    variants,
                    discriminated: true,
                    keeps_undecoded: true,
                    variants_by_feature: true,
                }),
            },
        );

        self.retype_field(envelope, type_field, TypeRef::Named(kind));
        self.retype_field(data, object_field, TypeRef::Named(object));
        // `data` now holds every resource; in the event family, only the `event` feature
        // reaches them all, rather than whichever family its component name suggests.
        if let Some(def) = self.registry.get_mut(data) {
            def.module.clone_from(&module);
        }
        Ok(Some(EventTypes {
            envelope,
            kind,
            object,
            by_name,
            undecided,
        }))
    }

    /// `EventKind`'s variants: each event name whose object its name decides (see
    /// `event_objects.rs`) and this run generates, with that object's `EventObject` variant;
    /// and the names whose object is undecided.
    fn named_events(
        &self,
        names: &[EnumVariant],
        objects: &[UnionVariant],
    ) -> (Vec<NamedEvent>, Vec<String>) {
        let values = event_objects::object_values(self.spec);
        let mut by_name = Vec::new();
        let mut undecided = Vec::new();
        for name in names {
            let Some(object) = event_objects::object_of_event(self.spec, &values, &name.wire_value)
            else {
                undecided.push(name.wire_value.clone());
                continue;
            };
            let variant = objects.iter().find(|variant| {
                variant
                    .discriminator
                    .as_ref()
                    .is_some_and(|found| found.object == object && !found.deleted)
            });
            if let Some(UnionVariant {
                rust_name,
                ty: TypeRef::Named(id),
                ..
            }) = variant
            {
                by_name.push(NamedEvent {
                    name: name.wire_value.clone(),
                    rust_name: name.rust_name.clone(),
                    object: *id,
                    object_variant: rust_name.clone(),
                });
            }
        }
        (by_name, undecided)
    }

    /// The envelope's `type` field (index) and the struct its `data` field holds.
    fn envelope_fields(&self, envelope: TypeId, pointer: &str) -> Result<(usize, TypeId), Error> {
        let fields = match self.registry.get(envelope).map(|def| &def.kind) {
            Some(TypeKind::Struct(body)) => &body.fields,
            _ => {
                return Err(self.error(
                    pointer,
                    unsupported("an `event` schema that is not an object with properties"),
                ));
            }
        };
        let type_field = fields
            .iter()
            .position(|field| {
                field.wire_name == "type" && matches!(field.ty, TypeRef::String { .. })
            })
            .ok_or_else(|| {
                self.error(
                    pointer,
                    unsupported("an `event` schema without a string `type` property"),
                )
            })?;
        let data = fields
            .iter()
            .find(|field| field.wire_name == "data")
            .and_then(|field| field.ty.named())
            .ok_or_else(|| {
                self.error(
                    pointer,
                    unsupported("an `event` schema without an object `data` property"),
                )
            })?;
        Ok((type_field, data))
    }

    /// The index of `data.object`, which must be free-form JSON for the union to replace.
    fn data_object_field(&self, data: TypeId, pointer: &str) -> Result<usize, Error> {
        match self.registry.get(data).map(|def| &def.kind) {
            Some(TypeKind::Struct(body)) => body
                .fields
                .iter()
                .position(|field| field.wire_name == "object" && field.ty == TypeRef::Json),
            _ => None,
        }
        .ok_or_else(|| {
            self.error(
                pointer,
                unsupported("an `event` whose `data` has no free-form `object` property"),
            )
        })
    }

    fn type_module(&self, id: TypeId) -> String {
        self.registry
            .get(id)
            .map_or_else(|| crate::SHARED_MODULE.to_owned(), |def| def.module.clone())
    }

    fn field_pointer(&self, id: TypeId, field: usize) -> String {
        match self.registry.get(id).map(|def| &def.kind) {
            Some(TypeKind::Struct(body)) => body.fields[field].pointer.clone(),
            _ => String::new(),
        }
    }

    fn retype_field(&mut self, id: TypeId, field: usize, ty: TypeRef) {
        if let Some(TypeKind::Struct(body)) = self.registry.get_mut(id).map(|def| &mut def.kind) {
            body.fields[field].ty = ty;
        }
    }

    /// Every event name of every operation's `enabled_events` param (in document order,
    /// without the wildcard), and where the first list of them is.
    fn event_names(&self) -> (Vec<String>, Option<String>) {
        let mut names: Vec<String> = Vec::new();
        let mut pointer = None;
        for (path, item) in &self.spec.paths.paths {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for (method, operation) in item.iter() {
                let Some(values) = enabled_events(operation) else {
                    continue;
                };
                pointer.get_or_insert_with(|| {
                    join(
                        &join("/paths", &[path]),
                        &[
                            method,
                            "requestBody",
                            "content",
                            FORM_CONTENT_TYPE,
                            "schema",
                            "properties",
                            ENABLED_EVENTS,
                            "items",
                        ],
                    )
                });
                for value in values.iter().flatten() {
                    if value != WILDCARD && !names.iter().any(|name| name == value) {
                        names.push(value.clone());
                    }
                }
            }
        }
        (names, pointer)
    }

    /// One variant per response component type with a fixed `object` value, in type order;
    /// should two components share a discriminator, the first reached keeps it.
    fn resource_variants(&self) -> Vec<UnionVariant> {
        let Some(components) = &self.spec.components else {
            return Vec::new();
        };
        let mut resources: Vec<(TypeId, &str)> = self
            .components
            .iter()
            .filter(|(_, (_, direction))| *direction == Direction::Response)
            .map(|(name, (id, _))| (*id, *name))
            .collect();
        resources.sort_unstable();
        let mut variants: Vec<UnionVariant> = Vec::new();
        let mut taken: Vec<Discriminator> = Vec::new();
        for (id, name) in resources {
            let Some(ReferenceOr::Item(schema)) = components.schemas.get(name) else {
                continue;
            };
            let Some(discriminator) = stripe::discriminator_of(schema) else {
                continue;
            };
            let is_struct = matches!(
                self.registry.get(id).map(|def| &def.kind),
                Some(TypeKind::Struct(_))
            );
            if !is_struct || taken.contains(&discriminator) {
                continue;
            }
            taken.push(discriminator.clone());
            variants.push(UnionVariant {
                rust_name: self.registry.name(id).to_owned(),
                ty: TypeRef::Named(id),
                discriminator: Some(discriminator),
                boxed: false,
                has_from: false,
            });
        }
        variants
    }
}

/// The string values an operation's form body lists for `enabled_events`, if it has them.
fn enabled_events(operation: &openapiv3::Operation) -> Option<&[Option<String>]> {
    let ReferenceOr::Item(body) = operation.request_body.as_ref()? else {
        return None;
    };
    let Some(ReferenceOr::Item(schema)) = body.content.get(FORM_CONTENT_TYPE)?.schema.as_ref()
    else {
        return None;
    };
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let ReferenceOr::Item(property) = object.properties.get(ENABLED_EVENTS)? else {
        return None;
    };
    let SchemaKind::Type(Type::Array(array)) = &property.schema_kind else {
        return None;
    };
    let ReferenceOr::Item(items) = array.items.as_ref()? else {
        return None;
    };
    match &items.schema_kind {
        SchemaKind::Type(Type::String(string)) => Some(string.enumeration.as_slice()),
        _ => None,
    }
}
