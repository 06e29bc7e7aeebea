//! # `docker-service-mode`: CIS Docker Benchmark v1.6.0 3.2
//!
//! ### What it checks
//! The `docker.service` systemd unit must have no permission bit beyond `0644` (compared
//! bit by bit, in octal).
//! Skips when no unit file exists (Docker not managed by systemd).
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! chmod 644 <file>, or tighter. `bulkhead fix --apply` clears the bits beyond `0644`
//! (never adds any), journaled and undone by `bulkhead rollback`.
//!
//! ### Example
//! `/lib/systemd/system/docker.service` at mode `0664` fails: `docker.service unit file
//! /lib/systemd/system/docker.service is mode 0664, more than 0644`.

use bulkhead_sdk::files::{FileRule, locate};

bulkhead_sdk::file_control! {
    id: "docker-service-mode",
    cis: "3.2",
    title: "The docker.service unit file is mode 0644 or more restrictive",
    description: "The `docker.service` systemd unit must have no permission bit beyond `0644` (compared bit by bit, in octal).",
    rationale: "The unit file decides how dockerd starts: its flags, its environment, its user. Whoever can edit it controls the daemon, and so every container and the host.",
    remediation: "chmod 644 <file>, or tighter.",
    severity: Medium,
    reads: ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"],
    rule: FileRule { what: "docker.service unit file", owner: None, max_mode: Some(0o644) },
    locate: |facts| locate::systemd_unit(facts, "docker.service"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.file("/lib/systemd/system/docker.service", 0o644, "x"),
    fail: |h| h.file("/lib/systemd/system/docker.service", 0o664, "x"),
}
