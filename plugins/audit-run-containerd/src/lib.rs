//! # `audit-run-containerd`: CIS Docker Benchmark v1.6.0 1.1.4
//!
//! ### What it checks
//! Auditing is configured for `/run/containerd`: an audit rule in `/etc/audit/audit.rules`
//! or `/etc/audit/rules.d/*.rules` watches it (`-w PATH`, `-F path=`/`-F dir=`), or a
//! directory above it. Skips when it does not exist on this host.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add `-w /run/containerd -k docker` to `/etc/audit/rules.d/docker.rules` and run
//! `augenrules --load`. Rules are not changed automatically.
//!
//! ### Example
//! With `/run/containerd` present and no audit rule files, the finding is `fail`:
//! `containerd's runtime directory /run/containerd is not audited: no audit rule files on
//! this host`.

use bulkhead_sdk::files::locate;

bulkhead_sdk::audit_control! {
    id: "audit-run-containerd",
    cis: "1.1.4",
    title: "Auditing is configured for containerd's runtime directory",
    description: "An audit rule watches `/run/containerd`.",
    rationale: "containerd keeps its sockets and runtime state there; changes to it change what runs below Docker.",
    what: "containerd's runtime directory",
    severity: Low,
    reads: ["/run/containerd"],
    locate: |facts| locate::path(facts, "/run/containerd", "containerd's runtime directory"),
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
        let host = FakeHost::new().dir("/run/containerd", 0o755);
        assert_eq!(statuses(&host), [Status::Fail]);
        let host = host.file(
            "/etc/audit/rules.d/docker.rules",
            0o640,
            "-w /run/containerd -k docker\n",
        );
        assert_eq!(statuses(&host), [Status::Pass]);
    }

    #[test]
    fn skips_when_absent() {
        assert_eq!(statuses(&FakeHost::new()), [Status::Skip]);
    }
}
