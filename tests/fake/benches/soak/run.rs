//! The soak run shared by the `soak` bench (200,000 calls) and `tests/soak.rs` (2,000): calls
//! through the SDK's client at high concurrency against a fake that fails a share of requests
//! at random, with webhook deliveries to a verifying receiver, then the invariants checked.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use stripe_sdk::Webhook;
use stripe_sdk_fake::{DeliveryStatus, Failure, FakeStripe, RecordedRequest, UnknownIds};

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    pub calls: usize,
    pub concurrency: usize,
    /// The share of requests (attempts, retries included) the fake fails.
    pub failure_rate: f64,
    /// The client's timeout per attempt; injected delays are 1.5 times it.
    pub timeout: Duration,
    pub max_retries: u32,
    /// One in this many events gets a 500 from the receiver on its first attempt.
    pub webhook_fail_every: usize,
    /// One successful create in about this many triggers an event (1: every one). Each
    /// endpoint takes its deliveries one at a time, in order, so events recorded faster than
    /// that queue up, and the queue is memory the fake must hold.
    pub event_every: usize,
    pub seed: u64,
}

impl Config {
    pub fn new(calls: usize) -> Config {
        Config {
            calls,
            concurrency: 256,
            failure_rate: 0.10,
            timeout: Duration::from_millis(500),
            max_retries: 3,
            webhook_fail_every: 100,
            event_every: 1,
            seed: 22,
        }
    }
}

/// What the run measured.
#[derive(Debug, Default)]
pub struct Report {
    pub config_calls: usize,
    pub config_event_every: usize,
    /// Calls per outcome: `ok` or the `Debug` of the error's `kind()`.
    pub outcomes: BTreeMap<String, usize>,
    pub creates_ok: usize,
    /// Creates that ended in a timeout: the fake may have performed them (the answer was
    /// lost), so each may account for one stored object.
    pub creates_timed_out: usize,
    pub creates_other_error: usize,
    /// Distinct connection-token secrets among the successful creates.
    pub distinct_tokens: usize,
    /// Connection tokens the fake made (creates performed, not replayed), from its request
    /// log: connection tokens have no id, so the fake does not store them as objects, and
    /// this is the count of objects created.
    pub stored_tokens: usize,
    /// Creates performed more than once under one idempotency key (must be 0).
    pub double_creates: usize,
    /// Successful creates whose token the fake never made (must be 0).
    pub unknown_tokens: usize,
    pub stored_objects: usize,
    /// Attempts the fake answered 503, cut, and answered from an idempotency key's result.
    pub injected_503: usize,
    pub dropped: usize,
    pub replayed: usize,
    pub events: usize,
    /// What the fake still holds at the end: its newest events, and their deliveries.
    pub events_kept: usize,
    pub deliveries_kept: usize,
    /// Per endpoint: ids accepted (2xx answered) in arrival order, and how many arrived again
    /// after being accepted.
    pub endpoints: Vec<EndpointReport>,
    pub bad_signatures: usize,
    /// This process's RSS in KiB: at the start, after each tenth of the calls, and once the
    /// deliveries have settled.
    pub rss_kib: Vec<u64>,
    /// Deliveries waiting (queued behind earlier ones of their endpoint, or for a retry)
    /// after each tenth of the calls: the only state of the fake that grows with the rate of
    /// events rather than with a bound.
    pub pending_tenths: Vec<usize>,
    pub calls_time: Duration,
    pub settle_time: Duration,
}

#[derive(Debug, Default)]
pub struct EndpointReport {
    pub name: &'static str,
    pub accepted: usize,
    pub duplicates: usize,
    pub refused_first_attempts: usize,
    pub in_order: bool,
}

impl Report {
    /// The invariants that do not hold, empty when all do.
    pub fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        let total: usize = self.outcomes.values().sum();
        if total != self.config_calls {
            failures.push(format!("{total} calls ended, {} made", self.config_calls));
        }
        // Injected failures surface only as these classes once retries are exhausted; any
        // other class (an idempotency error, a decode error) is a bug.
        for (class, count) in &self.outcomes {
            if !matches!(class.as_str(), "ok" | "Timeout" | "Transport" | "Api(Api)") {
                failures.push(format!(
                    "{count} calls ended in an unexpected class {class}"
                ));
            }
        }
        if self.distinct_tokens != self.creates_ok {
            failures.push(format!(
                "{} successful creates returned {} distinct tokens",
                self.creates_ok, self.distinct_tokens
            ));
        }
        // A create that failed for good may still have been performed (an answer delayed past
        // the timeout, then every retry failed), so failed creates bound the surplus.
        let failed_creates = self.creates_timed_out + self.creates_other_error;
        if self.stored_tokens < self.creates_ok
            || self.stored_tokens > self.creates_ok + failed_creates
            || self.double_creates > 0
        {
            failures.push(format!(
                "{} tokens made for {} successful and {failed_creates} failed creates, {} keys performed twice",
                self.stored_tokens, self.creates_ok, self.double_creates
            ));
        }
        if self.unknown_tokens > 0 {
            failures.push(format!(
                "{} successful creates returned a token the fake never made",
                self.unknown_tokens
            ));
        }
        if self.bad_signatures > 0 {
            failures.push(format!(
                "{} deliveries failed verification",
                self.bad_signatures
            ));
        }
        for endpoint in &self.endpoints {
            if endpoint.accepted != self.events || endpoint.duplicates > 0 || !endpoint.in_order {
                failures.push(format!(
                    "endpoint {}: {} of {} events accepted, {} duplicates, in order: {}",
                    endpoint.name,
                    endpoint.accepted,
                    self.events,
                    endpoint.duplicates,
                    endpoint.in_order
                ));
            }
        }
        failures
    }

    pub fn print(&self) {
        let calls_per_second = self.config_calls as f64 / self.calls_time.as_secs_f64();
        println!("| what | figure |");
        println!("| --- | --- |");
        println!(
            "| calls | {} in {:.1} s ({calls_per_second:.0}/s) |",
            self.config_calls,
            self.calls_time.as_secs_f64()
        );
        println!(
            "| events triggered | {} (one per {} creates) |",
            self.events, self.config_event_every
        );
        for (class, count) in &self.outcomes {
            println!("| outcome `{class}` | {count} |");
        }
        println!(
            "| creates | {} ok ({} distinct tokens), {} timed out, {} other errors; {} tokens created by the fake, {} idempotency keys performed twice |",
            self.creates_ok,
            self.distinct_tokens,
            self.creates_timed_out,
            self.creates_other_error,
            self.stored_tokens,
            self.double_creates
        );
        println!(
            "| attempts failed by the fake | {} answered 503, {} connections dropped; {} answered as idempotent replays |",
            self.injected_503, self.dropped, self.replayed
        );
        println!("| objects stored at the end | {} |", self.stored_objects);
        println!(
            "| events, deliveries kept by the fake at the end | {}, {} |",
            self.events_kept, self.deliveries_kept
        );
        for endpoint in &self.endpoints {
            println!(
                "| webhooks, endpoint {} | {} of {} events accepted, {} duplicates, {} first attempts refused and retried, in order: {} |",
                endpoint.name,
                endpoint.accepted,
                self.events,
                endpoint.duplicates,
                endpoint.refused_first_attempts,
                endpoint.in_order
            );
        }
        println!("| bad signatures | {} |", self.bad_signatures);
        println!(
            "| deliveries settled after the calls | {:.1} s |",
            self.settle_time.as_secs_f64()
        );
        let rss: Vec<String> = self
            .rss_kib
            .iter()
            .map(|kib| format!("{:.0}", *kib as f64 / 1024.0))
            .collect();
        println!(
            "| RSS at the start, after each tenth of the calls, settled (MiB) | {} |",
            rss.join(", ")
        );
        let pending: Vec<String> = self.pending_tenths.iter().map(usize::to_string).collect();
        println!(
            "| deliveries pending after each tenth of the calls | {} |",
            pending.join(", ")
        );
    }
}

/// A 64-bit fingerprint of an id, secret or key: the soak tracks hundreds of thousands of
/// them, and keeping the strings would make its own bookkeeping the largest thing in the RSS
/// it reports. (A collision among 10^6 values has a chance near 10^-7.)
fn fingerprint(text: &str) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// This process's resident set (`VmRSS`), in KiB; 0 where `/proc` has none.
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

/// What the fake's request log says, taken in pieces as the run goes.
#[derive(Default)]
struct LogTally {
    /// The secrets of the connection tokens the fake made.
    created: HashSet<u64>,
    /// Non-replayed successful creates (each one an object made).
    performed: usize,
    /// The idempotency keys of those: fewer keys than creates is a double create.
    keys: HashSet<u64>,
    replayed: usize,
    injected_503: usize,
    dropped: usize,
}

impl LogTally {
    fn absorb(&mut self, log: Vec<RecordedRequest>) {
        for request in log {
            match request.status {
                None => self.dropped += 1,
                Some(503) => self.injected_503 += 1,
                Some(200) if request.replayed => self.replayed += 1,
                Some(200) if request.operation_id == Some("PostTerminalConnectionTokens") => {
                    self.performed += 1;
                    if let Some(key) = request.idempotency_key {
                        self.keys.insert(fingerprint(&key));
                    }
                    if let Some(secret) = request.response["secret"].as_str() {
                        self.created.insert(fingerprint(secret));
                    }
                }
                Some(_) => {}
            }
        }
    }
}

/// One webhook endpoint of the receiver.
struct Receiver {
    name: &'static str,
    secret: &'static str,
    fail_every: usize,
    /// Event ids accepted, in arrival order.
    accepted: Mutex<Vec<u64>>,
    /// Every event id seen, to refuse only first attempts.
    seen: Mutex<HashSet<u64>>,
    refused: AtomicUsize,
    bad_signatures: AtomicUsize,
}

async fn receive(endpoint: Arc<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let signature = headers
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let event = match Webhook::construct_event(&body, signature, endpoint.secret) {
        Ok(event) => event,
        Err(_) => {
            endpoint.bad_signatures.fetch_add(1, Ordering::Relaxed);
            return StatusCode::BAD_REQUEST;
        }
    };
    let first = {
        let mut seen = endpoint.seen.lock().expect("the receiver's log");
        let count = seen.len();
        seen.insert(fingerprint(&event.id)).then_some(count)
    };
    // A handler that fails now and then: the fake must retry, still in order.
    if let Some(count) = first
        && count % endpoint.fail_every == 0
    {
        endpoint.refused.fetch_add(1, Ordering::Relaxed);
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    endpoint
        .accepted
        .lock()
        .expect("the receiver's log")
        .push(fingerprint(&event.id));
    StatusCode::OK
}

async fn start_receiver(endpoints: &[Arc<Receiver>]) -> std::net::SocketAddr {
    use axum::routing::post;
    let mut app = axum::Router::new();
    for endpoint in endpoints {
        let endpoint = Arc::clone(endpoint);
        app = app.route(
            &format!("/{}", endpoint.name),
            post(move |headers: HeaderMap, body: Bytes| {
                receive(Arc::clone(&endpoint), headers, body)
            }),
        );
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds loopback");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    address
}

/// Runs the soak; the caller checks [`Report::failures`].
pub async fn run(config: Config) -> Report {
    let rss_start = rss_kib();
    let receivers: Vec<Arc<Receiver>> = [("a", "whsec_soak_a"), ("b", "whsec_soak_b")]
        .into_iter()
        .map(|(name, secret)| {
            Arc::new(Receiver {
                name,
                secret,
                fail_every: config.webhook_fail_every.max(1),
                accepted: Mutex::new(Vec::new()),
                seen: Mutex::new(HashSet::new()),
                refused: AtomicUsize::new(0),
                bad_signatures: AtomicUsize::new(0),
            })
        })
        .collect();
    let receiver = start_receiver(&receivers).await;
    let mut builder = FakeStripe::builder()
        .seed(config.seed)
        // Retrieving one reader id stores it once, so reads have something to find.
        .unknown_ids(UnknownIds::Synthesize)
        // A fifth of the default, so that the fake reaches its bound early in the run and the
        // RSS samples after it show whether anything else grows.
        .retain_events(2_000);
    for endpoint in &receivers {
        builder = builder.webhook(
            format!("http://{receiver}/{}", endpoint.name),
            endpoint.secret,
        );
    }
    let fake = Arc::new(builder.start().await.expect("the fake starts"));
    let client = fake
        .client_builder()
        .timeout(config.timeout)
        .max_retries(config.max_retries)
        // Retries at once: the soak measures what the fake and the client do, not backoff.
        .retry_sleep(|_| async {})
        .build()
        .expect("a client");
    // The reader the reads retrieve, stored before failures start.
    client
        .get_terminal_readers_reader("tmr_soak", &Default::default())
        .await
        .expect("the reader");
    // The `data.object` of the events triggered per create.
    let reader = serde_json::json!({
        "id": "tmr_soak", "object": "terminal.reader", "device_type": "simulated_wisepos_e",
        "livemode": false, "serial_number": "259cd19c", "label": "soak", "metadata": {},
        "action": {"type": "process_payment_intent", "status": "succeeded"},
    });
    fake.fail_randomly(
        config.failure_rate,
        vec![
            Failure::status(503),
            Failure::drop_connection(),
            Failure::delay_answer(config.timeout * 3 / 2),
        ],
    );

    // Webhook retries wait on the fake's clock: keep it moving so that a refused delivery,
    // which holds up its endpoint's queue, is retried within milliseconds.
    let ticking = Arc::new(AtomicBool::new(true));
    let ticker = {
        let fake = Arc::clone(&fake);
        let ticking = Arc::clone(&ticking);
        tokio::spawn(async move {
            while ticking.load(Ordering::Relaxed) {
                fake.advance(Duration::from_secs(60));
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };

    #[derive(Default)]
    struct Tally {
        outcomes: BTreeMap<String, usize>,
        creates_ok: usize,
        creates_timed_out: usize,
        creates_other_error: usize,
        secrets: HashSet<u64>,
    }
    let tally = Arc::new(Mutex::new(Tally::default()));
    // The ids of the events triggered, in the order the fake recorded them: triggers are made
    // under this lock, so its order is the fake's. (The fake keeps only its newest events, so
    // the order deliveries must follow is taken here rather than from `fake.events()`.)
    let triggered = Arc::new(Mutex::new(Vec::<u64>::new()));
    let log = Arc::new(Mutex::new(LogTally::default()));
    // The reader retrieved above is not part of the soak.
    fake.clear_requests();
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let tenth_samples = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..config.concurrency {
        let (client, fake, tally, triggered, log, next, done, tenth_samples, reader) = (
            client.clone(),
            Arc::clone(&fake),
            Arc::clone(&tally),
            Arc::clone(&triggered),
            Arc::clone(&log),
            Arc::clone(&next),
            Arc::clone(&done),
            Arc::clone(&tenth_samples),
            reader.clone(),
        );
        let calls = config.calls;
        let event_every = config.event_every.max(1);
        workers.spawn(async move {
            loop {
                let call = next.fetch_add(1, Ordering::Relaxed);
                if call >= calls {
                    break;
                }
                // Half creates (each with the SDK's own idempotency key), half reads.
                let (class, create) = if call % 2 == 0 {
                    let result = client
                        .post_terminal_connection_tokens(&Default::default())
                        .await;
                    match result {
                        Ok(token) => {
                            // An event per `event_every` objects created, delivered under the
                            // same load.
                            if call % (2 * event_every) == 0 {
                                let mut triggered = triggered.lock().expect("the event ids");
                                let event = fake
                                    .trigger("terminal.reader.action_succeeded", reader.clone())
                                    .expect("a listed event");
                                let id = event["id"].as_str().expect("an event id");
                                triggered.push(fingerprint(id));
                            }
                            let mut tally = tally.lock().expect("the tally");
                            tally.creates_ok += 1;
                            tally.secrets.insert(fingerprint(&token.secret));
                            ("ok".to_owned(), true)
                        }
                        Err(error) => (format!("{:?}", error.kind()), true),
                    }
                } else {
                    match client
                        .get_terminal_readers_reader("tmr_soak", &Default::default())
                        .await
                    {
                        Ok(_) => ("ok".to_owned(), false),
                        Err(error) => (format!("{:?}", error.kind()), false),
                    }
                };
                {
                    let mut tally = tally.lock().expect("the tally");
                    if create && class == "Timeout" {
                        tally.creates_timed_out += 1;
                    } else if create && class != "ok" {
                        tally.creates_other_error += 1;
                    }
                    *tally.outcomes.entry(class).or_default() += 1;
                }
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                if finished % (calls / 10).max(1) == 0 {
                    let pending = fake
                        .deliveries()
                        .iter()
                        .filter(|delivery| delivery.status == DeliveryStatus::Pending)
                        .count();
                    tenth_samples
                        .lock()
                        .expect("the samples")
                        .push((rss_kib(), pending));
                }
                // The fake keeps the newest 10,000 requests (`retain_requests`); the soak
                // needs them all, so it takes the log in pieces well within that.
                if finished % 1_000 == 0 {
                    let taken = fake.take_requests();
                    log.lock().expect("the log tally").absorb(taken);
                }
            }
        });
    }
    while let Some(joined) = workers.join_next().await {
        joined.expect("a worker ends without panicking");
    }
    let calls_time = started.elapsed();

    let settling = Instant::now();
    let tally = std::mem::take(&mut *tally.lock().expect("the tally"));
    let event_ids = std::mem::take(&mut *triggered.lock().expect("the event ids"));
    // Every delivery accepted by both endpoints, or a minute without progress.
    let mut stalled = Instant::now();
    let mut last = 0;
    loop {
        let accepted: usize = receivers
            .iter()
            .map(|endpoint| endpoint.accepted.lock().expect("the log").len())
            .sum();
        if accepted >= event_ids.len() * receivers.len()
            || stalled.elapsed() > Duration::from_secs(60)
        {
            break;
        }
        if accepted != last {
            last = accepted;
            stalled = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Then let anything still in flight (a duplicate would be) arrive.
    fake.settle().await;
    let settle_time = settling.elapsed();
    ticking.store(false, Ordering::Relaxed);
    let _ = ticker.await;
    // Delayed answers still sleeping after their client gave up were logged when their
    // operation ran, so the log is complete once the calls have ended.
    let mut log = std::mem::take(&mut *log.lock().expect("the log tally"));
    log.absorb(fake.take_requests());
    let rss_end = rss_kib();

    let tenths = std::mem::take(&mut *tenth_samples.lock().expect("the samples"));
    let events_kept = fake.events().len();
    let deliveries_kept = fake.deliveries().len();
    let endpoints = receivers
        .iter()
        .map(|endpoint| {
            let accepted = endpoint.accepted.lock().expect("the log");
            let mut counts: HashMap<u64, usize> = HashMap::new();
            for id in accepted.iter() {
                *counts.entry(*id).or_default() += 1;
            }
            EndpointReport {
                name: endpoint.name,
                accepted: counts.len(),
                duplicates: accepted.len() - counts.len(),
                refused_first_attempts: endpoint.refused.load(Ordering::Relaxed),
                in_order: *accepted == event_ids,
            }
        })
        .collect();
    Report {
        config_calls: config.calls,
        config_event_every: config.event_every.max(1),
        outcomes: tally.outcomes,
        creates_ok: tally.creates_ok,
        creates_timed_out: tally.creates_timed_out,
        creates_other_error: tally.creates_other_error,
        distinct_tokens: tally.secrets.len(),
        stored_tokens: log.performed,
        double_creates: log.performed - log.keys.len(),
        unknown_tokens: tally.secrets.difference(&log.created).count(),
        stored_objects: fake.stored_objects(),
        injected_503: log.injected_503,
        dropped: log.dropped,
        replayed: log.replayed,
        events: event_ids.len(),
        events_kept,
        deliveries_kept,
        endpoints,
        bad_signatures: receivers
            .iter()
            .map(|endpoint| endpoint.bad_signatures.load(Ordering::Relaxed))
            .sum(),
        rss_kib: std::iter::once(rss_start)
            .chain(tenths.iter().map(|(rss, _)| *rss))
            .chain(std::iter::once(rss_end))
            .collect(),
        pending_tenths: tenths.iter().map(|(_, pending)| *pending).collect(),
        calls_time,
        settle_time,
    }
}
