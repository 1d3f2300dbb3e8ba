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
    let has_id = ids(&api.types);
    let is_enum: Vec<bool> = api
        .types
        .iter()
        .map(|def| matches!(def.kind, TypeKind::Enum(_)))
        .collect();
    for (index, def) in api.types.iter_mut().enumerate() {
        def.facts = type_facts(def, has_id[index]);
        if let TypeKind::Union(union) = &mut def.kind {
            box_variants(union, &is_enum);
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
        | TypeRef::Map(_)
        | TypeRef::Named(_)
        | TypeRef::Boxed(_)
        | TypeRef::List(_)
        | TypeRef::SearchResult(_)
        | TypeRef::Expandable(_)
        | TypeRef::Unsettable(_) => false,
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
