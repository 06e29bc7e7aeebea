//! # `tls-cert-mode`: CIS Docker Benchmark v1.6.0 3.12
//!
//! ### What it checks
//! The daemon's TLS server certificate (`--tlscert` / `"tlscert"`, default
//! `~/.docker/cert.pem` with TLS on) must have no permission bit beyond `0444` (compared
//! bit by bit, in octal).
//! Skips when the file does not exist on this host: the item does not apply.
//!
//! ### Why it matters
//! The server certificate is how clients know they reach the real daemon; whoever can
//! replace it can impersonate the daemon to every client.
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

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::{self, FakeHost};

    fn accounts() -> FakeHost {
        FakeHost::new()
            .file(
                "/etc/passwd",
                0o644,
                "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n",
            )
            .file(
                "/etc/group",
                0o644,
                "root:x:0:\ndocker:x:998:\nalice:x:1000:\n",
            )
    }

    fn statuses(host: &FakeHost) -> Vec<Status> {
        testing::statuses(&super::audit(host))
    }

    #[test]
    fn passes_when_the_rule_holds() {
        let host = accounts()
            .dockerd(1, "dockerd --tlsverify --tlscert /etc/docker/tls/cert.pem")
            .file("/etc/docker/tls/cert.pem", 0o444, "x");
        assert_eq!(statuses(&host), [Status::Pass], "{:?}", super::audit(&host));
    }

    #[test]
    fn fails_when_it_does_not() {
        let host = accounts()
            .dockerd(1, "dockerd --tlsverify --tlscert /etc/docker/tls/cert.pem")
            .file("/etc/docker/tls/cert.pem", 0o644, "x");
        assert_eq!(statuses(&host), [Status::Fail], "{:?}", super::audit(&host));
    }

    #[test]
    fn skips_when_the_file_is_absent() {
        assert_eq!(
            statuses(
                &accounts().dockerd(1, "dockerd --tlsverify --tlscert /etc/docker/tls/cert.pem")
            ),
            [Status::Skip]
        );
    }
}
