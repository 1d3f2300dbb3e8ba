//! Snapshot tests: the generator's complete output for the project's spec, pinned with insta,
//! and determinism over the shapes document. (The shapes document's output is checked in as
//! the `stripe-shapes` crate, which `cargo test` compiles and exercises.)

use stripe_codegen::{Options, Selection, generate};

fn render_all(spec_file: &str, text: &str, operations: &[&str]) -> String {
    let selection = Selection::Operations(operations.iter().map(|id| (*id).to_owned()).collect());
    let options = Options {
        spec_file,
        command: "cargo xtask regen",
    };
    let files = generate(text, &selection, options).expect("the fixture generates");
    files
        .iter()
        .map(|file| format!("==> {} <==\n{}", file.path, file.contents))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every operation of the shapes document, in document order.
const SHAPES_OPERATIONS: [&str; 10] = [
    "GetWidgetsWidget",
    "DeleteWidgetsWidget",
    "PostWidgetsWidget",
    "GetWidgetsWidgetPdf",
    "GetItems",
    "PostFiles",
    "GetWidgetsSearch",
    "GetWidgets",
    "PostWidgets",
    "PostWebhookEndpoints",
];

#[test]
fn project_spec() {
    let text = include_str!("../../spec/openapi.yaml");
    insta::assert_snapshot!(render_all(
        "spec/openapi.yaml",
        text,
        &["PostTerminalConnectionTokens"]
    ));
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let text = include_str!("../../shapes/shapes.yaml");
    let operations = SHAPES_OPERATIONS;
    let first = render_all("shapes.yaml", text, &operations);
    let second = render_all("shapes.yaml", text, &operations);
    assert_eq!(first, second);
}

#[test]
fn the_whole_document_can_be_selected() {
    let text = include_str!("../../shapes/shapes.yaml");
    let options = Options {
        spec_file: "shapes.yaml",
        command: "cargo xtask regen",
    };
    let all = generate(text, &Selection::All, options).expect("the fixture generates");
    let listed = generate(
        text,
        &Selection::Operations(
            SHAPES_OPERATIONS
                .iter()
                .map(|id| (*id).to_owned())
                .collect(),
        ),
        options,
    )
    .expect("the fixture generates");
    assert_eq!(all, listed);
}
