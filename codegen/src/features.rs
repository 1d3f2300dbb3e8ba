//! Cargo features per resource family, for standalone crates: a program compiles only what its
//! families reach.
//!
//! Every module (resource family) is a feature. A feature turns on its family's operations
//! and types and every type they reach through the reference graph, and nothing else: each
//! type is gated on the features that reach it, so features stay additive and never change a
//! type. A type reached from one family names that family's feature; a type reached from
//! several names an internal feature for that set of families (`_reach-<hash>`), which each
//! of them enables. Stripe's API has a few hundred such sets for thousands of types, so every
//! item carries one short `#[cfg]` instead of a list of dozens.

use crate::ir::{Api, ResponseBody, TypeDef, TypeId, TypeKind};
use std::collections::{BTreeMap, BTreeSet};

/// Which features turn each generated item on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureMap {
    /// Module -> its own feature (named after it).
    pub gate: BTreeMap<String, String>,
    /// Feature -> the features it enables, as Cargo.toml's `[features]` lists them: each
    /// family enables the internal features of the sets it belongs to.
    pub features: BTreeMap<String, Vec<String>>,
    /// By type id: the one feature that turns the type on.
    pub type_gates: Vec<String>,
    /// By operation (in [`Api::operations`] order): the feature of its family.
    pub operation_gates: Vec<String>,
    /// Module -> the features any of which turns on something in it.
    pub module_gates: BTreeMap<String, Vec<String>>,
}

/// One feature per module; each type is gated on every feature whose module's types and
/// operations reach it.
pub fn feature_map(api: &Api) -> FeatureMap {
    let mut modules: BTreeSet<&str> = api.types.iter().map(|def| def.module.as_str()).collect();
    modules.extend(
        api.operations
            .iter()
            .map(|operation| operation.module.as_str()),
    );
    let edges: Vec<Vec<TypeId>> = api.types.iter().map(references).collect();
    let mut type_gates: Vec<Vec<String>> = vec![Vec::new(); api.types.len()];
    let mut reached = vec![false; api.types.len()];
    for module in &modules {
        reached.iter_mut().for_each(|seen| *seen = false);
        let mut pending: Vec<TypeId> = Vec::new();
        for (index, def) in api.types.iter().enumerate() {
            if def.module == *module {
                pending.push(TypeId(index));
            }
        }
        for operation in api.operations.iter().filter(|op| op.module == *module) {
            if let Some(params) = operation.params {
                pending.push(params.type_id);
            }
            if let ResponseBody::Json(ty) = &operation.response {
                ty.for_each_named(&mut |id| pending.push(id));
            }
        }
        while let Some(id) = pending.pop() {
            if std::mem::replace(&mut reached[id.index()], true) {
                continue;
            }
            // Modules are visited in name order, so every gate list comes out sorted.
            type_gates[id.index()].push((*module).to_owned());
            pending.extend(edges[id.index()].iter().copied());
        }
    }
    let mut features: BTreeMap<String, Vec<String>> = modules
        .iter()
        .map(|module| ((*module).to_owned(), Vec::new()))
        .collect();
    let type_gates: Vec<String> = type_gates
        .into_iter()
        .map(|families| match families.as_slice() {
            [family] => family.clone(),
            several => {
                let internal = format!("_reach-{:08x}", fnv1a(&several.join(",")));
                if !features.contains_key(&internal) {
                    for family in several {
                        features
                            .entry(family.clone())
                            .or_default()
                            .push(internal.clone());
                    }
                    features.insert(internal.clone(), Vec::new());
                }
                internal
            }
        })
        .collect();
    for enables in features.values_mut() {
        enables.sort();
    }
    let mut module_gates: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (def, gate) in api.types.iter().zip(&type_gates) {
        module_gates
            .entry(def.module.clone())
            .or_default()
            .push(gate.clone());
    }
    for operation in &api.operations {
        module_gates
            .entry(operation.module.clone())
            .or_default()
            .push(operation.module.clone());
    }
    for gates in module_gates.values_mut() {
        gates.sort();
        gates.dedup();
    }
    FeatureMap {
        gate: modules
            .iter()
            .map(|module| ((*module).to_owned(), (*module).to_owned()))
            .collect(),
        features,
        type_gates,
        operation_gates: api
            .operations
            .iter()
            .map(|operation| operation.module.clone())
            .collect(),
        module_gates,
    }
}

/// The types a type names directly.
fn references(def: &TypeDef) -> Vec<TypeId> {
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct(body) => {
            for field in &body.fields {
                field.ty.for_each_named(&mut |id| out.push(id));
            }
        }
        TypeKind::Union(body) => {
            for variant in &body.variants {
                variant.ty.for_each_named(&mut |id| out.push(id));
            }
        }
        TypeKind::Enum(_) => {}
    }
    out
}

/// A stable 32-bit hash (FNV-1a) of a set's text, so that an internal feature keeps its name
/// across spec updates for as long as its set of families is the same.
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}
