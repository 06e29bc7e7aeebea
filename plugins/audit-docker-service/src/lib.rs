//! # `audit-docker-service`: CIS Docker Benchmark v1.6.0 1.1.7
//!
//! ### What it checks
//! Auditing is configured for the `docker.service` unit file (where systemd finds it): an
//! audit rule in `/etc/audit/audit.rules` or `/etc/audit/rules.d/*.rules` watches it (`-w
//! PATH`, `-F path=`/`-F dir=`), or a directory above it. Skips when it does not exist on
//! this host.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add `-w /lib/systemd/system/docker.service -k docker` to
//! `/etc/audit/rules.d/docker.rules` and run `augenrules --load`. Rules are not changed
//! automatically.
//!
//! ### Example
//! With `/lib/systemd/system/docker.service` present and no audit rule files, the finding
//! is `fail`: `the docker.service unit file /lib/systemd/system/docker.service is not
//! audited: no audit rule files on this host`.

use bulkhead_sdk::files::locate;

bulkhead_sdk::audit_control! {
    id: "audit-docker-service",
    cis: "1.1.7",
    title: "Auditing is configured for the docker.service unit file",
    description: "An audit rule watches the `docker.service` unit file (where systemd finds it).",
    rationale: "The unit decides how the daemon starts; edits to it change the daemon's flags and environment.",
    what: "the docker.service unit file",
    severity: Low,
    reads: ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"],
    locate: |facts| locate::systemd_unit(facts, "docker.service"),
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
        let host = FakeHost::new().file("/lib/systemd/system/docker.service", 0o644, "x");
        assert_eq!(statuses(&host), [Status::Fail]);
        let host = host.file(
            "/etc/audit/rules.d/docker.rules",
            0o640,
            "-w /lib/systemd/system/docker.service -k docker\n",
        );
        assert_eq!(statuses(&host), [Status::Pass]);
    }

    #[test]
    fn skips_when_absent() {
        assert_eq!(statuses(&FakeHost::new()), [Status::Skip]);
    }
}
