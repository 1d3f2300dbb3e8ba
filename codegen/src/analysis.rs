//! The analysis pass: after lowering, works out once every fact that emitting needs about a
//! type or an operation (derives, `Default`, redaction, validation, `HasId`, boxing, file
//! parts, streams) and stores it on the IR, so that emitting only formats.

use crate::ir::{
    Api, DebugImpl, Direction, HasId, Origin, Pagination, ResponseBody, StructDef, TypeDef,
    TypeFacts, TypeId, TypeKind, TypeRef, UnionDef, Validation,
};

/// Fills in [`TypeFacts`] for every type, the boxing of union variants, and
/// [`crate::ir::OperationFacts`] for every operation.
pub fn analyse(api: &mut Api) {
    box_cycles(&mut api.types);
    let has_id = ids(&api.types);
    // An alias is what its target is; a target is never an alias.
    let target: Vec<usize> = api
        .types
        .iter()
        .enumerate()
        .map(|(index, def)| match def.kind {
            TypeKind::Alias(target) => target.index(),
            _ => index,
        })
        .collect();
    let is_enum: Vec<bool> = target
        .iter()
        .map(|target| matches!(api.types[*target].kind, TypeKind::Enum(_)))
        .collect();
    for (index, def) in api.types.iter_mut().enumerate() {
        def.facts = type_facts(def, has_id[index]);
        if let TypeKind::Union(union) = &mut def.kind {
            box_variants(union, &is_enum);
            if union.direction == Direction::Request {
                mark_from_variants(union, &target);
            }
        }
    }
    // A use of an alias is checked as a use of its target (a target is never an alias).
    for index in 0..api.types.len() {
        if let TypeKind::Alias(target) = api.types[index].kind {
            api.types[index].facts.validation = api.types[target.index()].facts.validation;
        }
    }
    for operation in &mut api.operations {
        let item = match &operation.response {
            ResponseBody::Json(TypeRef::List(item) | TypeRef::SearchResult(item)) => Some(item),
            ResponseBody::Json(_) | ResponseBody::Binary { .. } => None,
        };
        operation.facts.streams = match (operation.pagination, item) {
            (Some(Pagination::Search), Some(_)) => true,
            // A list continues after its last object's id; without ids there is no cursor.
            (Some(Pagination::List), Some(item)) => ref_has_id(item, &has_id),
            (Some(_) | None, _) => false,
        };
        // `create` and `update` say what they send, and `search` needs its query; any other
        // call whose params are all optional is made with its path ids alone, as Stripe's own
        // libraries make it (`subscriptions.cancel(id)`), and `<method>_with` passes params.
        let all_optional = operation
            .params
            .is_some_and(|params| api.types[target[params.type_id.index()]].facts.default);
        let names_its_params = matches!(
            operation.resource_method.method.as_str(),
            "create" | "update" | "search"
        );
        operation.facts.ids_alone = all_optional && !names_its_params;
    }
}

fn type_facts(def: &TypeDef, has_id: Option<HasId>) -> TypeFacts {
    let is_params = matches!(def.origin, Origin::OperationParams { .. });
    match &def.kind {
        TypeKind::Struct(body) => struct_facts(body, is_params, has_id),
        // An alias's impls are its target's.
        TypeKind::Enum(_) | TypeKind::Alias(_) => TypeFacts::default(),
        TypeKind::Union(body) => TypeFacts {
            validation: match body.direction {
                Direction::Request => Validation::Trait,
                Direction::Response => Validation::None,
            },
            has_id,
            ..TypeFacts::default()
        },
    }
}

fn struct_facts(body: &StructDef, is_params: bool, has_id: Option<HasId>) -> TypeFacts {
    let request = body.direction == Direction::Request;
    TypeFacts {
        debug: if body.fields.iter().any(|field| field.secret) {
            DebugImpl::Redacted
        } else {
            DebugImpl::Derived
        },
        default: request && body.fields.iter().all(|field| field.optional),
        validation: match (request, is_params) {
            (false, _) => Validation::None,
            (true, false) => Validation::Trait,
            (true, true) => Validation::TraitAndInherent,
        },
        has_id,
        file_fields: body
            .fields
            .iter()
            .enumerate()
            .filter(|(_, field)| holds_files(&field.ty))
            .map(|(index, _)| index)
            .collect(),
        // Types without required fields derive `Default` instead.
        constructor: (request && !body.required.is_empty()).then(|| body.required.clone()),
    }
}

/// A file, or an array of files: what a multipart body sends as parts of their own.
fn holds_files(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::File => true,
        TypeRef::Array(item) => matches!(**item, TypeRef::File),
        TypeRef::String { .. }
        | TypeRef::Integer { .. }
        | TypeRef::Number
        | TypeRef::Boolean
        | TypeRef::Json
        | TypeRef::RangeQuery
        | TypeRef::Map(_)
        | TypeRef::Named(_)
        | TypeRef::Boxed(_)
        | TypeRef::List(_)
        | TypeRef::SearchResult(_)
        | TypeRef::Expandable(_)
        | TypeRef::Unsettable(_) => false,
    }
}

/// A request union gets `From` each variant's value whose type no other variant has, so that
/// `Some(id.into())` needs no variant name; two variants of one type would make it ambiguous.
fn mark_from_variants(union: &mut UnionDef, target: &[usize]) {
    let key = |ty: &TypeRef| -> String {
        match ty.named() {
            Some(id) => format!("#{}", target[id.index()]),
            None => format!("{ty:?}"),
        }
    };
    let keys: Vec<String> = union
        .variants
        .iter()
        .map(|variant| key(&variant.ty))
        .collect();
    for (variant, own) in union.variants.iter_mut().zip(&keys) {
        variant.has_from = keys.iter().filter(|other| *other == own).count() == 1;
    }
}

/// Union variants holding a struct or union are boxed, so one large variant does not make
/// every value of the enum large; a variant already boxed to break a cycle stays as it is.
fn box_variants(union: &mut UnionDef, is_enum: &[bool]) {
    for variant in &mut union.variants {
        variant.boxed = match &variant.ty {
            TypeRef::Named(id) => !is_enum[id.index()],
            TypeRef::String { .. }
            | TypeRef::Integer { .. }
            | TypeRef::Number
            | TypeRef::Boolean
            | TypeRef::File
            | TypeRef::Json
            | TypeRef::RangeQuery
            | TypeRef::Array(_)
            | TypeRef::Map(_)
            | TypeRef::Boxed(_)
            | TypeRef::List(_)
            | TypeRef::SearchResult(_)
            | TypeRef::Expandable(_)
            | TypeRef::Unsettable(_) => false,
        };
    }
}

/// How each type implements `HasId`: response structs with a string `id`, and response
/// unions all of whose variants have ids (list items that mix kinds).
fn ids(types: &[TypeDef]) -> Vec<Option<HasId>> {
    let mut ids: Vec<Option<Option<HasId>>> = vec![None; types.len()];
    for index in 0..types.len() {
        resolve_id(types, TypeId(index), &mut ids);
    }
    ids.into_iter().map(Option::flatten).collect()
}

/// Works out `HasId` for one type, memoised in `ids`; a union that (through other unions)
/// contains itself is taken to have no id while it is being worked out.
fn resolve_id(
    types: &[TypeDef],
    id: TypeId,
    ids: &mut Vec<Option<Option<HasId>>>,
) -> Option<HasId> {
    if let Some(known) = ids[id.index()] {
        return known;
    }
    ids[id.index()] = Some(None);
    let def = &types[id.index()];
    let result = match &def.kind {
        TypeKind::Struct(body) if body.direction == Direction::Response => body
            .fields
            .iter()
            .position(|field| field.wire_name == "id" && matches!(field.ty, TypeRef::String { .. }))
            .map(|index| {
                let field = &body.fields[index];
                HasId::Field {
                    index,
                    optional: field.is_option(),
                }
            }),
        TypeKind::Union(body) if body.direction == Direction::Response => {
            let all = body
                .variants
                .iter()
                .all(|variant| variant_has_id(types, &variant.ty, ids));
            all.then_some(HasId::Variants)
        }
        // Only request types become aliases.
        TypeKind::Struct(_) | TypeKind::Union(_) | TypeKind::Enum(_) | TypeKind::Alias(_) => None,
    };
    ids[id.index()] = Some(result);
    result
}

/// [`ref_has_id`] while the ids are still being worked out.
fn variant_has_id(types: &[TypeDef], ty: &TypeRef, ids: &mut Vec<Option<Option<HasId>>>) -> bool {
    match ty.named() {
        Some(inner) => resolve_id(types, inner, ids).is_some(),
        None => matches!(ty, TypeRef::Json),
    }
}

/// Whether values of `ty` implement `HasId`: JSON values do, and named types with an id.
fn ref_has_id(ty: &TypeRef, has_id: &[Option<HasId>]) -> bool {
    match ty {
        TypeRef::Json => true,
        TypeRef::RangeQuery => false,
        TypeRef::Named(id) | TypeRef::Boxed(id) => has_id[id.index()].is_some(),
        TypeRef::String { .. }
        | TypeRef::Integer { .. }
        | TypeRef::Number
        | TypeRef::Boolean
        | TypeRef::File
        | TypeRef::Array(_)
        | TypeRef::Map(_)
        | TypeRef::List(_)
        | TypeRef::SearchResult(_)
        | TypeRef::Expandable(_)
        | TypeRef::Unsettable(_) => false,
    }
}

/// Boxes every use by which a type contains, by value, a type of its own strongly connected
/// component of the type graph (itself included): without a `Box` there, the type would have
/// no size. The edges are the uses a value holds inline: struct fields (also inside `Option`
/// and the request side's `Unsettable`) and aliases. Vectors, maps and list pages already
/// hold their items on the heap, an `Expandable` keeps its object as JSON text, and union
/// variants that hold a struct or union are boxed anyway (see [`box_variants`]). The result
/// depends on the graph alone, never on the order lowering reached the types in.
fn box_cycles(types: &mut [TypeDef]) {
    let edges: Vec<Vec<usize>> = types.iter().map(inline_uses).collect();
    let component = strongly_connected_components(&edges);
    for (index, def) in types.iter_mut().enumerate() {
        let TypeKind::Struct(body) = &mut def.kind else {
            continue;
        };
        for field in &mut body.fields {
            box_inline_use(&mut field.ty, &|id| {
                component[id.index()] == component[index]
            });
        }
    }
}

/// The types a value of `def` holds inline, by index.
fn inline_uses(def: &TypeDef) -> Vec<usize> {
    fn visit(ty: &TypeRef, out: &mut Vec<usize>) {
        match ty {
            TypeRef::Named(id) | TypeRef::Boxed(id) => out.push(id.index()),
            TypeRef::Unsettable(inner) => visit(inner, out),
            TypeRef::String { .. }
            | TypeRef::Integer { .. }
            | TypeRef::Number
            | TypeRef::Boolean
            | TypeRef::File
            | TypeRef::Json
            | TypeRef::RangeQuery
            | TypeRef::Array(_)
            | TypeRef::Map(_)
            | TypeRef::List(_)
            | TypeRef::SearchResult(_)
            | TypeRef::Expandable(_) => {}
        }
    }
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct(body) => body
            .fields
            .iter()
            .for_each(|field| visit(&field.ty, &mut out)),
        TypeKind::Alias(target) => out.push(target.index()),
        TypeKind::Enum(_) | TypeKind::Union(_) => {}
    }
    out
}

/// Boxes `ty` where it holds inline a type for which `in_cycle` is true.
fn box_inline_use(ty: &mut TypeRef, in_cycle: &dyn Fn(TypeId) -> bool) {
    match ty {
        TypeRef::Named(id) if in_cycle(*id) => *ty = TypeRef::Boxed(*id),
        TypeRef::Unsettable(inner) => box_inline_use(inner, in_cycle),
        TypeRef::Named(_)
        | TypeRef::Boxed(_)
        | TypeRef::String { .. }
        | TypeRef::Integer { .. }
        | TypeRef::Number
        | TypeRef::Boolean
        | TypeRef::File
        | TypeRef::Json
        | TypeRef::RangeQuery
        | TypeRef::Array(_)
        | TypeRef::Map(_)
        | TypeRef::List(_)
        | TypeRef::SearchResult(_)
        | TypeRef::Expandable(_) => {}
    }
}

/// Each node's strongly connected component, as a number shared by the nodes of one
/// component (Tarjan's algorithm, without recursion, so that a deep type graph cannot
/// overflow the stack). A node with an edge to itself shares its number with that edge's end.
fn strongly_connected_components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let count = edges.len();
    let mut index_of = vec![UNVISITED; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack: Vec<usize> = Vec::new();
    let mut component = vec![UNVISITED; count];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..count {
        if index_of[root] != UNVISITED {
            continue;
        }
        // (node, position of the next edge to follow)
        let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
        index_of[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = calls.last_mut() {
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if index_of[next] == UNVISITED {
                    index_of[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    calls.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index_of[next]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index_of[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}
