//! Merges nested request types that have the same shape: all but the first of each shape become
//! aliases of it.
//!
//! Stripe's spec writes an operation's nested params inline, and operations of one resource
//! repeat them: a payment intent's `payment_method_data` and `payment_method_options` trees are
//! the same for create, update and confirm. Each copy was a type with its own derives,
//! validation and encoding, about 250 of the 420 types of the payment intent family's params,
//! compiled into every program that uses payment intents. An alias keeps every name a program
//! may write (`PostPaymentIntentsIntentParamsShipping { .. }` still builds the value) and costs
//! the compiler next to nothing.
//!
//! Only inline request types of one module merge, so a family's names never point into another
//! family's; the shortest name stays the type (see [`name_order`]), and a request type that
//! appears once keeps its own name. Two types are the same shape when everything but their
//! names and the spec locations they came from is equal: fields, wire names, docs, constraints,
//! and the types they use (compared after merging those), so that the merged type's docs and
//! validation are right for every name.

use crate::ir::{Api, Direction, Origin, TypeDef, TypeId, TypeKind};
use std::collections::HashMap;

/// Turns every inline request type whose shape an earlier one of its module has into an alias
/// of that one, and points every use at the type that stays.
pub(super) fn merge_same_shape_request_types(api: &mut Api) {
    // A shape is the part of a type that never changes (interned once: formatting a type with
    // its docs is the expensive step) and the types it uses, which change as merging proceeds.
    let mut interned: HashMap<(String, String), usize> = HashMap::new();
    let candidates: Vec<Candidate> = api
        .types
        .iter()
        .enumerate()
        .filter(|(_, def)| def.origin == Origin::Inline && def.direction() == Direction::Request)
        .map(|(index, def)| {
            let (fixed, uses) = split_shape(def);
            let next_id = interned.len();
            let fixed = *interned
                .entry((def.module.clone(), fixed))
                .or_insert(next_id);
            Candidate { index, fixed, uses }
        })
        .collect();
    // Each round merges the types whose uses the last round merged, so a tree merges from its
    // leaves up; it ends when a round merges nothing new.
    let mut target: Vec<usize> = (0..api.types.len()).collect();
    loop {
        let keys: Vec<(usize, Vec<usize>)> = candidates
            .iter()
            .map(|candidate| {
                let uses = candidate.uses.iter().map(|id| target[id.index()]).collect();
                (candidate.fixed, uses)
            })
            .collect();
        let mut kept_of_shape: HashMap<&(usize, Vec<usize>), usize> = HashMap::new();
        for (candidate, key) in candidates.iter().zip(&keys) {
            let def = &api.types[candidate.index];
            kept_of_shape
                .entry(key)
                .and_modify(|kept| {
                    if name_order(def) < name_order(&api.types[*kept]) {
                        *kept = candidate.index;
                    }
                })
                .or_insert(candidate.index);
        }
        let mut next: Vec<usize> = (0..api.types.len()).collect();
        for (candidate, key) in candidates.iter().zip(&keys) {
            next[candidate.index] = kept_of_shape[key];
        }
        if next == target {
            break;
        }
        target = next;
    }
    let map = |id: TypeId| TypeId(target[id.index()]);
    for (index, def) in api.types.iter_mut().enumerate() {
        if target[index] != index {
            def.kind = TypeKind::Alias(TypeId(target[index]));
            continue;
        }
        match &mut def.kind {
            TypeKind::Struct(body) => body
                .fields
                .iter_mut()
                .for_each(|field| field.ty.map_named(&map)),
            TypeKind::Union(body) => body
                .variants
                .iter_mut()
                .for_each(|variant| variant.ty.map_named(&map)),
            TypeKind::Enum(_) | TypeKind::Alias(_) => {}
        }
    }
}

/// A type that may merge: its index, its interned module and fixed shape, and the types it
/// uses, in the order its shape names them.
struct Candidate {
    index: usize,
    fixed: usize,
    uses: Vec<TypeId>,
}

/// Which of several types of one shape stays: the shortest name (create's, usually: a
/// payment intent's `PostPaymentIntentsParamsShipping` rather than update's
/// `PostPaymentIntentsIntentParamsShipping`), then the first alphabetically. It does not
/// depend on which operations are selected or in what order.
fn name_order(def: &TypeDef) -> (usize, &str) {
    (def.name.len(), &def.name)
}

/// The type's shape, apart: as text, its kind, docs and fields with every type it uses written
/// as the same placeholder, without its name and the spec locations; and the types it uses,
/// in the order the text names them. Two types have the same shape when both parts are equal
/// (with the uses mapped through the merges so far).
fn split_shape(def: &TypeDef) -> (String, Vec<TypeId>) {
    let mut kind = def.kind.clone();
    let uses = std::cell::RefCell::new(Vec::new());
    let placeholder = |id: TypeId| {
        uses.borrow_mut().push(id);
        TypeId(0)
    };
    match &mut kind {
        TypeKind::Struct(body) => {
            for field in &mut body.fields {
                field.ty.map_named(&placeholder);
                field.pointer.clear();
            }
        }
        TypeKind::Union(body) => {
            for variant in &mut body.variants {
                variant.ty.map_named(&placeholder);
            }
        }
        TypeKind::Enum(_) | TypeKind::Alias(_) => {}
    }
    (format!("{:?}|{:?}", def.doc, kind), uses.into_inner())
}
