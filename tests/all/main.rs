//! bulkhead's integration tests: one binary, driving the real CLI against real files
//! with real modes, a fake `--proc`, and the real Docker daemon.
//!
//! Tests that need Docker fail loudly when no daemon is reachable; they never skip.

mod cache;
mod cli;
mod containers;
mod dropin;
mod fix;
mod formats;
mod hostile;
mod plugins;
mod support;
mod tls_key;
