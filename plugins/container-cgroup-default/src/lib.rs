//! # `container-cgroup-default`: CIS Docker Benchmark v1.6.0 5.25
//!
//! ### What it checks
//! Every container must run under the cgroup Docker manages for it:
//! `HostConfig.CgroupParent` empty (no `docker run --cgroup-parent`). A container placed
//! under another parent fails until a person confirms the parent is intended (a waiver).
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container without `--cgroup-parent`, unless the parent is deliberately
//! managed (then record a waiver). bulkhead cannot change this setting of an existing
//! container: `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web --cgroup-parent /custom nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web runs under cgroup parent /custom, not Docker's default: confirm it is intended
//!       cgroup-parent=/custom state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-cgroup-default",
    cis: "5.25",
    title: "Containers run under Docker's own cgroup",
    description: "Every container must run under the cgroup Docker manages for it: `HostConfig.CgroupParent` empty (no `docker run --cgroup-parent`). A container placed under another parent fails until a person confirms the parent is intended (a waiver).",
    rationale: "Docker applies each container's resource limits in its own cgroup under Docker's parent; a container moved under another parent shares that parent's limits and accounting with whatever else runs there, so its limits may not hold.",
    remediation: "Recreate the container without `--cgroup-parent`, unless the parent is deliberately managed (then record a waiver).",
    severity: Low,
    fix: "without --cgroup-parent",
    judge: judge,
}

/// An empty `HostConfig.CgroupParent` passes.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let parent = doc.str("/HostConfig/CgroupParent");
    let finding = if parent.is_empty() {
        Finding::pass(
            doc.target(),
            format!("container {name} runs under Docker's default cgroup"),
        )
    } else {
        Finding::fail(
            doc.target(),
            format!(
                "container {name} runs under cgroup parent {parent}, not Docker's default: confirm it is intended"
            ),
        )
    };
    finding.with_evidence("cgroup-parent", parent)
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{assert_container_kit, assert_judges};

    #[rstest::rstest]
    #[case::custom_parent(
        r#"{"Name":"/w","HostConfig":{"CgroupParent":"/custom"}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::default(
        r#"{"Name":"/w","HostConfig":{"CgroupParent":""}}"#,
        r#"null"#,
        Status::Pass
    )]
    #[case::absent(r#"{"Name":"/w"}"#, r#"null"#, Status::Pass)]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        assert_judges(super::judge, inspect, info, want);
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        assert_container_kit(super::audit, super::remediate, "without --cgroup-parent");
    }
}
