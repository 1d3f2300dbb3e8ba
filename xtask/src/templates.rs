//! The one way xtask writes a file from a template: the template is a file under
//! `xtask/templates/` with `{{name}}` placeholders, compiled in with [`template!`], and
//! [`Template::fill`] replaces each placeholder with its value. Every placeholder must be given
//! a value and every value must have a placeholder, so a template and its caller cannot drift
//! apart silently.

use anyhow::{Result, bail};

/// A template's text and the file it came from (named in errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    /// The template's path, relative to the workspace root.
    pub file: &'static str,
    pub text: &'static str,
}

/// The template `xtask/templates/<path>`, compiled into the binary.
#[macro_export]
macro_rules! template {
    ($path:literal) => {
        $crate::templates::Template {
            file: concat!("xtask/templates/", $path),
            text: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $path)),
        }
    };
}

impl Template {
    /// The text with each `{{name}}` replaced by its value in `values`.
    pub fn fill(&self, values: &[(&str, &str)]) -> Result<String> {
        let file = self.file;
        let mut filled = String::with_capacity(self.text.len());
        let mut rest = self.text;
        let mut used = vec![false; values.len()];
        while let Some(start) = rest.find("{{") {
            let Some(length) = rest[start..].find("}}") else {
                bail!("{file}: `{{{{` without a closing `}}}}`");
            };
            let name = &rest[start + 2..start + length];
            let Some(index) = values.iter().position(|(key, _)| *key == name) else {
                bail!("{file}: unknown placeholder `{{{{{name}}}}}`");
            };
            used[index] = true;
            filled.push_str(&rest[..start]);
            filled.push_str(values[index].1);
            rest = &rest[start + length + 2..];
        }
        filled.push_str(rest);
        if let Some(index) = used.iter().position(|used| !used) {
            bail!("{file} has no placeholder `{{{{{}}}}}`", values[index].0);
        }
        Ok(filled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(text: &'static str) -> Template {
        Template { file: "t", text }
    }

    #[test]
    fn templates_are_filled_exactly() {
        let values = [("a", "1"), ("b", "2")];
        assert_eq!(
            template("{{a}} and {{b}}, {{a}}")
                .fill(&values)
                .expect("fills"),
            "1 and 2, 1"
        );
        let unknown = template("{{c}}").fill(&values).expect_err("unknown");
        assert_eq!(unknown.to_string(), "t: unknown placeholder `{{c}}`");
        let unused = template("{{a}}").fill(&values).expect_err("unused");
        assert_eq!(unused.to_string(), "t has no placeholder `{{b}}`");
        let unclosed = template("{{a").fill(&values).expect_err("unclosed");
        assert_eq!(unclosed.to_string(), "t: `{{` without a closing `}}`");
    }

    #[test]
    fn every_template_without_values_has_no_placeholder() {
        for template in [
            template!("bench/token.rs"),
            template!("bench/token_floor.rs"),
            template!("bench/token_async_stripe.rs"),
            template!("bench/three_resource.rs"),
            template!("bench/three_resource_async_stripe.rs"),
            template!("bench/checkout_retrieve.rs"),
        ] {
            template.fill(&[]).expect("no placeholders");
        }
    }
}
