//! # `registry-certs-mode`: CIS Docker Benchmark v1.6.0 3.8
//!
//! ### What it checks
//! Every file under `/etc/docker/certs.d/<registry>/` must have no permission bit beyond
//! `0444` (compared bit by bit, in octal).
//! Skips when the file does not exist on this host: the item does not apply.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! chmod 444 <file>, or tighter. `bulkhead fix --apply` clears the bits beyond `0444`
//! (never adds any), journaled and undone by `bulkhead rollback`.
//!
//! ### Example
//! `/etc/docker/certs.d/registry.example:5000/ca.crt` at mode `0644` fails: `registry
//! certificate file /etc/docker/certs.d/registry.example:5000/ca.crt is mode 0644, more
//! than 0444`.

use bulkhead_sdk::files::{FileRule, locate};

bulkhead_sdk::file_control! {
    id: "registry-certs-mode",
    cis: "3.8",
    title: "The registry certificate file is mode 0444 or more restrictive",
    description: "Every file under `/etc/docker/certs.d/<registry>/` must have no permission bit beyond `0444` (compared bit by bit, in octal).",
    rationale: "Registry certificates decide which registries the daemon trusts for pulls and pushes; a replaced CA lets an attacker serve any image under a trusted name.",
    remediation: "chmod 444 <file>, or tighter.",
    severity: Medium,
    reads: ["/etc/docker/certs.d"],
    rule: FileRule { what: "registry certificate file", owner: None, max_mode: Some(0o444) },
    locate: |facts| locate::files_in_subdirs(facts, "/etc/docker/certs.d", "registry certificate files"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.file("/etc/docker/certs.d/registry.example:5000/ca.crt", 0o444, "x"),
    fail: |h| h.file("/etc/docker/certs.d/registry.example:5000/ca.crt", 0o644, "x"),
}
