//! # `tls-ca-owner`: CIS Docker Benchmark v1.6.0 3.9
//!
//! ### What it checks
//! The daemon's TLS CA certificate (`--tlscacert` or `"tlscacert"` in daemon.json; with TLS
//! on and neither set, dockerd's default `~/.docker/ca.pem`) must be owned by user and
//! group `root:root` (names looked up in the audited host's `/etc/passwd` and
//! `/etc/group`).
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
//! `/etc/docker/tls/ca.pem` owned by uid 1000 (`alice`) fails: `TLS CA certificate
//! /etc/docker/tls/ca.pem is owned by alice:alice (uid 1000, gid 1000), not root:root`.

use bulkhead_sdk::files::{FileRule, ROOT_ROOT, locate};

bulkhead_sdk::file_control! {
    id: "tls-ca-owner",
    cis: "3.9",
    title: "The TLS CA certificate is owned by root:root",
    description: "The daemon's TLS CA certificate (`--tlscacert` or `\"tlscacert\"` in daemon.json; with TLS on and neither set, dockerd's default `~/.docker/ca.pem`) must be owned by user and group `root:root` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).",
    rationale: "The CA certificate decides which clients may talk to the daemon over TLS; whoever can replace it can issue themselves a client certificate, which is root on the host.",
    remediation: "chown root:root <file>. `bulkhead fix --apply` does it, journaled; `bulkhead rollback` gives the file back.",
    severity: Medium,
    reads: ["dockerd-config", "/root/.docker"],
    rule: FileRule { what: "TLS CA certificate", owner: Some(ROOT_ROOT), max_mode: None },
    locate: |facts| locate::daemon_option(facts, "tlscacert", "tlscacert", Some("/root/.docker/ca.pem"), "TLS CA certificate"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h.dockerd(1, "dockerd --tlsverify --tlscacert /etc/docker/tls/ca.pem"),
    pass: |h| h.file("/etc/docker/tls/ca.pem", 0o644, "x").owner("/etc/docker/tls/ca.pem", 0, 0),
    fail: |h| h.file("/etc/docker/tls/ca.pem", 0o644, "x").owner("/etc/docker/tls/ca.pem", 1000, 1000),
}
