//! # `daemon-authorization-plugin`: CIS Docker Benchmark v1.6.0 2.12
//!
//! ### What it checks
//! The authorization plugins of every dockerd: each `--authorization-plugin` (either flag
//! form, repeatable) on its command line, else the `"authorization-plugins"` list in its
//! configuration file. At least one passes; none (dockerd's default) fails.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Install a plugin (e.g. `opa-docker-authz`), list it in `"authorization-plugins"`,
//! restart dockerd.
//!
//! ### Example
//! `dockerd -H fd://` fails: `dockerd (pid 812): no authorization plugin: every client of the
//! API may do everything`.

use bulkhead_sdk::options::{DaemonOption, Fallback, Kind, OptionRule, Verdict};

/// `--authorization-plugin` (repeatable) / `"authorization-plugins"`.
pub const AUTHZ_PLUGINS: DaemonOption = DaemonOption {
    flag: "authorization-plugin",
    key: "authorization-plugins",
    kind: Kind::List,
    default: Fallback::Empty,
};

bulkhead_sdk::option_control! {
    id: "daemon-authorization-plugin",
    cis: "2.12",
    title: "An authorization plugin controls Docker client commands",
    description: "dockerd must load at least one authorization plugin: `--authorization-plugin` (repeatable) or `\"authorization-plugins\"` in daemon.json; dockerd's default is none.",
    rationale: "Without an authorization plugin, every client that can reach the API may do everything, including starting privileged containers: access to the socket is root.",
    remediation: "Install an authorization plugin (for example opa-docker-authz), add it with --authorization-plugin=<name> or \"authorization-plugins\": [\"<name>\"], and restart dockerd.",
    severity: Medium,
    rule: OptionRule {
        option: AUTHZ_PLUGINS,
        info: None,
        judge: |plugins, _| match plugins.value.as_list() {
            [] => Verdict::fail("no authorization plugin: every client of the API may do everything"),
            list => Verdict::pass(format!("client commands are authorized by {}", list.join(", "))),
        },
        fix: "add --authorization-plugin=<plugin> (or \"authorization-plugins\": [\"<plugin>\"] in daemon.json)",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::flag("dockerd --authorization-plugin=opa-docker-authz", "{}", Status::Pass)]
    #[case::file("dockerd", r#"{"authorization-plugins": ["authz"]}"#, Status::Pass)]
    #[case::default("dockerd", "{}", Status::Fail)]
    #[case::empty_list("dockerd", r#"{"authorization-plugins": []}"#, Status::Fail)]
    fn judges_plugins(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }
}
