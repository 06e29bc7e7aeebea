//! # `daemon-cgroup-parent-default`: CIS Docker Benchmark v1.6.0 2.10
//!
//! ### What it checks
//! The `cgroup-parent` option of every dockerd: `--cgroup-parent` (either flag form) or
//! `"cgroup-parent"` in its configuration file. Unset passes (dockerd's default parent:
//! `/docker` with the cgroupfs driver, `system.slice` with systemd). Any other value fails with
//! the value, since the benchmark asks that the change be confirmed by a person.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Remove `--cgroup-parent` / `"cgroup-parent"`; if the change is deliberate, check the
//! parent's limits and waive the finding.
//!
//! ### Example
//! `"cgroup-parent": "/batch"` in `/etc/docker/daemon.json` fails: `dockerd (pid 812):
//! containers are placed under cgroup parent /batch instead of dockerd's default: confirm this
//! is intended`.

use bulkhead_sdk::options::{DaemonOption, Fallback, Kind, OptionRule, Verdict};

/// `--cgroup-parent` / `"cgroup-parent"`.
pub const CGROUP_PARENT: DaemonOption = DaemonOption {
    flag: "cgroup-parent",
    key: "cgroup-parent",
    kind: Kind::Text,
    default: Fallback::Text(""),
};

bulkhead_sdk::option_control! {
    id: "daemon-cgroup-parent-default",
    cis: "2.10",
    title: "Containers use the default cgroup parent",
    description: "dockerd's `--cgroup-parent` / `\"cgroup-parent\"` must be unset, so containers sit under dockerd's default cgroup (/docker with cgroupfs, system.slice with systemd). A changed parent fails until confirmed (waive the finding once it is).",
    rationale: "The cgroup parent decides which resource limits bind every container; a parent outside the intended hierarchy can lift limits and let containers starve the host.",
    remediation: "Remove --cgroup-parent / \"cgroup-parent\" unless the changed parent is deliberate; if it is, confirm its limits and record a waiver.",
    severity: Low,
    rule: OptionRule {
        option: CGROUP_PARENT,
        info: None,
        judge: |parent, _| match parent.value.as_text().unwrap_or_default() {
            "" => Verdict::pass(
                "containers use dockerd's default cgroup parent (/docker with cgroupfs, system.slice with systemd)",
            ),
            other => Verdict::fail(format!(
                "containers are placed under cgroup parent {other} instead of dockerd's default: confirm this is intended"
            )),
        },
        fix: "remove --cgroup-parent / \"cgroup-parent\" (or confirm the parent and waive this finding)",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::default("dockerd", "{}", Status::Pass)]
    #[case::flag("dockerd --cgroup-parent /batch", "{}", Status::Fail)]
    #[case::file("dockerd", r#"{"cgroup-parent": "batch.slice"}"#, Status::Fail)]
    fn judges_the_parent(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }
}
