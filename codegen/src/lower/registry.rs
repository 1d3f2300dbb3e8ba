//! The type registry: hands out type ids and final names, in first-reached order.
//!
//! A type is reserved when lowering first reaches it, before its fields or variants are
//! lowered, so that its id is its position in the output and a reference back to it (a
//! recursive schema) finds it. It is defined once its contents are known.

use super::{first_free, spec_error};
use crate::error::{Error, SpecErrorKind};
use crate::ir::{Doc, Origin, TypeDef, TypeFacts, TypeId, TypeKind};
use crate::naming::type_name;
use crate::pointer::join;
use indexmap::IndexMap;
use openapiv3::OpenAPI;
use rustc_hash::{FxHashMap, FxHashSet};

pub(super) struct TypeRegistry {
    slots: Vec<Slot>,
    /// Every name reserved so far, for constant-time clash checks.
    taken: FxHashMap<String, TypeId>,
    /// The Rust names of all component schemas, which inline types must not take.
    component_names: FxHashSet<String>,
}

struct Slot {
    name: String,
    /// Where the type comes from, known from its reservation on, for clash messages.
    pointer: String,
    origin: Origin,
    def: Option<TypeDef>,
}

/// What a type is, given when it is defined.
pub(super) struct Definition {
    pub module: String,
    pub doc: Doc,
    pub kind: TypeKind,
}

/// The types generated code names unqualified (`Option<T>`, `Result<Self, E>`, `Box<T>`,
/// `Vec<T>`, `String`): a generated type of one of these names would shadow it in its module,
/// so such a type gets a number after its name (`Result2`), as a second inline type would.
const PRELUDE_TYPES: [&str; 5] = ["Box", "Option", "Result", "String", "Vec"];

impl TypeRegistry {
    pub fn new(component_names: FxHashSet<String>) -> TypeRegistry {
        TypeRegistry {
            slots: Vec::new(),
            taken: FxHashMap::default(),
            component_names,
        }
    }

    /// Reserves exactly `name` (a component's, or an operation's params type), refusing a
    /// name another type already has.
    pub fn reserve_exact(
        &mut self,
        name: String,
        pointer: &str,
        origin: Origin,
    ) -> Result<TypeId, SpecErrorKind> {
        let name = if PRELUDE_TYPES.contains(&name.as_str()) {
            first_free(&name, |candidate| self.unavailable(candidate))
        } else {
            name
        };
        if let Some(existing) = self.taken.get(&name) {
            return Err(SpecErrorKind::NameClash {
                other: format!("#{}", self.slots[existing.0].pointer),
                name,
            });
        }
        Ok(self.push(name, pointer, origin))
    }

    /// Reserves `hint`; where a component owns that name (an inline field type named like a
    /// component), `hintField`, the type of that field, which does not depend on the order
    /// types are reached in; and only where that is taken too, or another inline type took
    /// the name, `hint2`, `hint3`, ... So inline names never shadow components and never merge.
    pub fn reserve_inline(&mut self, hint: &str, pointer: &str, origin: Origin) -> TypeId {
        let field = format!("{}Field", hint.trim_end_matches('_'));
        let name = if self.component_names.contains(hint) && !self.unavailable(&field) {
            field
        } else {
            first_free(hint, |name| self.unavailable(name))
        };
        self.push(name, pointer, origin)
    }

    /// Whether a generated name must be numbered: another type has it, a component owns it,
    /// or it is a prelude type's.
    fn unavailable(&self, name: &str) -> bool {
        self.taken.contains_key(name)
            || self.component_names.contains(name)
            || PRELUDE_TYPES.contains(&name)
    }

    fn push(&mut self, name: String, pointer: &str, origin: Origin) -> TypeId {
        let id = TypeId(self.slots.len());
        self.taken.insert(name.clone(), id);
        self.slots.push(Slot {
            name,
            pointer: pointer.to_owned(),
            origin,
            def: None,
        });
        id
    }

    pub fn name(&self, id: TypeId) -> &str {
        &self.slots[id.0].name
    }

    /// The definition of a type whose contents are known, if it is defined yet.
    pub fn get(&self, id: TypeId) -> Option<&TypeDef> {
        self.slots[id.0].def.as_ref()
    }

    pub fn get_mut(&mut self, id: TypeId) -> Option<&mut TypeDef> {
        self.slots[id.0].def.as_mut()
    }

    pub fn define(&mut self, id: TypeId, definition: Definition) {
        let slot = &mut self.slots[id.0];
        slot.def = Some(TypeDef {
            name: slot.name.clone(),
            module: definition.module,
            origin: slot.origin.clone(),
            pointer: slot.pointer.clone(),
            doc: definition.doc,
            kind: definition.kind,
            deprecated_names: Vec::new(),
            facts: TypeFacts::default(),
        });
    }

    /// The defined types, by id. A reserved type that was never defined would leave its
    /// references dangling; that is a bug in lowering, reported rather than emitted.
    pub fn finish(self, file: &str) -> Result<Vec<TypeDef>, Error> {
        self.slots
            .into_iter()
            .map(|slot| match slot.def {
                Some(def) => Ok(def),
                None => Err(spec_error(
                    file,
                    &slot.pointer,
                    None,
                    SpecErrorKind::Unsupported {
                        what: format!("a schema that became no type for `{}`", slot.name),
                    },
                )),
            })
            .collect()
    }
}

/// Every component's Rust name, refusing two components that would share one.
pub(super) fn component_type_names(spec: &OpenAPI, file: &str) -> Result<FxHashSet<String>, Error> {
    let mut names: IndexMap<String, &str> = IndexMap::new();
    let Some(components) = &spec.components else {
        return Ok(FxHashSet::default());
    };
    for component in components.schemas.keys() {
        let name = type_name(component);
        if let Some(other) = names.get(&name) {
            let kind = SpecErrorKind::NameClash {
                name,
                other: format!("the component `{other}`"),
            };
            return Err(spec_error(
                file,
                &join("/components/schemas", &[component]),
                None,
                kind,
            ));
        }
        names.insert(name, component);
    }
    Ok(names.into_keys().collect())
}
