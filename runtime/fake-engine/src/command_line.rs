//! The `stripe-sdk-fake` binary's program: the fake Stripe as a server for tests in any
//! language, used as stripe-mock is (`stripe.api_base = "http://127.0.0.1:12111"`). The
//! generated fake crate's binary (`src/main.rs`) calls [`main`] with its API.

use crate::{FakeApi, FakeStripe, UnknownIds};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

/// The signing secret of `--webhook` endpoints when `--webhook-secret` is not given.
const DEFAULT_WEBHOOK_SECRET: &str = "whsec_stripe_sdk_fake";

const USAGE: &str = "usage: stripe-sdk-fake [--listen ADDRESS:PORT] [--api-key KEY] [--seed N]
                       [--fixtures FILE] [--unknown-ids missing|synthesize]
                       [--webhook URL]... [--webhook-secret SECRET]
                       [--retain N] [--allow-non-loopback]

Serves a stateful fake of Stripe's API until interrupted (Ctrl-C or SIGTERM). Its clock follows
the system's, so webhook retries come after Stripe's delays (1 minute, 5 minutes, ...).

options:
  --listen ADDRESS:PORT   where to listen (default 127.0.0.1:12111, stripe-mock's port); an
                          address other than loopback is refused without --allow-non-loopback
  --api-key KEY           accept only this key (default: any sk_test_/rk_test_ key)
  --seed N                seed for generated ids (default 0)
  --fixtures FILE         start objects from Stripe's fixtures3.json
  --unknown-ids MODE      missing (404, as Stripe; default) or synthesize (any id answers, as
                          stripe-mock)
  --webhook URL           deliver every event to URL, signed (repeat for several URLs;
                          endpoints created with POST /v1/webhook_endpoints get events too)
  --webhook-secret SECRET the signing secret of the --webhook URLs (default
                          whsec_stripe_sdk_fake)
  --retain N              keep the newest N events and requests (default 10000) and at most N
                          idempotency keys (default 100000; each is forgotten after 24 hours)
  --allow-non-loopback    listen on an address other than loopback
  -h, --help              print this help";

/// Serves the fake of API `A` as the command line's arguments say, on a Tokio runtime of its
/// own, until interrupted; a usage error exits with status 2.
pub fn main<A: FakeApi>() -> ExitCode {
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the Tokio runtime: {error}"))
        .and_then(|runtime| runtime.block_on(run::<A>(std::env::args().skip(1).collect())));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("stripe-sdk-fake: {message}");
            ExitCode::from(2)
        }
    }
}

/// Parses `args`, starts the fake and serves until Ctrl-C or SIGTERM.
async fn run<A: FakeApi>(args: Vec<String>) -> Result<(), String> {
    let mut builder = FakeStripe::<A>::builder()
        .any_test_key()
        .listen(SocketAddr::from(([127, 0, 0, 1], 12111)));
    let mut webhooks = Vec::new();
    let mut webhook_secret = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        builder = match arg.as_str() {
            "--listen" => {
                let text = value("--listen")?;
                let address: SocketAddr = text
                    .parse()
                    .map_err(|_| format!("--listen: `{text}` is not ADDRESS:PORT"))?;
                builder.listen(address)
            }
            "--api-key" => builder.api_key(value("--api-key")?),
            "--seed" => {
                let text = value("--seed")?;
                builder.seed(
                    text.parse()
                        .map_err(|_| format!("--seed: `{text}` is not a number"))?,
                )
            }
            "--fixtures" => builder
                .fixtures_file(value("--fixtures")?)
                .map_err(|error| error.to_string())?,
            "--unknown-ids" => match value("--unknown-ids")?.as_str() {
                "missing" => builder.unknown_ids(UnknownIds::Missing),
                "synthesize" => builder.unknown_ids(UnknownIds::Synthesize),
                other => {
                    return Err(format!(
                        "--unknown-ids: `{other}` is not missing or synthesize"
                    ));
                }
            },
            "--webhook" => {
                webhooks.push(value("--webhook")?);
                builder
            }
            "--webhook-secret" => {
                let secret = value("--webhook-secret")?;
                if secret.trim().is_empty() {
                    return Err("--webhook-secret: the secret is empty".to_owned());
                }
                webhook_secret = Some(secret);
                builder
            }
            "--retain" => {
                let text = value("--retain")?;
                let count: usize = text
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("--retain: `{text}` is not a count"))?;
                builder
                    .retain_events(count)
                    .retain_requests(count)
                    .retain_idempotency_keys(count)
            }
            "--allow-non-loopback" => builder.allow_non_loopback(true),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        };
    }
    if webhook_secret.is_some() && webhooks.is_empty() {
        return Err("--webhook-secret: no --webhook URL to sign for".to_owned());
    }
    let secret = webhook_secret.unwrap_or_else(|| DEFAULT_WEBHOOK_SECRET.to_owned());
    for url in &webhooks {
        builder = builder.webhook(url.clone(), secret.clone());
    }
    let fake = builder.start().await.map_err(|error| error.to_string())?;
    for url in &webhooks {
        // Printed unless it was given: a script that took the default reads it here, as from
        // `stripe listen`.
        if secret == DEFAULT_WEBHOOK_SECRET {
            println!("stripe-sdk-fake delivers events to {url}, signed with {secret}");
        } else {
            println!("stripe-sdk-fake delivers events to {url}");
        }
    }
    // The line scripts wait for before they send requests.
    println!("stripe-sdk-fake listening on {}", fake.url());
    // A server has no test to move its clock: it follows the system's, a second at a time, so
    // that `created` values advance and webhook retries come due.
    let clock = async {
        let mut ticks = tokio::time::interval(Duration::from_secs(1));
        ticks.tick().await;
        loop {
            ticks.tick().await;
            fake.advance(Duration::from_secs(1));
        }
    };
    tokio::select! {
        () = shutdown_signal() => {}
        _ = clock => {}
    }
    fake.shutdown().await;
    Ok(())
}

/// Completes on Ctrl-C, or on SIGTERM on Unix.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = interrupt => {}
            () = terminate => {}
        }
    }
    #[cfg(not(unix))]
    interrupt.await;
}
