//! The engine: one instance's state (the store, the deliveries, idempotent results, the
//! clock, the request log and the queued failures) behind one lock, and what tests read of
//! it. Answering a request is `pipeline.rs`; what an operation does to the store is
//! `actions.rs`; HTTP framing is `server.rs`.

use crate::actions::{apply_effects, in_context};
use crate::deliveries::{Deliveries, Delivery, Endpoint};
use crate::events::{Cause, Snapshot};
use crate::failure::{Failure, RandomFailures};
use crate::lifecycle;
use crate::objects::{Builder, Ids};
use crate::pipeline::Logged;
use crate::retention::{BoundedLog, IdempotencyStore, Retention};
use crate::store::{Store, Stored};
use crate::table::Table;
use crate::{RecordedRequest, UnknownIds};
use bytes::Bytes;
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
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

/// Everything an instance changes, behind the engine's one lock.
pub(crate) struct State {
    pub store: Store,
    pub deliveries: Deliveries,
    pub idempotency: IdempotencyStore,
    pub log: BoundedLog<Logged>,
    failures: VecDeque<Failure>,
    /// Failures injected at random, after the queued ones are used up.
    random: Option<RandomFailures>,
    /// The generator random failures are drawn from; separate from `ids` so that injecting
    /// failures does not change the ids a seed gives.
    chance: Ids,
    pub ids: Ids,
    pub now: i64,
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

/// The store a new instance starts with: empty, or, in the stripe-mock-like mode (fixtures
/// and `UnknownIds::Synthesize`), each fixture object stored in the platform account as
/// stripe-mock serves them, listed in its resource's top-level list and retrievable by its id.
fn fixtures_stored(table: &Table, config: &Config) -> Store {
    let mut store = Store::default();
    let Some(fixtures) = config
        .fixtures
        .as_ref()
        .filter(|_| config.unknown_ids == UnknownIds::Synthesize)
    else {
        return store;
    };
    for (name, fixture) in fixtures {
        let Some(id) = fixture.get("id").and_then(Value::as_str) else {
            continue;
        };
        let Some((resource, path)) = table.top_level_list(name) else {
            continue;
        };
        store
            .account("")
            .insert(resource, path, id.to_owned(), fixture.clone(), false);
    }
    store
}

impl Engine {
    pub fn new(
        table: Table,
        config: Config,
        seed: u64,
        now: i64,
        endpoints: Vec<Endpoint>,
    ) -> Engine {
        let retention = config.retention;
        let store = fixtures_stored(&table, &config);
        Engine {
            table,
            config,
            state: Mutex::new(State {
                store,
                deliveries: Deliveries::new(endpoints),
                idempotency: IdempotencyStore::new(retention.idempotency_keys),
                log: BoundedLog::new(retention.requests),
                failures: VecDeque::new(),
                random: None,
                chance: Ids::new(seed ^ 0x5eed_fa11_5eed_fa11),
                ids: Ids::new(seed),
                now,
            }),
            wake: Notify::new(),
            settled: Notify::new(),
        }
    }

    /// The state; a panic while it was held cannot leave it half-written in a way that matters
    /// to a fake, so a poisoned lock is used as it is.
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
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
        let logged = self.state().log.to_vec();
        logged.into_iter().map(Logged::into_recorded).collect()
    }

    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        let logged = self.state().log.take();
        logged.into_iter().map(Logged::into_recorded).collect()
    }

    pub fn clear_requests(&self) {
        self.state().log.clear();
    }

    pub fn now(&self) -> i64 {
        self.state().now
    }

    /// Moves the clock, and wakes the delivery task: retries may have come due. Time passing
    /// also makes pending funds available and renews the subscriptions whose periods ended.
    pub fn advance_clock(&self, seconds: i64) {
        {
            let mut state = self.state();
            state.now = state.now.saturating_add(seconds);
            self.time_passes(&mut state);
        }
        self.wake.notify_one();
    }

    /// What the clock's move does to each account's objects, with the events it records:
    /// balance transactions whose `available_on` came are available, and subscriptions on no
    /// test clock renew (those on one wait for its `advance`).
    fn time_passes(&self, state: &mut State) {
        let now = state.now;
        let mut keys: Vec<String> = state
            .store
            .accounts
            .iter()
            .filter(|(_, account)| account.moves_with_time)
            .map(|(key, _)| key.clone())
            .collect();
        keys.sort();
        for key in keys {
            let mut writes = Vec::new();
            {
                let State { store, ids, .. } = &mut *state;
                let account = store.account(&key);
                lifecycle::settle_balance_transactions(
                    account
                        .objects
                        .values_mut()
                        .filter(|stored| stored.resource == "balance_transaction")
                        .map(Stored::value_mut),
                    now,
                );
                // The binary moves its clock every second: the subscriptions are copied and
                // renewed only when one is due.
                let due = account.objects.values().any(|stored| {
                    stored.resource == "subscription"
                        && lifecycle::renewal_due(stored.value(), None, now)
                });
                if due {
                    let mut builder = Builder {
                        table: &self.table,
                        fixtures: self.config.fixtures.as_ref(),
                        ids,
                        now,
                    };
                    let effects = in_context(&mut builder, account, true, |context| {
                        lifecycle::renew_due(context, None, now)
                    });
                    // Renewals refuse nothing: a failed payment is recorded, not answered.
                    let _ = apply_effects(account, effects, &mut writes);
                }
            }
            let cause = Cause {
                request_id: None,
                idempotency_key: None,
            };
            self.after_writes(state, &key, writes, &Value::Null, &cause, &mut Value::Null);
        }
    }

    /// How many objects are stored, over all accounts, not counting events.
    pub fn stored_objects(&self) -> usize {
        self.state().store.count()
    }

    /// The events kept, oldest first.
    pub fn events(&self) -> Vec<Value> {
        let state = self.state();
        state
            .deliveries
            .events
            .iter()
            .filter_map(|(account, id)| {
                let stored = state.store.accounts.get(account)?.objects.get(id)?;
                Some(stored.value().clone())
            })
            .collect()
    }

    /// The deliveries kept, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state().deliveries.all()
    }

    /// Records an event that no request caused (`FakeStripe::trigger`); `None` when the spec
    /// does not name it.
    pub fn trigger(&self, event_type: &str, object: Value) -> Option<Value> {
        let mut state = self.state();
        let cause = Cause {
            request_id: None,
            idempotency_key: None,
        };
        let id = self.emit(
            &mut state,
            "",
            event_type,
            Snapshot::Value(object),
            None,
            &cause,
        )?;
        state
            .store
            .accounts
            .get("")?
            .objects
            .get(&id)
            .map(|stored| stored.value().clone())
    }
}
