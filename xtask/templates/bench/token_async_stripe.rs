//! Compile-time benchmark: creates one connection token with async-stripe.
use stripe_terminal::terminal_connection_token::CreateTerminalConnectionToken;

fn main() {
    let key = std::env::var("STRIPE_SECRET_KEY").unwrap_or_default();
    let client = stripe::blocking::Client::new(key);
    match CreateTerminalConnectionToken::new().send_blocking(&client) {
        Ok(token) => println!("{token:?}"),
        Err(error) => eprintln!("{error}"),
    }
}
