//! # `daemon-userns-remap`: CIS Docker Benchmark v1.6.0 2.9
//!
//! ### What it checks
//! The `userns-remap` option of every dockerd: `--userns-remap` (either flag form) or
//! `"userns-remap"` in its configuration file. Any non-empty value (`default`, `user`,
//! `user:group`) passes; unset (dockerd's default) or empty fails. The configuration is judged
//! (`docker info` only says `name=userns` without the mapping).
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Set `"userns-remap": "default"` (dockerd creates `dockremap` and its subordinate ids)
//! and restart dockerd. Existing images and volumes are not visible under the remapped root:
//! plan the switch.
//!
//! ### Example
//! `dockerd` with an empty `/etc/docker/daemon.json` fails: `dockerd (pid 812): containers
//! run without user namespace remapping: root in a container is root on the host`.

use bulkhead_sdk::options::{DaemonOption, Fallback, Kind, OptionRule, Verdict};

/// `--userns-remap` / `"userns-remap"`.
pub const USERNS_REMAP: DaemonOption = DaemonOption {
    flag: "userns-remap",
    key: "userns-remap",
    kind: Kind::Text,
    default: Fallback::Text(""),
};

bulkhead_sdk::option_control! {
    id: "daemon-userns-remap",
    cis: "2.9",
    title: "User namespace remapping is enabled for containers",
    description: "dockerd must run containers in a user namespace: `--userns-remap` or `\"userns-remap\"` in daemon.json set (e.g. `default`); dockerd's default is off.",
    rationale: "Without remapping, root in a container is root on the host: any escape from the container lands with full privileges.",
    remediation: "Set \"userns-remap\": \"default\" (or a user:group with /etc/subuid and /etc/subgid ranges) in /etc/docker/daemon.json and restart dockerd; images and volumes are re-owned, so plan the switch.",
    severity: Medium,
    rule: OptionRule {
        option: USERNS_REMAP,
        info: None,
        judge: |remap, _| match remap.value.as_text().unwrap_or_default() {
            "" => Verdict::fail(
                "containers run without user namespace remapping: root in a container is root on the host",
            ),
            user => Verdict::pass(format!("containers run in a user namespace remapped to {user}")),
        },
        fix: "set \"userns-remap\": \"default\" in daemon.json (or --userns-remap=default)",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::flag("dockerd --userns-remap default", "{}", Status::Pass)]
    #[case::file("dockerd", r#"{"userns-remap": "alice:alice"}"#, Status::Pass)]
    #[case::default("dockerd", "{}", Status::Fail)]
    #[case::empty("dockerd --userns-remap=", "{}", Status::Fail)]
    fn judges_remapping(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }
}
