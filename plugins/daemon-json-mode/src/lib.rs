//! # `daemon-json-mode`: CIS Docker Benchmark v1.6.0 3.18
//!
//! ### What it checks
//! Each daemon's configuration file (`--config-file`, default `/etc/docker/daemon.json`)
//! must have no permission bit beyond `0644` (compared bit by bit, in octal).
//! Skips when the file does not exist on this host: the item does not apply.
//!
//! ### Why it matters
//! `daemon.json` sets the daemon's security options (TLS, user namespaces, logging,
//! registries); whoever can edit it weakens them at the next restart.
//!
//! ### Remediation
//! chmod 644 <file>, or tighter. `bulkhead fix --apply` clears the bits beyond `0644`
//! (never adds any), journaled and undone by `bulkhead rollback`.
//!
//! ### Example
//! `/etc/docker/daemon.json` at mode `0664` fails: `daemon configuration file
//! /etc/docker/daemon.json is mode 0664, more than 0644`.

use bulkhead_sdk::files::{FileRule, locate};

bulkhead_sdk::file_control! {
    id: "daemon-json-mode",
    cis: "3.18",
    title: "The daemon configuration file is mode 0644 or more restrictive",
    description: "Each daemon's configuration file (`--config-file`, default `/etc/docker/daemon.json`) must have no permission bit beyond `0644` (compared bit by bit, in octal).",
    rationale: "`daemon.json` sets the daemon's security options (TLS, user namespaces, logging, registries); whoever can edit it weakens them at the next restart.",
    remediation: "chmod 644 <file>, or tighter.",
    severity: Medium,
    reads: ["dockerd-config"],
    rule: FileRule { what: "daemon configuration file", owner: None, max_mode: Some(0o644) },
    locate: |facts| locate::daemon_configs(facts),
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
            .dockerd(1, "dockerd")
            .file("/etc/docker/daemon.json", 0o644, "x");
        assert_eq!(statuses(&host), [Status::Pass], "{:?}", super::audit(&host));
    }

    #[test]
    fn fails_when_it_does_not() {
        let host = accounts()
            .dockerd(1, "dockerd")
            .file("/etc/docker/daemon.json", 0o664, "x");
        assert_eq!(statuses(&host), [Status::Fail], "{:?}", super::audit(&host));
    }

    #[test]
    fn skips_when_the_file_is_absent() {
        assert_eq!(statuses(&accounts().dockerd(1, "dockerd")), [Status::Skip]);
    }
}
