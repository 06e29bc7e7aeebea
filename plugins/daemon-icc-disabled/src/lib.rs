//! # `daemon-icc-disabled`: CIS Docker Benchmark v1.6.0 2.2
//!
//! ### What it checks
//! The `icc` option of every dockerd: `--icc=false` on its command line or `"icc": false` in
//! its configuration file (`daemon.json`, or the file `--config-file` names). dockerd's default
//! is `true`, so an unset option fails. A daemon whose default bridge is disabled
//! (`--bridge=none` / `"bridge": "none"`) passes: no container is on it.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Set `"icc": false` in `/etc/docker/daemon.json` (or `--icc=false`) and restart dockerd.
//! Containers that must talk go on a user-defined network. bulkhead cannot change the daemon's
//! configuration; `fix` names the key to set.
//!
//! ### Example
//! `dockerd -H fd://` with no `icc` in `/etc/docker/daemon.json` fails: `dockerd (pid 812):
//! containers on the default bridge can reach each other on every port (icc is true)`, with
//! evidence `source = dockerd's default (no --icc on the command line, no "icc" in
//! /etc/docker/daemon.json)`.

use bulkhead_sdk::options::{DaemonOption, Fallback, Kind, OptionRule, Verdict};

/// `--icc` / `"icc"`.
pub const ICC: DaemonOption = DaemonOption {
    flag: "icc",
    key: "icc",
    kind: Kind::Bool,
    default: Fallback::Bool(true),
};

/// `--bridge` / `"bridge"`: `none` disables the default bridge.
pub const BRIDGE: DaemonOption = DaemonOption {
    flag: "bridge",
    key: "bridge",
    kind: Kind::Text,
    default: Fallback::Text(""),
};

bulkhead_sdk::option_control! {
    id: "daemon-icc-disabled",
    cis: "2.2",
    title: "Inter-container communication on the default bridge is disabled",
    description: "dockerd must run with icc=false (`--icc=false` or `\"icc\": false` in daemon.json; dockerd's default is true), unless the default bridge is disabled altogether (`--bridge=none`). Every running dockerd is judged; with none running, the configuration the next one would use.",
    rationale: "With icc on, every container on the default bridge reaches every port of every other one: one compromised container can attack its neighbours or sniff their services.",
    remediation: "Set \"icc\": false in /etc/docker/daemon.json (or --icc=false on the dockerd command line) and restart dockerd; put containers that must talk on user-defined networks.",
    severity: Medium,
    rule: OptionRule {
        option: ICC,
        info: None,
        judge: |icc, ctx| {
            if icc.value.as_bool() == Some(false) {
                return Verdict::pass(
                    "inter-container communication on the default bridge is disabled (icc=false)",
                );
            }
            match ctx.get(&BRIDGE) {
                Ok(bridge) if bridge.value.as_text() == Some("none") => Verdict::pass(
                    "the default bridge is disabled (bridge=none), so no container talks over it",
                )
                .with("bridge", bridge.origin),
                Ok(_) => Verdict::fail(
                    "containers on the default bridge can reach each other on every port (icc is true)",
                ),
                Err(why) => Verdict::error(why),
            }
        },
        fix: "set \"icc\": false in daemon.json (or --icc=false on the dockerd command line)",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::flag_equals("dockerd --icc=false", "{}", Status::Pass)]
    #[case::file("dockerd", r#"{"icc": false}"#, Status::Pass)]
    #[case::no_bridge("dockerd --bridge none", "{}", Status::Pass)]
    #[case::default("dockerd", "{}", Status::Fail)]
    #[case::explicit_true("dockerd", r#"{"icc": true}"#, Status::Fail)]
    #[case::bare_flag("dockerd --icc", "{}", Status::Fail)]
    fn judges_icc(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }

    #[test]
    fn remediation_names_the_key() {
        let err = super::remediate(bulkhead_sdk::Target::Host).unwrap_err();
        assert!(matches!(err, bulkhead_sdk::Error::Invalid(m) if m.contains("\"icc\": false")));
    }
}
