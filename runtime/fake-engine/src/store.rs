//! The store: the objects of each account (the platform's is keyed `""`), the collections
//! they are listed in, and the ids deleted per resource. It knows nothing of requests; the
//! actions (`actions.rs`) and the lifecycles read and write it.

use crate::error::envelope;
use crate::events::{Change, Snapshot, Write};
use crate::pipeline::json_bytes;
use bytes::Bytes;
use serde_json::Value;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

/// A stored object.
pub(crate) struct Stored {
    pub resource: &'static str,
    /// The object as a value, made from `json` the first time something reads it.
    value: OnceCell<Value>,
    /// The object as the JSON its create answered, while it is what the object holds: a new
    /// object is kept as these bytes (about 640 for a customer, shared with the answer and the
    /// event) rather than as a value of its 25 fields (about 3 KiB in separate allocations),
    /// which most objects of a test are never read again to need. Cleared when the object
    /// changes.
    json: Option<Bytes>,
    /// Made up for an unknown id (`UnknownIds::Synthesize`) rather than created: it has no
    /// lifecycle to follow.
    pub synthesized: bool,
}

impl Stored {
    /// A stored object held as `value`.
    pub fn new(resource: &'static str, value: Value, synthesized: bool) -> Stored {
        Stored {
            resource,
            value: OnceCell::from(value),
            json: None,
            synthesized,
        }
    }

    /// A new object held as the JSON it was written as (a create's answer, an event), read
    /// into a value when needed.
    pub fn from_json(resource: &'static str, json: Bytes) -> Stored {
        Stored {
            resource,
            value: OnceCell::new(),
            json: Some(json),
            synthesized: false,
        }
    }

    /// The object.
    pub fn value(&self) -> &Value {
        self.value.get_or_init(|| match &self.json {
            // The bytes are serde_json's own writing of a value, so they read back as that
            // value (floats included: the `float_roundtrip` feature is on).
            Some(json) => serde_json::from_slice(json).unwrap_or(Value::Null),
            None => Value::Null,
        })
    }

    /// The object, to change: its JSON no longer says what it holds and is dropped.
    pub fn value_mut(&mut self) -> &mut Value {
        self.value();
        self.json = None;
        match self.value.get_mut() {
            Some(value) => value,
            None => unreachable!("`value()` has just filled the cell"),
        }
    }

    /// Replaces the object.
    pub fn set_value(&mut self, value: Value) {
        self.value = OnceCell::from(value);
        self.json = None;
    }

    /// Replaces the object with the JSON of its new state.
    pub fn set_json(&mut self, json: Bytes) {
        self.value = OnceCell::new();
        self.json = Some(json);
    }

    /// The object as JSON bytes, when it is still held as the bytes it was written as.
    pub fn json(&self) -> Option<&Bytes> {
        self.json.as_ref()
    }
}

/// The objects of one account.
#[derive(Default)]
pub(crate) struct Account {
    pub objects: HashMap<String, Stored>,
    /// By concrete collection path (`/v1/customers`), the ids created there, oldest first.
    pub collections: HashMap<String, Vec<String>>,
    /// The ids deleted, per resource: deleting coupon `250FF` leaves plan `250FF` alone, as
    /// on Stripe, where each resource has its own ids.
    deleted: HashSet<(&'static str, String)>,
    /// Whether the account holds objects that change as time passes (subscriptions, which
    /// renew, and balance transactions, which become available), so that a move of the clock
    /// skips the accounts that hold none without looking through their objects.
    pub moves_with_time: bool,
    /// Objects a request of this account made for other accounts (the connected account a
    /// destination charge pays), by account id, resource and collection, stored there once
    /// the request is done.
    pub outbox: Vec<(String, &'static str, &'static str, Value)>,
}

impl Account {
    /// The stored object of `resource` with `id`.
    pub fn get(&self, resource: &str, id: &str) -> Option<&Stored> {
        self.objects
            .get(id)
            .filter(|stored| stored.resource == resource)
    }

    /// The stored object of `resource` with `id`, to change.
    pub fn get_mut(&mut self, resource: &str, id: &str) -> Option<&mut Stored> {
        self.objects
            .get_mut(id)
            .filter(|stored| stored.resource == resource)
    }

    /// The value of the stored object of `resource` with `id`, copied.
    pub fn value(&self, resource: &str, id: &str) -> Option<Value> {
        self.get(resource, id).map(|stored| stored.value().clone())
    }

    /// Copies of every stored object of `resource`, collection by collection (in path
    /// order), each collection oldest first, so that the order does not depend on hashing;
    /// an object listed in two collections is copied once.
    pub fn values_of(&self, resource: &str) -> Vec<Value> {
        let mut paths: Vec<&String> = self.collections.keys().collect();
        paths.sort();
        let mut seen = HashSet::new();
        paths
            .into_iter()
            .filter_map(|path| self.collections.get(path))
            .flatten()
            .filter(|id| seen.insert(id.as_str()))
            .filter_map(|id| self.get(resource, id))
            .map(|stored| stored.value().clone())
            .collect()
    }

    /// Lists a stored object in one more collection.
    pub fn list_also(&mut self, collection: &str, id: &str) {
        self.collections
            .entry(collection.to_owned())
            .or_default()
            .push(id.to_owned());
    }

    /// Whether an object of `resource` with `id` was deleted.
    pub fn was_deleted(&self, resource: &'static str, id: &str) -> bool {
        self.deleted.contains(&(resource, id.to_owned()))
    }

    /// Removes the object and remembers its id as deleted for its resource.
    pub fn delete(&mut self, resource: &'static str, id: &str) {
        if self.get(resource, id).is_some() {
            self.objects.remove(id);
        }
        self.deleted.insert((resource, id.to_owned()));
    }

    /// Stores `object` under `id` and lists it in `collection`.
    pub fn insert(
        &mut self,
        resource: &'static str,
        collection: &str,
        id: String,
        object: Value,
        synthesized: bool,
    ) {
        self.insert_stored(collection, id, Stored::new(resource, object, synthesized));
    }

    /// Stores `stored` under `id` and lists it in `collection`.
    pub fn insert_stored(&mut self, collection: &str, id: String, stored: Stored) {
        // Looked up before `entry`, which would allocate the path on every insert.
        match self.collections.get_mut(collection) {
            Some(ids) => ids.push(id.clone()),
            None => {
                self.collections
                    .insert(collection.to_owned(), vec![id.clone()]);
            }
        }
        self.objects.insert(id, stored);
    }

    /// Stores a new object in `collection` and records its creation; an object without an id
    /// (a connection token) is answered but not stored. The object is moved into the store
    /// and copied once, for its event.
    pub fn store_new(
        &mut self,
        resource: &'static str,
        collection: &str,
        object: Value,
        writes: &mut Vec<Write>,
    ) {
        if object.get("id").and_then(Value::as_str).is_none() {
            return;
        }
        writes.push(Write {
            resource,
            change: Change::Created,
            object: Snapshot::Value(object.clone()),
        });
        self.store_created(resource, collection, object);
    }

    /// Stores a new object in `collection` and records its creation with the object as JSON,
    /// which it returns: the create's answer, serialized once for the answer, the event and
    /// the store, which all keep these bytes. The object is handed back to be freed once the
    /// engine's lock is released. The object must have an id.
    pub fn store_new_answered(
        &mut self,
        resource: &'static str,
        collection: &str,
        object: Value,
        writes: &mut Vec<Write>,
    ) -> (Bytes, Value) {
        let json = json_bytes(&object);
        writes.push(Write {
            resource,
            change: Change::Created,
            object: Snapshot::Json(json.clone()),
        });
        if let Some(id) = object.get("id").and_then(Value::as_str).map(str::to_owned) {
            self.moves_with_time |= Self::moves_with_time(resource);
            self.insert_stored(collection, id, Stored::from_json(resource, json.clone()));
        }
        (json, object)
    }

    /// Stores a new object in `collection` without recording its creation (what a request
    /// made in another account, which has no events of its own); an object without an id is
    /// not stored.
    pub fn store_created(&mut self, resource: &'static str, collection: &str, object: Value) {
        let Some(id) = object.get("id").and_then(Value::as_str).map(str::to_owned) else {
            return;
        };
        self.moves_with_time |= Self::moves_with_time(resource);
        self.insert(resource, collection, id, object, false);
    }

    /// Whether objects of `resource` change as time passes (see the field of that name).
    fn moves_with_time(resource: &str) -> bool {
        matches!(resource, "subscription" | "balance_transaction")
    }

    /// Sets one field of a stored object.
    pub fn set_field(&mut self, id: &str, name: &str, value: Value) {
        if let Some(Value::Object(fields)) = self.objects.get_mut(id).map(Stored::value_mut) {
            fields.insert(name.to_owned(), value);
        }
    }
}

/// Every account's objects.
#[derive(Default)]
pub(crate) struct Store {
    pub accounts: HashMap<String, Account>,
}

impl Store {
    /// The account's objects, made empty on first use.
    pub fn account(&mut self, account: &str) -> &mut Account {
        self.accounts.entry(account.to_owned()).or_default()
    }

    /// How many objects are stored, over all accounts, not counting events.
    pub fn count(&self) -> usize {
        self.accounts
            .values()
            .flat_map(|account| account.objects.values())
            .filter(|stored| stored.resource != "event")
            .count()
    }
}

/// Stripe's 404 for an id it does not know, naming the param that carried it.
pub(crate) fn missing(resource: &str, id: &str, param: &str) -> Value {
    let kind = resource.rsplit('.').next().unwrap_or(resource);
    envelope(
        "invalid_request_error",
        Some("resource_missing"),
        &format!("No such {kind}: '{id}'"),
        Some(param),
    )
}
