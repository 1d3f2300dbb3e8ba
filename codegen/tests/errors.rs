//! Error tests: each bad input gets a message that names the file, the JSON pointer and the
//! operation. The messages are pinned here in full, because they are the generator's interface
//! to a spec author.

use stripe_codegen::{Config, Options, Selection, generate};

fn error_for(file: &str, operations: &[&str]) -> String {
    let path = format!(
        "{}/tests/fixtures/errors/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("the fixture exists");
    let selection = Selection::Operations(operations.iter().map(|id| (*id).to_owned()).collect());
    let options = Options {
        spec_file: file,
        command: "cargo xtask regen",
    };
    match generate(&text, &selection, options) {
        Ok(_) => panic!("{file} generated without an error"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn yaml_syntax_error_names_line_and_column() {
    assert_eq!(
        error_for("yaml_syntax.yaml", &["PostThings"]),
        "yaml_syntax.yaml:9:6: did not find expected key at line 9 column 6, while parsing a block \
         mapping (at #/paths/~1v1~1things)"
    );
}

#[test]
fn json_syntax_error_names_line_and_column() {
    assert_eq!(
        error_for("json_syntax.json", &["PostThings"]),
        "json_syntax.json:4:13: key must be a string (at #/paths)"
    );
}

#[test]
fn wrong_shape_names_the_pointer() {
    assert_eq!(
        error_for("wrong_shape.yaml", &["PostThings"]),
        "wrong_shape.yaml:6:3: paths: missing field `description` (at #/paths)"
    );
}

#[test]
fn unknown_operation_id_suggests_the_nearest() {
    assert_eq!(
        error_for("dangling_ref.yaml", &["PostThing"]),
        "dangling_ref.yaml: unknown operationId `PostThing` in the selection: the spec has no such \
         operation; did you mean `PostThings`?"
    );
    assert_eq!(
        error_for("dangling_ref.yaml", &["GetCustomers"]),
        "dangling_ref.yaml: unknown operationId `GetCustomers` in the selection: the spec has no such operation"
    );
}

#[test]
fn dangling_ref() {
    assert_eq!(
        error_for("dangling_ref.yaml", &["PostThings"]),
        "dangling_ref.yaml#/paths/~1v1~1things/post/responses/200/content/application~1json/schema \
         (operation PostThings): dangling $ref `#/components/schemas/thing`: no such component"
    );
}

#[test]
fn unsupported_content_type() {
    assert_eq!(
        error_for("unsupported_content_type.yaml", &["PostThings"]),
        "unsupported_content_type.yaml#/paths/~1v1~1things/post/requestBody/content/application~1xml \
         (operation PostThings): unsupported content type `application/xml`: requests must be \
         `application/x-www-form-urlencoded` and responses `application/json`"
    );
}

#[test]
fn operation_without_a_success_response() {
    assert_eq!(
        error_for("no_success_response.yaml", &["PostThings"]),
        "no_success_response.yaml#/paths/~1v1~1things/post/responses (operation PostThings): no 2xx \
         response: the operation must say what it returns on success"
    );
}

#[test]
fn duplicate_operation_id() {
    assert_eq!(
        error_for("duplicate_operation_id.yaml", &["PostThings"]),
        "duplicate_operation_id.yaml#/paths/~1v1~1others/post (operation PostThings): duplicate \
         operationId, also used at #/paths/~1v1~1things/post"
    );
}

#[test]
fn cyclic_ref() {
    assert_eq!(
        error_for("cyclic_ref.yaml", &["GetThings"]),
        "cyclic_ref.yaml#/paths/~1v1~1things/get/responses/200/content/application~1json/schema \
         (operation GetThings): cyclic $ref `#/components/schemas/a`: the chain of references never \
         reaches a definition"
    );
}

#[test]
fn field_names_that_clash_after_case_conversion() {
    assert_eq!(
        error_for("field_name_clash.yaml", &["PostThings"]),
        "field_name_clash.yaml#/paths/~1v1~1things/post/requestBody/content/\
         application~1x-www-form-urlencoded/schema/properties/foo_bar (operation PostThings): the \
         generated name `foo_bar` is already taken by the property `fooBar` \
         (#/paths/~1v1~1things/post/requestBody/content/application~1x-www-form-urlencoded/schema/\
         properties/fooBar); rename one of them"
    );
}

#[test]
fn unsupported_construct() {
    assert_eq!(
        error_for("unsupported_all_of.yaml", &["GetThings"]),
        "unsupported_all_of.yaml#/components/schemas/thing/properties/owner (operation GetThings): \
         unsupported: `allOf`"
    );
}

#[test]
fn error_response_whose_schema_is_missing() {
    assert_eq!(
        error_for("missing_error_schema.yaml", &["GetThings"]),
        "missing_error_schema.yaml#/paths/~1v1~1things/get/responses/default/content/\
         application~1json/schema (operation GetThings): dangling $ref `#/components/schemas/error`: \
         no such component"
    );
}

#[test]
fn unknown_spec_format() {
    let options = Options {
        spec_file: "spec.toml",
        command: "cargo xtask regen",
    };
    let error = generate("", &Selection::All, options)
        .err()
        .map(|error| error.to_string());
    assert_eq!(
        error.as_deref(),
        Some("spec.toml: unknown spec format: expected a `.yaml`, `.yml` or `.json` file")
    );
}

#[test]
fn config_errors() {
    let message = |text: &str| {
        Config::parse("spec/regen.yaml", text)
            .err()
            .map(|error| error.to_string())
    };
    assert_eq!(
        message("spec: a.yaml\noperations: []\n").as_deref(),
        Some("spec/regen.yaml: `operations` is empty: name at least one operationId")
    );
    assert_eq!(
        message("spec: a.yaml\noperations: [A, A]\n").as_deref(),
        Some("spec/regen.yaml: operationId `A` is listed twice in `operations`")
    );
    assert_eq!(
        message("spec: a.yaml\noperations: [A]\nextra: 1\n").as_deref(),
        Some(
            "spec/regen.yaml:3:1: unknown field `extra`, expected `spec` or `operations` (at #/extra)"
        )
    );
}

/// The corpus: every file in `fixtures/corpus/` is a spec the generator must refuse, with the
/// exact message pinned on its first line (`# expect: ...`). Generation selects every operation.
#[test]
fn corpus_of_malformed_and_unsupported_specs() {
    let dir = format!("{}/tests/fixtures/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("the corpus exists")
        .map(|entry| entry.expect("a readable entry").path())
        .collect();
    entries.sort();
    assert!(
        entries.len() >= 20,
        "the corpus has {} fixtures",
        entries.len()
    );
    let mut failures = Vec::new();
    for path in entries {
        let file = path
            .file_name()
            .and_then(|name| name.to_str())
            .expect("a UTF-8 name")
            .to_owned();
        let text = std::fs::read_to_string(&path).expect("a readable fixture");
        let expected = text
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{file} lacks its `# expect:` line"));
        let options = Options {
            spec_file: &file,
            command: "cargo xtask regen",
        };
        match generate(&text, &Selection::All, options) {
            Ok(_) => failures.push(format!("{file}: generated without an error")),
            Err(error) if error.to_string() == expected => {}
            Err(error) => failures.push(format!(
                "{file}:\n  expected: {expected}\n  actual:   {error}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_event_schema_without_a_type_is_refused() {
    assert_eq!(
        error_for("event_without_type.yaml", &["PostThings"]),
        "event_without_type.yaml#/components/schemas/event: unsupported: an `event` schema \
         without a string `type` property"
    );
}

/// A duplicate key in a map (which the direct parse would keep the last of) is refused as
/// parsing into `serde_yaml::Value` refuses it: the same message and the same line and column,
/// wherever the map is. (A struct's duplicate field fails the direct parse itself, and so does
/// a key that is not a string.)
#[test]
fn duplicate_keys_are_refused_as_the_value_parse_refuses_them() {
    let documents = [
        "openapi: 3.0.0\ninfo:\n  title: t\n  version: '1'\npaths:\n  /v1/a: {}\n  /v1/a: {}\n",
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-seq: [{a: 1, a: 2}]\n",
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    a: {}\n    b: {}\n    a: {type: string}\n",
        // Inside a schema, which openapiv3 reads twice (an untagged reference or item).
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    a:\n      properties:\n        p: {type: string}\n        p: {type: integer}\n",
        // Inside a field openapiv3 does not know, which it skips.
        "openapi: 3.0.0\ninfo: {title: t, version: '1', unknown: {a: 1, b: [{c: 1, c: 2}]}}\npaths: {}\n",
        // Status codes, read as numbers.
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /v1/a:\n    get:\n      responses:\n        200: {description: a}\n        200: {description: b}\n",
    ];
    for document in documents {
        let value_error = serde_yaml::from_str::<serde_yaml::Value>(document)
            .expect_err("the Value parse refuses a duplicate key");
        let location = value_error.location().expect("a located error");
        let message = value_error.to_string();
        let message = match message.rfind(" at line ") {
            Some(index) => &message[..index],
            None => message.as_str(),
        };
        let expected = format!(
            "spec.yaml:{}:{}: {message}",
            location.line(),
            location.column()
        );
        let error = stripe_codegen::load::parse_spec("spec.yaml", document)
            .expect_err("the loader refuses a duplicate key")
            .to_string();
        assert_eq!(error, expected, "{document}");
    }
}
