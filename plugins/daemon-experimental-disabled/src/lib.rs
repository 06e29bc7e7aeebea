//! # `daemon-experimental-disabled`: CIS Docker Benchmark v1.6.0 2.18
//!
//! ### What it checks
//! Whether every dockerd enables experimental features. When exactly one dockerd runs and
//! answers (with a matching data root), `ExperimentalBuild` from `docker info`; otherwise
//! `--experimental` (or `=true`) on the command line or `"experimental"` in the configuration
//! file, else dockerd's default `false`. Enabled fails.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Remove `--experimental` / `"experimental": true` and restart dockerd.
//!
//! ### Example
//! `"experimental": true` in `/etc/docker/daemon.json` with no daemon running fails:
//! `dockerd (not running): experimental features are enabled`.

use bulkhead_sdk::options::{DaemonOption, Fallback, InfoField, Kind, OptionRule, Value, Verdict};

/// `--experimental` / `"experimental"`.
pub const EXPERIMENTAL: DaemonOption = DaemonOption {
    flag: "experimental",
    key: "experimental",
    kind: Kind::Bool,
    default: Fallback::Bool(false),
};

bulkhead_sdk::option_control! {
    id: "daemon-experimental-disabled",
    cis: "2.18",
    title: "Experimental features are not enabled",
    description: "dockerd must not run with experimental features. When exactly one dockerd runs and answers, `docker info` ExperimentalBuild is the truth; otherwise `--experimental` or `\"experimental\"` in daemon.json (default false).",
    rationale: "Experimental features are unfinished, less reviewed and may change or break; production daemons should not expose them.",
    remediation: "Remove --experimental / \"experimental\": true from the daemon's configuration and restart dockerd.",
    severity: Low,
    rule: OptionRule {
        option: EXPERIMENTAL,
        info: Some(InfoField {
            field: "ExperimentalBuild",
            read: |info| info["ExperimentalBuild"].as_bool().map(Value::Bool),
        }),
        judge: |experimental, _| match experimental.value.as_bool() {
            Some(true) => Verdict::fail("experimental features are enabled"),
            _ => Verdict::pass("experimental features are not enabled"),
        },
        fix: "remove --experimental / \"experimental\": true",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_answering, dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::default("dockerd", "{}", Status::Pass)]
    #[case::flag("dockerd --experimental", "{}", Status::Fail)]
    #[case::file("dockerd", r#"{"experimental": true}"#, Status::Fail)]
    fn judges_the_configuration(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }

    #[test]
    fn docker_info_wins_for_the_running_daemon() {
        let host = dockerd_answering(r#"{"ExperimentalBuild": true}"#);
        assert_eq!(one(super::audit(&host)).status, Status::Fail);
    }
}
