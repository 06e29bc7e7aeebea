//! # `sysconfig-docker-mode`: CIS Docker Benchmark v1.6.0 3.21
//!
//! ### What it checks
//! `/etc/sysconfig/docker` (Red Hat-style init defaults) must have no permission bit beyond
//! `0644` (compared bit by bit, in octal).
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
//! `/etc/sysconfig/docker` at mode `0664` fails: `Docker sysconfig file
//! /etc/sysconfig/docker is mode 0664, more than 0644`.

use bulkhead_sdk::files::{FileRule, locate};

bulkhead_sdk::file_control! {
    id: "sysconfig-docker-mode",
    cis: "3.21",
    title: "The Docker sysconfig file is mode 0644 or more restrictive",
    description: "`/etc/sysconfig/docker` (Red Hat-style init defaults) must have no permission bit beyond `0644` (compared bit by bit, in octal).",
    rationale: "The init script's defaults file feeds options and environment to dockerd at start; whoever can edit it controls the daemon.",
    remediation: "chmod 644 <file>, or tighter.",
    severity: Medium,
    reads: ["/etc/sysconfig/docker"],
    rule: FileRule { what: "Docker sysconfig file", owner: None, max_mode: Some(0o644) },
    locate: |facts| locate::path(facts, "/etc/sysconfig/docker", "the Docker sysconfig file"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.file("/etc/sysconfig/docker", 0o644, "x"),
    fail: |h| h.file("/etc/sysconfig/docker", 0o664, "x"),
}
