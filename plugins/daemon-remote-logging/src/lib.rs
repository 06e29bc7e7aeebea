//! # `daemon-remote-logging`: CIS Docker Benchmark v1.6.0 2.13
//!
//! ### What it checks
//! The default log driver of every dockerd. When exactly one dockerd runs and answers (with a
//! matching data root), `LoggingDriver` from `docker info`; otherwise `--log-driver` (either form)
//! or `"log-driver"` in the configuration file, else dockerd's default `json-file`.
//! `json-file` and `local` keep logs in files next to the container and fail; `none` discards
//! them and fails. Any other driver passes: network drivers (`fluentd`, `gelf`, `awslogs`,
//! `splunk`, `gcplogs`, plugins...) ship them away; `syslog` and `journald` hand them to the
//! host's central logger, which an operator expects to count (the evidence reminds that it must
//! forward off the host, and shows a `syslog-address` when `log-opts` sets one).
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Set `"log-driver"` (and its `"log-opts"`) in `/etc/docker/daemon.json`, restart dockerd.
//! Existing containers keep the driver they were created with until recreated.
//!
//! ### Example
//! A daemon with no `log-driver` configured and `docker info` reporting `json-file` fails:
//! `dockerd (pid 812): keeps container logs only in local files (json-file): they are lost with
//! the host and erasable by an intruder`.

use bulkhead_sdk::options::{DaemonOption, Fallback, InfoField, Kind, OptionRule, Value, Verdict};

/// `--log-driver` / `"log-driver"`.
pub const LOG_DRIVER: DaemonOption = DaemonOption {
    flag: "log-driver",
    key: "log-driver",
    kind: Kind::Text,
    default: Fallback::Text("json-file"),
};

/// `--log-opt` (repeatable) / `"log-opts"` (an object of `name: value`).
pub const LOG_OPTS: DaemonOption = DaemonOption {
    flag: "log-opt",
    key: "log-opts",
    kind: Kind::List,
    default: Fallback::Empty,
};

bulkhead_sdk::option_control! {
    id: "daemon-remote-logging",
    cis: "2.13",
    title: "Container logs go to a central logging service",
    description: "dockerd's default log driver must ship container logs off the container's local files: anything but json-file, local and none (syslog, journald, fluentd, gelf, awslogs, splunk, gcplogs, a plugin...). When exactly one dockerd runs and answers, `docker info` LoggingDriver is the truth; otherwise `--log-driver` or `\"log-driver\"` in daemon.json, default json-file.",
    rationale: "Logs kept only in files on the host are lost with the host and can be erased by whoever compromises it; central logs survive for the investigation.",
    remediation: "Set \"log-driver\" (e.g. \"syslog\" with \"log-opts\": {\"syslog-address\": \"tcp+tls://logs.example:6514\"}, or \"journald\", \"fluentd\", \"gelf\") in /etc/docker/daemon.json and restart dockerd; existing containers keep their driver until recreated.",
    severity: Medium,
    rule: OptionRule {
        option: LOG_DRIVER,
        info: Some(InfoField {
            field: "LoggingDriver",
            read: |info| info["LoggingDriver"].as_str().map(|d| Value::Text(d.to_owned())),
        }),
        judge: |driver, ctx| match driver.value.as_text().unwrap_or_default() {
            local @ ("json-file" | "local" | "") => Verdict::fail(format!(
                "keeps container logs only in local files ({}): they are lost with the host and erasable by an intruder",
                if local.is_empty() { "json-file" } else { local }
            )),
            "none" => Verdict::fail("discards container logs (log driver none)"),
            host @ ("syslog" | "journald") => {
                let mut verdict = Verdict::pass(format!("sends container logs to {host}"));
                let address = ctx.get(&LOG_OPTS).ok().and_then(|opts| {
                    opts.value
                        .as_list()
                        .iter()
                        .find_map(|o| o.strip_prefix("syslog-address=").map(str::to_owned))
                });
                verdict = match address {
                    Some(address) if host == "syslog" => verdict.with("syslog-address", address),
                    _ => verdict.with(
                        "note",
                        format!("{host} on this host: make sure it forwards to a central log service"),
                    ),
                };
                verdict
            }
            remote => Verdict::pass(format!("ships container logs with the {remote} log driver")),
        },
        fix: "set \"log-driver\" (e.g. syslog with a remote syslog-address, journald, fluentd, gelf) in daemon.json",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_answering, dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::default("dockerd", "{}", Status::Fail)]
    #[case::local("dockerd --log-driver=local", "{}", Status::Fail)]
    #[case::none("dockerd", r#"{"log-driver": "none"}"#, Status::Fail)]
    #[case::syslog("dockerd --log-driver syslog", "{}", Status::Pass)]
    #[case::journald("dockerd", r#"{"log-driver": "journald"}"#, Status::Pass)]
    #[case::fluentd("dockerd", r#"{"log-driver": "fluentd"}"#, Status::Pass)]
    fn judges_the_driver(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }

    #[test]
    fn shows_a_remote_syslog_address() {
        let json =
            r#"{"log-driver": "syslog", "log-opts": {"syslog-address": "tcp+tls://logs:6514"}}"#;
        let got = one(super::audit(&dockerd_host("dockerd", json)));
        assert_eq!(
            got.evidence("syslog-address"),
            Some("tcp+tls://logs:6514"),
            "{got:?}"
        );
    }

    #[test]
    fn docker_info_tells_the_driver_in_use() {
        let host =
            dockerd_answering(r#"{"LoggingDriver": "gelf", "DockerRootDir": "/var/lib/docker"}"#);
        assert_eq!(one(super::audit(&host)).status, Status::Pass);
    }
}
