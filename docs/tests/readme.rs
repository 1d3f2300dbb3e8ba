//! The README's Rust examples are the guides' examples: each must be, line for line, the
//! visible part (without rustdoc's hidden `# ` lines) of a block in `docs/*.md`, whose blocks
//! `cargo test` compiles. So an example in the README cannot rot without this test failing.

use std::path::Path;

/// The fenced blocks of `text` whose info string starts with `rust`: `(info, body)`.
fn rust_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let mut body = String::new();
        for line in lines.by_ref() {
            if line.trim_start().starts_with("```") {
                break;
            }
            body.push_str(line.get(indent..).unwrap_or(line.trim_start()));
            body.push('\n');
        }
        if info.starts_with("rust") {
            blocks.push((info.to_owned(), body));
        }
    }
    blocks
}

/// A block as rustdoc shows it: without the lines it hides.
fn visible(body: &str) -> String {
    body.lines()
        .filter(|line| {
            let trimmed = line.trim_start();
            !(trimmed == "#" || trimmed.starts_with("# "))
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

#[test]
fn every_readme_example_is_a_compiled_guide_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let mut guides = Vec::new();
    for entry in std::fs::read_dir(root.join("docs")).expect("docs/") {
        let path = entry.expect("a docs/ entry").path();
        if path.extension().is_some_and(|extension| extension == "md") {
            let text = std::fs::read_to_string(&path).expect("a guide");
            for (info, body) in rust_blocks(&text) {
                guides.push((path.clone(), info, visible(&body)));
            }
        }
    }
    let examples = rust_blocks(&readme);
    assert!(examples.len() >= 3, "the README lost its examples");
    let mut missing = Vec::new();
    for (_, example) in &examples {
        match guides.iter().find(|(_, _, body)| body == example) {
            Some((path, info, _)) => {
                // A guide may mark an example `ignore` only where it needs the whole-API crate.
                if info.contains("ignore") {
                    assert!(
                        path.ends_with("whole-api.md"),
                        "{} ignores a README example:\n{example}",
                        path.display()
                    );
                }
            }
            None => missing.push(example.clone()),
        }
    }
    assert!(
        missing.is_empty(),
        "README examples that no guide in docs/ compiles:\n{}",
        missing.join("\n---\n")
    );
}

#[test]
fn the_whole_api_guide_shows_only_code_that_ci_builds() {
    // The whole-API guide's examples cannot compile against the checked-in crate; each must be
    // a run of lines of a program in docs/examples/, which scripts/check-full-crates builds
    // against the whole-API crate.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let guide = std::fs::read_to_string(root.join("whole-api.md")).expect("docs/whole-api.md");
    let mut programs = Vec::new();
    for entry in std::fs::read_dir(root.join("examples")).expect("docs/examples/") {
        let path = entry.expect("an examples entry").path();
        let text = std::fs::read_to_string(&path).expect("a program");
        programs.push(
            text.lines()
                .map(|line| line.trim().to_owned())
                .collect::<Vec<String>>(),
        );
    }
    let blocks: Vec<String> = rust_blocks(&guide)
        .into_iter()
        .filter(|(info, _)| info.contains("ignore"))
        .map(|(_, body)| body)
        .collect();
    assert!(!blocks.is_empty(), "docs/whole-api.md lost its examples");
    for block in blocks {
        let lines: Vec<String> = block.lines().map(|line| line.trim().to_owned()).collect();
        let found = programs.iter().any(|program| {
            program
                .windows(lines.len())
                .any(|window| window == lines.as_slice())
        });
        assert!(
            found,
            "not a run of lines of any program in docs/examples/:\n{block}"
        );
    }
}

#[test]
fn the_webhook_guides_shop_is_the_handler_the_fake_tests_end_to_end() {
    // The shop's handler in docs/webhooks.md needs the whole-API crate, so it is marked
    // `ignore`; each such block must be a run of lines (indentation aside) of the whole-API
    // test that serves it against the fake Stripe, which scripts/fake-tests runs.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let guide = std::fs::read_to_string(root.join("webhooks.md")).expect("docs/webhooks.md");
    let test_path = root.join("../tests/fake/whole-api-tests/checkout.rs");
    let test = std::fs::read_to_string(&test_path).expect("whole-api-tests/checkout.rs");
    let test: Vec<&str> = test.lines().map(str::trim).collect();
    let blocks: Vec<String> = rust_blocks(&guide)
        .into_iter()
        .filter(|(info, _)| info.contains("ignore"))
        .map(|(_, body)| body)
        .collect();
    assert!(!blocks.is_empty(), "docs/webhooks.md lost its shop example");
    for block in blocks {
        let lines: Vec<&str> = block.lines().map(str::trim).collect();
        assert!(
            test.windows(lines.len())
                .any(|window| window == lines.as_slice()),
            "not a run of lines of tests/fake/whole-api-tests/checkout.rs:\n{block}"
        );
    }
}
