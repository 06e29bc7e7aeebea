//! # `tls-cert-mode`: CIS Docker Benchmark v1.6.0 3.12
//!
//! ### What it checks
//! The daemon's TLS server certificate (`--tlscert` / `"tlscert"`, default
//! `~/.docker/cert.pem` with TLS on) must have no permission bit beyond `0444` (compared
//! bit by bit, in octal).
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
//! `/etc/docker/tls/cert.pem` at mode `0644` fails: `TLS server certificate
//! /etc/docker/tls/cert.pem is mode 0644, more than 0444`.

use bulkhead_sdk::files::{FileRule, locate};

bulkhead_sdk::file_control! {
    id: "tls-cert-mode",
    cis: "3.12",
    title: "The TLS server certificate is mode 0444 or more restrictive",
    description: "The daemon's TLS server certificate (`--tlscert` / `\"tlscert\"`, default `~/.docker/cert.pem` with TLS on) must have no permission bit beyond `0444` (compared bit by bit, in octal).",
    rationale: "The server certificate is how clients know they reach the real daemon; whoever can replace it can impersonate the daemon to every client.",
    remediation: "chmod 444 <file>, or tighter.",
    severity: Medium,
    reads: ["dockerd-config", "/root/.docker"],
    rule: FileRule { what: "TLS server certificate", owner: None, max_mode: Some(0o444) },
    locate: |facts| locate::daemon_option(facts, "tlscert", "tlscert", Some("/root/.docker/cert.pem"), "TLS server certificate"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h.dockerd(1, "dockerd --tlsverify --tlscert /etc/docker/tls/cert.pem"),
    pass: |h| h.file("/etc/docker/tls/cert.pem", 0o444, "x"),
    fail: |h| h.file("/etc/docker/tls/cert.pem", 0o644, "x"),
}
