//! # `tls-cert-owner`: CIS Docker Benchmark v1.6.0 3.11
//!
//! ### What it checks
//! The daemon's TLS server certificate (`--tlscert` / `"tlscert"`, default
//! `~/.docker/cert.pem` with TLS on) must be owned by user and group `root:root` (names
//! looked up in the audited host's `/etc/passwd` and `/etc/group`).
//! Skips when the file does not exist on this host: the item does not apply.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! chown root:root <file>. `bulkhead fix --apply` does it, journaled, and `bulkhead
//! rollback` gives the file back to its old owner.
//!
//! ### Example
//! `/etc/docker/tls/cert.pem` owned by uid 1000 (`alice`) fails: `TLS server certificate
//! /etc/docker/tls/cert.pem is owned by alice:alice (uid 1000, gid 1000), not root:root`.

use bulkhead_sdk::files::{FileRule, ROOT_ROOT, locate};

bulkhead_sdk::file_control! {
    id: "tls-cert-owner",
    cis: "3.11",
    title: "The TLS server certificate is owned by root:root",
    description: "The daemon's TLS server certificate (`--tlscert` / `\"tlscert\"`, default `~/.docker/cert.pem` with TLS on) must be owned by user and group `root:root` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).",
    rationale: "The server certificate is how clients know they reach the real daemon; whoever can replace it can impersonate the daemon to every client.",
    remediation: "chown root:root <file>. `bulkhead fix --apply` does it, journaled; `bulkhead rollback` gives the file back.",
    severity: Medium,
    reads: ["dockerd-config", "/root/.docker"],
    rule: FileRule { what: "TLS server certificate", owner: Some(ROOT_ROOT), max_mode: None },
    locate: |facts| locate::daemon_option(facts, "tlscert", "tlscert", Some("/root/.docker/cert.pem"), "TLS server certificate"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h.dockerd(1, "dockerd --tlsverify --tlscert /etc/docker/tls/cert.pem"),
    pass: |h| h.file("/etc/docker/tls/cert.pem", 0o644, "x").owner("/etc/docker/tls/cert.pem", 0, 0),
    fail: |h| h.file("/etc/docker/tls/cert.pem", 0o644, "x").owner("/etc/docker/tls/cert.pem", 1000, 1000),
}
