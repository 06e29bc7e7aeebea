//! # `daemon-live-restore-enabled`: CIS Docker Benchmark v1.6.0 2.15
//!
//! ### What it checks
//! Live restore of every dockerd. When exactly one dockerd runs and answers (with a matching
//! data root), `LiveRestoreEnabled` from `docker info` (the option is reloadable, so the file may
//! say more than the daemon applies); otherwise `--live-restore` on the command line or
//! `"live-restore"` in the configuration file, else dockerd's default `false`. On a swarm node
//! (`docker info` Swarm state active) the item does not apply: dockerd refuses live restore in
//! swarm mode.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Set `"live-restore": true` and send dockerd `SIGHUP` (or restart it).
//!
//! ### Example
//! `docker info` showing `LiveRestoreEnabled: false` fails: `dockerd (pid 812): live restore is
//! off: restarting dockerd stops every container`.

use bulkhead_sdk::options::{DaemonOption, Fallback, InfoField, Kind, OptionRule, Value, Verdict};

/// `--live-restore` / `"live-restore"`.
pub const LIVE_RESTORE: DaemonOption = DaemonOption {
    flag: "live-restore",
    key: "live-restore",
    kind: Kind::Bool,
    default: Fallback::Bool(false),
};

bulkhead_sdk::option_control! {
    id: "daemon-live-restore-enabled",
    cis: "2.15",
    title: "Live restore is enabled",
    description: "dockerd must keep containers running while it is down: live-restore on. When exactly one dockerd runs and answers, `docker info` LiveRestoreEnabled is the truth; otherwise `--live-restore` or `\"live-restore\"` in daemon.json (default false). Skips on a swarm node, where dockerd does not allow it.",
    rationale: "Without live restore, every daemon restart or upgrade stops all containers, which pushes operators to postpone security updates of the daemon.",
    remediation: "Set \"live-restore\": true in /etc/docker/daemon.json (or --live-restore) and reload or restart dockerd.",
    severity: Low,
    rule: OptionRule {
        option: LIVE_RESTORE,
        info: Some(InfoField {
            field: "LiveRestoreEnabled",
            read: |info| info["LiveRestoreEnabled"].as_bool().map(Value::Bool),
        }),
        judge: |live, ctx| {
            if live.value.as_bool() == Some(true) {
                return Verdict::pass("live restore is on: containers keep running while dockerd restarts");
            }
            if ctx.info.is_some_and(|info| info["Swarm"]["LocalNodeState"] == "active") {
                return Verdict::skip("this daemon is a swarm node, where dockerd does not allow live restore");
            }
            Verdict::fail("live restore is off: restarting dockerd stops every container")
        },
        fix: "set \"live-restore\": true in daemon.json (or --live-restore)",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_answering, dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::flag("dockerd --live-restore", "{}", Status::Pass)]
    #[case::file("dockerd", r#"{"live-restore": true}"#, Status::Pass)]
    #[case::default("dockerd", "{}", Status::Fail)]
    fn judges_the_configuration(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }

    #[rstest]
    #[case::on(r#"{"LiveRestoreEnabled": true}"#, Status::Pass)]
    #[case::off(
        r#"{"LiveRestoreEnabled": false, "Swarm": {"LocalNodeState": "inactive"}}"#,
        Status::Fail
    )]
    #[case::swarm(
        r#"{"LiveRestoreEnabled": false, "Swarm": {"LocalNodeState": "active"}}"#,
        Status::Skip
    )]
    fn judges_the_running_daemon(#[case] info: &str, #[case] want: Status) {
        let host = dockerd_answering(info);
        assert_eq!(one(super::audit(&host)).status, want);
    }
}
