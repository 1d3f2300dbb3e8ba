//! What the fake forgets, and when: a fake that runs for hours (the binary beside a dev
//! server, a soak test) must not grow with every request, so the request log, the idempotency
//! keys' stored answers and the events (with their finished deliveries) are each kept up to a
//! bound, oldest forgotten first. Stored objects are never forgotten: they are the state a
//! test reads back.

use bytes::Bytes;
use std::collections::{HashMap, VecDeque};

/// How much history an instance keeps; see [`FakeStripeBuilder`](crate::FakeStripeBuilder)'s
/// `retain_*` methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Retention {
    pub events: usize,
    pub requests: usize,
    pub idempotency_keys: usize,
}

/// The default bound of events and of the request log: far more than a test makes, far less
/// than a long run would.
pub const DEFAULT_RETENTION: usize = 10_000;

/// The default bound of idempotency keys. Keys go mostly by [`IDEMPOTENCY_WINDOW_SECONDS`];
/// this bound only caps a fake whose clock never moves, and is large because forgetting a key
/// while its client still retries would perform a create twice (at 6,000 creates a second,
/// 10,000 keys last under two seconds).
pub const DEFAULT_IDEMPOTENCY_KEYS: usize = 100_000;

/// How long an idempotency key's answer is replayed, on the fake's clock: Stripe prunes keys
/// once they are at least 24 hours old.
pub const IDEMPOTENCY_WINDOW_SECONDS: i64 = 24 * 3600;

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            events: DEFAULT_RETENTION,
            requests: DEFAULT_RETENTION,
            idempotency_keys: DEFAULT_IDEMPOTENCY_KEYS,
        }
    }
}

/// How far past its bound a store that forgets in batches may grow: removing the oldest of
/// a `Vec` one at a time would move the whole rest each time.
pub(crate) fn batch_slack(bound: usize) -> usize {
    bound / 8 + 1
}

/// The newest `capacity` items of a log, oldest first.
#[derive(Debug)]
pub(crate) struct BoundedLog<T> {
    items: VecDeque<T>,
    capacity: usize,
}

impl<T: Clone> BoundedLog<T> {
    pub fn new(capacity: usize) -> BoundedLog<T> {
        BoundedLog {
            items: VecDeque::new(),
            capacity,
        }
    }

    /// Appends `item`, and gives back what the log forgot to make room for it (or `item`
    /// itself, when the log keeps nothing), for the caller to free once it has released the
    /// engine's lock.
    #[must_use = "the forgotten item is freed where it is dropped"]
    pub fn push(&mut self, item: T) -> Option<T> {
        if self.capacity == 0 {
            return Some(item);
        }
        let forgotten = if self.items.len() == self.capacity {
            self.items.pop_front()
        } else {
            None
        };
        self.items.push_back(item);
        forgotten
    }

    pub fn to_vec(&self) -> Vec<T> {
        self.items.iter().cloned().collect()
    }

    pub fn take(&mut self) -> Vec<T> {
        std::mem::take(&mut self.items).into()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }
}

/// A result kept for an idempotency key.
#[derive(Debug, Clone)]
pub(crate) struct Replay {
    /// The method, path and decoded params of the first request: a reuse with others is an
    /// `idempotency_error`.
    pub fingerprint: String,
    pub status: u16,
    pub body: Bytes,
}

/// The idempotency keys' answers, by account and key, each replayed for
/// [`IDEMPOTENCY_WINDOW_SECONDS`] on the fake's clock and at most `capacity` at a time (the
/// oldest go first).
#[derive(Debug)]
pub(crate) struct IdempotencyStore {
    replays: HashMap<(String, String), (Replay, i64)>,
    /// The keys in the order they were stored, with when: the front is always the oldest.
    order: VecDeque<((String, String), i64)>,
    capacity: usize,
}

impl IdempotencyStore {
    pub fn new(capacity: usize) -> IdempotencyStore {
        IdempotencyStore {
            replays: HashMap::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    /// The answer stored for `key` within the window ending `now`.
    pub fn get(&mut self, key: &(String, String), now: i64) -> Option<&Replay> {
        self.forget(now, self.capacity);
        self.replays.get(key).map(|(replay, _)| replay)
    }

    pub fn insert(&mut self, key: (String, String), replay: Replay, now: i64) {
        if self.capacity == 0 {
            return;
        }
        self.forget(now, self.capacity - 1);
        self.order.push_back((key.clone(), now));
        self.replays.insert(key, (replay, now));
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.replays.len()
    }

    /// Forgets keys past the window, then the oldest until at most `keep` remain.
    fn forget(&mut self, now: i64, keep: usize) {
        while let Some((key, stored_at)) = self.order.front() {
            let expired = now.saturating_sub(*stored_at) >= IDEMPOTENCY_WINDOW_SECONDS;
            if !expired && self.order.len() <= keep {
                break;
            }
            // A key forgotten and used again is stored anew, with its own entry behind this
            // one: only the entry of the same moment is this one's.
            if self.replays.get(key).is_some_and(|(_, at)| at == stored_at) {
                self.replays.remove(key);
            }
            self.order.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replay(status: u16) -> Replay {
        Replay {
            fingerprint: "POST /v1/customers {}".to_owned(),
            status,
            body: Bytes::from_static(b"{}"),
        }
    }

    fn key(name: &str) -> (String, String) {
        (String::new(), name.to_owned())
    }

    #[test]
    fn a_key_is_replayed_for_24_hours_of_the_fakes_clock() {
        let mut store = IdempotencyStore::new(10);
        store.insert(key("a"), replay(200), 1_000);
        assert!(
            store
                .get(&key("a"), 1_000 + IDEMPOTENCY_WINDOW_SECONDS - 1)
                .is_some()
        );
        assert!(
            store
                .get(&key("a"), 1_000 + IDEMPOTENCY_WINDOW_SECONDS)
                .is_none()
        );
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn the_oldest_keys_go_first_past_the_bound() {
        let mut store = IdempotencyStore::new(2);
        store.insert(key("a"), replay(200), 0);
        store.insert(key("b"), replay(201), 0);
        store.insert(key("c"), replay(202), 0);
        assert!(store.get(&key("a"), 0).is_none());
        assert_eq!(store.get(&key("b"), 0).map(|r| r.status), Some(201));
        assert_eq!(store.get(&key("c"), 0).map(|r| r.status), Some(202));
        assert_eq!(store.len(), 2);
    }

    #[test]
    fn a_key_used_again_after_it_expired_is_kept_from_its_new_use() {
        let mut store = IdempotencyStore::new(10);
        store.insert(key("a"), replay(200), 0);
        let later = IDEMPOTENCY_WINDOW_SECONDS + 5;
        assert!(store.get(&key("a"), later).is_none());
        store.insert(key("a"), replay(201), later);
        assert_eq!(store.get(&key("a"), later).map(|r| r.status), Some(201));
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn a_log_keeps_its_newest_items() {
        let mut log = BoundedLog::new(3);
        let forgotten: Vec<Option<i32>> = (0..5).map(|item| log.push(item)).collect();
        assert_eq!(forgotten, vec![None, None, None, Some(0), Some(1)]);
        assert_eq!(log.to_vec(), vec![2, 3, 4]);
        assert_eq!(log.take(), vec![2, 3, 4]);
        assert!(log.to_vec().is_empty());
        let mut none = BoundedLog::new(0);
        assert_eq!(none.push(1), Some(1));
        assert!(none.to_vec().is_empty());
    }
}
