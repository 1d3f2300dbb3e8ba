//! `cargo xtask bench-compile`: cold builds (debug, release or `cargo check`), in one run, of
//! the programs issue 9 measures (a connection-token program against a raw reqwest floor, a
//! three-resource program and the whole API, each beside async-stripe's equivalent) and the
//! table of their ratios.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::templates::Template;
use crate::{SDK_DIR, Standalone, template, write_standalone};
use stripe_codegen::Selection;

/// The spec the full-API crate is generated from.
const FULL_SPEC: &str = "../shared/stripe-openapi/2023-08-16/spec3.yaml";
/// Where the programs and their cold target folders go.
const BENCH_DIR: &str = "target/bench-compile";
/// The async-stripe release compared against, pinned exactly in every manifest that names it.
const ASYNC_STRIPE_VERSION: &str = "=1.0.0-rc.10";
/// async-stripe's crates generated from the spec, each with a `full` feature that enables all of
/// its resources (async-stripe's own "full"; `async-stripe-webhook` is hand-written and only
/// forwards to these, so it is left out).
const ASYNC_STRIPE_API_CRATES: [&str; 11] = [
    "billing", "checkout", "connect", "core", "fraud", "issuing", "misc", "payment", "product",
    "terminal", "treasury",
];

/// The token program with the SDK: create a connection token with the blocking client.
const TOKEN_PROGRAM: Template = template!("bench/token.rs");

/// The floor: the same request as [`TOKEN_PROGRAM`] with raw reqwest (the SDK's features),
/// serde and tokio, and no SDK.
const FLOOR_PROGRAM: Template = template!("bench/token_floor.rs");

/// The token program against async-stripe (every crate with `full`, for the whole-API pair).
const ASYNC_STRIPE_TOKEN_PROGRAM: Template = template!("bench/token_async_stripe.rs");

/// The three-resource program with the SDK: a customer, a payment intent for them and a checkout
/// session, with the blocking client.
///
/// `PaymentIntentCreateParams` and `CheckoutSessionCreateParams` have required fields, so they
/// are built from their constructors, which take those fields.
const THREE_RESOURCE_PROGRAM: Template = template!("bench/three_resource.rs");

/// The three-resource program against async-stripe, with its blocking client.
const ASYNC_STRIPE_THREE_RESOURCE_PROGRAM: Template =
    template!("bench/three_resource_async_stripe.rs");

/// The baseline of the webhook handlers: the same retrieval, with no handler and no `event`.
const CHECKOUT_RETRIEVE_PROGRAM: Template = template!("bench/checkout_retrieve.rs");

/// A webhook handler beside the retrieval, matching events by name: `{{handled}}` says which,
/// and `{{arms}}` takes one match arm per event (see [`webhook_program`]).
const WEBHOOK_PROGRAM: Template = template!("bench/webhook.rs");

/// The same handler with async-stripe's webhook crate.
const ASYNC_STRIPE_WEBHOOK_PROGRAM: Template = template!("bench/webhook_async_stripe.rs");

/// An event a webhook handler matches by name, and what its arm does in each SDK.
struct HandledEvent {
    /// The variant in our `EventKind` and in async-stripe's `EventObject` alike.
    variant: &'static str,
    /// The name the arm binds the event's object to.
    object: &'static str,
    /// The arm's body with our SDK, and with async-stripe (whose ids are newtypes).
    ours: &'static str,
    async_stripe: &'static str,
}

/// The one-resource handler's event.
const CHECKOUT_SESSION_COMPLETED: HandledEvent = HandledEvent {
    variant: "CheckoutSessionCompleted",
    object: "session",
    ours: "println!(\"fulfil {}\", session.id)",
    async_stripe: "println!(\"fulfil {}\", session.id.as_str())",
};

/// The six-resource handler's events, one per resource of [`SIX_RESOURCES`].
const SIX_RESOURCE_EVENTS: [HandledEvent; 6] = [
    HandledEvent {
        variant: "CustomerCreated",
        object: "customer",
        ours: "println!(\"welcome {}\", customer.id)",
        async_stripe: "println!(\"welcome {}\", customer.id.as_str())",
    },
    HandledEvent {
        variant: "ProductCreated",
        object: "product",
        ours: "println!(\"product {}\", product.id)",
        async_stripe: "println!(\"product {}\", product.id.as_str())",
    },
    HandledEvent {
        variant: "PriceCreated",
        object: "price",
        ours: "println!(\"price {}\", price.id)",
        async_stripe: "println!(\"price {}\", price.id.as_str())",
    },
    CHECKOUT_SESSION_COMPLETED,
    HandledEvent {
        variant: "CustomerSubscriptionDeleted",
        object: "subscription",
        ours: "println!(\"ended {}\", subscription.id)",
        async_stripe: "println!(\"ended {}\", subscription.id.as_str())",
    },
    HandledEvent {
        variant: "InvoicePaid",
        object: "invoice",
        ours: "println!(\"paid {:?}\", invoice.id)",
        async_stripe: "println!(\"paid {:?}\", invoice.id)",
    },
];

/// What the six-resource handler's doc line says it handles.
const SIX_RESOURCES_HANDLED: &str =
    "events of six resources (customer, product, price, Checkout Session, subscription, invoice)";

/// The webhook program handling `events`, with our SDK or with async-stripe.
fn webhook_program(handled: &str, events: &[HandledEvent], async_stripe: bool) -> Result<String> {
    let (template, enum_name) = if async_stripe {
        (ASYNC_STRIPE_WEBHOOK_PROGRAM, "EventObject")
    } else {
        (WEBHOOK_PROGRAM, "EventKind")
    };
    let arms: Vec<String> = events
        .iter()
        .map(|event| {
            let body = if async_stripe {
                event.async_stripe
            } else {
                event.ours
            };
            format!(
                "            {enum_name}::{}({}) => {body},",
                event.variant, event.object
            )
        })
        .collect();
    template.fill(&[("handled", handled), ("arms", &arms.join("\n"))])
}

/// The six resources of the six-resource handler, as the whole-API crate's features.
const SIX_RESOURCES: &str =
    "\"customer\", \"product\", \"price\", \"checkout_session\", \"subscription\", \"invoice\"";

/// Which measurements a run makes; `--only` picks some, by these names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// The raw-reqwest floor.
    Floor,
    /// The token program with the checked-in crate and with the full-API crate's one feature.
    Token,
    /// The three-resource program, ours and async-stripe's.
    ThreeResource,
    /// The token program with the whole API, ours (`full`) and async-stripe's (`full`).
    WholeApi,
    /// Webhook handlers: no events, `event` with one resource, with six, with `full`, each beside
    /// async-stripe's webhook crate with the same resources.
    Webhooks,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Floor,
        Group::Token,
        Group::ThreeResource,
        Group::WholeApi,
        Group::Webhooks,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Group::Floor => "floor",
            Group::Token => "token",
            Group::ThreeResource => "three-resource",
            Group::WholeApi => "whole-api",
            Group::Webhooks => "webhooks",
        }
    }

    pub fn parse(name: &str) -> Result<Group> {
        find_by_name(Group::ALL, Group::name, name, "group")
    }
}

/// How each program is built: `cargo build`, `cargo build --release` or `cargo check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Debug,
    Release,
    Check,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::Debug, Profile::Release, Profile::Check];

    pub fn name(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Release => "release",
            Profile::Check => "check",
        }
    }

    pub fn parse(name: &str) -> Result<Profile> {
        find_by_name(Profile::ALL, Profile::name, name, "profile")
    }

    /// Cargo's arguments for a timed build.
    fn cargo_args(self) -> &'static [&'static str] {
        match self {
            Profile::Debug => &["build"],
            Profile::Release => &["build", "--release"],
            Profile::Check => &["check"],
        }
    }

    /// What the tables call a build.
    fn describe(self) -> &'static str {
        match self {
            Profile::Debug => "cold debug build",
            Profile::Release => "cold release build",
            Profile::Check => "cold `cargo check`",
        }
    }
}

/// The one of `all` called `wanted`, or an error listing the names (`what`: "group", ...).
fn find_by_name<T: Copy, const N: usize>(
    all: [T; N],
    name: fn(T) -> &'static str,
    wanted: &str,
    what: &str,
) -> Result<T> {
    match all.into_iter().find(|item| name(*item) == wanted) {
        Some(item) => Ok(item),
        None => bail!(
            "unknown bench-compile {what} `{wanted}`; the {what}s are {}",
            all.map(name).join(", ")
        ),
    }
}

/// One program built from an empty target folder.
struct Build {
    group: Group,
    /// What the table calls it.
    label: &'static str,
    /// Its folder under [`BENCH_DIR`], which is also its package name.
    folder: &'static str,
    /// The `[dependencies]` section's lines.
    dependencies: String,
    /// Whether it builds `stripe-sdk`, whose own time the table reports.
    builds_sdk: bool,
    /// Its `src/main.rs`.
    program: String,
}

struct Measured {
    total: Duration,
    /// Every rustc run's CPU time (user and system), summed: the build's cost, which a loaded
    /// machine inflates far less than it does the wall clock.
    cpu: Duration,
    /// The SDK's crates' own times, for programs that build them.
    sdk: Option<SdkTimes>,
    /// Each crate's rustc CPU time by crate name (its runs summed), for comparing two builds
    /// on the crates only one of them compiles.
    crates: BTreeMap<String, f64>,
}

impl Measured {
    /// This build's CPU time as it would be at the reference's load: the reference's own
    /// total, less what only the reference compiles, plus what only this build compiles. The
    /// dependencies both compile (tokio, serde, reqwest...) are counted at the reference's
    /// cost, so a change of load between the two builds moves only the crates that differ.
    /// The SDK's crates always differ: two programs build them with other features.
    fn cpu_at_reference_load(&self, reference: &Measured) -> f64 {
        let only = |build: &Measured, other: &Measured| -> f64 {
            build
                .crates
                .iter()
                .filter(|(name, _)| {
                    SDK_CRATES.contains(&name.as_str()) || !other.crates.contains_key(*name)
                })
                .map(|(_, cpu)| cpu)
                .sum()
        };
        reference.cpu.as_secs_f64() - only(reference, self) + only(self, reference)
    }
}

/// The SDK's crates' own rustc runs, timed by [`RUSTC_TIMER`].
#[derive(Debug, Clone, Copy)]
struct SdkTimes {
    /// `stripe-sdk-types`, from its start to its end.
    types: Duration,
    /// `stripe-sdk-params`, from its start to its end.
    params: Duration,
    /// `stripe-sdk`, from its start (when both types crates' metadata is ready) to its end.
    client: Duration,
    /// From the first start to the client's end: what the SDK adds to the build once its
    /// dependencies let it start.
    span: Duration,
    /// The SDK's crates' rustc CPU time (user and system), summed: the generated three and
    /// the runtime crates.
    cpu: Duration,
}

/// A ratio row of the table: a measurement and its reference, by the builds' folders.
struct Comparison {
    what: &'static str,
    ours: &'static str,
    reference: &'static str,
}

const COMPARISONS: [Comparison; 8] = [
    Comparison {
        what: "token program, checked-in crate / raw reqwest floor",
        ours: "token-checked-in",
        reference: "token-floor",
    },
    Comparison {
        what: "token program, full-API crate with `terminal_connection_token` / raw reqwest floor",
        ours: "token-full-api-one-feature",
        reference: "token-floor",
    },
    Comparison {
        what: "three-resource program, ours / async-stripe",
        ours: "three-resource-ours",
        reference: "three-resource-async-stripe",
    },
    Comparison {
        what: "whole API, every feature, token program: ours / async-stripe `full`",
        ours: "whole-api-ours",
        reference: "whole-api-async-stripe",
    },
    Comparison {
        what: "webhook handler, `event` + `checkout_session` / the same program without the handler and `event`",
        ours: "webhooks-one",
        reference: "webhooks-none",
    },
    Comparison {
        what: "webhook handler, one resource: ours / async-stripe",
        ours: "webhooks-one",
        reference: "webhooks-one-async-stripe",
    },
    Comparison {
        what: "webhook handler, six resources: ours / async-stripe",
        ours: "webhooks-six",
        reference: "webhooks-six-async-stripe",
    },
    Comparison {
        what: "webhook handler, every resource: ours / async-stripe",
        ours: "webhooks-full",
        reference: "webhooks-full-async-stripe",
    },
];

pub fn bench_compile(root: &Path, groups: &[Group], profile: Profile) -> Result<()> {
    let bench = root.join(BENCH_DIR);
    fs::create_dir_all(&bench).with_context(|| format!("cannot create {BENCH_DIR}"))?;
    let full_dir = format!("{BENCH_DIR}/full-sdk");
    let needs_full_crate = groups.iter().any(|group| *group != Group::Floor);
    if needs_full_crate {
        println!("bench-compile: generating the full-API crate from {FULL_SPEC}");
        write_standalone(
            root,
            &Standalone {
                spec_file: FULL_SPEC,
                selection: Selection::All,
                out_dir: &full_dir,
                fixtures: None,
            },
        )?;
    }

    let builds: Vec<Build> = builds(&root.join(SDK_DIR), &root.join(&full_dir))?
        .into_iter()
        .filter(|build| groups.contains(&build.group))
        .collect();
    let mut results: Vec<(&Build, Measured)> = Vec::new();
    let mut failures = Vec::new();
    for build in &builds {
        let app = bench.join(build.folder);
        write_program(root, &app, build)?;
        println!(
            "bench-compile: {} of {} ({}), load average {}",
            profile.describe(),
            build.label,
            build.folder,
            load_average()
        );
        match build_cold(&app, profile) {
            Ok(measured) => {
                println!(
                    "bench-compile: {}: {:.1} s ({:.1} s of rustc CPU){}",
                    build.folder,
                    measured.total.as_secs_f64(),
                    measured.cpu.as_secs_f64(),
                    measured
                        .sdk
                        .map(|sdk| format!(
                            ", stripe-sdk-types {:.1} s, stripe-sdk-params {:.1} s and stripe-sdk {:.1} s over {:.1} s ({:.1} s of CPU)",
                            sdk.types.as_secs_f64(),
                            sdk.params.as_secs_f64(),
                            sdk.client.as_secs_f64(),
                            sdk.span.as_secs_f64(),
                            sdk.cpu.as_secs_f64()
                        ))
                        .unwrap_or_default()
                );
                results.push((build, measured));
            }
            Err(error) => {
                eprintln!("bench-compile: {}: {error:#}", build.folder);
                failures.push(build.folder);
            }
        }
    }
    println!("bench-compile: done, load average {}", load_average());
    print_table(&results, profile);
    if !failures.is_empty() {
        bail!("these programs did not build: {}", failures.join(", "));
    }
    Ok(())
}

/// Every program, in the order they are built: each comparison's two sides one after the other,
/// so that the machine's drift between them is small.
fn builds(checked_in: &Path, full: &Path) -> Result<Vec<Build>> {
    let sdk = |path: &Path, features: &str| {
        format!(
            "stripe-sdk = {{ path = {:?}, default-features = false, features = [{features}] }}\n",
            path.display().to_string()
        )
    };
    let async_stripe = |api_crates: &[(&str, &str)], webhook_features: Option<&str>| {
        // The client with rustls, ring and webpki roots, as reqwest's `rustls-tls` gives the SDK,
        // and blocking as the SDK programs use; the shared crates are pinned too, since a
        // prerelease requirement without `=` would accept a later release candidate.
        let mut lines = format!(
            "async-stripe = {{ version = \"{ASYNC_STRIPE_VERSION}\", default-features = false, features = [\"blocking\", \"rustls-tls-webpki-roots\", \"rustls-ring\"] }}\n"
        );
        for shared in ["client-core", "shared", "types"] {
            lines.push_str(&format!(
                "stripe-{shared} = {{ package = \"async-stripe-{shared}\", version = \"{ASYNC_STRIPE_VERSION}\" }}\n"
            ));
        }
        for (api_crate, features) in api_crates {
            lines.push_str(&format!(
                "stripe-{api_crate} = {{ package = \"async-stripe-{api_crate}\", version = \"{ASYNC_STRIPE_VERSION}\", features = [{features}] }}\n"
            ));
        }
        if let Some(features) = webhook_features {
            lines.push_str(&format!(
                "stripe-webhook = {{ package = \"async-stripe-webhook\", version = \"{ASYNC_STRIPE_VERSION}\", features = [{features}] }}\n"
            ));
        }
        lines
    };
    let every_async_stripe_crate: Vec<(&str, &str)> = ASYNC_STRIPE_API_CRATES
        .iter()
        .map(|api_crate| (*api_crate, "\"full\""))
        .collect();
    Ok(vec![
        Build {
            group: Group::Floor,
            label: "the token program with raw reqwest + serde + tokio (the floor)",
            folder: "token-floor",
            dependencies: "reqwest = { version = \"0.12\", default-features = false, features = [\"rustls-tls\"] }\n\
                 serde = { version = \"1\", features = [\"derive\"] }\n\
                 serde_json = \"1\"\n\
                 tokio = { version = \"1\", default-features = false, features = [\"rt\", \"time\", \"net\"] }\n"
                .to_owned(),
            builds_sdk: false,
            program: FLOOR_PROGRAM.fill(&[])?,
        },
        Build {
            group: Group::Token,
            label: "the token program with the checked-in crate",
            folder: "token-checked-in",
            dependencies: sdk(checked_in, "\"blocking\""),
            builds_sdk: true,
            program: TOKEN_PROGRAM.fill(&[])?,
        },
        Build {
            group: Group::Token,
            label: "the token program with the full-API crate, feature terminal_connection_token",
            folder: "token-full-api-one-feature",
            dependencies: sdk(full, "\"blocking\", \"terminal_connection_token\""),
            builds_sdk: true,
            program: TOKEN_PROGRAM.fill(&[])?,
        },
        Build {
            group: Group::ThreeResource,
            label: "the three-resource program with the full-API crate's three features",
            folder: "three-resource-ours",
            dependencies: sdk(
                full,
                "\"blocking\", \"customer\", \"payment_intent\", \"checkout_session\"",
            ),
            builds_sdk: true,
            program: THREE_RESOURCE_PROGRAM.fill(&[])?,
        },
        Build {
            group: Group::ThreeResource,
            label: "the three-resource program with async-stripe's core and checkout crates",
            folder: "three-resource-async-stripe",
            dependencies: async_stripe(
                &[
                    ("core", "\"customer\", \"payment_intent\""),
                    ("checkout", "\"checkout_session\""),
                ],
                None,
            ),
            builds_sdk: false,
            program: ASYNC_STRIPE_THREE_RESOURCE_PROGRAM.fill(&[])?,
        },
        Build {
            group: Group::WholeApi,
            label: "the token program with the full-API crate, feature full",
            folder: "whole-api-ours",
            dependencies: sdk(full, "\"blocking\", \"full\""),
            builds_sdk: true,
            program: TOKEN_PROGRAM.fill(&[])?,
        },
        Build {
            group: Group::WholeApi,
            label: "the token program with every async-stripe API crate, feature full",
            folder: "whole-api-async-stripe",
            dependencies: async_stripe(&every_async_stripe_crate, None),
            builds_sdk: false,
            program: ASYNC_STRIPE_TOKEN_PROGRAM.fill(&[])?,
        },
        Build {
            group: Group::Webhooks,
            label: "the retrieval with no handler, features checkout_session",
            folder: "webhooks-none",
            dependencies: sdk(full, "\"blocking\", \"checkout_session\""),
            builds_sdk: true,
            program: CHECKOUT_RETRIEVE_PROGRAM.fill(&[])?,
        },
        Build {
            group: Group::Webhooks,
            label: "the one-resource handler, features event and checkout_session",
            folder: "webhooks-one",
            dependencies: sdk(full, "\"blocking\", \"checkout_session\", \"event\""),
            builds_sdk: true,
            program: webhook_program(
                "`checkout.session.completed`",
                &[CHECKOUT_SESSION_COMPLETED],
                false,
            )?,
        },
        Build {
            group: Group::Webhooks,
            label: "the one-resource handler with async-stripe's checkout and webhook crates",
            folder: "webhooks-one-async-stripe",
            dependencies: async_stripe(
                &[("checkout", "\"checkout_session\"")],
                Some("\"async-stripe-checkout\""),
            ),
            builds_sdk: false,
            program: webhook_program(
                "`checkout.session.completed`",
                &[CHECKOUT_SESSION_COMPLETED],
                true,
            )?,
        },
        Build {
            group: Group::Webhooks,
            label: "the six-resource handler, features event and six resources",
            folder: "webhooks-six",
            dependencies: sdk(full, &format!("\"blocking\", \"event\", {SIX_RESOURCES}")),
            builds_sdk: true,
            program: webhook_program(SIX_RESOURCES_HANDLED, &SIX_RESOURCE_EVENTS, false)?,
        },
        Build {
            group: Group::Webhooks,
            label: "the six-resource handler with async-stripe's webhook crate over core, checkout and billing",
            folder: "webhooks-six-async-stripe",
            dependencies: async_stripe(
                &[("checkout", "\"checkout_session\"")],
                Some("\"async-stripe-core\", \"async-stripe-checkout\", \"async-stripe-billing\""),
            ),
            builds_sdk: false,
            program: webhook_program(SIX_RESOURCES_HANDLED, &SIX_RESOURCE_EVENTS, true)?,
        },
        Build {
            group: Group::Webhooks,
            label: "the six-resource handler, feature full",
            folder: "webhooks-full",
            dependencies: sdk(full, "\"blocking\", \"full\""),
            builds_sdk: true,
            program: webhook_program(SIX_RESOURCES_HANDLED, &SIX_RESOURCE_EVENTS, false)?,
        },
        Build {
            group: Group::Webhooks,
            label: "the six-resource handler with every async-stripe crate and its webhook crate, feature full",
            folder: "webhooks-full-async-stripe",
            dependencies: async_stripe(&every_async_stripe_crate, Some("\"full\"")),
            builds_sdk: false,
            program: webhook_program(SIX_RESOURCES_HANDLED, &SIX_RESOURCE_EVENTS, true)?,
        },
    ])
}

fn print_table(results: &[(&Build, Measured)], profile: Profile) {
    let measured = |folder: &str| {
        results
            .iter()
            .find(|(build, _)| build.folder == folder)
            .map(|(_, measured)| measured)
    };
    println!();
    println!(
        "| {}, dependencies included | time | rustc CPU |",
        profile.describe()
    );
    println!("| --- | --- | --- |");
    for (build, measured) in results {
        println!(
            "| {} (`{}`) | {:.1} s | {:.1} s |",
            build.label,
            build.folder,
            measured.total.as_secs_f64(),
            measured.cpu.as_secs_f64()
        );
    }
    println!();
    println!(
        "| comparison | ours | reference | ratio | difference | rustc CPU: ours / reference | ratio | difference | CPU ratio at the reference's load |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for comparison in &COMPARISONS {
        if let (Some(ours), Some(reference)) =
            (measured(comparison.ours), measured(comparison.reference))
        {
            let (time, reference_time) = (ours.total.as_secs_f64(), reference.total.as_secs_f64());
            let (cpu, reference_cpu) = (ours.cpu.as_secs_f64(), reference.cpu.as_secs_f64());
            println!(
                "| {} | {time:.1} s | {reference_time:.1} s | {:.2} | {:+.1} s | {cpu:.1} s / {reference_cpu:.1} s | {:.2} | {:+.1} s | {:.2} |",
                comparison.what,
                time / reference_time,
                time - reference_time,
                cpu / reference_cpu,
                cpu - reference_cpu,
                ours.cpu_at_reference_load(reference) / reference_cpu
            );
        }
    }
    println!();
    println!(
        "| the SDK's crates, each rustc run timed | `stripe-sdk-types` | `stripe-sdk-params` | `stripe-sdk` | first start to last end | CPU of all the SDK's crates (runtime included) |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (build, measured) in results {
        if build.builds_sdk {
            match measured.sdk {
                Some(sdk) => println!(
                    "| `{}` | {:.2} s | {:.2} s | {:.2} s | {:.2} s | {:.2} s |",
                    build.folder,
                    sdk.types.as_secs_f64(),
                    sdk.params.as_secs_f64(),
                    sdk.client.as_secs_f64(),
                    sdk.span.as_secs_f64(),
                    sdk.cpu.as_secs_f64()
                ),
                None => println!(
                    "| `{}` | not found in the rustc timer's lines | | | | |",
                    build.folder
                ),
            }
        }
    }
}

fn write_program(root: &Path, app: &Path, build: &Build) -> Result<()> {
    fs::create_dir_all(app.join("src"))
        .with_context(|| format!("cannot create {}", app.display()))?;
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{}\n[workspace]\n",
        build.folder, build.dependencies
    );
    fs::write(app.join("Cargo.toml"), manifest)
        .with_context(|| format!("cannot write {}/Cargo.toml", app.display()))?;
    fs::write(app.join("src/main.rs"), &build.program)
        .with_context(|| format!("cannot write {}/src/main.rs", app.display()))?;
    // The workspace's lock file pins the dependencies every program shares (serde, tokio,
    // reqwest, ...) to the same versions; cargo adds what only async-stripe needs.
    fs::copy(root.join("Cargo.lock"), app.join("Cargo.lock")).context("cannot copy Cargo.lock")?;
    Ok(())
}

/// The 1, 5 and 15 minute load averages, for judging how noisy a measurement was.
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A `RUSTC_WRAPPER` (cargo's documented hook for running rustc through another program) that
/// runs rustc and appends the crate's name, start and end, in seconds since the epoch, to the
/// file named by `BENCH_RUSTC_TIMES`: each crate's own time, read from no report format.
const RUSTC_TIMER: &str = include_str!("../templates/bench/rustc-timer.sh");

/// A build from an empty target folder, wall-clock timed, with the SDK crates' own times from
/// [`RUSTC_TIMER`].
fn build_cold(app: &Path, profile: Profile) -> Result<Measured> {
    let target = app.join("target");
    if target.exists() {
        fs::remove_dir_all(&target)
            .with_context(|| format!("cannot empty {}", target.display()))?;
    }
    // Fetching is not compiling: download first (into the shared CARGO_HOME cache) so the
    // timing sees only the build.
    let fetch = Command::new("cargo")
        .arg("fetch")
        .current_dir(app)
        .status()
        .context("cannot run cargo fetch")?;
    if !fetch.success() {
        bail!("cargo fetch failed in {}", app.display());
    }
    let timer = app.join("rustc-timer.sh");
    fs::write(&timer, RUSTC_TIMER).with_context(|| format!("cannot write {}", timer.display()))?;
    make_executable(&timer)?;
    let times = app.join("rustc-times.txt");
    if times.exists() {
        fs::remove_file(&times).with_context(|| format!("cannot remove {}", times.display()))?;
    }
    let started = Instant::now();
    let status = Command::new("cargo")
        .args(profile.cargo_args())
        .env_remove("RUSTFLAGS")
        // As a user gets it: cargo compiles a dependency from a registry or git (async-stripe
        // here, the SDK in a user's program) without incremental state, but a path dependency
        // (the SDK here) with it, which costs its first build a third more (27 s against 20 s
        // for the three-resource SDK crate alone). Off for every crate, on both sides.
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTC_WRAPPER", &timer)
        .env("BENCH_RUSTC_TIMES", &times)
        .current_dir(app)
        .status()
        .context("cannot run cargo")?;
    let total = started.elapsed();
    if !status.success() {
        bail!("cargo {} failed in {}", profile.name(), app.display());
    }
    let times = fs::read_to_string(&times).unwrap_or_default();
    let runs = rustc_runs(&times);
    Ok(Measured {
        total,
        cpu: runs.iter().map(|run| run.cpu).sum(),
        sdk: sdk_times(&runs),
        crates: crate_cpu(&runs),
    })
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<()> {
    bail!("bench-compile times each crate with a shell script as RUSTC_WRAPPER, which needs a Unix")
}

/// One rustc run, as [`RUSTC_TIMER`] recorded it.
struct RustcRun<'a> {
    crate_name: &'a str,
    start: f64,
    end: f64,
    cpu: Duration,
}

/// The timer's `name start end user sys` lines; a line that does not read is skipped (a
/// crate the timer could not name).
fn rustc_runs(times: &str) -> Vec<RustcRun<'_>> {
    times
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let crate_name = fields.next()?;
            let start: f64 = fields.next()?.parse().ok()?;
            let end: f64 = fields.next()?.parse().ok()?;
            let user = shell_times_seconds(fields.next()?)?;
            let system = shell_times_seconds(fields.next()?)?;
            Some(RustcRun {
                crate_name,
                start,
                end,
                cpu: Duration::from_secs_f64(user + system),
            })
        })
        .collect()
}

/// The SDK's crates, by the names rustc knows them: the generated three and the runtime they
/// depend on.
const SDK_CRATES: [&str; 6] = [
    "stripe_sdk",
    "stripe_sdk_types",
    "stripe_sdk_params",
    "stripe_sdk_json",
    "stripe_sdk_form",
    "stripe_sdk_client",
];

/// Each crate's CPU seconds, its runs (a build script's and its library's) summed.
fn crate_cpu(runs: &[RustcRun<'_>]) -> BTreeMap<String, f64> {
    let mut crates = BTreeMap::new();
    for run in runs {
        *crates.entry(run.crate_name.to_owned()).or_insert(0.0) += run.cpu.as_secs_f64();
    }
    crates
}

/// Seconds from the shell's `times` format, `<minutes>m<seconds>s` (`1m2.500000s`).
fn shell_times_seconds(text: &str) -> Option<f64> {
    let (minutes, seconds) = text.strip_suffix('s')?.split_once('m')?;
    Some(minutes.parse::<f64>().ok()? * 60.0 + seconds.parse::<f64>().ok()?)
}

/// The SDK's crates in the timer's lines (see [`SdkTimes`]).
fn sdk_times(runs: &[RustcRun<'_>]) -> Option<SdkTimes> {
    let types = crate_run(runs, "stripe_sdk_types")?;
    let params = crate_run(runs, "stripe_sdk_params")?;
    let client = crate_run(runs, "stripe_sdk")?;
    let seconds = |from: f64, to: f64| Duration::from_secs_f64((to - from).max(0.0));
    // The runtime crates are counted when the build has them (a build of a commit from
    // before they were split out has not).
    let crates: Vec<&RustcRun<'_>> = SDK_CRATES
        .iter()
        .filter_map(|name| crate_run(runs, name))
        .collect();
    let first_start = crates
        .iter()
        .map(|run| run.start)
        .fold(f64::INFINITY, f64::min);
    Some(SdkTimes {
        types: seconds(types.start, types.end),
        params: seconds(params.start, params.end),
        client: seconds(client.start, client.end),
        span: seconds(first_start, client.end),
        cpu: crates.iter().map(|run| run.cpu).sum(),
    })
}

/// A crate's library run: the longest of its name's runs, where a build script of the same
/// name ran too.
fn crate_run<'r, 'a>(runs: &'r [RustcRun<'a>], name: &str) -> Option<&'r RustcRun<'a>> {
    runs.iter()
        .filter(|run| run.crate_name == name)
        .max_by(|a, b| (a.end - a.start).total_cmp(&(b.end - b.start)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_is_compared_at_its_references_load() {
        let build = |crates: &[(&str, f64)]| Measured {
            total: Duration::ZERO,
            cpu: Duration::from_secs_f64(crates.iter().map(|(_, cpu)| cpu).sum()),
            sdk: None,
            crates: crates
                .iter()
                .map(|(name, cpu)| ((*name).to_owned(), *cpu))
                .collect(),
        };
        // The shared crates took half again as long in our build (the machine was busier):
        // only what differs counts.
        let ours = build(&[
            ("tokio", 15.0),
            ("serde", 6.0),
            ("stripe_sdk", 3.0),
            ("app", 1.0),
        ]);
        let reference = build(&[("tokio", 10.0), ("serde", 4.0), ("app_floor", 0.5)]);
        let at_load = ours.cpu_at_reference_load(&reference);
        assert!((at_load - 18.0).abs() < 1e-9, "{at_load}");
        // The SDK's crates count on both sides: the features differ, not the dependencies.
        let with_sdk = build(&[
            ("tokio", 10.0),
            ("serde", 4.0),
            ("stripe_sdk", 2.0),
            ("app_floor", 0.5),
        ]);
        let at_load = ours.cpu_at_reference_load(&with_sdk);
        assert!((at_load - 18.0).abs() < 1e-9, "{at_load}");
    }

    #[test]
    fn reads_the_timers_lines_with_their_cpu_time() {
        let times = "serde 10.0 12.5 0m2.250000s 0m0.250000s\n\
                     stripe_sdk_types 20.0 50.0 1m0.500000s 0m1.000000s\n\
                     stripe_sdk_params 20.0 30.0 0m9.000000s 0m0.500000s\n\
                     stripe_sdk 50.0 60.0 0m8.000000s 0m0.000000s\n\
                     stripe_sdk 1.0 1.5 0m0.400000s 0m0.000000s\n\
                     unreadable 1.0\n";
        let runs = rustc_runs(times);
        assert_eq!(runs.len(), 5);
        let total: Duration = runs.iter().map(|run| run.cpu).sum();
        assert!((total.as_secs_f64() - 81.9).abs() < 1e-6);
        let sdk = sdk_times(&runs).expect("the three crates are there");
        assert_eq!(sdk.types, Duration::from_secs(30));
        // The library run, not the build script's shorter run of the same name.
        assert_eq!(sdk.client, Duration::from_secs(10));
        assert_eq!(sdk.span, Duration::from_secs(40));
        assert!((sdk.cpu.as_secs_f64() - 79.0).abs() < 1e-6);
    }

    #[test]
    fn every_program_is_filled_and_each_handler_has_its_arms() {
        let builds = builds(Path::new("sdk"), Path::new("full")).expect("every template fills");
        let program = |folder: &str| -> &str {
            let build = builds.iter().find(|build| build.folder == folder);
            &build.expect("the build exists").program
        };
        for build in &builds {
            assert!(!build.program.contains("{{"), "{}", build.program);
        }
        assert!(program("webhooks-one").contains(
            "        Ok(event) => match event.kind() {\n            \
             EventKind::CheckoutSessionCompleted(session) => println!(\"fulfil {}\", session.id),\n            \
             _ => println!(\"ignore {}\", event.id),\n"
        ));
        for (folder, arms) in [
            ("webhooks-six", "EventKind::"),
            ("webhooks-full", "EventKind::"),
            ("webhooks-six-async-stripe", "EventObject::"),
        ] {
            let handled = program(folder)
                .matches(&format!("            {arms}"))
                .count();
            assert_eq!(handled, 6, "{}", program(folder));
        }
        assert!(
            program("webhooks-one-async-stripe")
                .contains("EventObject::CheckoutSessionCompleted(session) => println!(\"fulfil {}\", session.id.as_str()),")
        );
    }
}
