//! Nothing: this package holds the SDK's integration tests (`tests/`), examples (`examples/`)
//! and benches (`benches/`), and cargo builds a package around a library or a binary.
