//! api-diff: one mutated pair of documents per kind of change, each checked for its class,
//! kind, Rust path and JSON pointer; the kinds no spec edit can produce (a generator that
//! names things differently) are checked on edited surfaces; and the semver arithmetic.

use stripe_codegen::Selection;
use stripe_codegen::api_diff::{
    ApiDiff, Change, ChangeClass, ChangeKind, Semver, SurfaceRecord, diff, next_version,
    parse_record, record_text, render_json, render_markdown, render_text,
};
use stripe_codegen::surface::{Surface, TypeShape, surface_of_spec};

const BASE: &str = include_str!("fixtures/api_diff/base.yaml");

const POST_BODY: &str =
    "/paths/~1v1~1widgets/post/requestBody/content/application~1x-www-form-urlencoded/schema";
const WIDGET: &str = "/components/schemas/widget";

fn surface(text: &str, with_features: bool) -> Surface {
    surface_of_spec("api_diff.yaml", text, &Selection::All, with_features, false)
        .unwrap_or_else(|error| panic!("the fixture lowers: {error}"))
}

/// The base document with one piece of text replaced (which must be there).
fn mutate(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "the base document has no {from:?}");
    BASE.replacen(from, to, 1)
}

fn compare(old: &str, new: &str) -> ApiDiff {
    diff(&surface(old, true), &surface(new, true))
}

/// The one change of `kind` at `rust`, checked for its class and pointer.
#[track_caller]
fn expect(
    diff: &ApiDiff,
    class: ChangeClass,
    kind: ChangeKind,
    rust: &str,
    pointer: &str,
) -> Change {
    let found: Vec<&Change> = diff
        .changes
        .iter()
        .filter(|change| change.kind == kind && change.rust == rust)
        .collect();
    let [change] = found.as_slice() else {
        panic!(
            "expected one {} at {rust}, found {}:\n{}",
            kind.as_str(),
            found.len(),
            render_json(diff)
        );
    };
    assert_eq!(change.class, class, "{}", render_json(diff));
    assert_eq!(change.pointer, pointer, "{}", render_json(diff));
    (*change).clone()
}

/// The only change of a diff, checked in full.
#[track_caller]
fn expect_only(
    diff: &ApiDiff,
    class: ChangeClass,
    kind: ChangeKind,
    rust: &str,
    pointer: &str,
) -> Change {
    assert_eq!(diff.changes.len(), 1, "{}", render_json(diff));
    expect(diff, class, kind, rust, pointer)
}

#[test]
fn identical_documents_have_no_changes() {
    let diff = compare(BASE, BASE);
    assert!(diff.changes.is_empty(), "{}", render_json(&diff));
    assert_eq!(diff.semver, Semver::None);
}

#[test]
fn operation_added_and_removed() {
    let with_delete = mutate(
        "  /v1/widgets/{widget}:\n    get:",
        "  /v1/widgets/{widget}:
    delete:
      operationId: DeleteWidgetsWidget
      parameters:
        - name: widget
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/widget'
    get:",
    );
    let pointer = "/paths/~1v1~1widgets~1{widget}/delete";
    let added = compare(BASE, &with_delete);
    let change = expect_only(
        &added,
        ChangeClass::Compatible,
        ChangeKind::OperationAdded,
        "Client::delete_widgets_widget",
        pointer,
    );
    assert_eq!(change.operation.as_deref(), Some("DeleteWidgetsWidget"));
    assert_eq!(added.semver, Semver::Minor);
    let removed = compare(&with_delete, BASE);
    expect_only(
        &removed,
        ChangeClass::Breaking,
        ChangeKind::OperationRemoved,
        "Client::delete_widgets_widget",
        pointer,
    );
    assert_eq!(removed.semver, Semver::Major);
}

#[test]
fn params_field_removed_and_optional_field_added() {
    let without_size = mutate(
        "                size:\n                  type: integer\n",
        "",
    );
    let pointer = format!("{POST_BODY}/properties/size");
    let removed = compare(BASE, &without_size);
    let change = expect_only(
        &removed,
        ChangeClass::Breaking,
        ChangeKind::FieldRemoved,
        "WidgetCreateParams.size",
        &pointer,
    );
    assert_eq!(change.operation.as_deref(), Some("PostWidgets"));
    let added = compare(&without_size, BASE);
    expect_only(
        &added,
        ChangeClass::Compatible,
        ChangeKind::FieldAdded,
        "WidgetCreateParams.size",
        &pointer,
    );
}

#[test]
fn required_params_field_added_is_breaking() {
    let new = mutate(
        "                - name\n              properties:\n",
        "                - name\n                - weight\n              properties:\n                weight:\n                  type: integer\n",
    );
    let change = expect_only(
        &compare(BASE, &new),
        ChangeClass::Breaking,
        ChangeKind::FieldAdded,
        "WidgetCreateParams.weight",
        &format!("{POST_BODY}/properties/weight"),
    );
    assert_eq!(change.detail, "new required field: i64");
}

#[test]
fn params_field_now_required_and_now_optional() {
    let size_required = mutate(
        "                - name\n              properties:",
        "                - name\n                - size\n              properties:",
    );
    let change = expect_only(
        &compare(BASE, &size_required),
        ChangeClass::Breaking,
        ChangeKind::FieldNowRequired,
        "WidgetCreateParams.size",
        &format!("{POST_BODY}/properties/size"),
    );
    assert_eq!(change.detail, "optional -> required (Option<i64> -> i64)");
    // Loosening the API still changes the Rust type callers assign to.
    let name_optional = mutate("              required:\n                - name\n", "");
    let changes = compare(BASE, &name_optional);
    let change = expect(
        &changes,
        ChangeClass::Breaking,
        ChangeKind::FieldNowOptional,
        "WidgetCreateParams.name",
        &format!("{POST_BODY}/properties/name"),
    );
    assert_eq!(
        change.detail,
        "required -> optional (String -> Option<String>)"
    );
    // With no required field left, the params derive `Default`: a trait impl is part of the
    // surface, and one added is compatible.
    let change = expect(
        &changes,
        ChangeClass::Compatible,
        ChangeKind::ImplAdded,
        "WidgetCreateParams",
        POST_BODY,
    );
    assert_eq!(change.detail, "Default (always)");
    assert_eq!(changes.changes.len(), 2, "{}", render_json(&changes));
    // The other way, the impl removed breaks code that called `default()`.
    let changes = compare(&name_optional, BASE);
    let change = expect(
        &changes,
        ChangeClass::Breaking,
        ChangeKind::ImplRemoved,
        "WidgetCreateParams",
        POST_BODY,
    );
    assert_eq!(change.detail, "Default (always)");
}

#[test]
fn a_trait_impl_that_needs_a_new_feature_is_breaking() {
    let old = surface(BASE, true);
    let mut new = old.clone();
    let widget = new.types.get_mut("Widget").expect("the base has a Widget");
    let serialize = widget
        .impls
        .iter_mut()
        .find(|item| item.trait_name == "serde::Serialize")
        .expect("responses serialize with a feature");
    assert_eq!(serialize.features, ["serialize"]);
    serialize.features.push("partial-eq".to_owned());
    let changes = diff(&old, &new);
    let change = expect(
        &changes,
        ChangeClass::Breaking,
        ChangeKind::ImplFeaturesChanged,
        "Widget",
        WIDGET,
    );
    assert_eq!(
        change.detail,
        "serde::Serialize: with serialize -> with serialize + partial-eq"
    );
    // Needing fewer features is compatible.
    let changes = diff(&new, &old);
    expect(
        &changes,
        ChangeClass::Compatible,
        ChangeKind::ImplFeaturesChanged,
        "Widget",
        WIDGET,
    );
}

#[test]
fn params_field_type_changed() {
    let new = mutate(
        "                size:\n                  type: integer",
        "                size:\n                  type: number",
    );
    let change = expect_only(
        &compare(BASE, &new),
        ChangeClass::Breaking,
        ChangeKind::FieldTypeChanged,
        "WidgetCreateParams.size",
        &format!("{POST_BODY}/properties/size"),
    );
    assert_eq!(change.detail, "Option<i64> -> Option<f64>");
}

#[test]
fn max_length_lowered_is_breaking_and_raised_is_compatible() {
    let pointer = format!("{POST_BODY}/properties/name");
    let lowered = mutate("maxLength: 100", "maxLength: 50");
    let change = expect_only(
        &compare(BASE, &lowered),
        ChangeClass::Breaking,
        ChangeKind::MaxLengthChanged,
        "WidgetCreateParams.name",
        &pointer,
    );
    assert_eq!(change.detail, "maxLength 100 -> 50");
    let raised = mutate("maxLength: 100", "maxLength: 500");
    expect_only(
        &compare(BASE, &raised),
        ChangeClass::Compatible,
        ChangeKind::MaxLengthChanged,
        "WidgetCreateParams.name",
        &pointer,
    );
    // A query parameter's field is located at its entry in `parameters`; a limit on the items
    // of an array counts too.
    let items = mutate(
        "            items:\n              type: string\n              maxLength: 5000",
        "            items:\n              type: string\n              maxLength: 20",
    );
    let change = expect_only(
        &compare(BASE, &items),
        ChangeClass::Breaking,
        ChangeKind::MaxLengthChanged,
        "WidgetRetrieveParams.expand",
        "/paths/~1v1~1widgets~1{widget}/get/parameters/1",
    );
    assert_eq!(change.operation.as_deref(), Some("GetWidgetsWidget"));
}

#[test]
fn params_enum_value_added_and_removed() {
    let with_green = mutate(
        "                    - red\n                    - blue\n",
        "                    - red\n                    - blue\n                    - green\n",
    );
    expect_only(
        &compare(BASE, &with_green),
        ChangeClass::Compatible,
        ChangeKind::EnumValueAdded,
        "WidgetCreateParamsColor::Green",
        &format!("{POST_BODY}/properties/color/enum/2"),
    );
    let without_blue = mutate(
        "                    - red\n                    - blue\n",
        "                    - red\n",
    );
    let change = expect_only(
        &compare(BASE, &without_blue),
        ChangeClass::Breaking,
        ChangeKind::EnumValueRemoved,
        "WidgetCreateParamsColor::Blue",
        &format!("{POST_BODY}/properties/color/enum/1"),
    );
    assert_eq!(change.detail, "value \"blue\"");
}

#[test]
fn response_enum_value_added_is_compatible_and_removed_is_breaking() {
    let statuses = "            - active\n            - inactive\n";
    let with_archived = mutate(
        statuses,
        "            - active\n            - inactive\n            - archived\n",
    );
    let change = expect_only(
        &compare(BASE, &with_archived),
        ChangeClass::Compatible,
        ChangeKind::EnumValueAdded,
        "WidgetStatus::Archived",
        &format!("{WIDGET}/properties/status/enum/2"),
    );
    assert_eq!(
        change.operation, None,
        "a component is shared, not an operation's"
    );
    expect_only(
        &compare(&with_archived, BASE),
        ChangeClass::Breaking,
        ChangeKind::EnumValueRemoved,
        "WidgetStatus::Archived",
        &format!("{WIDGET}/properties/status/enum/2"),
    );
}

#[test]
fn response_field_removed_and_added() {
    let without_count = mutate("        count:\n          type: integer\n", "");
    let pointer = format!("{WIDGET}/properties/count");
    expect_only(
        &compare(BASE, &without_count),
        ChangeClass::Breaking,
        ChangeKind::ResponseFieldRemoved,
        "Widget.count",
        &pointer,
    );
    expect_only(
        &compare(&without_count, BASE),
        ChangeClass::Compatible,
        ChangeKind::ResponseFieldAdded,
        "Widget.count",
        &pointer,
    );
}

#[test]
fn response_field_now_optional_and_now_required() {
    let id_optional = mutate("        - id\n        - object\n", "        - object\n");
    let change = expect_only(
        &compare(BASE, &id_optional),
        ChangeClass::Breaking,
        ChangeKind::ResponseFieldNowOptional,
        "Widget.id",
        &format!("{WIDGET}/properties/id"),
    );
    assert_eq!(change.detail, "String -> Option<String>");
    let count_required = mutate(
        "        - id\n        - object\n",
        "        - id\n        - object\n        - count\n",
    );
    expect_only(
        &compare(BASE, &count_required),
        ChangeClass::Breaking,
        ChangeKind::ResponseFieldNowRequired,
        "Widget.count",
        &format!("{WIDGET}/properties/count"),
    );
    // `nullable` keeps the `Option`, so a required but nullable field changes nothing in Rust.
    let nullable_required = mutate(
        "        - id\n        - object\n",
        "        - id\n        - object\n        - nickname\n",
    );
    let diff = compare(BASE, &nullable_required);
    assert!(diff.changes.is_empty(), "{}", render_json(&diff));
}

#[test]
fn response_field_type_changed() {
    let new = mutate(
        "        count:\n          type: integer",
        "        count:\n          type: string",
    );
    let change = expect_only(
        &compare(BASE, &new),
        ChangeClass::Breaking,
        ChangeKind::ResponseFieldTypeChanged,
        "Widget.count",
        &format!("{WIDGET}/properties/count"),
    );
    assert_eq!(change.detail, "Option<i64> -> Option<String>");
}

#[test]
fn descriptions_only_are_docs() {
    let new = mutate("The widget's name.", "What the widget is called.");
    let diff = compare(BASE, &new);
    expect_only(
        &diff,
        ChangeClass::Docs,
        ChangeKind::DocChanged,
        "WidgetCreateParams.name",
        &format!("{POST_BODY}/properties/name"),
    );
    assert_eq!(diff.semver, Semver::Patch);
    let new = mutate(
        "description: Creates a widget.",
        "description: Makes a widget.",
    );
    expect_only(
        &compare(BASE, &new),
        ChangeClass::Docs,
        ChangeKind::DocChanged,
        "Client::post_widgets",
        "/paths/~1v1~1widgets/post",
    );
    let new = mutate("description: A widget.", "description: A small widget.");
    expect_only(
        &compare(BASE, &new),
        ChangeClass::Docs,
        ChangeKind::DocChanged,
        "Widget",
        WIDGET,
    );
}

#[test]
fn api_version_changed() {
    let new = mutate("version: '2024-01-01'", "version: '2024-06-01'");
    let diff = compare(BASE, &new);
    let change = expect_only(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::ApiVersionChanged,
        "API_VERSION",
        "/info/version",
    );
    assert_eq!(change.operation, None);
    assert_eq!(
        (diff.from.as_str(), diff.to.as_str()),
        ("2024-01-01", "2024-06-01")
    );
}

/// A new operation on a new resource brings its types and, in a whole-API crate, its feature.
fn with_gadgets() -> String {
    mutate(
        "components:\n  schemas:\n",
        "  /v1/gadgets:
    post:
      operationId: PostGadgets
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/gadget'
components:
  schemas:
    gadget:
      type: object
      properties:
        id:
          type: string
      x-resourceId: gadget
",
    )
}

#[test]
fn feature_and_type_added_and_removed() {
    let added = compare(BASE, &with_gadgets());
    expect(
        &added,
        ChangeClass::Compatible,
        ChangeKind::FeatureAdded,
        "features.gadget",
        "/components/schemas/gadget",
    );
    expect(
        &added,
        ChangeClass::Compatible,
        ChangeKind::TypeAdded,
        "Gadget",
        "/components/schemas/gadget",
    );
    expect(
        &added,
        ChangeClass::Compatible,
        ChangeKind::OperationAdded,
        "Client::post_gadgets",
        "/paths/~1v1~1gadgets/post",
    );
    assert_eq!(added.changes.len(), 3, "{}", render_json(&added));
    let removed = compare(&with_gadgets(), BASE);
    expect(
        &removed,
        ChangeClass::Breaking,
        ChangeKind::FeatureRemoved,
        "features.gadget",
        "/components/schemas/gadget",
    );
    expect(
        &removed,
        ChangeClass::Breaking,
        ChangeKind::TypeRemoved,
        "Gadget",
        "/components/schemas/gadget",
    );
    // Without features (the checked-in crate has none), only the operation and type remain.
    let plain = diff(&surface(&with_gadgets(), false), &surface(BASE, false));
    assert_eq!(plain.changes.len(), 2, "{}", render_json(&plain));
}

#[test]
fn union_variant_added_and_removed() {
    let with_gadget = with_gadgets().replacen(
        "            - $ref: '#/components/schemas/square'\n",
        "            - $ref: '#/components/schemas/square'\n            - $ref: '#/components/schemas/gadget'\n",
        1,
    );
    let pointer = format!("{WIDGET}/properties/attachment");
    let added = diff(
        &surface(&with_gadgets(), false),
        &surface(&with_gadget, false),
    );
    expect_only(
        &added,
        ChangeClass::Compatible,
        ChangeKind::UnionVariantAdded,
        "WidgetAttachment::Gadget",
        &pointer,
    );
    let removed = diff(
        &surface(&with_gadget, false),
        &surface(&with_gadgets(), false),
    );
    expect_only(
        &removed,
        ChangeClass::Breaking,
        ChangeKind::UnionVariantRemoved,
        "WidgetAttachment::Gadget",
        &pointer,
    );
}

#[test]
fn type_moved_to_another_module() {
    let new = mutate(
        "    circle:\n      type: object\n",
        "    circle:\n      x-resourceId: circle\n      type: object\n",
    );
    let diff = diff(&surface(BASE, false), &surface(&new, false));
    let change = expect(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::TypeMoved,
        "Circle",
        "/components/schemas/circle",
    );
    assert!(
        change.detail.starts_with("module `shared` -> `circle`"),
        "{}",
        change.detail
    );
}

#[test]
fn endpoint_path_params_params_type_and_response_type_changes() {
    let moved = mutate(
        "  /v1/widgets:\n    post:",
        "  /v1/widgets/create:\n    post:",
    );
    // The path moves, so the POST becomes its own path item; GET stays at /v1/widgets.
    let moved = moved.replacen(
        "                $ref: '#/components/schemas/error'\n    get:\n      operationId: GetWidgets",
        "                $ref: '#/components/schemas/error'\n  /v1/widgets:\n    get:\n      operationId: GetWidgets",
        1,
    );
    let change = expect(
        &compare(BASE, &moved),
        ChangeClass::Compatible,
        ChangeKind::OperationEndpointChanged,
        "Client::post_widgets",
        "/paths/~1v1~1widgets~1create/post",
    );
    assert_eq!(change.detail, "POST /v1/widgets -> POST /v1/widgets/create");

    let renamed_param = mutate("  /v1/widgets/{widget}:", "  /v1/widgets/{id}:").replacen(
        "        - name: widget\n          in: path",
        "        - name: id\n          in: path",
        1,
    );
    let change = expect(
        &compare(BASE, &renamed_param),
        ChangeClass::Breaking,
        ChangeKind::PathParamsChanged,
        "Client::get_widgets_widget",
        "/paths/~1v1~1widgets~1{id}/get",
    );
    assert_eq!(change.detail, "arguments (widget) -> (id)");

    let no_query = mutate(
        "        - name: expand
          in: query
          schema:
            type: array
            items:
              type: string
              maxLength: 5000
",
        "",
    );
    let diff = compare(BASE, &no_query);
    let change = expect(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::ParamsTypeChanged,
        "Client::get_widgets_widget",
        "/paths/~1v1~1widgets~1{widget}/get",
    );
    assert_eq!(change.detail, "params WidgetRetrieveParams -> none");
    expect(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::TypeRemoved,
        "WidgetRetrieveParams",
        "/paths/~1v1~1widgets~1{widget}/get/parameters",
    );

    let returns_circle = mutate(
        "              schema:\n                $ref: '#/components/schemas/widget'\n        default:\n          description: Error\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/error'\ncomponents:",
        "              schema:\n                $ref: '#/components/schemas/circle'\n        default:\n          description: Error\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/error'\ncomponents:",
    );
    let change = expect(
        &compare(BASE, &returns_circle),
        ChangeClass::Breaking,
        ChangeKind::ResponseTypeChanged,
        "Client::get_widgets_widget",
        "/paths/~1v1~1widgets~1{widget}/get",
    );
    assert_eq!(change.detail, "returns Widget -> Circle");
}

#[test]
fn pagination_lost_is_breaking() {
    let no_cursor = mutate(
        "        - name: starting_after
          in: query
          schema:
            type: string
            maxLength: 5000
",
        "",
    );
    let diff = compare(BASE, &no_cursor);
    expect(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::PaginationChanged,
        "Client::get_widgets",
        "/paths/~1v1~1widgets/get",
    );
    expect(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::FieldRemoved,
        "WidgetListParams.starting_after",
        "/paths/~1v1~1widgets/get/parameters/1",
    );
    let back = compare(&no_cursor, BASE);
    expect(
        &back,
        ChangeClass::Compatible,
        ChangeKind::PaginationChanged,
        "Client::get_widgets",
        "/paths/~1v1~1widgets/get",
    );
}

#[test]
fn request_enum_variant_renamed_by_a_clash() {
    // `a-b` and `a_b` both read `AB`; the second one listed is numbered, so reordering them
    // renames both variants although the values stay.
    let old = mutate(
        "                    - red\n                    - blue\n",
        "                    - a-b\n                    - a_b\n",
    );
    let new = mutate(
        "                    - red\n                    - blue\n",
        "                    - a_b\n                    - a-b\n",
    );
    let diff = compare(&old, &new);
    let change = expect(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::EnumVariantRenamed,
        "WidgetCreateParamsColor::AB",
        &format!("{POST_BODY}/properties/color/enum/0"),
    );
    assert_eq!(change.detail, "value \"a_b\": AB2 -> AB");
}

/// The generator itself can rename things or change a type's shape (a new naming rule, the
/// IR redesign); regen compares the record with the new generator's surface, so those kinds
/// are checked on a surface edited the way such a change would.
#[test]
fn generator_side_renames_and_reshapes() {
    let old = surface(BASE, false);
    let mut new = old.clone();
    let operation = new.operations.get_mut("PostWidgets").expect("operation");
    operation.method_name = "create_widget".to_owned();
    let params = new.types.get_mut("WidgetCreateParams").expect("params");
    let TypeShape::Struct { fields } = &mut params.shape else {
        panic!("params are a struct")
    };
    fields[0].rust_name = "widget_name".to_owned();
    let widget = new.types.get_mut("Widget").expect("widget");
    let TypeShape::Struct { fields } = &mut widget.shape else {
        panic!("widget is a struct")
    };
    let nickname = fields
        .iter_mut()
        .find(|field| field.wire_name == "nickname")
        .expect("nickname");
    nickname.rust_name = "nick".to_owned();
    let attachment = new.types.get_mut("WidgetAttachment").expect("union");
    let TypeShape::Union { variants } = &mut attachment.shape else {
        panic!("attachment is a union")
    };
    variants[0].rust_type = "Box<Circle>".to_owned();
    let circle = new.types.get_mut("Circle").expect("circle");
    circle.shape = TypeShape::Enum { values: Vec::new() };

    let diff = diff(&old, &new);
    expect(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::MethodRenamed,
        "Client::create_widget",
        "/paths/~1v1~1widgets/post",
    );
    expect(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::FieldRenamed,
        "WidgetCreateParams.widget_name",
        &format!("{POST_BODY}/properties/name"),
    );
    expect(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::ResponseFieldRenamed,
        "Widget.nick",
        &format!("{WIDGET}/properties/nickname"),
    );
    expect(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::UnionVariantTypeChanged,
        "WidgetAttachment::Circle",
        &format!("{WIDGET}/properties/attachment"),
    );
    let change = expect(
        &diff,
        ChangeClass::Breaking,
        ChangeKind::TypeKindChanged,
        "Circle",
        "/components/schemas/circle",
    );
    assert_eq!(
        change.detail,
        "response struct in `shared` -> response enum in `shared`"
    );
    assert_eq!(diff.changes.len(), 5, "{}", render_json(&diff));
}

#[test]
fn changes_are_ordered_breaking_first_and_deterministic() {
    let new = mutate("maxLength: 100", "maxLength: 50")
        .replacen("The widget's name.", "The name.", 1)
        .replacen("                size:\n                  type: integer\n", "                size:\n                  type: integer\n                note:\n                  type: string\n", 1);
    let first = compare(BASE, &new);
    let classes: Vec<ChangeClass> = first.changes.iter().map(|change| change.class).collect();
    assert_eq!(
        classes,
        [
            ChangeClass::Breaking,
            ChangeClass::Compatible,
            ChangeClass::Docs
        ]
    );
    assert_eq!(first.semver, Semver::Major);
    assert_eq!(render_json(&first), render_json(&compare(BASE, &new)));
}

#[test]
fn json_output_has_the_documented_shape() {
    let diff = compare(BASE, &mutate("maxLength: 100", "maxLength: 50"));
    let value: serde_json::Value = serde_json::from_str(&render_json(&diff)).expect("json");
    let expected = serde_json::json!({
        "from": "2024-01-01",
        "to": "2024-01-01",
        "semver": "major",
        "changes": [{
            "class": "breaking",
            "kind": "max_length_changed",
            "operation": "PostWidgets",
            "rust": "WidgetCreateParams.name",
            "pointer": format!("{POST_BODY}/properties/name"),
            "detail": "maxLength 100 -> 50"
        }]
    });
    assert_eq!(value, expected);
    let keys: Vec<&String> = value.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["changes", "from", "semver", "to"], "no other keys");
}

#[test]
fn text_and_markdown_group_by_class_and_explain_0x() {
    let new =
        mutate("maxLength: 100", "maxLength: 50").replacen("The widget's name.", "The name.", 1);
    let diff = compare(BASE, &new);
    let text = render_text(&diff, Some("0.3.1"));
    assert!(
        text.contains("  Breaking (1):\n    max_length_changed"),
        "{text}"
    );
    assert!(text.contains("  Docs (1):"), "{text}");
    assert!(text.find("Breaking").expect("breaking") < text.find("Docs").expect("docs"));
    assert!(text.contains("stripe-sdk 0.3.1 -> 0.4.0"), "{text}");
    assert!(text.contains("While the crate is 0.x"), "{text}");
    let markdown = render_markdown(&diff, Some("0.3.1"));
    assert!(markdown.contains("### Breaking (1)"), "{markdown}");
    assert!(
        markdown.contains("<details><summary>Docs (1)</summary>"),
        "{markdown}"
    );
    assert!(markdown.contains("| `max_length_changed` | `WidgetCreateParams.name` | `PostWidgets` | maxLength 100 -> 50 |"), "{markdown}");
}

#[test]
fn semver_bumps_follow_cargo_rules() {
    let cases = [
        ("0.1.0", Semver::Major, "0.2.0"),
        ("0.1.3", Semver::Minor, "0.1.4"),
        ("0.1.3", Semver::Patch, "0.1.4"),
        ("0.1.3", Semver::None, "0.1.3"),
        ("1.2.3", Semver::Major, "2.0.0"),
        ("1.2.3", Semver::Minor, "1.3.0"),
        ("1.2.3", Semver::Patch, "1.2.4"),
    ];
    for (current, bump, expected) in cases {
        assert_eq!(
            next_version(current, bump).expect("bumps"),
            expected,
            "{current} {bump:?}"
        );
    }
    for bad in ["1.2", "1.2.x", "1.2.3-beta", ""] {
        let error = next_version(bad, Semver::Major).expect_err("refused");
        assert!(error.to_string().contains("MAJOR.MINOR.PATCH"), "{error}");
    }
}

#[test]
fn record_round_trips_and_bad_records_name_the_place() {
    let record = SurfaceRecord {
        generated: "test".to_owned(),
        crate_version: "0.1.0".to_owned(),
        pending_bump: Semver::Minor,
        surface: surface(BASE, true),
    };
    let text = record_text(&record);
    assert_eq!(parse_record("r.json", &text).expect("parses"), record);
    let error = parse_record("r.json", "{\n  \"surface\": 3\n}").expect_err("refused");
    let message = error.to_string();
    assert!(message.starts_with("r.json:2:"), "{message}");
}

#[test]
fn bad_specs_get_the_generators_errors() {
    let dangling = mutate(
        "$ref: '#/components/schemas/circle'",
        "$ref: '#/components/schemas/nowhere'",
    );
    let error =
        surface_of_spec("bad.yaml", &dangling, &Selection::All, true, false).expect_err("refused");
    let message = error.to_string();
    assert!(
        message.contains("bad.yaml#/components/schemas/widget/properties/attachment/anyOf/0"),
        "{message}"
    );
    assert!(message.contains("dangling $ref"), "{message}");
    let error = surface_of_spec("bad.yaml", "openapi: [", &Selection::All, true, false)
        .expect_err("refused");
    assert!(error.to_string().starts_with("bad.yaml:"), "{error}");
    // An operation only one side has is skipped there when asked (it is then added or removed).
    let selection = Selection::Operations(vec!["PostGadgets".to_owned(), "PostWidgets".to_owned()]);
    let old = surface_of_spec("old.yaml", BASE, &selection, false, true).expect("skips");
    let new =
        surface_of_spec("new.yaml", &with_gadgets(), &selection, false, true).expect("lowers");
    expect(
        &diff(&old, &new),
        ChangeClass::Compatible,
        ChangeKind::OperationAdded,
        "Client::post_gadgets",
        "/paths/~1v1~1gadgets/post",
    );
    let error = surface_of_spec("old.yaml", BASE, &selection, false, false).expect_err("strict");
    assert!(
        error
            .to_string()
            .contains("unknown operationId `PostGadgets`"),
        "{error}"
    );
}
