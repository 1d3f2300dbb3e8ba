//! Merges nested request types that have the same shape at the same place of sibling
//! operations into one struct, which every place names through an alias of its own.
//!
//! Stripe's spec writes an operation's nested params inline, and operations of one resource
//! repeat them: a payment intent's `payment_method_data` and `payment_method_options` trees are
//! the same for create, update and confirm. Each copy was a type with its own derives,
//! validation and encoding, about 250 of the 420 types of the payment intent family's params,
//! compiled into every program that uses payment intents. One struct per shape, and an alias
//! per place, costs the compiler next to nothing.
//!
//! Only inline request types of one module merge, and only those at the same place relative to
//! their operation's params (`shipping` of create, update and confirm; not `card_payments`
//! with `treasury`), so that no field is ever typed by another field's name. The shared struct
//! is named after the module and that place (`PaymentIntentParamsShipping`), not after one of
//! its places, so that its name survives an operation being added or removed; every place
//! keeps its own name as an alias (`PaymentIntentCreateParamsShipping`), which is what fields
//! outside the shared structs name. When one place later diverges from the others, only its
//! alias becomes a type of its own: the change is what the spec did there. Two types are the
//! same shape when everything but their names and the spec locations they came from is equal:
//! fields, wire names, docs, constraints, and the types they use (compared after merging
//! those), so that the shared struct's docs and validation are right for every place.

use crate::ir::{Api, Direction, Doc, Origin, TypeDef, TypeId, TypeKind};
use crate::naming::nested_type_name;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;

/// Merges every class of two or more same-shape inline request types at the same relative
/// place into a new shared struct, and turns each member into an alias of it.
pub(super) fn merge_same_shape_request_types(api: &mut Api) {
    let params_names: Vec<String> = api
        .operations
        .iter()
        .filter_map(|operation| operation.params)
        .map(|params| api.types[params.type_id.index()].name.clone())
        .collect();
    let params_by_prefix = ParamsByPrefix::new(&params_names);
    // The resource-style method of each params type's operation (`create`, `update`).
    let method_of_params: FxHashMap<&str, &str> = api
        .operations
        .iter()
        .filter_map(|operation| {
            let params = operation.params?;
            Some((
                api.types[params.type_id.index()].name.as_str(),
                operation.resource_method.method.as_str(),
            ))
        })
        .collect();
    // A shape is the part of a type that never changes (interned once, so that each round
    // compares small ids) and the types it uses, which change as merging proceeds.
    let inline_requests: Vec<(usize, &TypeDef)> = api
        .types
        .iter()
        .enumerate()
        .filter(|(_, def)| def.origin == Origin::Inline && def.direction() == Direction::Request)
        .collect();
    let mut interned: FxHashMap<(&str, &str, Shape), usize> = FxHashMap::default();
    let candidates: Vec<Candidate> = inline_requests
        .into_iter()
        .filter_map(|(index, def)| {
            let (relative, _) = params_by_prefix.place_of(&def.name)?;
            let (fixed, uses) = split_shape(def);
            let next_id = interned.len();
            let fixed = *interned
                .entry((def.module.as_str(), relative, fixed))
                .or_insert(next_id);
            Some(Candidate { index, fixed, uses })
        })
        .collect();
    // The interned shapes borrow the types, which the merge below changes.
    drop(interned);
    // Each round merges the types whose uses the last round merged, so a tree merges from its
    // leaves up; it ends when a round merges nothing new. A class is represented by its
    // member of the smallest index until the shared structs are made.
    let mut target: Vec<usize> = (0..api.types.len()).collect();
    loop {
        let keys: Vec<(usize, Vec<usize>)> = candidates
            .iter()
            .map(|candidate| {
                let uses = candidate.uses.iter().map(|id| target[id.index()]).collect();
                (candidate.fixed, uses)
            })
            .collect();
        let mut representative: FxHashMap<&(usize, Vec<usize>), usize> = FxHashMap::default();
        for (candidate, key) in candidates.iter().zip(&keys) {
            representative
                .entry(key)
                .and_modify(|kept| *kept = (*kept).min(candidate.index))
                .or_insert(candidate.index);
        }
        let mut next: Vec<usize> = (0..api.types.len()).collect();
        for (candidate, key) in candidates.iter().zip(&keys) {
            next[candidate.index] = representative[key];
        }
        if next == target {
            break;
        }
        target = next;
    }
    // The classes of two or more members, each with its members in name order.
    let mut classes: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for candidate in &candidates {
        classes
            .entry(target[candidate.index])
            .or_default()
            .push(candidate.index);
    }
    classes.retain(|_, members| members.len() > 1);
    // One shared struct per class, named after its module and relative place; classes that
    // would share a name (the same place with two shapes, each of several operations: a
    // subscription's `items` for create and for update) are named after their operations'
    // methods too, after the place (`SubscriptionParamsItemsForCreate`,
    // `AppsSecretParamsScopeForFindAndList`), which no place's own name
    // (`SubscriptionCreateParamsItems`: resource, method, `Params`, place) can be; and
    // numbered, the same on every run, only where that does not tell them apart.
    let mut taken: FxHashSet<String> = api.types.iter().map(|def| def.name.clone()).collect();
    let module_name = |index: usize| crate::naming::pascal_case(&api.types[index].module);
    let mut named: Vec<(String, String, usize)> = classes
        .iter()
        .map(|(representative, members)| {
            let mut names: Vec<&str> = members
                .iter()
                .map(|member| api.types[*member].name.as_str())
                .collect();
            names.sort_unstable();
            let relative = params_by_prefix
                .place_of(&api.types[*representative].name)
                .map_or("", |(relative, _)| relative);
            let base =
                nested_type_name(&format!("{}Params", module_name(*representative)), relative);
            (base, names[0].to_owned(), *representative)
        })
        .collect();
    let mut bases: FxHashMap<String, usize> = FxHashMap::default();
    for (base, _, _) in &named {
        *bases.entry(base.clone()).or_default() += 1;
    }
    for (base, _, representative) in &mut named {
        if bases[base.as_str()] < 2 {
            continue;
        }
        let methods: std::collections::BTreeSet<&str> = classes[representative]
            .iter()
            .filter_map(|member| params_by_prefix.place_of(&api.types[*member].name))
            .filter_map(|(_, params)| method_of_params.get(params).copied())
            .collect();
        if let Some((relative, _)) = params_by_prefix.place_of(&api.types[*representative].name)
            && !methods.is_empty()
        {
            let methods: Vec<String> = methods
                .iter()
                .map(|method| crate::naming::pascal_case(method))
                .collect();
            *base = format!(
                "{}For{}",
                nested_type_name(&format!("{}Params", module_name(*representative)), relative),
                methods.join("And")
            );
        }
    }
    named.sort();
    let mut shared_of: FxHashMap<usize, usize> = FxHashMap::default();
    for (base, _, representative) in named {
        let name = super::first_free(&base, |candidate| taken.contains(candidate));
        taken.insert(name.clone());
        let mut def = api.types[representative].clone();
        def.name = name;
        // The old names stay with the places they named, which become aliases of this.
        def.deprecated_names.clear();
        shared_of.insert(representative, api.types.len());
        api.types.push(def);
    }
    // A member's alias names the shared struct; the shared structs' own uses name the shared
    // structs of their members' places, and every other use keeps its own place's type.
    let shared = |index: usize| -> Option<usize> { shared_of.get(&target[index]).copied() };
    for index in 0..target.len() {
        if let Some(shared) = shared(index) {
            api.types[index].kind = TypeKind::Alias(TypeId(shared));
        }
    }
    let map = |id: TypeId| shared(id.index()).map_or(id, TypeId);
    for index in target.len()..api.types.len() {
        match &mut api.types[index].kind {
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

/// The operations' params types by their names without trailing underscores, each such name
/// taken by the first params type that has it, so that a type's place is found by looking its
/// name's prefixes up instead of comparing it with every params name.
struct ParamsByPrefix<'p> {
    by_trimmed_name: FxHashMap<&'p str, &'p str>,
}

impl<'p> ParamsByPrefix<'p> {
    fn new(params_names: &'p [String]) -> ParamsByPrefix<'p> {
        let mut by_trimmed_name =
            FxHashMap::with_capacity_and_hasher(params_names.len(), Default::default());
        for params in params_names {
            by_trimmed_name
                .entry(params.trim_end_matches('_'))
                .or_insert(params.as_str());
        }
        ParamsByPrefix { by_trimmed_name }
    }

    /// The type's place relative to the params type whose name (without trailing
    /// underscores) is its longest proper prefix, and that params type's name.
    fn place_of<'a>(&self, name: &'a str) -> Option<(&'a str, &'p str)> {
        (0..name.len())
            .rev()
            .filter(|&end| name.is_char_boundary(end))
            .find_map(|end| {
                let params = self.by_trimmed_name.get(&name[..end])?;
                Some((&name[end..], *params))
            })
    }
}

/// A type that may merge: its index, its interned module and fixed shape, and the types it
/// uses, in the order its shape names them.
struct Candidate {
    index: usize,
    fixed: usize,
    uses: Vec<TypeId>,
}

/// The part of a type's shape that merging never changes: its docs, and its kind with its
/// fields and every type they use written as the same placeholder, without its name and the
/// spec locations. Compared and hashed by value: formatting it as text to compare was most of
/// this pass's time.
type Shape = (Doc, TypeKind);

/// The type's shape, apart: the fixed part, and the types it uses, in the order the fixed part
/// names them. Two types have the same shape when both parts are equal (with the uses mapped
/// through the merges so far).
fn split_shape(def: &TypeDef) -> (Shape, Vec<TypeId>) {
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
    ((def.doc.clone(), kind), uses.into_inner())
}
