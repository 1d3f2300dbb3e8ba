//! Hand-written example: creates a Stripe Terminal connection token and prints it as JSON.
//!
//! ```text
//! STRIPE_SECRET_KEY=sk_test_... cargo run -p stripe-sdk-tests --features serialize \
//!     --example create_connection_token -- \
//!     [--location ID] [--expand FIELD]...
//! ```
//!
//! `STRIPE_API_BASE` overrides the base URL (for a local mock server). Exit codes: 0 on success,
//! 1 when the call fails, 2 for a usage or configuration problem.

use std::process::ExitCode;

use stripe_sdk::Client;
use stripe_sdk::TerminalConnectionTokenCreateParams;

const USAGE: &str = "usage: create_connection_token [--location ID] [--expand FIELD]...

Creates a Stripe Terminal connection token and prints it as JSON.

environment:
  STRIPE_SECRET_KEY  the secret API key (required)
  STRIPE_API_BASE    the API base URL (default https://api.stripe.com)";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let params = match parse_args(std::env::args().skip(1)) {
        Ok(Some(params)) => params,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("error: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let key = match std::env::var("STRIPE_SECRET_KEY") {
        Ok(key) if !key.is_empty() => key,
        _ => {
            eprintln!(
                "error: set STRIPE_SECRET_KEY to your secret API key (sk_test_... or sk_live_...)"
            );
            return ExitCode::from(2);
        }
    };
    let mut builder = Client::builder(key);
    if let Some(base) = std::env::var_os("STRIPE_API_BASE") {
        match base.into_string() {
            Ok(base) => builder = builder.base_url(base),
            Err(_) => {
                eprintln!("error: STRIPE_API_BASE is not valid UTF-8");
                return ExitCode::from(2);
            }
        }
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };

    match client.post_terminal_connection_tokens(&params).await {
        Ok(token) => match serde_json::to_string_pretty(&token) {
            // Printing the secret is the point of this program: a reader's host needs it.
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: could not print the token: {error}");
                ExitCode::FAILURE
            }
        },
        Err(error) => {
            // Errors from a response lead with the request id (`[req_...]`), which is what
            // Stripe support asks for.
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Parses the command line; `Ok(None)` means help was asked for.
fn parse_args(
    mut args: impl Iterator<Item = String>,
) -> Result<Option<TerminalConnectionTokenCreateParams>, String> {
    let mut params = TerminalConnectionTokenCreateParams::default();
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        // A separate value must not look like a flag: `--location --expand x` is a mistake,
        // not a location named `--expand`.
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next().filter(|next| !next.starts_with("--")))
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--location" => {
                if params.location.is_some() {
                    return Err("--location given more than once".to_owned());
                }
                params.location = Some(value("--location")?);
            }
            "--expand" => {
                let field = value("--expand")?;
                params.expand.get_or_insert_with(Vec::new).push(field);
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some(params))
}
