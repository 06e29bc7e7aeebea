//! # `audit-containerd`: CIS Docker Benchmark v1.6.0 1.1.14
//!
//! ### What it checks
//! Auditing is configured for `/usr/bin/containerd`: an audit rule in
//! `/etc/audit/audit.rules` or `/etc/audit/rules.d/*.rules` watches it (`-w PATH`, `-F
//! path=`/`-F dir=`), or a directory above it. Skips when it does not exist on this host.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add `-w /usr/bin/containerd -k docker` to `/etc/audit/rules.d/docker.rules` and run
//! `augenrules --load`. Rules are not changed automatically.
//!
//! ### Example
//! With `/usr/bin/containerd` present and no audit rule files, the finding is `fail`: `the
//! containerd binary /usr/bin/containerd is not audited: no audit rule files on this host`.

use bulkhead_sdk::files::locate;

bulkhead_sdk::audit_control! {
    id: "audit-containerd",
    cis: "1.1.14",
    title: "Auditing is configured for the containerd binary",
    description: "An audit rule watches `/usr/bin/containerd`.",
    rationale: "containerd runs every container's lifecycle as root.",
    what: "the containerd binary",
    severity: Low,
    reads: ["/usr/bin/containerd"],
    locate: |facts| locate::path(facts, "/usr/bin/containerd", "the containerd binary"),
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::{self, FakeHost};

    fn statuses(host: &FakeHost) -> Vec<Status> {
        testing::statuses(&super::audit(host))
    }

    #[test]
    fn a_watch_rule_passes_and_none_fails() {
        let host = FakeHost::new().file("/usr/bin/containerd", 0o644, "x");
        assert_eq!(statuses(&host), [Status::Fail]);
        let host = host.file(
            "/etc/audit/rules.d/docker.rules",
            0o640,
            "-w /usr/bin/containerd -k docker\n",
        );
        assert_eq!(statuses(&host), [Status::Pass]);
    }

    #[test]
    fn skips_when_absent() {
        assert_eq!(statuses(&FakeHost::new()), [Status::Skip]);
    }
}
