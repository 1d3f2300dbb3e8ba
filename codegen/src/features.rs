//! Cargo features per resource family, for standalone crates: a program compiles only the
//! modules it enables and the ones they reference.

use crate::ir::{Api, OperationParams, ResponseBody, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Which feature gates each module, and what each feature enables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureMap {
    /// Module -> the feature its `#[cfg]` names.
    pub gate: BTreeMap<String, String>,
    /// Feature -> the features it enables, as Cargo.toml's `[features]` lists them.
    pub features: BTreeMap<String, Vec<String>>,
}

/// One feature per module, named after it. Modules that reference each other in a cycle
/// (customer -> invoice -> customer) cannot each gate on their own feature, since Cargo refuses
/// cyclic features; such a cycle is gated together on `group-<first module>`, which each of
/// its modules' features enables.
pub fn feature_map(api: &Api) -> FeatureMap {
    let references = module_references(api);
    let modules: Vec<&String> = references.keys().collect();
    let components = strongly_connected(&references);
    let mut group_of: HashMap<&str, String> = HashMap::new();
    for component in &components {
        let gate = match component.as_slice() {
            [single] => (*single).clone(),
            members => format!("group-{}", members[0]),
        };
        for member in component {
            group_of.insert(member.as_str(), gate.clone());
        }
    }
    let mut map = FeatureMap::default();
    for module in modules {
        let gate = group_of[module.as_str()].clone();
        map.gate.insert(module.clone(), gate.clone());
        if gate != *module {
            map.features.insert(module.clone(), vec![gate.clone()]);
        }
        let deps: BTreeSet<String> = references[module]
            .iter()
            .map(|target| group_of[target.as_str()].clone())
            .filter(|target| *target != gate)
            .collect();
        map.features.entry(gate).or_default().extend(deps);
    }
    for deps in map.features.values_mut() {
        deps.sort();
        deps.dedup();
    }
    map
}

/// Module -> the other modules its types and operations name.
fn module_references(api: &Api) -> BTreeMap<String, BTreeSet<String>> {
    let mut references: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let add = |from: &str, ty: &TypeRef, references: &mut BTreeMap<String, BTreeSet<String>>| {
        let entry = references.entry(from.to_owned()).or_default();
        ty.for_each_named(&mut |id| {
            let target = &api.type_def(id).module;
            if target != from {
                entry.insert(target.clone());
            }
        });
    };
    for def in &api.types {
        references.entry(def.module.clone()).or_default();
        match &def.kind {
            TypeKind::Struct(body) => body
                .fields
                .iter()
                .for_each(|field| add(&def.module, &field.ty, &mut references)),
            TypeKind::Union(body) => body
                .variants
                .iter()
                .for_each(|variant| add(&def.module, &variant.ty, &mut references)),
            TypeKind::Enum(_) => {}
        }
    }
    for operation in &api.operations {
        references.entry(operation.module.clone()).or_default();
        if let Some(OperationParams { type_id, .. }) = &operation.params {
            add(
                &operation.module,
                &TypeRef::Named(*type_id),
                &mut references,
            );
        }
        if let ResponseBody::Json(ty) = &operation.response {
            add(&operation.module, ty, &mut references);
        }
    }
    // A module only referenced, never defining anything, still needs an entry.
    let targets: Vec<String> = references.values().flatten().cloned().collect();
    for target in targets {
        references.entry(target).or_default();
    }
    references
}

/// Tarjan's algorithm, iteratively; each component's members sorted, components in a
/// deterministic order.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<&String>> {
    let nodes: Vec<&String> = graph.keys().collect();
    let position: HashMap<&String, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| (*node, i))
        .collect();
    let edges: Vec<Vec<usize>> = nodes
        .iter()
        .map(|node| {
            graph[*node]
                .iter()
                .filter_map(|target| position.get(target).copied())
                .collect()
        })
        .collect();
    let count = nodes.len();
    let mut index = vec![usize::MAX; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut components = Vec::new();
    for start in 0..count {
        if index[start] != usize::MAX {
            continue;
        }
        // (node, next edge to look at)
        let mut work = vec![(start, 0)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if index[target] == usize::MAX {
                    index[target] = next_index;
                    low[target] = next_index;
                    next_index += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(nodes[member]);
                    if member == node {
                        break;
                    }
                }
                component.sort();
                components.push(component);
            }
        }
    }
    components.sort();
    components
}
