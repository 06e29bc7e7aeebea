//! # `container-healthcheck`: CIS Docker Benchmark v1.6.0 5.27
//!
//! ### What it checks
//! Every container must have a health check, from its image (`HEALTHCHECK`) or from `docker
//! run --health-cmd`: `Config.Healthcheck.Test` present and not `NONE` (`--no-healthcheck`
//! fails).
//!
//! A running container's current health (`State.Health.Status`) is shown as evidence.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add a `HEALTHCHECK` to the image, or recreate the container with `--health-cmd
//! <command>`. bulkhead cannot change this setting of an existing container: `bulkhead fix`
//! names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web --no-healthcheck nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web has its health check disabled (--no-healthcheck)
//!       healthcheck=NONE health= state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-healthcheck",
    cis: "5.27",
    title: "Containers have a health check",
    description: "Every container must have a health check, from its image (`HEALTHCHECK`) or from `docker run --health-cmd`: `Config.Healthcheck.Test` present and not `NONE` (`--no-healthcheck` fails).",
    rationale: "Without a health check Docker (and an orchestrator) only knows whether the process exists, not whether it works: a hung or compromised service keeps receiving traffic and is never replaced.",
    remediation: "Add a `HEALTHCHECK` to the image, or recreate the container with `--health-cmd <command>`.",
    severity: Low,
    fix: "with --health-cmd <command> (or a HEALTHCHECK in its image)",
    judge: judge,
}

/// See the crate doc.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let test = doc.strings("/Config/Healthcheck/Test");
    let target = doc.target();
    let finding = match test.first() {
        None => Finding::fail(
            target,
            format!("container {name} has no health check (none in its image or at run time)"),
        ),
        Some(&"NONE") => Finding::fail(
            target,
            format!("container {name} has its health check disabled (--no-healthcheck)"),
        ),
        Some(_) => Finding::pass(
            target,
            format!("container {name} has a health check: {}", test.join(" ")),
        ),
    };
    finding
        .with_evidence("healthcheck", test.join(" "))
        .with_evidence("health", doc.str("/State/Health/Status"))
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{assert_container_kit, assert_judges};

    #[rstest::rstest]
    #[case::none(
        r#"{"Name":"/w","HostConfig":{},"Config":{}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::disabled(
        r#"{"Name":"/w","HostConfig":{},"Config":{"Healthcheck":{"Test":["NONE"]}}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::empty(
        r#"{"Name":"/w","HostConfig":{},"Config":{"Healthcheck":{"Test":[]}}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::cmd_shell(r#"{"Name":"/w","HostConfig":{},"Config":{"Healthcheck":{"Test":["CMD-SHELL","curl -f http://localhost/"]}},"State":{"Health":{"Status":"healthy"}}}"#, r#"null"#, Status::Pass)]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        assert_judges(super::judge, inspect, info, want);
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        assert_container_kit(
            super::audit,
            super::remediate,
            "with --health-cmd <command> (or a HEALTHCHECK in its image)",
        );
    }
}
