//! Helpers shared by the integration tests (a module, not a test target of its own).

use std::io::Write;
use std::sync::{Arc, Mutex};

/// A log sink shared between a tracing subscriber (as its writer) and the test that reads it.
#[derive(Clone, Default)]
pub struct Sink(Arc<Mutex<Vec<u8>>>);

impl Sink {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures this thread's log lines at DEBUG and above, without colours, until the guard
/// drops. `#[tokio::test]` runs the server's tasks on the test's own thread, so their lines
/// land here too.
#[allow(
    dead_code,
    reason = "shared by the Terminal backend tests; the tracing test sets its own subscriber"
)]
pub fn capture_logs() -> (Sink, tracing::subscriber::DefaultGuard) {
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (sink, tracing::subscriber::set_default(subscriber))
}

/// The first log line containing `needle`, asserted to contain each of `expected` (a level,
/// an id, a reason): the tests of the Terminal backend's logs read one line per event.
#[allow(
    dead_code,
    reason = "shared by the Terminal backend tests; the tracing test reads its own lines"
)]
pub fn assert_log_line(logs: &str, needle: &str, expected: &[&str]) {
    let line = logs
        .lines()
        .find(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("no `{needle}` line in:\n{logs}"));
    for expected in expected {
        assert!(line.contains(expected), "{expected} missing from {line}");
    }
}
