//! The SDK's hand-written runtime as the generator and xtask see it: each crate's modules, in
//! lists that its `lib.rs` must match (`regen` checks it when it writes the shapes crates), and
//! the names generated modules must not take.

/// The three crates of the SDK, each with hand-written runtime modules beside its generated
/// folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeCrate {
    /// `stripe-sdk-types` (`generated/types/`): the response types and their decoding, needing
    /// serde alone.
    Types,
    /// `stripe-sdk-params` (`generated/params/`): the request types, their form encoding and
    /// validation, needing serde alone.
    Params,
    /// `stripe-sdk` (`generated/`): the client, its errors, and the operations.
    Client,
}

impl RuntimeCrate {
    /// Every crate, dependencies first.
    pub const ALL: [RuntimeCrate; 3] = [
        RuntimeCrate::Types,
        RuntimeCrate::Params,
        RuntimeCrate::Client,
    ];

    /// The crate's folder relative to the SDK's (`generated/`), as a prefix for paths in it:
    /// `types/`, or nothing for the client crate at the top.
    pub fn prefix(self) -> &'static str {
        match self {
            RuntimeCrate::Types => "types/",
            RuntimeCrate::Params => "params/",
            RuntimeCrate::Client => "",
        }
    }

    /// The crate's package name.
    pub fn package(self) -> &'static str {
        match self {
            RuntimeCrate::Types => "stripe-sdk-types",
            RuntimeCrate::Params => "stripe-sdk-params",
            RuntimeCrate::Client => "stripe-sdk",
        }
    }

    /// The runtime modules of this crate, in the order its `lib.rs` declares them.
    pub fn modules(self) -> &'static [RuntimeModule] {
        match self {
            RuntimeCrate::Types => TYPES_MODULES,
            RuntimeCrate::Params => PARAMS_MODULES,
            RuntimeCrate::Client => CLIENT_MODULES,
        }
    }
}

/// One module of the hand-written runtime (`<crate folder>/src/<name>.rs`).
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

/// The response types crate's runtime modules, in the order `generated/types/src/lib.rs`
/// declares them.
pub const TYPES_MODULES: &[RuntimeModule] = &[module("decode", true), module("types", true)];

/// The request types crate's runtime modules, in the order `generated/params/src/lib.rs`
/// declares them.
pub const PARAMS_MODULES: &[RuntimeModule] = &[
    module("form", true),
    module("types", true),
    module("validate", true),
];

/// The client crate's runtime modules, in the order `generated/src/lib.rs` declares them.
pub const CLIENT_MODULES: &[RuntimeModule] = &[
    RuntimeModule {
        name: "blocking",
        public: true,
        feature: Some("blocking"),
    },
    module("client", true),
    module("error", true),
    module("multipart", true),
    module("options", false),
    module("pagination", true),
    module("random", false),
    module("retry", false),
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
    "stripe_sdk_params",
    "stripe_sdk_types",
    "thiserror",
    "tokio",
    "tracing",
];

/// Whether a generated module called `name` would clash with the runtime or a crate it uses.
/// `shared_runtime` is kept free for the runtime's future use, and `resources` is the generated
/// module of resource-style handles.
pub fn is_taken_module_name(name: &str) -> bool {
    TYPES_MODULES
        .iter()
        .chain(PARAMS_MODULES)
        .chain(CLIENT_MODULES)
        .any(|module| module.name == name)
        || CRATES.contains(&name)
        || name == "shared_runtime"
        || name == "resources"
}
