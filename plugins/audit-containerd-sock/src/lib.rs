//! # `audit-containerd-sock`: CIS Docker Benchmark v1.6.0 1.1.8
//!
//! ### What it checks
//! Auditing is configured for the containerd socket each daemon uses: `--containerd` or
//! `"containerd"` in its configuration; else a system containerd's
//! `/run/containerd/containerd.sock` when it exists; else the containerd dockerd starts
//! itself, at `<exec-root>/containerd/containerd.sock` (exec root default
//! `/var/run/docker`). An audit rule in
//! `/etc/audit/audit.rules` or `/etc/audit/rules.d/*.rules` watches it (`-w PATH`, `-F
//! path=`/`-F dir=`), or a directory above it. Skips when it does not exist on this host.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add `-w /run/containerd/containerd.sock -k docker` to `/etc/audit/rules.d/docker.rules`
//! and run `augenrules --load`. Rules are not changed automatically.
//!
//! ### Example
//! With `/run/containerd/containerd.sock` present and no audit rule files, the finding is
//! `fail`: `containerd's socket /run/containerd/containerd.sock is not audited: no audit
//! rule files on this host`.

use bulkhead_sdk::files::locate;

bulkhead_sdk::audit_control! {
    id: "audit-containerd-sock",
    cis: "1.1.8",
    title: "Auditing is configured for containerd's socket",
    description: "An audit rule watches containerd's socket (`/run/containerd/containerd.sock`, or the one dockerd is configured with or starts).",
    rationale: "Whoever reaches containerd's socket runs containers without Docker's checks.",
    what: "containerd's socket",
    severity: Low,
    reads: [
        "/run/containerd/containerd.sock",
        "/var/run/docker/containerd/containerd.sock",
        "/run/docker/containerd/containerd.sock",
        "dockerd-config",
    ],
    locate: |facts| locate::existing(facts, locate::containerd_sockets(facts), "containerd's socket"),
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
        let host = FakeHost::new().file("/run/containerd/containerd.sock", 0o644, "x");
        assert_eq!(statuses(&host), [Status::Fail]);
        let host = host.file(
            "/etc/audit/rules.d/docker.rules",
            0o640,
            "-w /run/containerd/containerd.sock -k docker\n",
        );
        assert_eq!(statuses(&host), [Status::Pass]);
    }

    #[rstest::rstest]
    #[case::managed_by_dockerd("dockerd", "/var/run/docker/containerd/containerd.sock")]
    #[case::managed_under_a_relocated_exec_root(
        "dockerd --exec-root /srv/exec26",
        "/srv/exec26/containerd/containerd.sock"
    )]
    #[case::named_by_flag("dockerd --containerd unix:///opt/ctr/ctr.sock", "/opt/ctr/ctr.sock")]
    fn the_socket_dockerd_uses_is_the_one_judged(#[case] line: &str, #[case] socket: &str) {
        let host = FakeHost::new().dockerd(812, line).file(socket, 0o660, "x");
        let found = super::audit(&host);
        assert_eq!(testing::statuses(&found), [Status::Fail]);
        assert!(found[0].message.contains(socket), "{}", found[0].message);
        let rule = format!("-w {socket} -k docker\n");
        let host = host.file("/etc/audit/rules.d/docker.rules", 0o640, &rule);
        assert_eq!(statuses(&host), [Status::Pass]);
    }

    #[test]
    fn a_system_containerd_is_preferred_to_a_missing_managed_one() {
        let host = FakeHost::new().dockerd(812, "dockerd").file(
            "/run/containerd/containerd.sock",
            0o660,
            "x",
        );
        let found = super::audit(&host);
        assert!(
            found[0].message.contains("/run/containerd/containerd.sock"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn skips_when_absent() {
        assert_eq!(statuses(&FakeHost::new()), [Status::Skip]);
    }
}
