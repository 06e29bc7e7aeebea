//! # `container-capabilities-restricted`: CIS Docker Benchmark v1.6.0 5.4
//!
//! ### What it checks
//! Every container's capability bounding set, computed as the Docker daemon computes it
//! (privileged, `CapAdd`, `CapDrop`; see `bulkhead_sdk::caps`), must hold nothing beyond
//! Docker's default set: no `--privileged`, no `--cap-add ALL`, no added capability such as
//! `SYS_ADMIN`, `NET_ADMIN` or `SYS_PTRACE`.
//!
//! This is the broad half of item 5.4; `container-net-raw-dropped` judges the item's
//! NET_RAW note (removing a default capability). Which capabilities a workload needs is for
//! a person to decide; a container that needs an added one fails here until its owner
//! accepts it (a waiver).
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container without `--privileged` and `--cap-add`; better, with `--cap-drop
//! ALL --cap-add <only what it needs>`. A drop cannot remove an added capability (an add
//! wins), so bulkhead cannot tighten this in place: `bulkhead fix` names the flags to
//! recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web --cap-add SYS_ADMIN nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web holds capabilities beyond Docker's default set: CAP_SYS_ADMIN
//!       privileged=false cap-add=SYS_ADMIN cap-drop= beyond-default=CAP_SYS_ADMIN state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::caps::{DEFAULT_CAPABILITIES, effective_capabilities};
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-capabilities-restricted",
    cis: "5.4",
    title: "Containers hold no capabilities beyond Docker's default set",
    description: "Every container's capability bounding set, computed as the Docker daemon computes it (privileged, `CapAdd`, `CapDrop`; see `bulkhead_sdk::caps`), must hold nothing beyond Docker's default set: no `--privileged`, no `--cap-add ALL`, no added capability such as `SYS_ADMIN`, `NET_ADMIN` or `SYS_PTRACE`.",
    rationale: "Each capability beyond the default set is a kernel interface a root process in the container can use against the host: SYS_ADMIN alone allows mounts and most breakouts, SYS_PTRACE reading other processes, NET_ADMIN reconfiguring networks, SYS_MODULE loading kernel code.",
    remediation: "Recreate the container without `--privileged` and `--cap-add`; better, with `--cap-drop ALL --cap-add <only what it needs>`.",
    severity: High,
    fix: "without --privileged and --cap-add (or with --cap-drop ALL --cap-add <only what it needs>)",
    judge: judge,
}

/// See the crate doc.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let target = doc.target();
    let privileged = doc.bool("/HostConfig/Privileged");
    let add = doc.strings("/HostConfig/CapAdd");
    let drop = doc.strings("/HostConfig/CapDrop");
    let finding = match effective_capabilities(privileged, &add, &drop) {
        Err(unknown) => Finding::error(
            target,
            format!(
                "container {name} names an {unknown} in CapAdd/CapDrop; the daemon would refuse to start it"
            ),
        ),
        Ok(caps) => {
            let extra: Vec<&str> = caps
                .iter()
                .filter(|cap| !DEFAULT_CAPABILITIES.contains(cap))
                .collect();
            let held: Vec<&str> = caps.iter().collect();
            let finding = if extra.is_empty() {
                Finding::pass(
                    target,
                    format!(
                        "container {name} holds {} capabilities, all from Docker's default set",
                        held.len()
                    ),
                )
            } else if privileged {
                Finding::fail(
                    target,
                    format!("container {name} is privileged: it holds every capability"),
                )
            } else {
                Finding::fail(
                    target,
                    format!(
                        "container {name} holds capabilities beyond Docker's default set: {}",
                        extra.join(",")
                    ),
                )
            };
            finding
                .with_evidence("beyond-default", extra.join(","))
                .with_evidence("capabilities", held.join(","))
        }
    };
    finding
        .with_evidence("privileged", privileged.to_string())
        .with_evidence("cap-add", add.join(","))
        .with_evidence("cap-drop", drop.join(","))
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{assert_container_kit, assert_judges};

    #[rstest::rstest]
    #[case::default(r#"{"Name":"/w","HostConfig":{}}"#, r#"null"#, Status::Pass)]
    #[case::drops_only(
        r#"{"Name":"/w","HostConfig":{"CapDrop":["NET_RAW","MKNOD"]}}"#,
        r#"null"#,
        Status::Pass
    )]
    #[case::drop_all_add_default_one(
        r#"{"Name":"/w","HostConfig":{"CapDrop":["ALL"],"CapAdd":["net_bind_service"]}}"#,
        r#"null"#,
        Status::Pass
    )]
    #[case::adds_sys_admin(
        r#"{"Name":"/w","HostConfig":{"CapAdd":["SYS_ADMIN"]}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::adds_all(
        r#"{"Name":"/w","HostConfig":{"CapAdd":["ALL"],"CapDrop":["NET_RAW"]}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::privileged(
        r#"{"Name":"/w","HostConfig":{"Privileged":true,"CapDrop":["ALL"]}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::drop_all_add_ptrace(
        r#"{"Name":"/w","HostConfig":{"CapDrop":["ALL"],"CapAdd":["CAP_SYS_PTRACE"]}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::unknown(
        r#"{"Name":"/w","HostConfig":{"CapAdd":["BOGUS"]}}"#,
        r#"null"#,
        Status::Error
    )]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        assert_judges(super::judge, inspect, info, want);
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        assert_container_kit(
            super::audit,
            super::remediate,
            "without --privileged and --cap-add (or with --cap-drop ALL --cap-add <only what it needs>)",
        );
    }
}
