//! # `tls-key-owner`: CIS Docker Benchmark v1.6.0 3.13
//!
//! ### What it checks
//! The daemon's TLS server key (`--tlskey` / `"tlskey"`, default `~/.docker/key.pem` with
//! TLS on); its mode is item 3.14 (`docker-tls-key-permissions`) must be owned by user and
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
//! `/etc/docker/tls/key.pem` owned by uid 1000 (`alice`) fails: `TLS server key
//! /etc/docker/tls/key.pem is owned by alice:alice (uid 1000, gid 1000), not root:root`.

use bulkhead_sdk::files::{FileRule, ROOT_ROOT, locate};

bulkhead_sdk::file_control! {
    id: "tls-key-owner",
    cis: "3.13",
    title: "The TLS server key is owned by root:root",
    description: "The daemon's TLS server key (`--tlskey` / `\"tlskey\"`, default `~/.docker/key.pem` with TLS on); its mode is item 3.14 (`docker-tls-key-permissions`) must be owned by user and group `root:root` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).",
    rationale: "The server key proves the daemon's identity; whoever owns it can read and replace it, and impersonate the daemon.",
    remediation: "chown root:root <file>. `bulkhead fix --apply` does it, journaled; `bulkhead rollback` gives the file back.",
    severity: High,
    reads: ["dockerd-config", "/root/.docker"],
    rule: FileRule { what: "TLS server key", owner: Some(ROOT_ROOT), max_mode: None },
    locate: |facts| locate::daemon_option(facts, "tlskey", "tlskey", Some("/root/.docker/key.pem"), "TLS server key"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h.dockerd(1, "dockerd --tlsverify --tlskey /etc/docker/tls/key.pem"),
    pass: |h| h.file("/etc/docker/tls/key.pem", 0o644, "x").owner("/etc/docker/tls/key.pem", 0, 0),
    fail: |h| h.file("/etc/docker/tls/key.pem", 0o644, "x").owner("/etc/docker/tls/key.pem", 1000, 1000),
}
