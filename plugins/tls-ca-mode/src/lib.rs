//! # `tls-ca-mode`: CIS Docker Benchmark v1.6.0 3.10
//!
//! ### What it checks
//! The daemon's TLS CA certificate (`--tlscacert` / `"tlscacert"`, default
//! `~/.docker/ca.pem` with TLS on) must have no permission bit beyond `0444` (compared bit
//! by bit, in octal).
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
//! `/etc/docker/tls/ca.pem` at mode `0644` fails: `TLS CA certificate
//! /etc/docker/tls/ca.pem is mode 0644, more than 0444`.

use bulkhead_sdk::files::{FileRule, locate};

bulkhead_sdk::file_control! {
    id: "tls-ca-mode",
    cis: "3.10",
    title: "The TLS CA certificate is mode 0444 or more restrictive",
    description: "The daemon's TLS CA certificate (`--tlscacert` / `\"tlscacert\"`, default `~/.docker/ca.pem` with TLS on) must have no permission bit beyond `0444` (compared bit by bit, in octal).",
    rationale: "The CA certificate decides which clients may talk to the daemon over TLS; whoever can replace it can issue themselves a client certificate, which is root on the host.",
    remediation: "chmod 444 <file>, or tighter.",
    severity: Medium,
    reads: ["dockerd-config", "/root/.docker"],
    rule: FileRule { what: "TLS CA certificate", owner: None, max_mode: Some(0o444) },
    locate: |facts| locate::daemon_option(facts, "tlscacert", "tlscacert", Some("/root/.docker/ca.pem"), "TLS CA certificate"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h.dockerd(1, "dockerd --tlsverify --tlscacert /etc/docker/tls/ca.pem"),
    pass: |h| h.file("/etc/docker/tls/ca.pem", 0o444, "x"),
    fail: |h| h.file("/etc/docker/tls/ca.pem", 0o644, "x"),
}
