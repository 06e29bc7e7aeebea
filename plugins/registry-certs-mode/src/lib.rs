//! # `registry-certs-mode`: CIS Docker Benchmark v1.6.0 3.8
//!
//! ### What it checks
//! Every file under `/etc/docker/certs.d/<registry>/` must have no permission bit beyond
//! `0444` (compared bit by bit, in octal).
//! Skips when the file does not exist on this host: the item does not apply.
//!
//! ### Why it matters
//! Registry certificates decide which registries the daemon trusts for pulls and pushes; a
//! replaced CA lets an attacker serve any image under a trusted name.
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
        let host = accounts().file(
            "/etc/docker/certs.d/registry.example:5000/ca.crt",
            0o444,
            "x",
        );
        assert_eq!(statuses(&host), [Status::Pass], "{:?}", super::audit(&host));
    }

    #[test]
    fn fails_when_it_does_not() {
        let host = accounts().file(
            "/etc/docker/certs.d/registry.example:5000/ca.crt",
            0o644,
            "x",
        );
        assert_eq!(statuses(&host), [Status::Fail], "{:?}", super::audit(&host));
    }

    #[test]
    fn skips_when_the_file_is_absent() {
        assert_eq!(statuses(&accounts()), [Status::Skip]);
    }
}
