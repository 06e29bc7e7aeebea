//! # `daemon-seccomp-profile`: CIS Docker Benchmark v1.6.0 2.17
//!
//! ### What it checks
//! Manual item. For every dockerd, the seccomp profile containers get when they set none: from
//! `docker info` (`name=seccomp,profile=...` in `SecurityOptions`) when exactly one dockerd runs
//! and answers, else `--seccomp-profile` / `"seccomp-profile"` in its configuration file, else
//! Docker's built-in default profile. The finding is always `info` with what to look at: whether
//! the workloads need a narrower custom profile; `unconfined` (no filtering) is called out.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! If appropriate, set `"seccomp-profile"` to a custom profile derived from Docker's default
//! and restart dockerd; never `unconfined`.
//!
//! ### Example
//! This host's default daemon yields `info  host  dockerd (pid 812): containers get the
//! default seccomp profile: decide whether a custom daemon-wide profile suits the workloads`.

use bulkhead_sdk::options::{
    DaemonOption, Fallback, InfoField, Kind, OptionRule, Value, Verdict, security_option,
};

/// `--seccomp-profile` / `"seccomp-profile"`; unset means Docker's built-in profile.
pub const SECCOMP_PROFILE: DaemonOption = DaemonOption {
    flag: "seccomp-profile",
    key: "seccomp-profile",
    kind: Kind::Text,
    default: Fallback::Text(""),
};

bulkhead_sdk::option_control! {
    id: "daemon-seccomp-profile",
    cis: "2.17 (manual)",
    title: "A daemon-wide custom seccomp profile is applied if appropriate (manual)",
    description: "Manual item: shows the seccomp profile each dockerd applies to containers that set none (docker info SecurityOptions name=seccomp when exactly one dockerd runs and answers, else --seccomp-profile / \"seccomp-profile\" in daemon.json, default Docker's built-in profile) so a person can decide whether a custom one is needed. Always info, never a pass.",
    rationale: "The seccomp profile decides which system calls containers may make; Docker's default blocks the most dangerous ones, and a custom profile can narrow that to what the workloads need.",
    remediation: "If the workloads warrant it, write a profile (start from Docker's default) and set \"seccomp-profile\": \"/etc/docker/seccomp.json\" in /etc/docker/daemon.json (or --seccomp-profile), then restart dockerd. Never set it to unconfined.",
    severity: Info,
    rule: OptionRule {
        option: SECCOMP_PROFILE,
        info: Some(InfoField {
            field: "SecurityOptions",
            read: |info| {
                let entry = security_option(info, "seccomp")?;
                let profile = entry
                    .split(',')
                    .find_map(|p| p.strip_prefix("profile="))
                    .unwrap_or("default");
                Some(Value::Text(profile.to_owned()))
            },
        }),
        judge: |profile, _| match profile.value.as_text().unwrap_or_default() {
            "" | "default" | "builtin" => Verdict::info(
                "containers get the default seccomp profile: decide whether a custom daemon-wide profile suits the workloads",
            ),
            "unconfined" => Verdict::info(
                "containers that set no profile run without seccomp filtering (unconfined): review this first",
            ),
            custom => Verdict::info(format!(
                "containers get the custom seccomp profile {custom}: confirm it is maintained and fits the workloads"
            )),
        },
        fix: "set \"seccomp-profile\" to a custom profile in daemon.json (or --seccomp-profile) if appropriate",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_answering, dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::default("dockerd", "{}", "(not set)")]
    #[case::custom(
        "dockerd --seccomp-profile=/etc/docker/seccomp.json",
        "{}",
        "/etc/docker/seccomp.json"
    )]
    #[case::unconfined("dockerd", r#"{"seccomp-profile": "unconfined"}"#, "unconfined")]
    fn always_info_with_the_profile(#[case] line: &str, #[case] json: &str, #[case] shown: &str) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, Status::Info, "{got:?}");
        assert_eq!(got.evidence("seccomp-profile"), Some(shown));
    }

    #[test]
    fn docker_info_tells_the_profile_in_use() {
        let host = dockerd_answering(r#"{"SecurityOptions": ["name=seccomp,profile=default"]}"#);
        let got = one(super::audit(&host));
        assert_eq!(got.status, Status::Info);
        assert_eq!(got.evidence("seccomp-profile"), Some("default"));
    }
}
