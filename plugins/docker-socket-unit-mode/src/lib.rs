//! # `docker-socket-unit-mode`: CIS Docker Benchmark v1.6.0 3.4
//!
//! ### What it checks
//! The `docker.socket` systemd unit must have no permission bit beyond `0644` (compared bit
//! by bit, in octal).
//! Skips when no unit file exists (socket activation not used).
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! chmod 644 <file>, or tighter. `bulkhead fix --apply` clears the bits beyond `0644`
//! (never adds any), journaled and undone by `bulkhead rollback`.
//!
//! ### Example
//! `/lib/systemd/system/docker.socket` at mode `0664` fails: `docker.socket unit file
//! /lib/systemd/system/docker.socket is mode 0664, more than 0644`.

use bulkhead_sdk::files::{FileRule, locate};

bulkhead_sdk::file_control! {
    id: "docker-socket-unit-mode",
    cis: "3.4",
    title: "The docker.socket unit file is mode 0644 or more restrictive",
    description: "The `docker.socket` systemd unit must have no permission bit beyond `0644` (compared bit by bit, in octal).",
    rationale: "The socket unit decides where and with which permissions the Docker API socket is created; editing it can expose the daemon to every local user.",
    remediation: "chmod 644 <file>, or tighter.",
    severity: Medium,
    reads: ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"],
    rule: FileRule { what: "docker.socket unit file", owner: None, max_mode: Some(0o644) },
    locate: |facts| locate::systemd_unit(facts, "docker.socket"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.file("/lib/systemd/system/docker.socket", 0o644, "x"),
    fail: |h| h.file("/lib/systemd/system/docker.socket", 0o664, "x"),
}
