//! `stripe-sdk-fake`: the fake Stripe as a server for tests in any language, used as
//! stripe-mock is (`stripe.api_base = "http://127.0.0.1:12111"`).

use std::net::SocketAddr;
use std::process::ExitCode;
use stripe_sdk_fake::{FakeStripe, UnknownIds};

const USAGE: &str = "usage: stripe-sdk-fake [--listen ADDRESS:PORT] [--api-key KEY] [--seed N]
                       [--fixtures FILE] [--unknown-ids missing|synthesize]
                       [--allow-non-loopback]

Serves a stateful fake of Stripe's API until interrupted (Ctrl-C or SIGTERM).

options:
  --listen ADDRESS:PORT   where to listen (default 127.0.0.1:12111, stripe-mock's port); an
                          address other than loopback is refused without --allow-non-loopback
  --api-key KEY           accept only this key (default: any sk_test_/rk_test_ key)
  --seed N                seed for generated ids (default 0)
  --fixtures FILE         start objects from Stripe's fixtures3.json
  --unknown-ids MODE      missing (404, as Stripe; default) or synthesize (any id answers, as
                          stripe-mock)
  --allow-non-loopback    listen on an address other than loopback
  -h, --help              print this help";

#[tokio::main]
async fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("stripe-sdk-fake: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Vec<String>) -> Result<(), String> {
    let mut builder = FakeStripe::builder()
        .any_test_key()
        .listen(SocketAddr::from(([127, 0, 0, 1], 12111)));
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
            "--allow-non-loopback" => builder.allow_non_loopback(true),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        };
    }
    let fake = builder.start().await.map_err(|error| error.to_string())?;
    // The line scripts wait for before they send requests.
    println!("stripe-sdk-fake listening on {}", fake.url());
    shutdown_signal().await;
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
