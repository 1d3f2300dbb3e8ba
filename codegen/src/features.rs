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
//!
//! A type's impls (its derives and its decoder) have a gate of their own: the features that
//! reach it without going through an expandable field, whose object is decoded only when the
//! program asks for it. A family's responses name most of the API through such fields (a
//! payment intent's invoice, a customer's default source); those types are declared, so that
//! the fields can name them, but compiled with their impls only under a feature that decodes
//! them.

use crate::ir::{Api, ResponseBody, TypeDef, TypeId, TypeKind, TypeRef};
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
    /// By type id: the one feature that turns the type's impls on, reached without going
    /// through an expandable field; it implies the type's own gate.
    pub impl_gates: Vec<String>,
    /// By operation (in [`Api::operations`] order): the feature of its family.
    pub operation_gates: Vec<String>,
}

/// One feature per module; each type is gated on every feature whose module's types and
/// operations reach it, and its impls on those that reach it without an expandable field.
pub fn feature_map(api: &Api) -> FeatureMap {
    let mut modules: BTreeSet<&str> = api.types.iter().map(|def| def.module.as_str()).collect();
    modules.extend(
        api.operations
            .iter()
            .map(|operation| operation.module.as_str()),
    );
    let declared = reach(api, &modules, TypeRef::for_each_named);
    let decoded = reach(api, &modules, TypeRef::for_each_decoded);
    let mut features: BTreeMap<String, Vec<String>> = modules
        .iter()
        .map(|module| ((*module).to_owned(), Vec::new()))
        .collect();
    let type_gates: Vec<String> = declared
        .iter()
        .map(|families| gate_of(families, &mut features))
        .collect();
    let impl_gates: Vec<String> = decoded
        .iter()
        .map(|families| gate_of(families, &mut features))
        .collect();
    for enables in features.values_mut() {
        enables.sort();
    }
    FeatureMap {
        gate: modules
            .iter()
            .map(|module| ((*module).to_owned(), (*module).to_owned()))
            .collect(),
        features,
        type_gates,
        impl_gates,
        operation_gates: api
            .operations
            .iter()
            .map(|operation| operation.module.clone())
            .collect(),
    }
}

impl FeatureMap {
    /// The feature under which a union variant that comes with its resource (see
    /// [`crate::ir::UnionDef::variants_by_feature`]) holds `ty`: the feature of the resource
    /// whose module declares the type, so that a handler's match arm names the feature a user
    /// knows (`checkout_session`); for a type of no resource's module, the feature that decodes
    /// it. Either way the type and its decoder are on under it.
    pub fn variant_gate(&self, api: &Api, ty: TypeId) -> Option<&String> {
        let module = &api.type_def(ty).module;
        match self.gate.get(module) {
            Some(feature) if module != crate::SHARED_MODULE => Some(feature),
            _ => self.impl_gates.get(ty.index()),
        }
    }
}

/// By type id, the families (sorted) whose types and operations reach the type, following
/// the uses `each_use` visits.
fn reach(
    api: &Api,
    modules: &BTreeSet<&str>,
    each_use: fn(&TypeRef, &mut dyn FnMut(TypeId)),
) -> Vec<Vec<String>> {
    let edges: Vec<Vec<TypeId>> = api
        .types
        .iter()
        .map(|def| references(def, each_use))
        .collect();
    let mut families: Vec<Vec<String>> = vec![Vec::new(); api.types.len()];
    let mut reached = vec![false; api.types.len()];
    for module in modules {
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
                each_use(ty, &mut |id| pending.push(id));
            }
        }
        while let Some(id) = pending.pop() {
            if std::mem::replace(&mut reached[id.index()], true) {
                continue;
            }
            // Modules are visited in name order, so every list comes out sorted.
            families[id.index()].push((*module).to_owned());
            pending.extend(edges[id.index()].iter().copied());
        }
    }
    families
}

/// The feature that turns on what `families` reach: the family's own for one, an internal
/// feature that each of them enables for several (added to `features` the first time).
fn gate_of(families: &[String], features: &mut BTreeMap<String, Vec<String>>) -> String {
    match families {
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
    }
}

/// The types a type uses directly, as `each_use` visits its fields or variants.
fn references(def: &TypeDef, each_use: fn(&TypeRef, &mut dyn FnMut(TypeId))) -> Vec<TypeId> {
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct(body) => {
            for field in &body.fields {
                each_use(&field.ty, &mut |id| out.push(id));
            }
        }
        // A union whose variants come with their resources' features (a webhook event's
        // object) does not reach them: the program's features decide which are typed.
        TypeKind::Union(body) if body.variants_by_feature => {}
        TypeKind::Union(body) => {
            for variant in &body.variants {
                each_use(&variant.ty, &mut |id| out.push(id));
            }
        }
        TypeKind::Alias(target) => out.push(*target),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A payment intent whose `invoice` is expandable, and whose `shipping` is a plain
    /// reference into the invoice family's types.
    const SPEC: &str = r##"
openapi: 3.0.0
info: { title: gates, version: "2023-08-16" }
paths:
  /v1/payment_intents/{intent}:
    get:
      operationId: GetPaymentIntentsIntent
      parameters:
        - { name: intent, in: path, required: true, schema: { type: string, maxLength: 5000 } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/payment_intent" }
components:
  schemas:
    payment_intent:
      type: object
      x-resourceId: payment_intent
      required: [id]
      properties:
        id: { type: string, maxLength: 5000 }
        invoice:
          anyOf:
            - { type: string, maxLength: 5000 }
            - $ref: "#/components/schemas/invoice"
          nullable: true
          x-expansionResources:
            oneOf:
              - $ref: "#/components/schemas/invoice"
        shipping:
          $ref: "#/components/schemas/invoice_address"
    invoice:
      type: object
      x-resourceId: invoice
      required: [id]
      properties:
        id: { type: string, maxLength: 5000 }
        lines:
          $ref: "#/components/schemas/invoice_line"
    invoice_line:
      type: object
      properties:
        amount: { type: integer }
    invoice_address:
      type: object
      properties:
        city: { type: string, maxLength: 5000 }
"##;

    fn gates(component: &str) -> (String, String) {
        let spec = crate::load::parse_spec("gates.yaml", SPEC).expect("the spec parses");
        let api = crate::lower::lower(&spec, "gates.yaml", &crate::Selection::All)
            .expect("the spec lowers");
        let map = feature_map(&api);
        let index = api
            .types
            .iter()
            .position(|def| {
                matches!(&def.origin, crate::ir::Origin::Component { name } if name == component)
            })
            .unwrap_or_else(|| panic!("no type for {component}"));
        (map.type_gates[index].clone(), map.impl_gates[index].clone())
    }

    #[test]
    fn a_type_reached_only_through_an_expandable_field_is_decoded_only_by_its_own_family() {
        let (declared, decoded) = gates("invoice");
        assert!(declared.starts_with("_reach-"), "{declared}");
        assert_eq!(decoded, "invoice");
        // Its own fields' types follow it.
        let (declared, decoded) = gates("invoice_line");
        assert!(declared.starts_with("_reach-"), "{declared}");
        assert_eq!(decoded, "invoice");
    }

    #[test]
    fn a_type_reached_directly_is_decoded_wherever_it_is_declared() {
        let (declared, decoded) = gates("invoice_address");
        assert!(declared.starts_with("_reach-"), "{declared}");
        assert_eq!(decoded, declared);
        assert_eq!(
            gates("payment_intent"),
            ("payment_intent".to_owned(), "payment_intent".to_owned())
        );
    }
}
