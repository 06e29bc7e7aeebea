//! # `daemon-default-ulimits`: CIS Docker Benchmark v1.6.0 2.8
//!
//! ### What it checks
//! Manual item. For every dockerd, its default ulimits: each `--default-ulimit` (either flag
//! form, repeatable) on its command line, else the `"default-ulimits"` object in its
//! configuration file (shown as `name={...}`). The finding is always `info`: a person decides
//! whether the limits suit the workloads; none set means containers inherit dockerd's own
//! limits (the `LimitNOFILE`/`LimitNPROC` of its service).
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Set `"default-ulimits"` (or `--default-ulimit nofile=1024:4096`) to values that suit the
//! workloads and restart dockerd; containers with their own `--ulimit` keep theirs.
//!
//! ### Example
//! A daemon with no default ulimits yields `info  host  dockerd (pid 812): no default ulimits:
//! containers inherit dockerd's own limits; decide whether nofile/nproc defaults suit the
//! workloads`.

use bulkhead_sdk::options::{DaemonOption, Fallback, Kind, OptionRule, Verdict};

/// `--default-ulimit` (repeatable) / `"default-ulimits"`.
pub const DEFAULT_ULIMITS: DaemonOption = DaemonOption {
    flag: "default-ulimit",
    key: "default-ulimits",
    kind: Kind::List,
    default: Fallback::Empty,
};

bulkhead_sdk::option_control! {
    id: "daemon-default-ulimits",
    cis: "2.8 (manual)",
    title: "The default ulimits are configured appropriately (manual)",
    description: "Manual item: shows each dockerd's default ulimits (--default-ulimit, repeatable, or \"default-ulimits\" in daemon.json) so a person can judge them against the workloads. Always info, never a pass.",
    rationale: "Default ulimits bound what a container may consume (open files, processes) when it sets no limit itself; without them a container inherits dockerd's own, usually generous, limits.",
    remediation: "Set \"default-ulimits\" (e.g. {\"nofile\": {\"Name\": \"nofile\", \"Soft\": 1024, \"Hard\": 4096}, \"nproc\": {...}}) in /etc/docker/daemon.json (or --default-ulimit nofile=1024:4096) to values that suit the workloads, and restart dockerd.",
    severity: Info,
    rule: OptionRule {
        option: DEFAULT_ULIMITS,
        info: None,
        judge: |ulimits, _| match ulimits.value.as_list() {
            [] => Verdict::info(
                "no default ulimits: containers inherit dockerd's own limits; decide whether nofile/nproc defaults suit the workloads",
            ),
            list => Verdict::info(format!(
                "default ulimits {}: confirm they suit the workloads",
                list.join(", ")
            )),
        },
        fix: "set \"default-ulimits\" in daemon.json (or --default-ulimit nofile=<soft>:<hard>) to values that suit the workloads",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::none("dockerd", "{}", "(none)")]
    #[case::flag("dockerd --default-ulimit nofile=1024:4096", "{}", "nofile=1024:4096")]
    #[case::file(
        "dockerd",
        r#"{"default-ulimits": {"nproc": {"Name": "nproc", "Soft": 512, "Hard": 1024}}}"#,
        r#"nproc={"Hard":1024,"Name":"nproc","Soft":512}"#
    )]
    fn always_info_with_the_setting(#[case] line: &str, #[case] json: &str, #[case] shown: &str) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, Status::Info, "{got:?}");
        assert_eq!(got.evidence("default-ulimits"), Some(shown));
    }
}
