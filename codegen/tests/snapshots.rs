//! Snapshot tests: the generator's complete output for small spec fixtures, pinned with insta.

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
fn shapes() {
    let text = include_str!("fixtures/shapes.yaml");
    insta::assert_snapshot!(render_all(
        "shapes.yaml",
        text,
        &[
            "GetWidgetsWidget",
            "PostWidgets",
            "GetWidgets",
            "GetWidgetsSearch"
        ]
    ));
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let text = include_str!("fixtures/shapes.yaml");
    let operations = [
        "GetWidgetsWidget",
        "PostWidgets",
        "GetWidgets",
        "GetWidgetsSearch",
    ];
    let first = render_all("shapes.yaml", text, &operations);
    let second = render_all("shapes.yaml", text, &operations);
    assert_eq!(first, second);
}

#[test]
fn the_whole_document_can_be_selected() {
    let text = include_str!("fixtures/shapes.yaml");
    let options = Options {
        spec_file: "shapes.yaml",
        command: "cargo xtask regen",
    };
    let all = generate(text, &Selection::All, options).expect("the fixture generates");
    let listed = generate(
        text,
        &Selection::Operations(vec![
            "GetWidgetsWidget".to_owned(),
            "GetWidgetsSearch".to_owned(),
            "GetWidgets".to_owned(),
            "PostWidgets".to_owned(),
        ]),
        options,
    )
    .expect("the fixture generates");
    assert_eq!(all, listed);
}
