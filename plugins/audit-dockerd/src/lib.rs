//! # `audit-dockerd`: CIS Docker Benchmark v1.6.0 1.1.3
//!
//! ### What it checks
//! Auditing is configured for the `dockerd` binary (`/usr/bin/dockerd`,
//! `/usr/local/bin/dockerd` or `/usr/sbin/dockerd`, the first that exists): an audit rule
//! in `/etc/audit/audit.rules` or `/etc/audit/rules.d/*.rules` watches it (`-w PATH`, `-F
//! path=`/`-F dir=`), or a directory above it. Skips when it does not exist on this host.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add `-w /usr/bin/dockerd -k docker` to `/etc/audit/rules.d/docker.rules` and run
//! `augenrules --load`. Rules are not changed automatically.
//!
//! ### Example
//! With `/usr/bin/dockerd` present and no audit rule files, the finding is `fail`: `the
//! Docker daemon binary /usr/bin/dockerd is not audited: no audit rule files on this host`.

use bulkhead_sdk::files::locate;

bulkhead_sdk::audit_control! {
    id: "audit-dockerd",
    cis: "1.1.3",
    title: "Auditing is configured for the Docker daemon binary",
    description: "An audit rule watches the `dockerd` binary (`/usr/bin/dockerd`, `/usr/local/bin/dockerd` or `/usr/sbin/dockerd`, the first that exists).",
    rationale: "The daemon runs as root with control over every container: each time it is replaced or run should leave a trace.",
    what: "the Docker daemon binary",
    severity: Low,
    reads: ["/usr/bin/dockerd", "/usr/local/bin/dockerd", "/usr/sbin/dockerd"],
    locate: |facts| locate::first_of(facts, &["/usr/bin/dockerd", "/usr/local/bin/dockerd", "/usr/sbin/dockerd"], "dockerd binary"),
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
        let host = FakeHost::new().file("/usr/bin/dockerd", 0o644, "x");
        assert_eq!(statuses(&host), [Status::Fail]);
        let host = host.file(
            "/etc/audit/rules.d/docker.rules",
            0o640,
            "-w /usr/bin/dockerd -k docker\n",
        );
        assert_eq!(statuses(&host), [Status::Pass]);
    }

    #[test]
    fn skips_when_absent() {
        assert_eq!(statuses(&FakeHost::new()), [Status::Skip]);
    }
}
