//! The builder of a [`FakeStripe`]: the key, seed, clock, fixtures, address, webhook
//! endpoints, retention and failures a fake starts with.

use crate::engine::{Config, Engine, Keys};
use crate::{
    DEFAULT_API_KEY, Failure, FakeApi, FakeError, FakeStripe, UnknownIds, deliveries, failure,
    helpers, retention, server, table, webhooks,
};
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Configures a [`FakeStripe`]; see [`FakeStripe::builder`].
#[derive(Debug, Clone)]
pub struct FakeStripeBuilder<A: FakeApi> {
    keys: Keys,
    client_key: String,
    seed: u64,
    clock: Option<i64>,
    fixtures: Option<Map<String, Value>>,
    unknown_ids: UnknownIds,
    listen: SocketAddr,
    allow_non_loopback: bool,
    webhooks: Vec<(String, deliveries::Secret)>,
    random_failures: Option<failure::RandomFailures>,
    retention: retention::Retention,
    api: PhantomData<fn() -> A>,
}

impl<A: FakeApi> FakeStripeBuilder<A> {
    /// The defaults [`FakeStripe::start`] runs with: the default key, seed 0, the real clock,
    /// no fixtures, a free port on `127.0.0.1`.
    pub(crate) fn new() -> Self {
        FakeStripeBuilder {
            keys: Keys::Exact(DEFAULT_API_KEY.to_owned()),
            client_key: DEFAULT_API_KEY.to_owned(),
            seed: 0,
            clock: None,
            fixtures: None,
            unknown_ids: UnknownIds::Missing,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            allow_non_loopback: false,
            webhooks: Vec::new(),
            random_failures: None,
            retention: retention::Retention::default(),
            api: PhantomData,
        }
    }

    /// Fails requests at random from the start, as
    /// [`FakeStripe::fail_randomly`] describes: each request with probability `rate`, as one
    /// of `failures`, drawn from the [`seed`](Self::seed).
    pub fn random_failures(mut self, rate: f64, failures: Vec<Failure>) -> Self {
        self.random_failures = failure::RandomFailures::new(rate, failures);
        self
    }

    /// Delivers every event (of every account) to `url`, signed with `secret` (a `whsec_...`
    /// the handler under test verifies with), as an endpoint enabled for `*`. Several calls
    /// add several endpoints. Deliveries go only to the URLs given here and to those of
    /// endpoints created with `POST /v1/webhook_endpoints`; tests use `127.0.0.1`.
    pub fn webhook(mut self, url: impl Into<String>, secret: impl Into<String>) -> Self {
        self.webhooks
            .push((url.into(), deliveries::Secret(secret.into())));
        self
    }

    /// Keeps the newest `count` events (default [`DEFAULT_RETENTION`]) for
    /// [`FakeStripe::events`] and `GET /v1/events`; older ones are forgotten in batches (so
    /// up to an eighth more may be kept for a while), with their finished deliveries in
    /// [`FakeStripe::deliveries`]. A delivery still pending is kept, and still made, until it
    /// finishes. Stripe keeps events for 30 days; a bound on the count is what keeps a
    /// long-running fake's memory flat.
    pub fn retain_events(mut self, count: usize) -> Self {
        self.retention.events = count;
        self
    }

    /// Keeps the newest `count` requests (default [`DEFAULT_RETENTION`]) in the log
    /// [`FakeStripe::requests`] reads; a run that makes more and needs them all takes the log
    /// in pieces with [`FakeStripe::take_requests`].
    pub fn retain_requests(mut self, count: usize) -> Self {
        self.retention.requests = count;
        self
    }

    /// Keeps at most `count` idempotency keys' answers (default
    /// [`DEFAULT_IDEMPOTENCY_KEYS`]), the oldest forgotten first. Each is replayed for
    /// [`IDEMPOTENCY_WINDOW_SECONDS`] (24 hours) on the fake's clock, as Stripe prunes keys
    /// after 24 hours: after [`FakeStripe::advance`] past that, the same key makes a new
    /// request. A key forgotten while its client still retries is performed twice, so keep
    /// the bound above what a client makes during its retries.
    pub fn retain_idempotency_keys(mut self, count: usize) -> Self {
        self.retention.idempotency_keys = count;
        self
    }

    /// Accepts exactly this API key (default [`DEFAULT_API_KEY`]); any other gets 401.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        self.client_key.clone_from(&key);
        self.keys = Keys::Exact(key);
        self
    }

    /// Accepts any test-mode key (`sk_test_...`, `rk_test_...`), as stripe-mock does.
    pub fn any_test_key(mut self) -> Self {
        self.keys = Keys::AnyTest;
        self
    }

    /// Seeds the generator of ids and secrets (default 0): the same seed and the same requests
    /// give the same ids.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Starts the fake's clock at this Unix time (default: now). `created` comes from it, and
    /// webhook retries wait on it; it moves only with [`FakeStripe::advance`].
    pub fn clock(mut self, unix_seconds: i64) -> Self {
        self.clock = Some(unix_seconds);
        self
    }

    /// Starts objects from Stripe's fixtures (`fixtures3.json` text, `{"resources": {...}}`),
    /// so that ids keep their real prefixes and fields their example values.
    ///
    /// # Errors
    ///
    /// [`FakeError::Fixtures`] when the text is not that shape.
    pub fn fixtures_json(mut self, text: &str) -> Result<Self, FakeError> {
        let document: Value =
            serde_json::from_str(text).map_err(|error| FakeError::Fixtures(error.to_string()))?;
        let resources = match document {
            Value::Object(mut document) => match document.remove("resources") {
                Some(Value::Object(resources)) => resources,
                _ => {
                    return Err(FakeError::Fixtures(
                        "no `resources` object at the top".to_owned(),
                    ));
                }
            },
            _ => return Err(FakeError::Fixtures("not a JSON object".to_owned())),
        };
        self.fixtures = Some(resources);
        Ok(self)
    }

    /// [`fixtures_json`](Self::fixtures_json) from a file.
    ///
    /// # Errors
    ///
    /// [`FakeError::Fixtures`] when the file cannot be read or is not that shape.
    pub fn fixtures_file(self, path: impl AsRef<Path>) -> Result<Self, FakeError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|error| FakeError::Fixtures(format!("{}: {error}", path.display())))?;
        self.fixtures_json(&text)
    }

    /// What to answer for ids never created (default [`UnknownIds::Missing`]).
    pub fn unknown_ids(mut self, unknown_ids: UnknownIds) -> Self {
        self.unknown_ids = unknown_ids;
        self
    }

    /// Where to listen (default `127.0.0.1:0`, a free port).
    pub fn listen(mut self, address: SocketAddr) -> Self {
        self.listen = address;
        self
    }

    /// Allows listening on an address other than loopback. The fake checks nothing but the
    /// API key, so this exposes it to the network.
    pub fn allow_non_loopback(mut self, allow: bool) -> Self {
        self.allow_non_loopback = allow;
        self
    }

    /// Binds the address and serves on the current Tokio runtime until the fake is shut down
    /// or dropped.
    ///
    /// # Errors
    ///
    /// [`FakeError::NotLoopback`], [`FakeError::Bind`], [`FakeError::Client`] when the API
    /// key is one the SDK refuses, or [`FakeError::Webhook`] for a webhook URL that is not an
    /// absolute `http` or `https` URL.
    pub async fn start(self) -> Result<FakeStripe<A>, FakeError> {
        if !self.listen.ip().is_loopback() && !self.allow_non_loopback {
            return Err(FakeError::NotLoopback(self.listen));
        }
        let mut endpoints = Vec::new();
        for (url, secret) in self.webhooks {
            let fine = reqwest::Url::parse(&url).is_ok_and(|parsed| {
                matches!(parsed.scheme(), "http" | "https") && parsed.has_host()
            });
            if !fine {
                return Err(FakeError::Webhook(format!(
                    "`{url}` is not an absolute http or https URL"
                )));
            }
            endpoints.push(deliveries::Endpoint {
                id: None,
                url,
                secret,
                enabled_events: vec!["*".to_owned()],
                account: None,
                active: true,
                queue: VecDeque::new(),
            });
        }
        let http = webhooks::http_client().map_err(|error| {
            FakeError::Webhook(format!("cannot build its HTTP client: {error}"))
        })?;
        let listener = TcpListener::bind(self.listen)
            .await
            .map_err(|source| FakeError::Bind {
                address: self.listen,
                source,
            })?;
        let address = listener.local_addr().map_err(|source| FakeError::Bind {
            address: self.listen,
            source,
        })?;
        let url = format!("http://{address}");
        let client = stripe_sdk_client::ClientBuilder::<A::Client>::new(self.client_key.clone())
            .base_url(&url)
            // Tests that inject failures want retries now, not after Stripe's backoff.
            .retry_sleep(|_| async {})
            .build()?;
        let now = self.clock.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_secs() as i64)
        });
        let engine = Arc::new(Engine::new(
            table::Table::new(&helpers::with_ours(A::operations()), A::SCHEMAS)
                .with_id_prefixes(A::ID_PREFIXES),
            Config {
                keys: self.keys,
                unknown_ids: self.unknown_ids,
                fixtures: self.fixtures,
                api_version: A::API_VERSION,
                event_types: A::EVENT_TYPES,
                retention: self.retention,
            },
            self.seed,
            now,
            endpoints,
        ));
        engine.fail_randomly(self.random_failures);
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(server::serve(listener, Arc::clone(&engine), stopped));
        let delivery = tokio::spawn(webhooks::run(Arc::clone(&engine), http));
        Ok(FakeStripe {
            url,
            address,
            client_key: self.client_key,
            client,
            engine,
            stop: Some(stop),
            task: Some(task),
            delivery,
        })
    }
}
