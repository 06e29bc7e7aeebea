//! # `daemon-base-device-size-default`: CIS Docker Benchmark v1.6.0 2.11
//!
//! ### What it checks
//! The storage options of every dockerd: each `--storage-opt` (either flag form, repeatable)
//! on its command line, else the `"storage-opts"` list in its configuration file. An option
//! `dm.basesize=...` (key matched case-insensitively, as the devicemapper driver parses it)
//! fails; no such option (dockerd's default of 10G) passes.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Remove `dm.basesize` from the storage options and restart dockerd.
//!
//! ### Example
//! `dockerd --storage-opt dm.basesize=50G` fails: `dockerd (pid 812): changes the base
//! device size (dm.basesize=50G)`.

use bulkhead_sdk::options::{DaemonOption, Fallback, Kind, OptionRule, Verdict};

/// `--storage-opt` (repeatable) / `"storage-opts"`.
pub const STORAGE_OPTS: DaemonOption = DaemonOption {
    flag: "storage-opt",
    key: "storage-opts",
    kind: Kind::List,
    default: Fallback::Empty,
};

/// Whether a storage option sets the devicemapper base device size.
pub fn is_basesize(opt: &str) -> bool {
    let key = opt.split_once('=').map_or(opt, |(key, _)| key);
    key.trim().eq_ignore_ascii_case("dm.basesize")
}

bulkhead_sdk::option_control! {
    id: "daemon-base-device-size-default",
    cis: "2.11",
    title: "The base device size is not changed",
    description: "dockerd's storage options (`--storage-opt`, repeatable, or `\"storage-opts\"` in daemon.json) must not set `dm.basesize`, the devicemapper base device size.",
    rationale: "A larger base device lets every container's root filesystem grow to that size, so one container can fill the host's storage pool.",
    remediation: "Remove dm.basesize from --storage-opt / \"storage-opts\" unless a workload needs it, then restart dockerd.",
    severity: Low,
    rule: OptionRule {
        option: STORAGE_OPTS,
        info: None,
        judge: |opts, _| {
            let changed: Vec<&str> = opts
                .value
                .as_list()
                .iter()
                .map(String::as_str)
                .filter(|o| is_basesize(o))
                .collect();
            if changed.is_empty() {
                Verdict::pass("does not change the base device size (no dm.basesize storage option)")
            } else {
                Verdict::fail(format!("changes the base device size ({})", changed.join(", ")))
            }
        },
        fix: "remove dm.basesize from --storage-opt / \"storage-opts\"",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::default("dockerd", "{}", Status::Pass)]
    #[case::other_opt("dockerd --storage-opt overlay2.size=10G", "{}", Status::Pass)]
    #[case::flag("dockerd --storage-opt dm.basesize=50G", "{}", Status::Fail)]
    #[case::flag_equals("dockerd --storage-opt=DM.BaseSize=50G", "{}", Status::Fail)]
    #[case::file(
        "dockerd",
        r#"{"storage-opts": ["dm.thinpooldev=/dev/x", "dm.basesize=20G"]}"#,
        Status::Fail
    )]
    fn judges_storage_opts(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }
}
