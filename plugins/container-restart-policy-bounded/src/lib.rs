//! # `container-restart-policy-bounded`: CIS Docker Benchmark v1.6.0 5.15
//!
//! ### What it checks
//! Every container's restart policy must bound restarts: `on-failure` with a maximum retry
//! count from 1 to 5 passes, and so does `no` (the default: never restarted, so no restart
//! loop). `always`, `unless-stopped`, `on-failure` with no count (0 means unlimited) and
//! `on-failure` with more than 5 fail.
//!
//! The benchmark's title names `on-failure:5`; its rationale is the denial of service of a
//! container restarted without end, so `no` and smaller counts meet it too
//! (docker-bench-security fails them).
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container with `--restart on-failure:5` (or without `--restart`). bulkhead
//! cannot change this setting of an existing container: `bulkhead fix` names the flag to
//! recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web --restart always nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web restarts without limit (restart policy always)
//!       restart-policy=always maximum-retry-count=0 state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-restart-policy-bounded",
    cis: "5.15",
    title: "Containers restart on failure at most 5 times",
    description: "Every container's restart policy must bound restarts: `on-failure` with a maximum retry count from 1 to 5 passes, and so does `no` (the default: never restarted, so no restart loop). `always`, `unless-stopped`, `on-failure` with no count (0 means unlimited) and `on-failure` with more than 5 fail.",
    rationale: "A container restarted without end (`always`, `unless-stopped`, unlimited `on-failure`) loops on a fault, hiding it and burning host resources; a bounded `on-failure` still recovers from transient crashes.",
    remediation: "Recreate the container with `--restart on-failure:5` (or without `--restart`).",
    severity: Low,
    fix: "with --restart on-failure:5",
    judge: judge,
}

/// See the crate doc.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let policy = doc.str("/HostConfig/RestartPolicy/Name");
    let count = doc
        .int("/HostConfig/RestartPolicy/MaximumRetryCount")
        .unwrap_or(0);
    let target = doc.target();
    let finding = match policy {
        "" | "no" => Finding::pass(
            target,
            format!("container {name} is never restarted automatically"),
        ),
        "on-failure" if (1..=5).contains(&count) => Finding::pass(
            target,
            format!("container {name} restarts on failure at most {count} times"),
        ),
        "on-failure" if count == 0 => Finding::fail(
            target,
            format!(
                "container {name} restarts on failure without limit (on-failure with no maximum count)"
            ),
        ),
        "on-failure" => Finding::fail(
            target,
            format!("container {name} restarts on failure up to {count} times, more than 5"),
        ),
        other => Finding::fail(
            target,
            format!("container {name} restarts without limit (restart policy {other})"),
        ),
    };
    finding
        .with_evidence("restart-policy", policy)
        .with_evidence("maximum-retry-count", count.to_string())
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{assert_container_kit, assert_judges};

    #[rstest::rstest]
    #[case::always(
        r#"{"Name":"/w","HostConfig":{"RestartPolicy":{"Name":"always","MaximumRetryCount":0}}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::unless_stopped(r#"{"Name":"/w","HostConfig":{"RestartPolicy":{"Name":"unless-stopped","MaximumRetryCount":0}}}"#, r#"null"#, Status::Fail)]
    #[case::on_failure_unlimited(r#"{"Name":"/w","HostConfig":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":0}}}"#, r#"null"#, Status::Fail)]
    #[case::on_failure_ten(r#"{"Name":"/w","HostConfig":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":10}}}"#, r#"null"#, Status::Fail)]
    #[case::on_failure_five(r#"{"Name":"/w","HostConfig":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":5}}}"#, r#"null"#, Status::Pass)]
    #[case::on_failure_three(r#"{"Name":"/w","HostConfig":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":3}}}"#, r#"null"#, Status::Pass)]
    #[case::no(
        r#"{"Name":"/w","HostConfig":{"RestartPolicy":{"Name":"no","MaximumRetryCount":0}}}"#,
        r#"null"#,
        Status::Pass
    )]
    #[case::absent(r#"{"Name":"/w"}"#, r#"null"#, Status::Pass)]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        assert_judges(super::judge, inspect, info, want);
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        assert_container_kit(
            super::audit,
            super::remediate,
            "with --restart on-failure:5",
        );
    }
}
