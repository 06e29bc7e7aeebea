//! # `daemon-userland-proxy-disabled`: CIS Docker Benchmark v1.6.0 2.16
//!
//! ### What it checks
//! The `userland-proxy` option of every dockerd: `--userland-proxy=false` on its command line
//! or `"userland-proxy": false` in its configuration file passes; unset (dockerd's default
//! `true`) or true fails.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Set `"userland-proxy": false` and restart dockerd.
//!
//! ### Example
//! `dockerd` with no `userland-proxy` set fails: `dockerd (pid 812): published ports go through
//! the userland proxy (userland-proxy is true)`.

use bulkhead_sdk::options::{DaemonOption, Fallback, Kind, OptionRule, Verdict};

/// `--userland-proxy` / `"userland-proxy"`.
pub const USERLAND_PROXY: DaemonOption = DaemonOption {
    flag: "userland-proxy",
    key: "userland-proxy",
    kind: Kind::Bool,
    default: Fallback::Bool(true),
};

bulkhead_sdk::option_control! {
    id: "daemon-userland-proxy-disabled",
    cis: "2.16",
    title: "The userland proxy is disabled",
    description: "dockerd must not use the userland proxy for published ports: `--userland-proxy=false` or `\"userland-proxy\": false` in daemon.json (dockerd's default is true).",
    rationale: "The docker-proxy processes add attack surface (one per published port) where the kernel's hairpin NAT does the same job.",
    remediation: "Set \"userland-proxy\": false in /etc/docker/daemon.json (or --userland-proxy=false) and restart dockerd.",
    severity: Low,
    rule: OptionRule {
        option: USERLAND_PROXY,
        info: None,
        judge: |proxy, _| match proxy.value.as_bool() {
            Some(false) => Verdict::pass("the userland proxy is disabled"),
            _ => Verdict::fail("published ports go through the userland proxy (userland-proxy is true)"),
        },
        fix: "set \"userland-proxy\": false in daemon.json (or --userland-proxy=false)",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::flag("dockerd --userland-proxy=false", "{}", Status::Pass)]
    #[case::file("dockerd", r#"{"userland-proxy": false}"#, Status::Pass)]
    #[case::default("dockerd", "{}", Status::Fail)]
    #[case::bare_flag("dockerd --userland-proxy", "{}", Status::Fail)]
    fn judges_the_proxy(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }
}
