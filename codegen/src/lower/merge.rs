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
    let candidates: Vec<usize> = api
        .types
        .iter()
        .enumerate()
        .filter(|(_, def)| {
            def.origin == Origin::Inline && direction(def) == Some(Direction::Request)
        })
        .map(|(index, _)| index)
        .collect();
    // Each round merges the types whose uses the last round merged, so a tree merges from its
    // leaves up; it ends when a round merges nothing new.
    let mut target: Vec<usize> = (0..api.types.len()).collect();
    loop {
        let mut kept_of_shape: HashMap<(String, String), usize> = HashMap::new();
        for &index in &candidates {
            let def = &api.types[index];
            let shape = shape_key(def, &target);
            kept_of_shape
                .entry((def.module.clone(), shape))
                .and_modify(|kept| {
                    if name_order(def) < name_order(&api.types[*kept]) {
                        *kept = index;
                    }
                })
                .or_insert(index);
        }
        let mut next: Vec<usize> = (0..api.types.len()).collect();
        for &index in &candidates {
            let def = &api.types[index];
            next[index] = kept_of_shape[&(def.module.clone(), shape_key(def, &target))];
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

/// Which of several types of one shape stays: the shortest name (create's, usually: a
/// payment intent's `PostPaymentIntentsParamsShipping` rather than update's
/// `PostPaymentIntentsIntentParamsShipping`), then the first alphabetically. It does not
/// depend on which operations are selected or in what order.
fn name_order(def: &TypeDef) -> (usize, &str) {
    (def.name.len(), &def.name)
}

fn direction(def: &TypeDef) -> Option<Direction> {
    match &def.kind {
        TypeKind::Struct(body) => Some(body.direction),
        TypeKind::Enum(body) => Some(body.direction),
        TypeKind::Union(body) => Some(body.direction),
        TypeKind::Alias(_) => None,
    }
}

/// The type's shape as text: its kind, docs and fields with the types they use mapped through
/// `target`, without its name and the spec locations.
fn shape_key(def: &TypeDef, target: &[usize]) -> String {
    let mut kind = def.kind.clone();
    let map = |id: TypeId| TypeId(target[id.index()]);
    match &mut kind {
        TypeKind::Struct(body) => {
            for field in &mut body.fields {
                field.ty.map_named(&map);
                field.pointer.clear();
            }
        }
        TypeKind::Union(body) => {
            for variant in &mut body.variants {
                variant.ty.map_named(&map);
            }
        }
        TypeKind::Enum(_) | TypeKind::Alias(_) => {}
    }
    format!("{:?}|{:?}", def.doc, kind)
}
