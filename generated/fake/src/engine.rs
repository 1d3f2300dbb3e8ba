//! The engine: answers one request as Stripe would, from the route table and the instance's
//! state (stored objects per connected account, idempotent results, the clock, the request log
//! and the queued failures). It knows nothing of HTTP framing, which `server.rs` does.

use crate::error::envelope;
use crate::events::{self, Cause, Change, Write};
use crate::failure::{Failure, FailureKind, RandomFailures};
use crate::form;
use crate::lifecycle;
use crate::objects::{Builder, Ids};
use crate::retention::{BoundedLog, IdempotencyStore, Replay, Retention, batch_slack};
use crate::table::{Action, BodyKind, Route, Table};
use crate::validate::{self, resolve};
use crate::webhooks::{
    Delivery, DeliveryAttempt, DeliveryStatus, Endpoint, Job, Outcome, Queued, Secret, Sent,
    WEBHOOK_RETRY_DELAYS,
};
use crate::{RecordedRequest, UnknownIds};
use bytes::Bytes;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;

/// Which API keys the fake accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Keys {
    /// Exactly this one.
    Exact(String),
    /// Any test-mode secret or restricted key (`sk_test_...`, `rk_test_...`), as stripe-mock.
    AnyTest,
}

/// How an instance behaves, fixed when it starts.
pub(crate) struct Config {
    pub keys: Keys,
    pub unknown_ids: UnknownIds,
    pub fixtures: Option<Map<String, Value>>,
    pub api_version: &'static str,
    /// The names events may have (the spec's `enabled_events` list), sorted.
    pub event_types: &'static [&'static str],
    pub retention: Retention,
}

/// A request, as the server read it.
pub(crate) struct Incoming {
    pub method: String,
    pub path: String,
    pub query: String,
    pub authorization: Option<String>,
    pub idempotency_key: Option<String>,
    pub stripe_account: Option<String>,
    pub stripe_version: Option<String>,
    pub content_type: Option<String>,
    pub body: Bytes,
}

/// The answer to send.
pub(crate) struct Outgoing {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Bytes,
    pub headers: Vec<(&'static str, String)>,
}

/// A stored object.
struct Stored {
    resource: &'static str,
    value: Value,
    /// Made up for an unknown id (`UnknownIds::Synthesize`) rather than created: it has no
    /// lifecycle to follow.
    synthesized: bool,
}

/// The objects of one account (the platform's is keyed `""`).
#[derive(Default)]
struct Account {
    objects: HashMap<String, Stored>,
    /// By concrete collection path (`/v1/customers`), the ids created there, oldest first.
    collections: HashMap<String, Vec<String>>,
    deleted: HashSet<String>,
}

struct State {
    accounts: HashMap<String, Account>,
    idempotency: IdempotencyStore,
    log: BoundedLog<RecordedRequest>,
    failures: VecDeque<Failure>,
    /// Failures injected at random, after the queued ones are used up.
    random: Option<RandomFailures>,
    /// The generator random failures are drawn from; separate from `ids` so that injecting
    /// failures does not change the ids a seed gives.
    chance: Ids,
    ids: Ids,
    now: i64,
    /// The events kept, oldest first, by account and id (the event itself is stored with
    /// the account's objects, where `GET /v1/events` finds it).
    events: VecDeque<(String, String)>,
    /// How many events were recorded before the oldest one kept: an event's sequence number
    /// minus this is its place in `events`.
    events_forgotten: usize,
    /// Every endpoint ever configured; deleted ones stay, inactive, so that indexes into it
    /// stay valid.
    endpoints: Vec<Endpoint>,
    /// The deliveries kept, by index (which endpoint queues and jobs hold), oldest first:
    /// every one still pending, and the finished ones of the events kept.
    deliveries: BTreeMap<usize, Queued>,
    /// The index the next delivery gets.
    next_delivery: usize,
}

impl State {
    /// Forgets the oldest events past the bound, in batches so that each account's list of
    /// events is shifted once per batch, with their finished deliveries. A pending delivery
    /// is kept until it finishes (see `record_attempt_in`).
    fn forget_old_events(&mut self, bound: usize) {
        if self.events.len() > bound + batch_slack(bound) {
            let excess = self.events.len() - bound;
            let mut per_account: HashMap<String, usize> = HashMap::new();
            for (account, id) in self.events.drain(..excess) {
                if let Some(store) = self.accounts.get_mut(&account) {
                    store.objects.remove(&id);
                }
                *per_account.entry(account).or_default() += 1;
            }
            // An account's events are a subsequence of all events, in the same order: the
            // ones forgotten are the front of its list.
            for (account, count) in per_account {
                if let Some(list) = self
                    .accounts
                    .get_mut(&account)
                    .and_then(|store| store.collections.get_mut(EVENTS_PATH))
                {
                    list.drain(..count.min(list.len()));
                }
            }
            self.events_forgotten += excess;
            let forgotten = self.events_forgotten;
            self.deliveries.retain(|_, queued| {
                queued.event_sequence >= forgotten || queued.status == DeliveryStatus::Pending
            });
        }
    }
}

pub(crate) struct Engine {
    pub table: Table,
    pub config: Config,
    state: Mutex<State>,
    /// Wakes the delivery task: an event to deliver, or the clock moved.
    pub wake: Notify,
    /// Wakes `settle` callers: the delivery task made progress or found nothing to do.
    pub settled: Notify,
}

/// The collection events are listed from.
const EVENTS_PATH: &str = "/v1/events";

/// The params names that page or shape a list rather than filter it.
const LIST_CONTROLS: [&str; 4] = ["limit", "starting_after", "ending_before", "expand"];

impl Engine {
    pub fn new(
        table: Table,
        config: Config,
        seed: u64,
        now: i64,
        endpoints: Vec<Endpoint>,
    ) -> Engine {
        let retention = config.retention;
        Engine {
            table,
            config,
            state: Mutex::new(State {
                accounts: HashMap::new(),
                idempotency: IdempotencyStore::new(retention.idempotency_keys),
                log: BoundedLog::new(retention.requests),
                failures: VecDeque::new(),
                random: None,
                chance: Ids::new(seed ^ 0x5eed_fa11_5eed_fa11),
                ids: Ids::new(seed),
                now,
                events: VecDeque::new(),
                events_forgotten: 0,
                endpoints,
                deliveries: BTreeMap::new(),
                next_delivery: 0,
            }),
            wake: Notify::new(),
            settled: Notify::new(),
        }
    }

    /// The state; a panic while it was held cannot leave it half-written in a way that matters
    /// to a fake, so a poisoned lock is used as it is.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn fail_next(&self, failure: Failure) {
        self.state().failures.push_back(failure);
    }

    pub fn fail_randomly(&self, random: Option<RandomFailures>) {
        self.state().random = random;
    }

    /// The failure the next request gets: a queued one first, else one drawn at random.
    pub fn take_failure(&self) -> Option<Failure> {
        let mut state = self.state();
        if let Some(front) = state.failures.front_mut() {
            if front.times > 1 {
                front.times -= 1;
                return Some(front.clone());
            }
            return state.failures.pop_front();
        }
        let State { random, chance, .. } = &mut *state;
        random.as_ref()?.pick(&mut || chance.next())
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().log.to_vec()
    }

    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        self.state().log.take()
    }

    pub fn clear_requests(&self) {
        self.state().log.clear();
    }

    pub fn now(&self) -> i64 {
        self.state().now
    }

    /// Moves the clock, and wakes the delivery task: retries may have come due.
    pub fn advance_clock(&self, seconds: i64) {
        {
            let mut state = self.state();
            state.now = state.now.saturating_add(seconds);
        }
        self.wake.notify_one();
    }

    /// How many objects are stored, over all accounts, not counting events.
    pub fn stored_objects(&self) -> usize {
        self.state()
            .accounts
            .values()
            .flat_map(|account| account.objects.values())
            .filter(|stored| stored.resource != "event")
            .count()
    }

    /// The events kept, oldest first.
    pub fn events(&self) -> Vec<Value> {
        let state = self.state();
        state
            .events
            .iter()
            .filter_map(|(account, id)| {
                let stored = state.accounts.get(account)?.objects.get(id)?;
                Some(stored.value.clone())
            })
            .collect()
    }

    /// The deliveries kept, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        let state = self.state();
        state
            .deliveries
            .values()
            .map(|queued| queued.delivery(state.endpoints.get(queued.endpoint)))
            .collect()
    }

    /// Records an event that no request caused (`FakeStripe::trigger`); `None` when the spec
    /// does not name it.
    pub fn trigger(&self, event_type: &str, object: Value) -> Option<Value> {
        let mut state = self.state();
        let cause = Cause {
            request_id: None,
            idempotency_key: None,
        };
        let id = self.emit(&mut state, "", event_type, object, None, &cause)?;
        let stored = state.accounts.get("")?.objects.get(&id)?;
        Some(stored.value.clone())
    }

    /// Records an event about `object` in `account` and queues it for every endpoint that
    /// wants it, returning its id; `None` (and nothing recorded) when the spec does not name
    /// it. It runs under the state's lock on every create, update and delete, so the event is
    /// built once and moved into the store rather than copied.
    fn emit(
        &self,
        state: &mut State,
        account: &str,
        event_type: &str,
        object: Value,
        previous: Option<Map<String, Value>>,
        cause: &Cause<'_>,
    ) -> Option<String> {
        if !events::is_known(self.config.event_types, event_type) {
            return None;
        }
        let id = state.ids.id("evt");
        let targets: Vec<usize> = state
            .endpoints
            .iter()
            .enumerate()
            .filter(|(_, endpoint)| endpoint.wants(event_type, account))
            .map(|(index, _)| index)
            .collect();
        let event = events::envelope(
            &id,
            event_type,
            object,
            previous,
            account,
            self.config.api_version,
            state.now,
            targets.len(),
            cause,
        );
        // Serialized once, and only when some endpoint gets it: every attempt to every
        // endpoint sends these bytes.
        let sent = (!targets.is_empty()).then(|| {
            Arc::new(Sent {
                event_id: id.clone(),
                event_type: event_type.to_owned(),
                account: account.to_owned(),
                payload: Bytes::from(event.to_string()),
            })
        });
        let store = state.accounts.entry(account.to_owned()).or_default();
        store
            .collections
            .entry(EVENTS_PATH.to_owned())
            .or_default()
            .push(id.clone());
        store.objects.insert(
            id.clone(),
            Stored {
                resource: "event",
                value: event,
                synthesized: false,
            },
        );
        state.events.push_back((account.to_owned(), id.clone()));
        let event_sequence = state.events_forgotten + state.events.len() - 1;
        let now = state.now;
        // One delivery per endpoint that wants the event (none when `sent` is `None`).
        for (index, sent) in targets
            .iter()
            .filter_map(|index| Some((*index, sent.clone()?)))
        {
            let position = state.next_delivery;
            let Some(endpoint) = state.endpoints.get_mut(index) else {
                continue;
            };
            endpoint.queue.push_back(position);
            let queued = Queued {
                event: sent,
                endpoint: index,
                attempts: Vec::new(),
                status: DeliveryStatus::Pending,
                next_at: now,
                in_flight: false,
                event_sequence,
            };
            state.deliveries.insert(position, queued);
            state.next_delivery += 1;
        }
        state.forget_old_events(self.config.retention.events);
        if !targets.is_empty() {
            self.wake.notify_one();
        }
        Some(id)
    }

    /// The oldest undelivered delivery of each active endpoint: in order per endpoint, so
    /// that a later event never overtakes one that is waiting for a retry.
    fn heads(state: &State) -> Vec<usize> {
        state
            .endpoints
            .iter()
            .filter(|endpoint| endpoint.active)
            .filter_map(|endpoint| endpoint.queue.front().copied())
            .collect()
    }

    /// The attempts to make now, marked as being made.
    pub fn due_deliveries(&self) -> Vec<Job> {
        let mut state = self.state();
        Self::heads(&state)
            .into_iter()
            .filter_map(|index| Self::take_job(&mut state, index))
            .collect()
    }

    /// The attempt of the delivery at `index`, marked as being made, if it is due and not
    /// being made already.
    fn take_job(state: &mut State, index: usize) -> Option<Job> {
        let now = state.now;
        let queued = state.deliveries.get_mut(&index)?;
        if queued.in_flight || queued.next_at > now {
            return None;
        }
        queued.in_flight = true;
        let (endpoint, payload) = (queued.endpoint, queued.event.payload.clone());
        let target = state.endpoints.get(endpoint)?;
        Some(Job {
            index,
            endpoint,
            url: target.url.clone(),
            payload,
            secret: target.secret.clone(),
        })
    }

    /// Records an attempt's outcome (`record_attempt_in`), then takes the next attempt due at the same
    /// endpoint, taken under the same lock: the task that made one attempt makes the next
    /// without going back through the delivery loop.
    pub fn record_attempt_and_continue(&self, index: usize, outcome: Outcome) -> Option<Job> {
        let mut state = self.state();
        let endpoint = Self::record_attempt_in(&mut state, index, outcome)?;
        let next = state
            .endpoints
            .get(endpoint)
            .filter(|endpoint| endpoint.active)
            .and_then(|endpoint| endpoint.queue.front().copied())?;
        Self::take_job(&mut state, next)
    }

    /// Records a failed attempt for the delivery an endpoint's task was making when the task
    /// ended without recording it, so that the delivery is retried rather than left marked as
    /// being attempted.
    pub fn abandon_attempt(&self, endpoint: usize, error: String) {
        let mut state = self.state();
        let Some(index) = state
            .endpoints
            .get(endpoint)
            .and_then(|endpoint| endpoint.queue.front().copied())
        else {
            return;
        };
        if state
            .deliveries
            .get(&index)
            .is_some_and(|queued| queued.in_flight)
        {
            let outcome = Outcome {
                signature: String::new(),
                status: None,
                error: Some(error),
                response_body: String::new(),
            };
            Self::record_attempt_in(&mut state, index, outcome);
        }
    }

    /// Whether no attempt is being made and none is due (a retry waiting for the clock is not
    /// due).
    pub fn quiet(&self) -> bool {
        let state = self.state();
        let now = state.now;
        Self::heads(&state).into_iter().all(|index| {
            state
                .deliveries
                .get(&index)
                .is_none_or(|queued| !queued.in_flight && queued.next_at > now)
        })
    }

    /// Records an attempt's outcome: delivered on 2xx, else retried after the next delay, or
    /// failed when no delay is left. Returns the delivery's endpoint.
    fn record_attempt_in(state: &mut State, index: usize, outcome: Outcome) -> Option<usize> {
        let now = state.now;
        let events_forgotten = state.events_forgotten;
        let queued = state.deliveries.get_mut(&index)?;
        queued.in_flight = false;
        let delivered = outcome
            .status
            .is_some_and(|status| (200..300).contains(&status));
        queued.attempts.push(DeliveryAttempt {
            at: now,
            signature: outcome.signature,
            status: outcome.status,
            error: outcome.error,
            response_body: outcome.response_body,
        });
        let made = queued.attempts.len();
        let endpoint = queued.endpoint;
        let event_forgotten = queued.event_sequence < events_forgotten;
        let finished = delivered || made > WEBHOOK_RETRY_DELAYS.len();
        if delivered {
            queued.status = DeliveryStatus::Succeeded;
            let sent = Arc::clone(&queued.event);
            let (account, event_id) = (&sent.account, &sent.event_id);
            // The event counts the endpoints that have not acknowledged it yet, as Stripe's.
            if let Some(fields) = state
                .accounts
                .get_mut(account)
                .and_then(|account| account.objects.get_mut(event_id))
                .and_then(|stored| stored.value.as_object_mut())
                && let Some(pending) = fields.get("pending_webhooks").and_then(Value::as_i64)
            {
                fields.insert(
                    "pending_webhooks".to_owned(),
                    Value::from((pending - 1).max(0)),
                );
            }
        } else if let Some(delay) = WEBHOOK_RETRY_DELAYS.get(made - 1) {
            queued.next_at = now.saturating_add(i64::try_from(delay.as_secs()).unwrap_or(i64::MAX));
        } else {
            queued.status = DeliveryStatus::Failed;
        }
        if finished
            && let Some(endpoint) = state.endpoints.get_mut(endpoint)
            && endpoint.queue.front() == Some(&index)
        {
            endpoint.queue.pop_front();
        }
        // A delivery outlives its forgotten event only while it is pending.
        if finished && event_forgotten {
            state.deliveries.remove(&index);
        }
        Some(endpoint)
    }

    /// After a request's writes: keeps webhook endpoints created, updated or deleted through
    /// the API in step with the endpoints deliveries go to (and answers a new endpoint's
    /// secret, once, as Stripe does), then records each write's event.
    fn after_writes(
        &self,
        state: &mut State,
        account: &str,
        writes: Vec<Write>,
        params: &Value,
        cause: &Cause<'_>,
        answer: &mut Answer,
    ) {
        for write in writes {
            if write.resource == "webhook_endpoint" {
                self.sync_endpoint(state, account, &write, params, answer);
            }
            let event_type = events::name(self.config.event_types, write.resource, &write.change);
            let previous = match write.change {
                // Nothing changed: Stripe records no event.
                Change::Updated(previous) if previous.is_empty() => continue,
                Change::Updated(previous) => Some(previous),
                Change::Created | Change::Deleted | Change::Event(_) => None,
            };
            self.emit(state, account, &event_type, write.object, previous, cause);
        }
    }

    fn sync_endpoint(
        &self,
        state: &mut State,
        account: &str,
        write: &Write,
        params: &Value,
        answer: &mut Answer,
    ) {
        let Some(id) = write.object.get("id").and_then(Value::as_str) else {
            return;
        };
        let url = write
            .object
            .get("url")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let enabled_events: Option<Vec<String>> = write
            .object
            .get("enabled_events")
            .and_then(Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            });
        match &write.change {
            Change::Created => {
                let secret = format!("whsec_{}", state.ids.token(32));
                state.endpoints.push(Endpoint {
                    id: Some(id.to_owned()),
                    url: url.unwrap_or_default(),
                    secret: Secret(secret.clone()),
                    enabled_events: enabled_events.unwrap_or_default(),
                    account: Some(account.to_owned()),
                    active: true,
                    queue: VecDeque::new(),
                });
                set_field(state, account, id, "status", json!("enabled"));
                if let Answer::Json(Value::Object(fields)) = answer {
                    fields.insert("status".to_owned(), json!("enabled"));
                    // Only the create answers the secret; retrieves do not, as on Stripe.
                    fields.insert("secret".to_owned(), Value::String(secret));
                }
            }
            Change::Updated(_) => {
                let disabled = params.get("disabled").and_then(Value::as_bool);
                if let Some(disabled) = disabled {
                    let status = if disabled { "disabled" } else { "enabled" };
                    set_field(state, account, id, "status", json!(status));
                    if let Answer::Json(Value::Object(fields)) = answer {
                        fields.insert("status".to_owned(), json!(status));
                    }
                }
                if let Some(endpoint) = state
                    .endpoints
                    .iter_mut()
                    .find(|endpoint| endpoint.id.as_deref() == Some(id))
                {
                    if let Some(url) = url {
                        endpoint.url = url;
                    }
                    if let Some(names) = enabled_events {
                        endpoint.enabled_events = names;
                    }
                    if let Some(disabled) = disabled {
                        endpoint.active = !disabled;
                    }
                }
            }
            // No lifecycle step acts on webhook endpoints.
            Change::Event(_) => {}
            Change::Deleted => {
                for endpoint in &mut state.endpoints {
                    if endpoint.id.as_deref() == Some(id) {
                        endpoint.active = false;
                    }
                }
            }
        }
    }

    /// Records a request that got no answer (a dropped connection).
    pub fn record_dropped(&self, incoming: &Incoming) {
        let operation_id = self
            .table
            .find(&incoming.method, &incoming.path)
            .map(|(route, _)| route.def.id);
        let mut state = self.state();
        let request_id = format!("req_{}", state.ids.token(14));
        state.log.push(RecordedRequest {
            operation_id,
            method: incoming.method.clone(),
            path: incoming.path.clone(),
            params: Value::Null,
            idempotency_key: incoming.idempotency_key.clone(),
            stripe_account: incoming.stripe_account.clone(),
            status: None,
            replayed: false,
            request_id,
            response: Value::Null,
        });
    }

    /// Answers `incoming`; `failure` is an injected status failure to answer with instead.
    pub fn handle(&self, incoming: &Incoming, failure: Option<&Failure>) -> Outgoing {
        let found = self.table.find(&incoming.method, &incoming.path);
        let operation_id = found.as_ref().map(|(route, _)| route.def.id);
        let mut extra_headers = Vec::new();
        let mut params = Value::Null;
        let mut replayed = false;
        let (status, body) = 'answer: {
            if let Some(Failure {
                kind:
                    FailureKind::Status {
                        status,
                        error_type,
                        code,
                        message,
                    },
                should_retry,
                retry_after,
                ..
            }) = failure
            {
                if let Some(retry) = should_retry {
                    extra_headers.push(("Stripe-Should-Retry", retry.to_string()));
                }
                if let Some(seconds) = retry_after {
                    extra_headers.push(("Retry-After", seconds.to_string()));
                }
                break 'answer (
                    *status,
                    envelope(error_type, code.as_deref(), message, None),
                );
            }
            if let Some(refusal) = self.authenticate(incoming.authorization.as_deref()) {
                break 'answer refusal;
            }
            let Some((route, path_values)) = found else {
                break 'answer (
                    404,
                    envelope(
                        "invalid_request_error",
                        None,
                        &format!(
                            "Unrecognized request URL ({}: {}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.",
                            incoming.method, incoming.path
                        ),
                        None,
                    ),
                );
            };
            let decoded = match self.decode(route, incoming) {
                Ok(decoded) => decoded,
                Err(refusal) => break 'answer refusal,
            };
            params = decoded;
            let account = incoming.stripe_account.clone().unwrap_or_default();
            let idempotent = incoming.method == "POST";
            let mut state = self.state();
            let fingerprint = match (&incoming.idempotency_key, idempotent) {
                (Some(key), true) => {
                    let fingerprint = format!("{} {} {}", incoming.method, incoming.path, params);
                    let now = state.now;
                    if let Some(replay) =
                        state.idempotency.get(&(account.clone(), key.clone()), now)
                    {
                        if replay.fingerprint == fingerprint {
                            replayed = true;
                            extra_headers.push(("Idempotent-Replayed", "true".to_owned()));
                            let status = replay.status;
                            let body = replay.body.clone();
                            drop(state);
                            return self.finish(
                                incoming,
                                operation_id,
                                params,
                                status,
                                Answer::Bytes(body, "application/json"),
                                extra_headers,
                                replayed,
                                None,
                            );
                        }
                        break 'answer (
                            400,
                            envelope(
                                "idempotency_error",
                                None,
                                &format!(
                                    "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
                                ),
                                None,
                            ),
                        );
                    }
                    Some((key.clone(), fingerprint))
                }
                _ => None,
            };
            if let Some(refusal) = check_webhook_url(route, &params) {
                break 'answer refusal;
            }
            // Made now rather than when the answer is logged, so that the request's events
            // can name it.
            let request_id = format!("req_{}", state.ids.token(14));
            let mut writes = Vec::new();
            let (status, mut answer) = self.execute(
                &mut state,
                route,
                &path_values,
                &params,
                &account,
                &incoming.path,
                &mut writes,
            );
            // Also after a refusal: a declined payment records its `payment_failed`.
            let cause = Cause {
                request_id: Some(&request_id),
                idempotency_key: incoming.idempotency_key.as_deref(),
            };
            self.after_writes(&mut state, &account, writes, &params, &cause, &mut answer);
            if let (Some((key, fingerprint)), Answer::Json(body)) = (fingerprint, &answer) {
                let bytes = Bytes::from(body.to_string());
                let now = state.now;
                state.idempotency.insert(
                    (account, key),
                    Replay {
                        fingerprint,
                        status,
                        body: bytes,
                    },
                    now,
                );
            }
            drop(state);
            return self.finish(
                incoming,
                operation_id,
                params,
                status,
                answer,
                extra_headers,
                replayed,
                Some(request_id),
            );
        };
        self.finish(
            incoming,
            operation_id,
            params,
            status,
            Answer::Json(body),
            extra_headers,
            replayed,
            None,
        )
    }

    /// Logs the request and builds the answer with Stripe's headers.
    #[allow(
        clippy::too_many_arguments,
        reason = "one private call site per outcome"
    )]
    fn finish(
        &self,
        incoming: &Incoming,
        operation_id: Option<&'static str>,
        params: Value,
        status: u16,
        answer: Answer,
        mut headers: Vec<(&'static str, String)>,
        replayed: bool,
        request_id: Option<String>,
    ) -> Outgoing {
        let (body, content_type, response) = match answer {
            Answer::Json(value) => {
                let body = Bytes::from(value.to_string());
                (body, "application/json", value)
            }
            Answer::Bytes(body, content_type) => {
                let response = if content_type == "application/json" {
                    serde_json::from_slice(&body).unwrap_or(Value::Null)
                } else {
                    Value::Null
                };
                (body, content_type, response)
            }
        };
        let mut state = self.state();
        let request_id = request_id.unwrap_or_else(|| format!("req_{}", state.ids.token(14)));
        state.log.push(RecordedRequest {
            operation_id,
            method: incoming.method.clone(),
            path: incoming.path.clone(),
            params,
            idempotency_key: incoming.idempotency_key.clone(),
            stripe_account: incoming.stripe_account.clone(),
            status: Some(status),
            replayed,
            request_id: request_id.clone(),
            response,
        });
        drop(state);
        headers.push(("Request-Id", request_id));
        headers.push((
            "Stripe-Version",
            incoming
                .stripe_version
                .clone()
                .unwrap_or_else(|| self.config.api_version.to_owned()),
        ));
        if let Some(key) = &incoming.idempotency_key {
            headers.push(("Idempotency-Key", key.clone()));
        }
        Outgoing {
            status,
            content_type,
            body,
            headers,
        }
    }

    /// `None` when the key is accepted, else Stripe's 401.
    fn authenticate(&self, authorization: Option<&str>) -> Option<(u16, Value)> {
        let key = authorization
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|key| !key.is_empty());
        let Some(key) = key else {
            // Stripe writes `invalid_request_error` in this body; the fake writes
            // `authentication_error`, the class every official client gives a 401, so that a
            // test reads one meaning from the status and the type.
            return Some((
                401,
                envelope(
                    "authentication_error",
                    None,
                    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
                    None,
                ),
            ));
        };
        let accepted = match &self.config.keys {
            Keys::Exact(expected) => key == expected,
            Keys::AnyTest => key.starts_with("sk_test_") || key.starts_with("rk_test_"),
        };
        if accepted {
            return None;
        }
        // Stripe shows only the key's last four characters.
        let tail: String = key
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<char>>()
            .into_iter()
            .rev()
            .collect();
        Some((
            401,
            envelope(
                "authentication_error",
                None,
                &format!("Invalid API Key provided: sk_test_********{tail}"),
                None,
            ),
        ))
    }

    /// Decodes and checks the request's params.
    fn decode(&self, route: &Route, incoming: &Incoming) -> Result<Value, (u16, Value)> {
        let invalid = |param: &str, code: Option<&str>, message: &str| {
            let param = (!param.is_empty()).then_some(param);
            (400, envelope("invalid_request_error", code, message, param))
        };
        let node = match route.def.body {
            BodyKind::Query | BodyKind::None if incoming.method != "POST" => {
                form::decode(&incoming.query)
            }
            BodyKind::Multipart => form::decode_multipart(
                &incoming.body,
                incoming.content_type.as_deref().unwrap_or(""),
            ),
            _ => match std::str::from_utf8(&incoming.body) {
                Ok(text) => form::decode(text),
                Err(_) => return Err(invalid("", None, "The request body is not UTF-8.")),
            },
        }
        .map_err(|error| invalid(&error.param, None, &error.message))?;
        let schema = route.params();
        validate::check(&self.table, &schema, &node)
            .map_err(|error| invalid(&error.param, error.code, &error.message))
    }

    /// Performs the operation on the state, adding what it stored, changed or deleted to
    /// `writes` (for their events).
    #[allow(
        clippy::too_many_arguments,
        reason = "one private call site; the request's parts as `handle` has them"
    )]
    fn execute(
        &self,
        state: &mut State,
        route: &Route,
        path_values: &[String],
        params: &Value,
        account_key: &str,
        path: &str,
        writes: &mut Vec<Write>,
    ) -> (u16, Answer) {
        if !route.def.binary.is_empty() {
            return (
                200,
                Answer::Bytes(
                    Bytes::from_static(b"%PDF-1.4\n% stripe-sdk-fake\n%%EOF\n"),
                    route.def.binary,
                ),
            );
        }
        let response_schema = route.response();
        let resource = route.def.resource;
        let empty = Map::new();
        let params_map = params.as_object().unwrap_or(&empty);
        let expand: Vec<String> = params_map
            .get("expand")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let State {
            accounts, ids, now, ..
        } = state;
        let mut builder = Builder {
            table: &self.table,
            fixtures: self.config.fixtures.as_ref(),
            ids,
            now: *now,
        };
        let account = accounts.entry(account_key.to_owned()).or_default();
        let resource_schema = (!resource.is_empty())
            .then(|| self.table.schema(resource))
            .flatten();
        // The response is the stored kind itself, or a union that includes it.
        let names_resource =
            |schema: &Value| schema.get("$ref").and_then(Value::as_str) == Some(resource);
        let response_names_resource = names_resource(&response_schema)
            || response_schema
                .get("anyOf")
                .or_else(|| response_schema.get("oneOf"))
                .and_then(Value::as_array)
                .is_some_and(|alternatives| alternatives.iter().any(names_resource));
        let mut result = match route.def.action {
            Action::Create if response_names_resource => {
                let mut object = builder.object(&json!({ "$ref": resource }));
                if let (Value::Object(fields), Some(schema)) = (&mut object, &resource_schema) {
                    apply_params(&mut builder, fields, params_map, schema, false);
                }
                let effects = lifecycle::created(resource, &mut object, params_map, builder.ids);
                store_new(account, resource, path, &object, writes);
                for (kind, name, object) in effects.events {
                    writes.push(Write {
                        resource: kind,
                        change: Change::Event(name),
                        object,
                    });
                }
                if let Some((status, body)) = effects.refusal {
                    return (status, Answer::Json(body));
                }
                object
            }
            Action::Retrieve | Action::Update | Action::Delete | Action::Other
                if !resource.is_empty() && !path_values.is_empty() =>
            {
                let Some(id) = path_values.last() else {
                    return (500, Answer::Json(Value::Null));
                };
                let existing = account
                    .objects
                    .get(id)
                    .filter(|stored| stored.resource == resource)
                    .map(|stored| (stored.value.clone(), stored.synthesized));
                let (object, synthesized) = match existing {
                    Some(found) => found,
                    None if account.deleted.contains(id)
                        || self.config.unknown_ids == UnknownIds::Missing =>
                    {
                        return (404, Answer::Json(missing(resource, id, "id")));
                    }
                    None => {
                        // Synthesized, as stripe-mock answers any id, and stored so that it
                        // stays the same object from now on.
                        let schema = json!({ "$ref": resource });
                        let mut object = builder.object(&schema);
                        if let Value::Object(fields) = &mut object {
                            fields.insert("id".to_owned(), Value::String(id.clone()));
                        }
                        let parent = path.rsplit_once('/').map_or("", |(parent, _)| parent);
                        account
                            .collections
                            .entry(parent.to_owned())
                            .or_default()
                            .push(id.clone());
                        account.objects.insert(
                            id.clone(),
                            Stored {
                                resource,
                                value: object.clone(),
                                synthesized: true,
                            },
                        );
                        (object, true)
                    }
                };
                let verb = route.def.path.rsplit('/').next().unwrap_or("");
                match route.def.action {
                    Action::Update => {
                        let old = object.clone();
                        let mut object = object;
                        if let (Value::Object(fields), Some(schema)) =
                            (&mut object, &resource_schema)
                        {
                            apply_params(&mut builder, fields, params_map, schema, true);
                        }
                        if let Some(stored) = account.objects.get_mut(id) {
                            stored.value = object.clone();
                        }
                        writes.push(Write {
                            resource,
                            change: Change::Updated(events::previous_attributes(&old, &object)),
                            object: object.clone(),
                        });
                        object
                    }
                    Action::Delete => {
                        account.objects.remove(id);
                        account.deleted.insert(id.clone());
                        writes.push(Write {
                            resource,
                            change: Change::Deleted,
                            object: object.clone(),
                        });
                        if response_names_resource {
                            object
                        } else {
                            let mut stub = builder.build(&response_schema, None, 0);
                            if let Value::Object(fields) = &mut stub {
                                fields.insert("id".to_owned(), Value::String(id.clone()));
                                if fields.contains_key("deleted") {
                                    fields.insert("deleted".to_owned(), Value::Bool(true));
                                }
                            }
                            stub
                        }
                    }
                    Action::Other if !synthesized && lifecycle::handles(resource, verb) => {
                        let mut object = object;
                        let lookup = |other: &str, kind: &str| {
                            account
                                .objects
                                .get(other)
                                .filter(|stored| stored.resource == kind)
                                .map(|stored| stored.value.clone())
                        };
                        let effects = lifecycle::act(
                            resource,
                            verb,
                            &mut object,
                            params_map,
                            &mut builder,
                            &lookup,
                        )
                        .unwrap_or_default();
                        if let Some(stored) = account.objects.get_mut(id) {
                            stored.value = object.clone();
                        }
                        for (other, value) in effects.others {
                            if let Some(stored) = account.objects.get_mut(&other) {
                                stored.value = value;
                            }
                        }
                        store_created(account, effects.created, writes);
                        for (kind, name, object) in effects.events {
                            writes.push(Write {
                                resource: kind,
                                change: Change::Event(name),
                                object,
                            });
                        }
                        if let Some((status, body)) = effects.refusal {
                            return (status, Answer::Json(body));
                        }
                        object
                    }
                    _ if response_names_resource => object,
                    _ => builder.object(&response_schema),
                }
            }
            Action::List | Action::Search if !resource.is_empty() => {
                match list(
                    &mut builder,
                    account,
                    route,
                    &response_schema,
                    params_map,
                    path,
                ) {
                    Ok(list) => list,
                    Err(refusal) => return (refusal.0, Answer::Json(refusal.1)),
                }
            }
            _ => builder.object(&response_schema),
        };
        for path in &expand {
            let segments: Vec<&str> = path.split('.').collect();
            expand_path(&mut result, &segments, account);
        }
        (200, Answer::Json(result))
    }
}

/// Stores the objects a lifecycle step made (a completed Checkout Session's payment intent)
/// in the collections they are listed in, and adds their writes, so that each records its
/// `created` event before the step's own events.
fn store_created(
    account: &mut Account,
    created: Vec<(&'static str, &'static str, Value)>,
    writes: &mut Vec<Write>,
) {
    for (resource, collection, object) in created {
        store_new(account, resource, collection, &object, writes);
    }
}

/// Stores a new object in `collection` and records its creation; an object without an id
/// (a connection token) is answered but not stored.
fn store_new(
    account: &mut Account,
    resource: &'static str,
    collection: &str,
    object: &Value,
    writes: &mut Vec<Write>,
) {
    let Some(id) = object.get("id").and_then(Value::as_str).map(str::to_owned) else {
        return;
    };
    account
        .collections
        .entry(collection.to_owned())
        .or_default()
        .push(id.clone());
    account.objects.insert(
        id,
        Stored {
            resource,
            value: object.clone(),
            synthesized: false,
        },
    );
    writes.push(Write {
        resource,
        change: Change::Created,
        object: object.clone(),
    });
}

/// Sets one field of a stored object.
fn set_field(state: &mut State, account: &str, id: &str, name: &str, value: Value) {
    if let Some(Value::Object(fields)) = state
        .accounts
        .get_mut(account)
        .and_then(|account| account.objects.get_mut(id))
        .map(|stored| &mut stored.value)
    {
        fields.insert(name.to_owned(), value);
    }
}

/// Refuses a webhook endpoint's `url` that is not an absolute `http` or `https` URL, as
/// Stripe does, before anything is stored: deliveries go nowhere else.
fn check_webhook_url(route: &Route, params: &Value) -> Option<(u16, Value)> {
    if route.def.resource != "webhook_endpoint"
        || !matches!(route.def.action, Action::Create | Action::Update)
    {
        return None;
    }
    let url = params.get("url").and_then(Value::as_str)?;
    let fine = stripe_sdk::reqwest::Url::parse(url)
        .is_ok_and(|parsed| matches!(parsed.scheme(), "http" | "https") && parsed.has_host());
    (!fine).then(|| {
        (
            400,
            envelope(
                "invalid_request_error",
                Some("url_invalid"),
                &format!("Invalid URL: {url}"),
                Some("url"),
            ),
        )
    })
}

/// A body to answer with.
enum Answer {
    Json(Value),
    Bytes(Bytes, &'static str),
}

/// Stripe's 404 for an id it does not know.
fn missing(resource: &str, id: &str, param: &str) -> Value {
    let kind = resource.rsplit('.').next().unwrap_or(resource);
    envelope(
        "invalid_request_error",
        Some("resource_missing"),
        &format!("No such {kind}: '{id}'"),
        Some(param),
    )
}

/// Applies create or update params to the fields of the same name, as far as each value fits
/// the field; `metadata` is merged key by key and `""` deletes a key (or, on update, unsets a
/// field).
fn apply_params(
    builder: &mut Builder<'_>,
    fields: &mut Map<String, Value>,
    params: &Map<String, Value>,
    schema: &Value,
    update: bool,
) {
    // Resolved without copying: the schema is read on every create and update.
    let table = builder.table;
    let mut holder = None;
    let schema = resolve(table, schema, &mut holder);
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, value) in params {
        if matches!(
            name.as_str(),
            "expand" | "id" | "object" | "created" | "livemode"
        ) {
            continue;
        }
        let Some(property) = properties.get(name) else {
            continue;
        };
        if name == "metadata" {
            let mut merged = match (update, fields.get("metadata")) {
                (true, Some(Value::Object(existing))) => existing.clone(),
                _ => Map::new(),
            };
            match value {
                Value::Object(entries) => {
                    for (key, entry) in entries {
                        match entry {
                            Value::String(text) if text.is_empty() => {
                                merged.remove(key);
                            }
                            other => {
                                merged.insert(key.clone(), other.clone());
                            }
                        }
                    }
                }
                // `metadata=` clears every key.
                _ => merged.clear(),
            }
            fields.insert(name.clone(), Value::Object(merged));
            continue;
        }
        if value.as_str() == Some("")
            && property.get("type").and_then(Value::as_str) != Some("string")
        {
            if property.get("nullable").and_then(Value::as_bool) == Some(true) {
                fields.insert(name.clone(), Value::Null);
            } else if !required.contains(&name.as_str()) {
                fields.remove(name);
            }
            continue;
        }
        if let Some(fitted) = builder.conform(value, property, 0) {
            fields.insert(name.clone(), fitted);
        }
    }
}

/// A list (or search result) page of the stored objects, newest first.
fn list(
    builder: &mut Builder<'_>,
    account: &Account,
    route: &Route,
    response_schema: &Value,
    params: &Map<String, Value>,
    path: &str,
) -> Result<Value, (u16, Value)> {
    let resource = route.def.resource;
    let limit = match params.get("limit").and_then(Value::as_i64) {
        None => 10,
        Some(limit @ 1..=100) => limit as usize,
        Some(_) => {
            return Err((
                400,
                envelope(
                    "invalid_request_error",
                    None,
                    "Invalid limit: must be between 1 and 100",
                    Some("limit"),
                ),
            ));
        }
    };
    let newest_first: Vec<(&String, &Stored)> = if route.def.action == Action::Search {
        let mut all: Vec<(&String, &Stored)> = account
            .collections
            .values()
            .flatten()
            .filter_map(|id| account.objects.get_key_value(id))
            .filter(|(_, stored)| stored.resource == resource)
            .collect();
        all.sort_by_key(|(_, stored)| {
            std::cmp::Reverse(stored.value.get("created").and_then(Value::as_i64))
        });
        all
    } else {
        account
            .collections
            .get(path)
            .into_iter()
            .flatten()
            .rev()
            .filter_map(|id| account.objects.get_key_value(id))
            .filter(|(_, stored)| stored.resource == resource)
            .collect()
    };
    let item_schema = builder.table.schema(resource);
    let item_properties = item_schema
        .as_deref()
        .and_then(|schema| schema.get("properties"))
        .and_then(Value::as_object);
    let filters: Vec<(&String, &Value)> = params
        .iter()
        .filter(|(name, _)| !LIST_CONTROLS.contains(&name.as_str()))
        .filter(|(name, _)| {
            item_properties.is_some_and(|properties| properties.contains_key(*name))
        })
        .collect();
    // `GET /v1/events` also takes `types`, a list of names of which any may match.
    let types: Option<Vec<&Value>> = params
        .get("types")
        .and_then(Value::as_array)
        .map(|names| names.iter().collect());
    let matching: Vec<(&String, &Stored)> = newest_first
        .into_iter()
        .filter(|(_, stored)| {
            filters
                .iter()
                .all(|(name, wanted)| matches_filter(stored.value.get(name.as_str()), wanted))
        })
        .filter(|(_, stored)| {
            types.as_ref().is_none_or(|types| {
                stored
                    .value
                    .get("type")
                    .is_some_and(|actual| types.contains(&actual))
            })
        })
        .collect();
    let position = |param: &str| -> Result<Option<usize>, (u16, Value)> {
        match params.get(param).and_then(Value::as_str) {
            None => Ok(None),
            Some(id) => matching
                .iter()
                .position(|(candidate, _)| candidate.as_str() == id)
                .map(Some)
                .ok_or_else(|| (404, missing(resource, id, param))),
        }
    };
    let (page, has_more) = if let Some(after) = position("starting_after")? {
        let rest = &matching[after + 1..];
        (&rest[..rest.len().min(limit)], rest.len() > limit)
    } else if let Some(before) = position("ending_before")? {
        let rest = &matching[..before];
        let start = rest.len().saturating_sub(limit);
        (&rest[start..], start > 0)
    } else {
        (
            &matching[..matching.len().min(limit)],
            matching.len() > limit,
        )
    };
    let mut value = builder.build(response_schema, None, 0);
    if let Value::Object(fields) = &mut value {
        fields.insert(
            "data".to_owned(),
            Value::Array(
                page.iter()
                    .map(|(_, stored)| stored.value.clone())
                    .collect(),
            ),
        );
        fields.insert("has_more".to_owned(), Value::Bool(has_more));
        fields.insert("url".to_owned(), Value::String(path.to_owned()));
    }
    Ok(value)
}

/// Whether a field's value passes a list filter: equal, the id of an expanded object, or
/// inside a range (`created[gte]=...`).
fn matches_filter(field: Option<&Value>, wanted: &Value) -> bool {
    let Some(field) = field else {
        return false;
    };
    match wanted {
        Value::Object(range) => {
            let Some(actual) = field.as_i64() else {
                return false;
            };
            range.iter().all(|(op, bound)| {
                let Some(bound) = bound.as_i64() else {
                    return true;
                };
                match op.as_str() {
                    "gt" => actual > bound,
                    "gte" => actual >= bound,
                    "lt" => actual < bound,
                    "lte" => actual <= bound,
                    _ => true,
                }
            })
        }
        _ => field == wanted || field.get("id") == Some(wanted),
    }
}

/// Replaces the id at `segments` (a dotted `expand` path) with the stored object it names,
/// through arrays (`data.customer` on a list).
fn expand_path(value: &mut Value, segments: &[&str], account: &Account) {
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    match value {
        Value::Array(items) => {
            for item in items {
                expand_path(item, segments, account);
            }
        }
        Value::Object(fields) => {
            let Some(field) = fields.get_mut(*first) else {
                return;
            };
            if let Value::String(id) = field
                && let Some(stored) = account.objects.get(id.as_str())
            {
                *field = stored.value.clone();
            }
            if !rest.is_empty() {
                expand_path(field, rest, account);
            }
        }
        _ => {}
    }
}

/// Required params built from an operation's params schema, with values that pass its checks
/// (for tests that call every operation).
pub(crate) fn sample_params(table: &Table, route: &Route) -> Value {
    sample(table, &route.params(), 0)
}

fn sample(table: &Table, schema: &Value, depth: usize) -> Value {
    if depth > 16 {
        return Value::Null;
    }
    let mut holder = None;
    let schema = resolve(table, schema, &mut holder).clone();
    if let Some(alternatives) = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
    {
        let chosen = alternatives.iter().find(|alternative| {
            alternative
                .get("enum")
                .and_then(Value::as_array)
                .is_none_or(|values| values.first() != Some(&Value::String(String::new())))
        });
        return chosen.map_or(Value::Null, |chosen| sample(table, chosen, depth + 1));
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let mut out = Map::new();
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if let Some(property) = properties.and_then(|properties| properties.get(name)) {
                    let value = if name == "url" && depth == 0 {
                        // A webhook endpoint's URL must be one (the fake refuses others, as
                        // Stripe does); loopback's discard port, where nothing listens, so
                        // that deliveries to it fail at once and never leave the machine.
                        Value::String("http://127.0.0.1:9/stripe-sdk-fake-sample".to_owned())
                    } else {
                        sample(table, property, depth + 1)
                    };
                    out.insert(name.to_owned(), value);
                }
            }
            // A hash with nothing in it cannot be sent (the form encoding has no empty hash),
            // so a nested object gets its first field when none is required.
            if out.is_empty()
                && depth > 0
                && let Some((name, property)) =
                    properties.and_then(|properties| properties.iter().next())
            {
                out.insert(name.clone(), sample(table, property, depth + 1));
            }
            Value::Object(out)
        }
        Some("array") => {
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            Value::Array(vec![sample(table, &items, depth + 1)])
        }
        Some("integer") => Value::from(1),
        Some("number") => Value::from(1.0),
        Some("boolean") => Value::Bool(true),
        _ => Value::String("x".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_compare_ids_and_ranges() {
        assert!(matches_filter(Some(&json!("cus_1")), &json!("cus_1")));
        assert!(matches_filter(
            Some(&json!({"id": "cus_1"})),
            &json!("cus_1")
        ));
        assert!(!matches_filter(Some(&json!("cus_2")), &json!("cus_1")));
        assert!(matches_filter(Some(&json!(5)), &json!({"gte": 5, "lt": 6})));
        assert!(!matches_filter(
            Some(&json!(6)),
            &json!({"gte": 5, "lt": 6})
        ));
        assert!(!matches_filter(None, &json!("x")));
    }
}
