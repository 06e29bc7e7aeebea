//! # `daemon-no-new-privileges`: CIS Docker Benchmark v1.6.0 2.14
//!
//! ### What it checks
//! The `no-new-privileges` option of every dockerd: `--no-new-privileges` (or `=true`) on its
//! command line, or `"no-new-privileges": true` in its configuration file, passes; unset
//! (dockerd's default `false`) or false fails.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Set `"no-new-privileges": true` and restart dockerd; it applies to containers created
//! afterwards (existing ones keep their settings).
//!
//! ### Example
//! An empty `/etc/docker/daemon.json` fails: `dockerd (pid 812): containers may acquire new
//! privileges (no-new-privileges is false)`.

use bulkhead_sdk::options::{DaemonOption, Fallback, Kind, OptionRule, Verdict};

/// `--no-new-privileges` / `"no-new-privileges"`.
pub const NO_NEW_PRIVILEGES: DaemonOption = DaemonOption {
    flag: "no-new-privileges",
    key: "no-new-privileges",
    kind: Kind::Bool,
    default: Fallback::Bool(false),
};

bulkhead_sdk::option_control! {
    id: "daemon-no-new-privileges",
    cis: "2.14",
    title: "Containers are restricted from acquiring new privileges by default",
    description: "dockerd must set no-new-privileges for all containers: `--no-new-privileges` or `\"no-new-privileges\": true` in daemon.json (dockerd's default is false).",
    rationale: "Without no_new_privs, a process in a container can gain privileges through setuid/setgid binaries or file capabilities, widening any compromise.",
    remediation: "Set \"no-new-privileges\": true in /etc/docker/daemon.json (or --no-new-privileges) and restart dockerd; containers created afterwards get it.",
    severity: Medium,
    rule: OptionRule {
        option: NO_NEW_PRIVILEGES,
        info: None,
        judge: |nnp, _| match nnp.value.as_bool() {
            Some(true) => Verdict::pass("containers cannot acquire new privileges (no-new-privileges)"),
            _ => Verdict::fail("containers may acquire new privileges (no-new-privileges is false)"),
        },
        fix: "set \"no-new-privileges\": true in daemon.json (or --no-new-privileges)",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::flag("dockerd --no-new-privileges", "{}", Status::Pass)]
    #[case::file("dockerd", r#"{"no-new-privileges": true}"#, Status::Pass)]
    #[case::default("dockerd", "{}", Status::Fail)]
    #[case::off("dockerd --no-new-privileges=false", "{}", Status::Fail)]
    fn judges_nnp(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }
}
