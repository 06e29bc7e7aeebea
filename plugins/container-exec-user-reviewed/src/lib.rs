//! # `container-exec-user-reviewed`: CIS Docker Benchmark v1.6.0 5.24
//!
//! ### What it checks
//! Shows, per container, its configured user (`Config.User`) and how many `docker exec`
//! sessions the daemon still knows of (`ExecIDs`), for a person to check in the Docker
//! daemon's audit log (auditd rules on the docker binary, or the daemon's API log) that no
//! `docker exec --user root` was run.
//!
//! This is a manual benchmark item: the control never passes or fails, it reports `info`
//! per container with the facts a person should look at. The contract cannot see which user
//! an exec ran as: that needs the audit-log capability of a later WIT version.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Do not use `docker exec --user root` (or `-u 0`); audit the docker binary (`auditctl -w
//! /usr/bin/docker -k docker`) and review its log. Nothing is changed automatically: this
//! is a manual item.
//!
//! ### Example
//! A container `web` running as `app` with two live exec sessions yields
//!
//! ```text
//! info  container:web
//!       container web runs as user app and has 2 exec session(s) the daemon knows of; check the audit log for docker exec --user root
//!       user=app exec-sessions=2 state=running
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-exec-user-reviewed",
    cis: "5.24 (manual)",
    title: "docker exec is not used with --user root (manual review)",
    description: "Shows, per container, its configured user (`Config.User`) and how many `docker exec` sessions the daemon still knows of (`ExecIDs`), for a person to check in the Docker daemon's audit log (auditd rules on the docker binary, or the daemon's API log) that no `docker exec --user root` was run.",
    rationale: "`docker exec --user root` gives a root shell in a container that was deliberately built to run as another user, bypassing that protection; who ran it and when is only in the audit log.",
    remediation: "Do not use `docker exec --user root` (or `-u 0`); audit the docker binary (`auditctl -w /usr/bin/docker -k docker`) and review its log.",
    severity: Info,
    fix: "(nothing to recreate: review exec use in the audit log)",
    judge: judge,
}

/// Always `info`, with the user and exec sessions.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let user = doc.str("/Config/User");
    let shown = if user.is_empty() {
        "root (image default)"
    } else {
        user
    };
    let execs = doc.strings("/ExecIDs").len();
    Finding::info(
        doc.target(),
        format!(
            "container {name} runs as user {shown} and has {execs} exec session(s) the daemon knows of; check the audit log for docker exec --user root"
        ),
    )
    .with_evidence("user", shown)
    .with_evidence("exec-sessions", execs.to_string())
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::runtime::inspected;
    use bulkhead_sdk::testing::control::{assert_container_kit, assert_judges};

    #[rstest::rstest]
    #[case::execs(
        r#"{"Name":"/w","HostConfig":{},"Config":{"User":"app"},"ExecIDs":["a","b"]}"#,
        r#"null"#,
        Status::Info
    )]
    #[case::none(
        r#"{"Name":"/w","HostConfig":{},"Config":{"User":""},"ExecIDs":null}"#,
        r#"null"#,
        Status::Info
    )]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        assert_judges(super::judge, inspect, info, want);
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        assert_container_kit(
            super::audit,
            super::remediate,
            "(nothing to recreate: review exec use in the audit log)",
        );
    }

    #[test]
    fn shows_user_and_exec_sessions() {
        let doc = r#"{"Name":"/w","Config":{"User":""},"ExecIDs":["a","b"]}"#;
        let got = super::judge(&inspected(doc, "null"));
        assert_eq!(got.evidence("user"), Some("root (image default)"));
        assert_eq!(got.evidence("exec-sessions"), Some("2"));
    }
}
