//! Nothing: this package holds the fake's tests (`tests/`), benches (`benches/`) and whole-API
//! tests (`whole-api-tests/`), and cargo builds a package around a library or a binary.
