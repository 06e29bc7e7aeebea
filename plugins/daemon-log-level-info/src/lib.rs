//! # `daemon-log-level-info`: CIS Docker Benchmark v1.6.0 2.3
//!
//! ### What it checks
//! The effective log level of every dockerd: `--log-level`/`-l` on its command line (either
//! flag form), else `"log-level"` in its configuration file, else dockerd's default `info`.
//! Debug mode (`--debug`, `-D`, `"debug": true`) sets the level to `debug` whatever
//! `log-level` says, so it fails too. Levels are compared case-insensitively, as dockerd
//! parses them.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Set `"log-level": "info"` and drop `"debug"` in `/etc/docker/daemon.json` (or use
//! `--log-level=info` without `--debug`), then restart dockerd.
//!
//! ### Example
//! `dockerd -D --log-level info` fails: `dockerd (pid 812): debug mode is on, which logs at
//! level debug whatever log-level says`.

use bulkhead_sdk::options::{DaemonOption, Fallback, Kind, OptionRule, Verdict};

/// `--log-level` / `"log-level"`.
pub const LOG_LEVEL: DaemonOption = DaemonOption {
    flag: "log-level",
    key: "log-level",
    kind: Kind::Text,
    default: Fallback::Text("info"),
};

/// `--debug` / `"debug"`: forces level debug.
pub const DEBUG: DaemonOption = DaemonOption {
    flag: "debug",
    key: "debug",
    kind: Kind::Bool,
    default: Fallback::Bool(false),
};

bulkhead_sdk::option_control! {
    id: "daemon-log-level-info",
    cis: "2.3",
    title: "The Docker daemon logs at level info",
    description: "dockerd's log level (`--log-level`/`-l`, `\"log-level\"` in daemon.json; default info) must be info, and debug mode (`--debug`/`-D`, `\"debug\": true`), which forces level debug, must be off.",
    rationale: "Below info, events needed to investigate an incident are not recorded; at debug, the log fills with detail that can include sensitive request data.",
    remediation: "Remove \"debug\" and set \"log-level\": \"info\" in /etc/docker/daemon.json (or --log-level=info, no --debug) and restart dockerd.",
    severity: Low,
    rule: OptionRule {
        option: LOG_LEVEL,
        info: None,
        judge: |level, ctx| {
            match ctx.get(&DEBUG) {
                Err(why) => return Verdict::error(why),
                Ok(debug) if debug.value.as_bool() == Some(true) => {
                    return Verdict::fail(
                        "debug mode is on, which logs at level debug whatever log-level says",
                    )
                    .with("debug", debug.origin);
                }
                Ok(_) => {}
            }
            let level = level.value.as_text().unwrap_or_default().to_ascii_lowercase();
            match level.as_str() {
                "info" => Verdict::pass("the daemon logs at level info"),
                "debug" | "trace" => Verdict::fail(format!(
                    "the daemon logs at level {level}: verbose, and may record sensitive request details"
                )),
                "warn" | "warning" | "error" | "fatal" | "panic" => Verdict::fail(format!(
                    "the daemon logs at level {level}: events an investigation needs are not recorded"
                )),
                other => Verdict::error(format!("log level {other:?} is not one dockerd accepts")),
            }
        },
        fix: "set \"log-level\": \"info\" in daemon.json (or --log-level=info) and remove --debug / \"debug\"",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::default("dockerd", "{}", Status::Pass)]
    #[case::explicit("dockerd --log-level=INFO", "{}", Status::Pass)]
    #[case::file_info("dockerd", r#"{"log-level": "info"}"#, Status::Pass)]
    #[case::separate_form("dockerd --log-level debug", "{}", Status::Fail)]
    #[case::shorthand("dockerd -l warn", "{}", Status::Fail)]
    #[case::file_error("dockerd", r#"{"log-level": "error"}"#, Status::Fail)]
    #[case::debug_overrides("dockerd -D --log-level info", "{}", Status::Fail)]
    #[case::debug_in_file("dockerd", r#"{"debug": true}"#, Status::Fail)]
    #[case::nonsense("dockerd --log-level loud", "{}", Status::Error)]
    fn judges_the_effective_level(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }
}
