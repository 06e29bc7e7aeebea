//! # `container-no-new-privileges`: CIS Docker Benchmark v1.6.0 5.26
//!
//! ### What it checks
//! Every container must run with `no-new-privileges`: `--security-opt no-new-privileges`
//! (bare, `=true` or `:true`) on the container, or the daemon's `--no-new-privileges`
//! default (`docker info` lists `name=no-new-privileges`). An explicit
//! `no-new-privileges=false` fails even on such a daemon.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container with `--security-opt no-new-privileges`, or run dockerd with
//! `--no-new-privileges` (`"no-new-privileges": true` in daemon.json) so every new
//! container gets it. bulkhead cannot change this setting of an existing container:
//! `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web nginx` on a daemon without
//! `--no-new-privileges` yields
//!
//! ```text
//! fail  container:web
//!       container web may acquire new privileges through setuid binaries: neither it nor the daemon sets no-new-privileges
//!       security-opt= state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-no-new-privileges",
    cis: "5.26",
    title: "Containers cannot acquire new privileges",
    description: "Every container must run with `no-new-privileges`: `--security-opt no-new-privileges` (bare, `=true` or `:true`) on the container, or the daemon's `--no-new-privileges` default (`docker info` lists `name=no-new-privileges`). An explicit `no-new-privileges=false` fails even on such a daemon.",
    rationale: "`no_new_privs` stops setuid and setgid binaries and file capabilities from raising a process's privileges: a compromised non-root process in the container cannot become root through `su`, `sudo` or a setuid helper in the image.",
    remediation: "Recreate the container with `--security-opt no-new-privileges`, or run dockerd with `--no-new-privileges` (`\"no-new-privileges\": true` in daemon.json) so every new container gets it.",
    severity: Medium,
    fix: "with --security-opt no-new-privileges",
    judge: judge,
}

/// See the crate doc.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let target = doc.target();
    let explicit = doc.security_opt("no-new-privileges");
    let finding = match explicit.last() {
        Some(&"false") => Finding::fail(
            target,
            format!(
                "container {name} turns no-new-privileges off (--security-opt no-new-privileges=false)"
            ),
        ),
        Some(&("" | "true")) => Finding::pass(
            target,
            format!("container {name} runs with no-new-privileges"),
        ),
        Some(other) => Finding::error(
            target,
            format!("container {name} has an unrecognised no-new-privileges value {other:?}"),
        ),
        None => match doc.daemon_security_option("no-new-privileges") {
            Some(true) => Finding::pass(
                target,
                format!("container {name} runs with no-new-privileges, the daemon's default"),
            ),
            Some(false) => Finding::fail(
                target,
                format!(
                    "container {name} may acquire new privileges through setuid binaries: neither it nor the daemon sets no-new-privileges"
                ),
            ),
            None => Finding::error(
                target,
                format!(
                    "cannot tell whether container {name} gets the daemon's no-new-privileges default: docker info is unavailable"
                ),
            ),
        },
    };
    finding.with_evidence("security-opt", doc.security_opts())
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{assert_container_kit, assert_judges};

    #[rstest::rstest]
    #[case::unset(
        r#"{"Name":"/w","HostConfig":{}}"#,
        r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#,
        Status::Fail
    )]
    #[case::info_unknown(r#"{"Name":"/w","HostConfig":{}}"#, r#"null"#, Status::Error)]
    #[case::explicit_false(
        r#"{"Name":"/w","HostConfig":{"SecurityOpt":["no-new-privileges=false"]}}"#,
        r#"{"SecurityOptions":["name=no-new-privileges"]}"#,
        Status::Fail
    )]
    #[case::bare(
        r#"{"Name":"/w","HostConfig":{"SecurityOpt":["no-new-privileges"]}}"#,
        r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#,
        Status::Pass
    )]
    #[case::equals_true(
        r#"{"Name":"/w","HostConfig":{"SecurityOpt":["no-new-privileges=true"]}}"#,
        r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#,
        Status::Pass
    )]
    #[case::colon_true(
        r#"{"Name":"/w","HostConfig":{"SecurityOpt":["no-new-privileges:true"]}}"#,
        r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#,
        Status::Pass
    )]
    #[case::daemon_default(
        r#"{"Name":"/w","HostConfig":{}}"#,
        r#"{"SecurityOptions":["name=seccomp,profile=default","name=no-new-privileges"]}"#,
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
            "with --security-opt no-new-privileges",
        );
    }
}
