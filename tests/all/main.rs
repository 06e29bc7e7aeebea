//! bulkhead's integration tests: one binary, driving the real CLI against real files
//! with real modes, a fake `--proc`, and the real Docker daemon.
//!
//! Tests that need Docker fail loudly when no daemon is reachable; they never skip.

mod cache;
mod cis;
mod cli;
mod containers;
mod daemons;
mod defaults;
mod deploy;
mod dropin;
mod fix;
mod formats;
mod hostile;
mod own_daemon;
mod plugins;
mod progress;
mod relocated;
mod support;
mod swarm;
mod tls_key;
mod waivers;
