//! The SDK crate's hand-written runtime as the generator and xtask see it: its modules, in one
//! list that `generated/src/lib.rs` must match (a test checks it), and the names generated
//! modules must not take.

/// One module of the hand-written runtime (`generated/src/<name>.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeModule {
    pub name: &'static str,
    /// Declared `pub mod` (part of the SDK's API) rather than `mod`.
    pub public: bool,
    /// The Cargo feature the module is compiled under, if any.
    pub feature: Option<&'static str>,
}

const fn module(name: &'static str, public: bool) -> RuntimeModule {
    RuntimeModule {
        name,
        public,
        feature: None,
    }
}

/// Every runtime module, in the order `generated/src/lib.rs` declares them.
pub const MODULES: &[RuntimeModule] = &[
    RuntimeModule {
        name: "blocking",
        public: true,
        feature: Some("blocking"),
    },
    module("client", true),
    module("decode", true),
    module("error", true),
    module("form", true),
    module("multipart", true),
    module("options", false),
    module("pagination", true),
    module("random", false),
    module("retry", false),
    module("types", true),
    module("validate", true),
    module("webhook", true),
];

/// The crates the runtime and the generated code name by path; a module of the same name at
/// the crate root would make those paths ambiguous.
const CRATES: &[&str] = &[
    "alloc",
    "bytes",
    "core",
    "futures_core",
    "futures_util",
    "reqwest",
    "serde",
    "serde_json",
    "std",
    "thiserror",
    "tokio",
    "tracing",
];

/// Whether a generated module called `name` would clash with the runtime or a crate it uses.
/// `shared_runtime` is kept free for the runtime's future use.
pub fn is_taken_module_name(name: &str) -> bool {
    MODULES.iter().any(|module| module.name == name)
        || CRATES.contains(&name)
        || name == "shared_runtime"
}
