//! Compile-time benchmark floor: creates one connection token with raw reqwest, no SDK.
#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct ConnectionToken {
    object: String,
    location: Option<String>,
    secret: String,
}

async fn create_connection_token(key: &str) -> Result<ConnectionToken, Box<dyn std::error::Error>> {
    let response = reqwest::Client::new()
        .post("https://api.stripe.com/v1/terminal/connection_tokens")
        .bearer_auth(key)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await?
        .error_for_status()?;
    let body = response.text().await?;
    Ok(serde_json::from_str(&body)?)
}

// The runtime is built by hand, as the SDK's blocking client does: `#[tokio::main]` would add
// tokio's macros (and `syn`) to the build, which no SDK program needs.
fn main() {
    let key = std::env::var("STRIPE_SECRET_KEY").unwrap_or_default();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => return eprintln!("{error}"),
    };
    match runtime.block_on(create_connection_token(&key)) {
        Ok(token) => println!("{token:?}"),
        Err(error) => eprintln!("{error}"),
    }
}
