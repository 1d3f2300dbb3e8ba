//! The SDK's crates as the generator and xtask see them: the three generated crates, each
//! with the hand-written modules its `lib.rs` declares (in lists it must match: `regen` checks
//! it when it writes the shapes crates), the hand-written runtime crates they wire to, and the
//! names generated modules must not take.

/// The three generated crates of the SDK, each with a generated folder and a hand-written
/// `lib.rs` that wires it to the runtime.
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

    /// The runtime crates this crate's manifest depends on by path.
    pub fn libraries(self) -> &'static [RuntimeLibrary] {
        match self {
            RuntimeCrate::Types => &[RuntimeLibrary::Json],
            RuntimeCrate::Params => &[RuntimeLibrary::Form],
            RuntimeCrate::Client => &[RuntimeLibrary::Client],
        }
    }
}

/// The hand-written runtime crates (in `runtime/`), which the generated crates depend on and
/// re-export under the paths generated code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeLibrary {
    /// `stripe-sdk-json` (`runtime/json/`): the JSON decoder and the generic response shapes.
    Json,
    /// `stripe-sdk-form` (`runtime/form/`): form encoding, validation and the generic request
    /// shapes.
    Form,
    /// `stripe-sdk-client` (`runtime/client/`): the transport, its errors and retries, request
    /// options, pagination, multipart uploads, webhook verification and the blocking runner.
    Client,
}

impl RuntimeLibrary {
    /// Every runtime crate.
    pub const ALL: [RuntimeLibrary; 3] = [
        RuntimeLibrary::Json,
        RuntimeLibrary::Form,
        RuntimeLibrary::Client,
    ];

    /// The crate's folder relative to the workspace root (and to a standalone crate set's
    /// root), as a prefix for paths in it.
    pub fn folder(self) -> &'static str {
        match self {
            RuntimeLibrary::Json => "runtime/json/",
            RuntimeLibrary::Form => "runtime/form/",
            RuntimeLibrary::Client => "runtime/client/",
        }
    }

    /// The crate's package name.
    pub fn package(self) -> &'static str {
        match self {
            RuntimeLibrary::Json => "stripe-sdk-json",
            RuntimeLibrary::Form => "stripe-sdk-form",
            RuntimeLibrary::Client => "stripe-sdk-client",
        }
    }

    /// The names of the crate's modules (`src/<name>.rs`), in the order its `lib.rs` declares
    /// them: the generated crates re-export or wrap them under the same names, so generated
    /// modules must not take them.
    pub fn modules(self) -> &'static [&'static str] {
        match self {
            RuntimeLibrary::Json => &["decode", "types"],
            RuntimeLibrary::Form => &["form", "multipart", "pagination", "types", "validate"],
            RuntimeLibrary::Client => &[
                "blocking",
                "client",
                "error",
                "multipart",
                "options",
                "pagination",
                "random",
                "retry",
                "webhook",
            ],
        }
    }
}

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
    "stripe_sdk_client",
    "stripe_sdk_form",
    "stripe_sdk_json",
    "stripe_sdk_params",
    "stripe_sdk_types",
    "thiserror",
    "tokio",
    "tracing",
];

/// The modules the SDK's hand-written `lib.rs` declares at its root. The generated modules are
/// glob re-exported beside them, and a declared module silently hides a glob-imported one of
/// the same name, so a generated module must not take these either.
pub const SDK_ROOT_MODULES: &[&str] = &["blocking", "client", "prelude", "types", "webhook"];

/// Whether a generated module called `name` would clash with the runtime or a crate it uses.
/// `shared_runtime` is kept free for the runtime's future use, and `resources` is the generated
/// module of resource-style handles.
pub fn is_taken_module_name(name: &str) -> bool {
    RuntimeLibrary::ALL
        .iter()
        .any(|library| library.modules().contains(&name))
        || CRATES.contains(&name)
        || SDK_ROOT_MODULES.contains(&name)
        || name == "shared_runtime"
        || name == "resources"
}
