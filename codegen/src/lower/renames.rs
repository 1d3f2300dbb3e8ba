//! Renames: the names an operation's types had when they were named after its operationId
//! (`PostPricesParams`, `PostPricesParamsRecurringInterval`, `GetCustomersCustomerResponse`),
//! kept on the types as deprecated aliases for the 0.4 line, so that programs written against
//! 0.3 still build, with a warning that names the new type.
//!
//! An operation's params type and the types inline below it were named by appending their
//! field path to `<OperationId>Params`; today they append it to `<Resource><Method>Params`.
//! So each old name is the new one with that prefix swapped back, for the types defined under
//! the operation's own place in the spec. Its response was `<OperationId>Response`.

use crate::ir::{Api, ResponseBody};
use crate::naming::{nested_type_name, type_name};
use rustc_hash::{FxHashMap, FxHashSet};

/// Records each type's operationId-era names in [`crate::ir::TypeDef::deprecated_names`]. A
/// name that another type has today, or that an earlier type already kept, is not kept: a
/// deprecated alias must never stand in the way of a current name.
pub(super) fn keep_operation_id_names(api: &mut Api) {
    let mut taken: FxHashSet<String> = api.types.iter().map(|def| def.name.clone()).collect();
    // (new prefix, old prefix) for the types under each operation's place, by its pointer.
    let mut prefixes: FxHashMap<&str, Vec<(String, String)>> = FxHashMap::default();
    // Types that take an old name whole: a response shared by several operations, under the
    // name each operation gave it.
    let mut whole: Vec<(usize, String)> = Vec::new();
    for operation in &api.operations {
        let old_base = type_name(&operation.operation_id);
        let entry = prefixes.entry(operation.pointer.as_str()).or_default();
        if let Some(params) = operation.params {
            entry.push((
                api.type_def(params.type_id).name.clone(),
                nested_type_name(&old_base, "Params"),
            ));
        }
        let old_response = nested_type_name(&old_base, "Response");
        entry.push((
            nested_type_name(&operation.type_base, "Response"),
            old_response.clone(),
        ));
        if let ResponseBody::Json(ty) = &operation.response
            && let Some(id) = ty.named()
        {
            let def = api.type_def(id);
            if def.origin == crate::ir::Origin::Inline {
                if def.pointer.starts_with(&format!("{}/", operation.pointer)) {
                    entry.push((def.name.clone(), old_response));
                } else {
                    whole.push((id.index(), old_response));
                }
            }
        }
    }
    let mut renamed: Vec<(usize, String)> = Vec::new();
    for (index, def) in api.types.iter().enumerate() {
        let Some(prefixes) = operation_pointer(&def.pointer).and_then(|at| prefixes.get(at)) else {
            continue;
        };
        let old = prefixes
            .iter()
            .filter(|(new, _)| def.name.starts_with(new.as_str()))
            .max_by_key(|(new, _)| new.len())
            .map(|(new, old)| format!("{old}{}", &def.name[new.len()..]));
        if let Some(old) = old {
            renamed.push((index, old));
        }
    }
    renamed.extend(whole);
    for (index, old) in renamed {
        if old != api.types[index].name && taken.insert(old.clone()) {
            api.types[index].deprecated_names.push(old);
        }
    }
    for def in &mut api.types {
        def.deprecated_names.sort();
    }
}

/// The pointer of the operation a spec location is under
/// (`/paths/~1v1~1prices/post/requestBody/...` -> `/paths/~1v1~1prices/post`).
fn operation_pointer(pointer: &str) -> Option<&str> {
    let rest = pointer.strip_prefix("/paths/")?;
    let path_end = rest.find('/')?;
    let method_end = rest[path_end + 1..]
        .find('/')
        .map_or(rest.len(), |end| path_end + 1 + end);
    Some(&pointer[..7 + method_end])
}

#[cfg(test)]
mod tests {
    use super::operation_pointer;

    #[test]
    fn operation_pointers() {
        assert_eq!(
            operation_pointer("/paths/~1v1~1prices/post/requestBody/content"),
            Some("/paths/~1v1~1prices/post")
        );
        assert_eq!(
            operation_pointer("/paths/~1v1~1prices/get"),
            Some("/paths/~1v1~1prices/get")
        );
        assert_eq!(operation_pointer("/components/schemas/price"), None);
    }
}
