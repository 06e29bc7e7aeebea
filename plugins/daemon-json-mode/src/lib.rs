//! # `daemon-json-mode`: CIS Docker Benchmark v1.6.0 3.18
//!
//! ### What it checks
//! Each daemon's configuration file (`--config-file`, default `/etc/docker/daemon.json`)
//! must have no permission bit beyond `0644` (compared bit by bit, in octal).
//! Skips when the file does not exist on this host: the item does not apply.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! chmod 644 <file>, or tighter. `bulkhead fix --apply` clears the bits beyond `0644`
//! (never adds any), journaled and undone by `bulkhead rollback`.
//!
//! ### Example
//! `/etc/docker/daemon.json` at mode `0664` fails: `daemon configuration file
//! /etc/docker/daemon.json is mode 0664, more than 0644`.

use bulkhead_sdk::files::{FileRule, locate};

bulkhead_sdk::file_control! {
    id: "daemon-json-mode",
    cis: "3.18",
    title: "The daemon configuration file is mode 0644 or more restrictive",
    description: "Each daemon's configuration file (`--config-file`, default `/etc/docker/daemon.json`) must have no permission bit beyond `0644` (compared bit by bit, in octal).",
    rationale: "`daemon.json` sets the daemon's security options (TLS, user namespaces, logging, registries); whoever can edit it weakens them at the next restart.",
    remediation: "chmod 644 <file>, or tighter.",
    severity: Medium,
    reads: ["dockerd-config"],
    rule: FileRule { what: "daemon configuration file", owner: None, max_mode: Some(0o644) },
    locate: |facts| locate::daemon_configs(facts),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h.dockerd(1, "dockerd"),
    pass: |h| h.file("/etc/docker/daemon.json", 0o644, "x"),
    fail: |h| h.file("/etc/docker/daemon.json", 0o664, "x"),
}
