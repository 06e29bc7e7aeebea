//! # `registry-certs-owner`: CIS Docker Benchmark v1.6.0 3.7
//!
//! ### What it checks
//! Every file under `/etc/docker/certs.d/<registry>/` must be owned by user and group
//! `root:root` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).
//! Skips when the file does not exist on this host: the item does not apply.
//!
//! ### Why it matters
//! Registry certificates decide which registries the daemon trusts for pulls and pushes; a
//! replaced CA lets an attacker serve any image under a trusted name.
//!
//! ### Remediation
//! chown root:root <file> (bulkhead reports the exact command; ownership is not changed
//! automatically). Ownership is changed by hand; `bulkhead fix` says which `chown` to run.
//!
//! ### Example
//! `/etc/docker/certs.d/registry.example:5000/ca.crt` owned by uid 1000 (`alice`) fails:
//! `registry certificate file /etc/docker/certs.d/registry.example:5000/ca.crt is owned by
//! alice:alice (uid 1000, gid 1000), not root:root`.

use bulkhead_sdk::files::{FileRule, ROOT_ROOT, locate};

bulkhead_sdk::file_control! {
    id: "registry-certs-owner",
    cis: "3.7",
    title: "The registry certificate file is owned by root:root",
    description: "Every file under `/etc/docker/certs.d/<registry>/` must be owned by user and group `root:root` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).",
    rationale: "Registry certificates decide which registries the daemon trusts for pulls and pushes; a replaced CA lets an attacker serve any image under a trusted name.",
    remediation: "chown root:root <file> (bulkhead reports the exact command; ownership is not changed automatically).",
    severity: Medium,
    reads: ["/etc/docker/certs.d", "/etc/passwd", "/etc/group"],
    rule: FileRule { what: "registry certificate file", owner: Some(ROOT_ROOT), max_mode: None },
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
        let host = accounts()
            .file(
                "/etc/docker/certs.d/registry.example:5000/ca.crt",
                0o644,
                "x",
            )
            .owner("/etc/docker/certs.d/registry.example:5000/ca.crt", 0, 0);
        assert_eq!(statuses(&host), [Status::Pass], "{:?}", super::audit(&host));
    }

    #[test]
    fn fails_when_it_does_not() {
        let host = accounts()
            .file(
                "/etc/docker/certs.d/registry.example:5000/ca.crt",
                0o644,
                "x",
            )
            .owner(
                "/etc/docker/certs.d/registry.example:5000/ca.crt",
                1000,
                1000,
            );
        assert_eq!(statuses(&host), [Status::Fail], "{:?}", super::audit(&host));
    }

    #[test]
    fn skips_when_the_file_is_absent() {
        assert_eq!(statuses(&accounts()), [Status::Skip]);
    }
}
