//! Answering one request, as a linear pipeline in the order stripe-mock's `server.go` reads:
//! an injected failure, then auth → route → params → idempotency → action → answer. Each
//! stage either passes what the next needs or refuses with Stripe's error, and every request,
//! answered or refused, is logged once by `finish`.

use crate::RecordedRequest;
use crate::engine::{Engine, Incoming, Keys, Outgoing, State};
use crate::error::envelope;
use crate::events::Cause;
use crate::failure::{Failure, FailureKind};
use crate::form;
use crate::retention::Replay;
use crate::table::{BodyKind, Route};
use crate::validate;
use bytes::Bytes;
use serde_json::Value;

/// A body to answer with.
pub(crate) enum Answer {
    Json(Value),
    /// JSON already serialized (for an idempotency key's replay, or a created object, whose
    /// event keeps these same bytes), with the value it was serialized from (if any), freed
    /// once the engine's lock is released.
    Serialized(Bytes, Value),
    Bytes(Bytes, &'static str),
}

/// A request as the log keeps it: the JSON body answered as the bytes that were sent, read
/// into `response` only when a test asks for the log, so that logging an answer copies
/// nothing and forgetting it frees one buffer rather than a whole object.
#[derive(Clone)]
pub(crate) struct Logged {
    request: RecordedRequest,
    json: Option<Bytes>,
}

impl Logged {
    /// The request as tests read it, its `response` parsed from the body.
    pub(crate) fn into_recorded(self) -> RecordedRequest {
        let Logged { mut request, json } = self;
        if let Some(json) = json {
            request.response = serde_json::from_slice(&json).unwrap_or(Value::Null);
        }
        request
    }
}

/// `value` as the JSON bytes of a body: the same bytes as its `to_string`, written without
/// going through `fmt`.
pub(crate) fn json_bytes(value: &Value) -> Bytes {
    // Room for a whole object from the start (a new customer is about 640 bytes), rather than
    // growing from `to_vec`'s 128 by copying three times.
    let mut bytes = Vec::with_capacity(1024);
    if serde_json::to_writer(&mut bytes, value).is_err() {
        return Bytes::new();
    }
    kept_bytes(bytes)
}

/// `bytes`, to be kept (by the store, the log, an idempotency key or an event), without the
/// room they were written into and did not use: a customer of 640 bytes would otherwise keep
/// 1,024, for as long as the fake keeps it. Giving back the end of a buffer is done in place.
pub(crate) fn kept_bytes(mut bytes: Vec<u8>) -> Bytes {
    if bytes.capacity() - bytes.len() > 32 {
        bytes.shrink_to_fit();
    }
    Bytes::from(bytes)
}

/// A stage's refusal: the status and Stripe's error envelope.
pub(crate) type Refusal = (u16, Value);

/// The longest `Idempotency-Key` Stripe takes.
const IDEMPOTENCY_KEY_MAX: usize = 255;

/// What the pipeline learned about a request on the way, for the log and the headers.
struct Exchange {
    operation_id: Option<&'static str>,
    params: Value,
    headers: Vec<(&'static str, String)>,
    replayed: bool,
    request_id: Option<String>,
}

/// A refusal as a JSON answer.
fn refused((status, body): Refusal) -> (u16, Answer) {
    (status, Answer::Json(body))
}

fn invalid(param: &str, code: Option<&str>, message: &str) -> Refusal {
    let param = (!param.is_empty()).then_some(param);
    (400, envelope("invalid_request_error", code, message, param))
}

impl Engine {
    /// Answers `incoming`; `failure` is an injected status failure to answer with instead.
    pub fn handle(&self, incoming: Incoming, failure: Option<&Failure>) -> Outgoing {
        let mut exchange = Exchange {
            operation_id: None,
            params: Value::Null,
            headers: Vec::new(),
            replayed: false,
            request_id: None,
        };
        let (status, answer) = self
            .run_pipeline(&incoming, failure, &mut exchange)
            .unwrap_or_else(refused);
        self.finish(incoming, exchange, status, answer)
    }

    fn run_pipeline(
        &self,
        incoming: &Incoming,
        failure: Option<&Failure>,
        exchange: &mut Exchange,
    ) -> Result<(u16, Answer), Refusal> {
        let found = self.table.find(&incoming.method, &incoming.path);
        exchange.operation_id = found.as_ref().map(|(route, _)| route.def.id);
        if let Some(refusal) = failure.and_then(|failure| injected(failure, &mut exchange.headers))
        {
            return Err(refusal);
        }
        self.authenticate(incoming.authorization.as_deref())?;
        let (route, path_values) = found.ok_or_else(|| unrecognized(incoming))?;
        exchange.params = self.decode(route, incoming)?;
        let params = &exchange.params;
        let account = incoming.stripe_account.clone().unwrap_or_default();
        let mut state = self.state();
        let key = match self.idempotency(&mut state, incoming, &account, params)? {
            Idempotency::Replay(status, body) => {
                exchange.replayed = true;
                exchange
                    .headers
                    .push(("Idempotent-Replayed", "true".to_owned()));
                return Ok((status, Answer::Bytes(body, "application/json")));
            }
            Idempotency::Fresh(key) => key,
        };
        // Made now rather than when the answer is logged, so that the request's events can
        // name it.
        let request_id = format!("req_{}", state.ids.token(14));
        let mut writes = Vec::new();
        let (status, mut answer) = self.execute(
            &mut state,
            route,
            &path_values,
            params,
            &account,
            &incoming.path,
            &mut writes,
        );
        // Also after a refusal: a declined payment records its `payment_failed`.
        let cause = Cause {
            request_id: Some(&request_id),
            idempotency_key: incoming.idempotency_key.as_deref(),
        };
        let mut no_body = Value::Null;
        let body = match &mut answer {
            Answer::Json(body) => body,
            Answer::Serialized(..) | Answer::Bytes(..) => &mut no_body,
        };
        self.after_writes(&mut state, &account, writes, params, &cause, body);
        // With a key, the answer is serialized here, under the lock, so that a retry with the
        // key finds it as soon as the operation is done; it is sent as these same bytes rather
        // than serialized a second time.
        let answer = match answer {
            Answer::Json(value) if key.is_some() => Answer::Serialized(json_bytes(&value), value),
            answer => answer,
        };
        if let (Some((key, fingerprint)), Answer::Serialized(body, _)) = (key, &answer) {
            let now = state.now;
            state.idempotency.insert(
                (account, key),
                Replay {
                    fingerprint,
                    status,
                    body: body.clone(),
                },
                now,
            );
        }
        exchange.request_id = Some(request_id);
        Ok((status, answer))
    }

    /// Records a request that got no answer (a dropped connection).
    pub fn record_dropped(&self, incoming: &Incoming) {
        let operation_id = self
            .table
            .find(&incoming.method, &incoming.path)
            .map(|(route, _)| route.def.id);
        let mut state = self.state();
        let request_id = format!("req_{}", state.ids.token(14));
        let _forgotten = state.log.push(Logged {
            request: RecordedRequest {
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
            },
            json: None,
        });
    }

    /// Logs the request and builds the answer with Stripe's headers. The request's strings
    /// move into the log rather than being copied, the answer is logged as the bytes sent,
    /// and what is freed (the answered value, the entry the log forgets to make room) is
    /// freed after the lock is released.
    fn finish(
        &self,
        incoming: Incoming,
        exchange: Exchange,
        status: u16,
        answer: Answer,
    ) -> Outgoing {
        let (body, content_type, answered) = match answer {
            Answer::Json(value) => (json_bytes(&value), "application/json", value),
            Answer::Serialized(body, value) => (body, "application/json", value),
            Answer::Bytes(body, content_type) => (body, content_type, Value::Null),
        };
        let json = (content_type == "application/json").then(|| body.clone());
        let Exchange {
            operation_id,
            params,
            mut headers,
            replayed,
            request_id,
        } = exchange;
        let Incoming {
            method,
            path,
            idempotency_key,
            stripe_account,
            stripe_version,
            ..
        } = incoming;
        let mut state = self.state();
        let request_id = request_id.unwrap_or_else(|| format!("req_{}", state.ids.token(14)));
        headers.push(("Request-Id", request_id.clone()));
        headers.push((
            "Stripe-Version",
            stripe_version.unwrap_or_else(|| self.config.api_version.to_owned()),
        ));
        if let Some(key) = idempotency_key
            .as_ref()
            .filter(|key| key.chars().count() <= IDEMPOTENCY_KEY_MAX)
        {
            headers.push(("Idempotency-Key", key.clone()));
        }
        let forgotten = state.log.push(Logged {
            request: RecordedRequest {
                operation_id,
                method,
                path,
                params,
                idempotency_key,
                stripe_account,
                status: Some(status),
                replayed,
                request_id,
                response: Value::Null,
            },
            json,
        });
        drop(state);
        drop(forgotten);
        drop(answered);
        Outgoing {
            status,
            content_type,
            body,
            headers,
        }
    }

    /// Accepts the key of `Authorization: Bearer <key>` or, as Stripe also does (`curl -u
    /// sk_test_...:`), `Authorization: Basic <base64 of "<key>:">`; else Stripe's 401.
    fn authenticate(&self, authorization: Option<&str>) -> Result<(), Refusal> {
        let key = authorization.and_then(key_of_authorization);
        let Some(key) = key.filter(|key| !key.is_empty()) else {
            // Stripe writes `invalid_request_error` in this body; the fake writes
            // `authentication_error`, the class every official client gives a 401, so that a
            // test reads one meaning from the status and the type.
            return Err((
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
            Keys::Exact(expected) => key == *expected,
            Keys::AnyTest => key.starts_with("sk_test_") || key.starts_with("rk_test_"),
        };
        if accepted {
            return Ok(());
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
        Err((
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
    fn decode(&self, route: &Route, incoming: &Incoming) -> Result<Value, Refusal> {
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

    /// For a POST with an `Idempotency-Key`: the stored answer when the key was used with the
    /// same request, a refusal when it was used with another (or is too long), and otherwise
    /// the key and the request's fingerprint, to store the answer under.
    fn idempotency(
        &self,
        state: &mut State,
        incoming: &Incoming,
        account: &str,
        params: &Value,
    ) -> Result<Idempotency, Refusal> {
        let Some(key) = incoming.idempotency_key.as_ref() else {
            return Ok(Idempotency::Fresh(None));
        };
        if key.chars().count() > IDEMPOTENCY_KEY_MAX {
            return Err(invalid(
                "",
                None,
                &format!(
                    "Invalid Idempotency-Key: it must be at most {IDEMPOTENCY_KEY_MAX} characters long, and this one has {}.",
                    key.chars().count()
                ),
            ));
        }
        if incoming.method != "POST" {
            return Ok(Idempotency::Fresh(None));
        }
        let fingerprint = format!("{} {} {}", incoming.method, incoming.path, params);
        let now = state.now;
        match state
            .idempotency
            .get(&(account.to_owned(), key.clone()), now)
        {
            Some(replay) if replay.fingerprint == fingerprint => {
                Ok(Idempotency::Replay(replay.status, replay.body.clone()))
            }
            Some(_) => Err((
                400,
                envelope(
                    "idempotency_error",
                    None,
                    &format!(
                        "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
                    ),
                    None,
                ),
            )),
            None => Ok(Idempotency::Fresh(Some((key.clone(), fingerprint)))),
        }
    }
}

/// What the idempotency stage found.
enum Idempotency {
    /// The answer given the first time.
    Replay(u16, Bytes),
    /// A request to perform, with the key and fingerprint to store its answer under.
    Fresh(Option<(String, String)>),
}

/// The answer of an injected status failure, with the headers it asks for; `None` for the
/// other kinds, which the server acts on before the engine sees the request.
fn injected(failure: &Failure, headers: &mut Vec<(&'static str, String)>) -> Option<Refusal> {
    let FailureKind::Status {
        status,
        error_type,
        code,
        message,
    } = &failure.kind
    else {
        return None;
    };
    if let Some(retry) = failure.should_retry {
        headers.push(("Stripe-Should-Retry", retry.to_string()));
    }
    if let Some(seconds) = failure.retry_after {
        headers.push(("Retry-After", seconds.to_string()));
    }
    Some((
        *status,
        envelope(error_type, code.as_deref(), message, None),
    ))
}

/// Stripe's 404 for a path it does not route.
fn unrecognized(incoming: &Incoming) -> Refusal {
    (
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
    )
}

/// The API key an `Authorization` header carries: Bearer's token, or Basic's user name.
fn key_of_authorization(value: &str) -> Option<String> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(rest.to_owned());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64_decode(rest)?;
        let text = String::from_utf8(decoded).ok()?;
        // `user:password`; Stripe's key is the user, the password is empty.
        let user = text.split_once(':').map_or(text.as_str(), |(user, _)| user);
        return Some(user.to_owned());
    }
    None
}

/// Standard base64 (with or without padding), or `None` when it is not base64.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0u32);
    for byte in text.trim_end_matches('=').bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_carries_the_key_as_its_user() {
        // base64("sk_test_123:")
        assert_eq!(
            key_of_authorization("Basic c2tfdGVzdF8xMjM6").as_deref(),
            Some("sk_test_123")
        );
        assert_eq!(
            key_of_authorization("Bearer sk_test_1").as_deref(),
            Some("sk_test_1")
        );
        assert_eq!(key_of_authorization("Basic !!!"), None);
        assert_eq!(key_of_authorization("Digest x"), None);
    }
}
