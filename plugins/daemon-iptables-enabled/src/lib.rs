//! # `daemon-iptables-enabled`: CIS Docker Benchmark v1.6.0 2.4
//!
//! ### What it checks
//! The `iptables` option of every dockerd: `--iptables=false` on its command line or
//! `"iptables": false` in its configuration file fails; unset means dockerd's default `true`,
//! which passes (the evidence says it is the default).
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Remove `--iptables=false` / `"iptables": false` and restart dockerd.
//!
//! ### Example
//! `"iptables": false` in `/etc/docker/daemon.json` fails: `dockerd (pid 812): dockerd does
//! not manage iptables: published ports and network isolation are left to hand-made rules`.

use bulkhead_sdk::options::{DaemonOption, Fallback, Kind, OptionRule, Verdict};

/// `--iptables` / `"iptables"`.
pub const IPTABLES: DaemonOption = DaemonOption {
    flag: "iptables",
    key: "iptables",
    kind: Kind::Bool,
    default: Fallback::Bool(true),
};

bulkhead_sdk::option_control! {
    id: "daemon-iptables-enabled",
    cis: "2.4",
    title: "The Docker daemon is allowed to manage iptables",
    description: "dockerd must not run with iptables=false (`--iptables=false` or `\"iptables\": false` in daemon.json; dockerd's default is true).",
    rationale: "With iptables off, dockerd no longer writes the NAT and isolation rules containers rely on; hand-made rules drift and often end up exposing containers or the host.",
    remediation: "Remove --iptables=false / \"iptables\": false (or set it to true) and restart dockerd.",
    severity: Medium,
    rule: OptionRule {
        option: IPTABLES,
        info: None,
        judge: |iptables, _| match iptables.value.as_bool() {
            Some(false) => Verdict::fail(
                "dockerd does not manage iptables: published ports and network isolation are left to hand-made rules",
            ),
            _ => Verdict::pass("dockerd manages iptables"),
        },
        fix: "remove --iptables=false / \"iptables\": false (dockerd's default is true)",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::default("dockerd", "{}", Status::Pass)]
    #[case::explicit("dockerd --iptables=true", "{}", Status::Pass)]
    #[case::flag_off("dockerd --iptables=false", "{}", Status::Fail)]
    #[case::file_off("dockerd", r#"{"iptables": false}"#, Status::Fail)]
    fn judges_iptables(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }
}
