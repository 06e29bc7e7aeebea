//! # `container-seccomp-enabled`: CIS Docker Benchmark v1.6.0 5.22
//!
//! ### What it checks
//! Every container must run under a seccomp profile: not `--security-opt
//! seccomp=unconfined` (either spelling), not privileged (Docker applies no seccomp profile
//! to privileged containers), and not on a daemon whose default profile is unconfined or
//! that has no seccomp support (`docker info` security options).
//!
//! A custom profile (`seccomp=/path/profile.json`) or the daemon's default profile passes.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container without `--security-opt seccomp=unconfined` and without
//! `--privileged`; do not run dockerd with `--seccomp-profile unconfined`. bulkhead cannot
//! change this setting of an existing container: `bulkhead fix` names the flag to recreate
//! it with.
//!
//! ### Example
//! A container created with `docker create --name web --security-opt seccomp=unconfined
//! nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web runs without a seccomp profile (--security-opt seccomp=unconfined)
//!       security-opt=seccomp=unconfined daemon-seccomp=name=seccomp,profile=default state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-seccomp-enabled",
    cis: "5.22",
    title: "Containers run with a seccomp profile",
    description: "Every container must run under a seccomp profile: not `--security-opt seccomp=unconfined` (either spelling), not privileged (Docker applies no seccomp profile to privileged containers), and not on a daemon whose default profile is unconfined or that has no seccomp support (`docker info` security options).",
    rationale: "Docker's default seccomp profile blocks about 44 system calls (kexec_load, open_by_handle_at, keyctl, unshare and clone of new user namespaces, ...) that containers rarely need and many kernel exploits and breakouts rely on.",
    remediation: "Recreate the container without `--security-opt seccomp=unconfined` and without `--privileged`; do not run dockerd with `--seccomp-profile unconfined`.",
    severity: High,
    fix: "without --security-opt seccomp=unconfined",
    judge: judge,
}

/// See the crate doc.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let explicit = doc.security_opt("seccomp");
    let daemon = daemon_seccomp(doc);
    let target = doc.target();
    let finding = if explicit.contains(&"unconfined") {
        Finding::fail(
            target,
            format!(
                "container {name} runs without a seccomp profile (--security-opt seccomp=unconfined)"
            ),
        )
    } else if doc.bool("/HostConfig/Privileged") {
        Finding::fail(
            target,
            format!("container {name} is privileged, so Docker applies no seccomp profile to it"),
        )
    } else if let Some(profile) = explicit.first() {
        Finding::pass(
            target,
            format!("container {name} runs under seccomp profile {profile}"),
        )
    } else {
        match daemon.as_deref() {
            None => Finding::fail(
                target,
                format!(
                    "container {name} runs without seccomp: the daemon reports no seccomp support (docker info)"
                ),
            ),
            Some(option) if option.contains("profile=unconfined") => Finding::fail(
                target,
                format!(
                    "container {name} runs without seccomp: the daemon's default profile is unconfined"
                ),
            ),
            Some(_) => Finding::pass(
                target,
                format!("container {name} runs under the daemon's default seccomp profile"),
            ),
        }
    };
    finding
        .with_evidence("security-opt", doc.security_opts())
        .with_evidence("daemon-seccomp", daemon.unwrap_or_default())
}

/// The daemon's `name=seccomp,...` security option from `docker info`, if any.
fn daemon_seccomp(doc: &Inspected) -> Option<String> {
    doc.info()
        .pointer("/SecurityOptions")?
        .as_array()?
        .iter()
        .filter_map(|o| o.as_str())
        .find(|o| o.split(',').any(|part| part == "name=seccomp"))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{assert_container_kit, assert_judges};

    #[rstest::rstest]
    #[case::unconfined(
        r#"{"Name":"/w","HostConfig":{"SecurityOpt":["seccomp=unconfined"]}}"#,
        r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#,
        Status::Fail
    )]
    #[case::unconfined_colon(
        r#"{"Name":"/w","HostConfig":{"SecurityOpt":["seccomp:unconfined"]}}"#,
        r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#,
        Status::Fail
    )]
    #[case::privileged(
        r#"{"Name":"/w","HostConfig":{"Privileged":true}}"#,
        r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#,
        Status::Fail
    )]
    #[case::daemon_unconfined(
        r#"{"Name":"/w","HostConfig":{}}"#,
        r#"{"SecurityOptions":["name=seccomp,profile=unconfined"]}"#,
        Status::Fail
    )]
    #[case::daemon_without_seccomp(
        r#"{"Name":"/w","HostConfig":{}}"#,
        r#"{"SecurityOptions":["name=apparmor"]}"#,
        Status::Fail
    )]
    #[case::custom_profile(
        r#"{"Name":"/w","HostConfig":{"SecurityOpt":["seccomp=/etc/docker/strict.json"]}}"#,
        r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#,
        Status::Pass
    )]
    #[case::daemon_default(
        r#"{"Name":"/w","HostConfig":{}}"#,
        r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#,
        Status::Pass
    )]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        assert_judges(super::judge, inspect, info, want);
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        assert_container_kit(
            super::audit,
            super::remediate,
            "without --security-opt seccomp=unconfined",
        );
    }
}
