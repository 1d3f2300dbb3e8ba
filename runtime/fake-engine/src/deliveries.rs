//! The deliveries' bookkeeping: the endpoints events go to, each event's delivery to each
//! endpoint and where its attempts stand, the events kept (and forgotten past the bound), and
//! recording an event for every change. The task that makes the attempts is `webhooks.rs`;
//! this module is what it reads and writes, under the engine's lock.

use crate::engine::{Engine, State};
use crate::events::{self, Cause, Change, Snapshot, Write};
use crate::retention::batch_slack;
use crate::store::{Store, Stored};
use bytes::Bytes;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

/// How long after each failed attempt the next one is made, on the fake's clock: a delivery is
/// attempted at most `1 + WEBHOOK_RETRY_DELAYS.len()` times (8), over 27 hours and 36 minutes,
/// and is then [`DeliveryStatus::Failed`]. Stripe itself retries for up to three days; the
/// shape (minutes first, then hours) is the same, the total shorter so that a test can reach
/// the end with a few [`FakeStripe::advance`](crate::FakeStripe::advance) calls.
pub const WEBHOOK_RETRY_DELAYS: [Duration; 7] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// A signing secret. Its `Debug` hides it, so that printing a builder or an endpoint in a test
/// failure does not print the secret.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Where events go.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// The `we_...` id of an endpoint created through the API; `None` for one given to the
    /// builder.
    pub id: Option<String>,
    pub url: String,
    pub secret: Secret,
    /// Event names, or `*` for every event.
    pub enabled_events: Vec<String>,
    /// The account whose events it gets (`""` for the platform), or `None` for every account
    /// (an endpoint given to the builder).
    pub account: Option<String>,
    /// Disabled or deleted: it gets nothing new, and what it has queued waits.
    pub active: bool,
    /// Its undelivered deliveries (indexes into the state's deliveries), oldest first: the
    /// front is the only one attempted, so that deliveries go in order, and finding what is
    /// due costs one look per endpoint however many deliveries there have been.
    pub queue: VecDeque<usize>,
}

impl Endpoint {
    pub fn wants(&self, event_type: &str, account: &str) -> bool {
        self.active
            && self.account.as_deref().is_none_or(|own| own == account)
            && self
                .enabled_events
                .iter()
                .any(|name| name == "*" || name == event_type)
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryStatus {
    /// Not yet answered 2xx, with attempts left (or the first not yet made).
    Pending,
    /// An attempt was answered 2xx.
    Succeeded,
    /// Every attempt failed.
    Failed,
}

/// One attempt to deliver an event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryAttempt {
    /// When it was made, on the fake's clock (Unix seconds).
    pub at: i64,
    /// The `Stripe-Signature` header sent. Its `t` is the system clock at the attempt, as
    /// Stripe signs with its own clock, so that `Webhook::construct_event` (which checks the
    /// age against the system clock) accepts it whatever the fake's clock says.
    pub signature: String,
    /// The status the endpoint answered, or `None` when it did not answer (refused, cut or
    /// timed out).
    pub status: Option<u16>,
    /// Why there was no answer, when there was none.
    pub error: Option<String>,
    /// The start of the body it answered (at most 2 KiB, lossily decoded).
    pub response_body: String,
}

/// One event sent (or to be sent) to one endpoint, with every attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    pub event_id: String,
    pub event_type: String,
    /// The endpoint's `we_...` id when it was created through the API.
    pub endpoint_id: Option<String>,
    /// The URL it is delivered to: the endpoint's, as it is now (an endpoint updated through
    /// the API gets its waiting deliveries at its new URL, as Stripe's does).
    pub url: String,
    /// The body sent, exactly (the event as JSON); every attempt sends the same bytes.
    pub payload: String,
    pub attempts: Vec<DeliveryAttempt>,
    pub status: DeliveryStatus,
}

/// What every delivery of one event shares, kept once however many endpoints get it: a
/// delivery waiting behind others costs a few words, not a copy of the event.
#[derive(Debug)]
pub(crate) struct Sent {
    pub event_id: String,
    pub event_type: String,
    /// The account the event belongs to, to count down its `pending_webhooks`.
    pub account: String,
    /// The body, exactly: every attempt to every endpoint sends these bytes.
    pub payload: Bytes,
}

/// One delivery: the event, the endpoint, and where its attempts stand.
pub(crate) struct Queued {
    pub event: Arc<Sent>,
    /// The endpoint's index in the state's endpoints (which are never removed, only made
    /// inactive), so that deliveries to one endpoint go in order.
    pub endpoint: usize,
    pub attempts: Vec<DeliveryAttempt>,
    pub status: DeliveryStatus,
    /// When the next attempt is due, on the fake's clock.
    pub next_at: i64,
    pub in_flight: bool,
    /// The event's sequence number (how many were recorded before it), to tell whether the
    /// event is still kept.
    pub event_sequence: usize,
}

impl Queued {
    /// The record [`FakeStripe::deliveries`](crate::FakeStripe::deliveries) shows, with the
    /// endpoint's id and URL.
    pub fn delivery(&self, endpoint: Option<&Endpoint>) -> Delivery {
        Delivery {
            event_id: self.event.event_id.clone(),
            event_type: self.event.event_type.clone(),
            endpoint_id: endpoint.and_then(|endpoint| endpoint.id.clone()),
            url: endpoint
                .map(|endpoint| endpoint.url.clone())
                .unwrap_or_default(),
            payload: String::from_utf8_lossy(&self.event.payload).into_owned(),
            attempts: self.attempts.clone(),
            status: self.status,
        }
    }
}

/// An attempt to make now.
pub(crate) struct Job {
    pub index: usize,
    /// The endpoint's index in the state's endpoints.
    pub endpoint: usize,
    pub url: String,
    pub payload: Bytes,
    pub secret: Secret,
}

/// What an attempt got.
pub(crate) struct Outcome {
    pub signature: String,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub response_body: String,
}

/// The collection events are listed from.
pub(crate) const EVENTS_PATH: &str = "/v1/events";

/// The events kept and their deliveries.
#[derive(Default)]
pub(crate) struct Deliveries {
    /// The events kept, oldest first, by account and id (the event itself is stored with
    /// the account's objects, where `GET /v1/events` finds it).
    pub events: VecDeque<(String, String)>,
    /// How many events were recorded before the oldest one kept: an event's sequence number
    /// minus this is its place in `events`.
    events_forgotten: usize,
    /// Every endpoint ever configured; deleted ones stay, inactive, so that indexes into it
    /// stay valid.
    pub endpoints: Vec<Endpoint>,
    /// The deliveries kept, by index (which endpoint queues and jobs hold), oldest first:
    /// every one still pending, and the finished ones of the events kept.
    queued: BTreeMap<usize, Queued>,
    /// The index the next delivery gets.
    next_delivery: usize,
}

impl Deliveries {
    pub fn new(endpoints: Vec<Endpoint>) -> Deliveries {
        Deliveries {
            endpoints,
            ..Deliveries::default()
        }
    }

    /// The deliveries kept, oldest first, as tests see them.
    pub fn all(&self) -> Vec<Delivery> {
        self.queued
            .values()
            .map(|queued| queued.delivery(self.endpoints.get(queued.endpoint)))
            .collect()
    }

    /// Records that event `id` of `account` was stored, and queues one delivery of `sent` for
    /// each endpoint in `targets`.
    fn record(
        &mut self,
        account: &str,
        id: &str,
        sent: Option<Arc<Sent>>,
        targets: &[usize],
        now: i64,
    ) {
        self.events.push_back((account.to_owned(), id.to_owned()));
        let event_sequence = self.events_forgotten + self.events.len() - 1;
        for (index, sent) in targets
            .iter()
            .filter_map(|index| Some((*index, sent.clone()?)))
        {
            let position = self.next_delivery;
            let Some(endpoint) = self.endpoints.get_mut(index) else {
                continue;
            };
            endpoint.queue.push_back(position);
            self.queued.insert(
                position,
                Queued {
                    event: sent,
                    endpoint: index,
                    attempts: Vec::new(),
                    status: DeliveryStatus::Pending,
                    next_at: now,
                    in_flight: false,
                    event_sequence,
                },
            );
            self.next_delivery += 1;
        }
    }

    /// Forgets the oldest events past the bound, in batches so that each account's list of
    /// events is shifted once per batch, with their finished deliveries. A pending delivery
    /// is kept until it finishes (see `record_attempt`).
    fn forget_old_events(&mut self, store: &mut Store, bound: usize) {
        if self.events.len() <= bound + batch_slack(bound) {
            return;
        }
        let excess = self.events.len() - bound;
        let mut per_account: HashMap<String, usize> = HashMap::new();
        for (account, id) in self.events.drain(..excess) {
            if let Some(store) = store.accounts.get_mut(&account) {
                store.objects.remove(&id);
            }
            *per_account.entry(account).or_default() += 1;
        }
        // An account's events are a subsequence of all events, in the same order: the ones
        // forgotten are the front of its list.
        for (account, count) in per_account {
            if let Some(list) = store
                .accounts
                .get_mut(&account)
                .and_then(|store| store.collections.get_mut(EVENTS_PATH))
            {
                list.drain(..count.min(list.len()));
            }
        }
        self.events_forgotten += excess;
        let forgotten = self.events_forgotten;
        self.queued.retain(|_, queued| {
            queued.event_sequence >= forgotten || queued.status == DeliveryStatus::Pending
        });
    }

    /// The oldest undelivered delivery of each active endpoint: in order per endpoint, so
    /// that a later event never overtakes one that is waiting for a retry.
    fn heads(&self) -> impl Iterator<Item = usize> + '_ {
        self.endpoints
            .iter()
            .filter(|endpoint| endpoint.active)
            .filter_map(|endpoint| endpoint.queue.front().copied())
    }

    /// The attempts due now, marked as being made.
    fn due(&mut self, now: i64) -> Vec<Job> {
        let heads: Vec<usize> = self.heads().collect();
        heads
            .into_iter()
            .filter_map(|index| self.take_job(index, now))
            .collect()
    }

    /// The attempt of the delivery at `index`, marked as being made, if it is due and not
    /// being made already.
    fn take_job(&mut self, index: usize, now: i64) -> Option<Job> {
        let queued = self.queued.get_mut(&index)?;
        if queued.in_flight || queued.next_at > now {
            return None;
        }
        queued.in_flight = true;
        let (endpoint, payload) = (queued.endpoint, queued.event.payload.clone());
        let target = self.endpoints.get(endpoint)?;
        Some(Job {
            index,
            endpoint,
            url: target.url.clone(),
            payload,
            secret: target.secret.clone(),
        })
    }

    /// The next attempt due at `endpoint`, marked as being made.
    fn next_at_endpoint(&mut self, endpoint: usize, now: i64) -> Option<Job> {
        let next = self
            .endpoints
            .get(endpoint)
            .filter(|endpoint| endpoint.active)
            .and_then(|endpoint| endpoint.queue.front().copied())?;
        self.take_job(next, now)
    }

    /// Whether no attempt is being made and none is due (a retry waiting for the clock is not
    /// due).
    fn quiet(&self, now: i64) -> bool {
        self.heads().all(|index| {
            self.queued
                .get(&index)
                .is_none_or(|queued| !queued.in_flight && queued.next_at > now)
        })
    }

    /// The delivery at the front of `endpoint`'s queue, if an attempt at it is being made.
    fn in_flight_at(&self, endpoint: usize) -> Option<usize> {
        let index = self.endpoints.get(endpoint)?.queue.front().copied()?;
        self.queued
            .get(&index)
            .is_some_and(|queued| queued.in_flight)
            .then_some(index)
    }

    /// Records an attempt's outcome: delivered on 2xx, else retried after the next delay, or
    /// failed when no delay is left. Returns the delivery's endpoint.
    fn record_attempt(
        &mut self,
        store: &mut Store,
        index: usize,
        outcome: Outcome,
        now: i64,
    ) -> Option<usize> {
        let events_forgotten = self.events_forgotten;
        let queued = self.queued.get_mut(&index)?;
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
            // The event counts the endpoints that have not acknowledged it yet, as Stripe's.
            // An event still held as the JSON it was written as gets the count written into
            // its bytes, rather than being read into a value for one number.
            if let Some(stored) = store
                .accounts
                .get_mut(&sent.account)
                .and_then(|account| account.objects.get_mut(&sent.event_id))
            {
                match stored.json().map(events::one_less_pending_webhook) {
                    Some(Some(json)) => stored.set_json(json),
                    _ => {
                        if let Some(fields) = stored.value_mut().as_object_mut()
                            && let Some(pending) =
                                fields.get("pending_webhooks").and_then(Value::as_i64)
                        {
                            fields.insert(
                                "pending_webhooks".to_owned(),
                                Value::from((pending - 1).max(0)),
                            );
                        }
                    }
                }
            }
        } else if let Some(delay) = WEBHOOK_RETRY_DELAYS.get(made - 1) {
            queued.next_at = now.saturating_add(i64::try_from(delay.as_secs()).unwrap_or(i64::MAX));
        } else {
            queued.status = DeliveryStatus::Failed;
        }
        if finished
            && let Some(endpoint) = self.endpoints.get_mut(endpoint)
            && endpoint.queue.front() == Some(&index)
        {
            endpoint.queue.pop_front();
        }
        // A delivery outlives its forgotten event only while it is pending.
        if finished && event_forgotten {
            self.queued.remove(&index);
        }
        Some(endpoint)
    }
}

impl Engine {
    /// Records an event about `object` in `account` and queues it for every endpoint that
    /// wants it, returning its id; `None` (and nothing recorded) when the spec does not name
    /// it. It runs under the state's lock on every create, update and delete, so the event is
    /// written once, as JSON, which the store and the deliveries share.
    pub(crate) fn emit(
        &self,
        state: &mut State,
        account: &str,
        event_type: &str,
        object: Snapshot,
        previous: Option<Map<String, Value>>,
        cause: &Cause<'_>,
    ) -> Option<String> {
        if !events::is_known(self.config.event_types, event_type) {
            return None;
        }
        let id = state
            .ids
            .id(&crate::objects::id_prefix(self.table.id_prefixes, "event"));
        let targets: Vec<usize> = state
            .deliveries
            .endpoints
            .iter()
            .enumerate()
            .filter(|(_, endpoint)| endpoint.wants(event_type, account))
            .map(|(index, _)| index)
            .collect();
        let event = events::Event {
            id: &id,
            event_type,
            object: &object,
            previous: previous.as_ref(),
            account,
            api_version: self.config.api_version,
            created: state.now,
            pending_webhooks: targets.len(),
            cause,
        }
        .to_json();
        // Written once: the store keeps these bytes, and every attempt to every endpoint
        // sends them.
        let sent = (!targets.is_empty()).then(|| {
            Arc::new(Sent {
                event_id: id.clone(),
                event_type: event_type.to_owned(),
                account: account.to_owned(),
                payload: event.clone(),
            })
        });
        state.store.account(account).insert_stored(
            EVENTS_PATH,
            id.clone(),
            Stored::from_json("event", event),
        );
        let now = state.now;
        state.deliveries.record(account, &id, sent, &targets, now);
        state
            .deliveries
            .forget_old_events(&mut state.store, self.config.retention.events);
        if !targets.is_empty() {
            self.wake.notify_one();
        }
        Some(id)
    }

    /// The attempts to make now, marked as being made.
    pub fn due_deliveries(&self) -> Vec<Job> {
        let mut state = self.state();
        let now = state.now;
        state.deliveries.due(now)
    }

    /// Records an attempt's outcome, then takes the next attempt due at the same endpoint,
    /// under the same lock: the task that made one attempt makes the next without going back
    /// through the delivery loop.
    pub fn record_attempt_and_continue(&self, index: usize, outcome: Outcome) -> Option<Job> {
        let mut guard = self.state();
        let State {
            store,
            deliveries,
            now,
            ..
        } = &mut *guard;
        let endpoint = deliveries.record_attempt(store, index, outcome, *now)?;
        deliveries.next_at_endpoint(endpoint, *now)
    }

    /// Records a failed attempt for the delivery an endpoint's task was making when the task
    /// ended without recording it, so that the delivery is retried rather than left marked as
    /// being attempted.
    pub fn abandon_attempt(&self, endpoint: usize, error: String) {
        let mut guard = self.state();
        let State {
            store,
            deliveries,
            now,
            ..
        } = &mut *guard;
        if let Some(index) = deliveries.in_flight_at(endpoint) {
            let outcome = Outcome {
                signature: String::new(),
                status: None,
                error: Some(error),
                response_body: String::new(),
            };
            deliveries.record_attempt(store, index, outcome, *now);
        }
    }

    /// Whether no attempt is being made and none is due.
    pub fn quiet(&self) -> bool {
        let state = self.state();
        state.deliveries.quiet(state.now)
    }

    /// After a request's writes: keeps webhook endpoints created, updated or deleted through
    /// the API in step with the endpoints deliveries go to (and answers a new endpoint's
    /// secret, once, as Stripe does), then records each write's event.
    pub(crate) fn after_writes(
        &self,
        state: &mut State,
        account: &str,
        writes: Vec<Write>,
        params: &Value,
        cause: &Cause<'_>,
        answer: &mut Value,
    ) {
        for write in writes {
            if write.resource == "webhook_endpoint" {
                sync_endpoint(state, account, &write, params, answer);
            }
            let event_type = events::name(
                self.config.event_types,
                self.table.id_prefixes,
                write.resource,
                &write.change,
            );
            let previous = match write.change {
                // Nothing changed: Stripe records no event.
                Change::Updated(previous) if previous.is_empty() => continue,
                Change::Updated(previous) => Some(previous),
                Change::Created | Change::Deleted | Change::Event(_) => None,
            };
            self.emit(state, account, &event_type, write.object, previous, cause);
        }
    }
}

/// Keeps the endpoint deliveries go to in step with a webhook endpoint written through the
/// API.
fn sync_endpoint(
    state: &mut State,
    account: &str,
    write: &Write,
    params: &Value,
    answer: &mut Value,
) {
    // A webhook endpoint's create answers its secret, so its write keeps a copy of the
    // object rather than the answer's JSON.
    let Some(object) = write.object.value() else {
        return;
    };
    let Some(id) = object.get("id").and_then(Value::as_str) else {
        return;
    };
    let url = object.get("url").and_then(Value::as_str).map(str::to_owned);
    let enabled_events: Option<Vec<String>> = object
        .get("enabled_events")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        });
    let stored = state.store.account(account);
    match &write.change {
        Change::Created => {
            let secret = format!("whsec_{}", state.ids.token(32));
            state.deliveries.endpoints.push(Endpoint {
                id: Some(id.to_owned()),
                url: url.unwrap_or_default(),
                secret: Secret(secret.clone()),
                enabled_events: enabled_events.unwrap_or_default(),
                account: Some(account.to_owned()),
                active: true,
                queue: VecDeque::new(),
            });
            stored.set_field(id, "status", json!("enabled"));
            if let Value::Object(fields) = answer {
                fields.insert("status".to_owned(), json!("enabled"));
                // Only the create answers the secret; retrieves do not, as on Stripe.
                fields.insert("secret".to_owned(), Value::String(secret));
            }
        }
        Change::Updated(_) => {
            let disabled = params.get("disabled").and_then(Value::as_bool);
            if let Some(disabled) = disabled {
                let status = if disabled { "disabled" } else { "enabled" };
                stored.set_field(id, "status", json!(status));
                if let Value::Object(fields) = answer {
                    fields.insert("status".to_owned(), json!(status));
                }
            }
            if let Some(endpoint) = state
                .deliveries
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
            for endpoint in &mut state.deliveries.endpoints {
                if endpoint.id.as_deref() == Some(id) {
                    endpoint.active = false;
                }
            }
        }
    }
}
