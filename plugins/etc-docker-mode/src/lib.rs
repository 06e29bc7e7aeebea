//! # `etc-docker-mode`: CIS Docker Benchmark v1.6.0 3.6
//!
//! ### What it checks
//! The directory `/etc/docker` must have no permission bit beyond `0755` (compared bit by
//! bit, in octal).
//! Skips when the file does not exist on this host: the item does not apply.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! chmod 755 <file>, or tighter. `bulkhead fix --apply` clears the bits beyond `0755`
//! (never adds any), journaled and undone by `bulkhead rollback`.
//!
//! ### Example
//! `/etc/docker` at mode `0775` fails: `Docker configuration directory /etc/docker is mode
//! 0775, more than 0755`.

use bulkhead_sdk::files::{FileRule, locate};

bulkhead_sdk::file_control! {
    id: "etc-docker-mode",
    cis: "3.6",
    title: "The Docker configuration directory is mode 0755 or more restrictive",
    description: "The directory `/etc/docker` must have no permission bit beyond `0755` (compared bit by bit, in octal).",
    rationale: "`/etc/docker` holds the daemon's configuration, TLS material and registry certificates; whoever can write the directory can replace any of them.",
    remediation: "chmod 755 <file>, or tighter.",
    severity: Medium,
    reads: ["/etc/docker"],
    rule: FileRule { what: "Docker configuration directory", owner: None, max_mode: Some(0o755) },
    locate: |facts| locate::path(facts, "/etc/docker", "the Docker configuration directory"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.dir("/etc/docker", 0o755),
    fail: |h| h.dir("/etc/docker", 0o775),
}
