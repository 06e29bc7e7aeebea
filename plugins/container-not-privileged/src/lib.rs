//! # `container-not-privileged`: CIS Docker Benchmark v1.6.0 5.5
//!
//! ### What it checks
//! A container's `HostConfig.Privileged` must be false (no `docker run --privileged`).
//!
//! A privileged container also gets every capability, every host device, and no AppArmor,
//! SELinux or seccomp confinement; those items report it as well.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container without `--privileged`, adding only the capabilities
//! (`--cap-add`) and devices (`--device`) it really needs. bulkhead cannot change this
//! setting of an existing container: `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name ci --privileged docker:dind` yields
//!
//! ```text
//! fail  container:ci
//!       container ci is privileged: every capability, every host device, no AppArmor/SELinux/seccomp confinement
//!       privileged=true state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-not-privileged",
    cis: "5.5",
    title: "Containers are not privileged",
    description: "A container's `HostConfig.Privileged` must be false (no `docker run --privileged`).",
    rationale: "A privileged container has every capability, every host device and no LSM or seccomp confinement: root in it is, for practical purposes, root on the host (mount the host disk, load kernel modules).",
    remediation: "Recreate the container without `--privileged`, adding only the capabilities (`--cap-add`) and devices (`--device`) it really needs.",
    severity: Critical,
    fix: "without --privileged",
    judge: judge,
}

/// `HostConfig.Privileged` true fails.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let privileged = doc.bool("/HostConfig/Privileged");
    let finding = if privileged {
        Finding::fail(
            doc.target(),
            format!(
                "container {name} is privileged: every capability, every host device, no \
                 AppArmor/SELinux/seccomp confinement"
            ),
        )
    } else {
        Finding::pass(doc.target(), format!("container {name} is not privileged"))
    };
    finding.with_evidence("privileged", privileged.to_string())
}

#[cfg(test)]
mod tests {
    bulkhead_sdk::container_control_tests! {
        fix: "without --privileged",
        judges: {
            privileged: (r#"{"Name":"/w","HostConfig":{"Privileged":true}}"#, "null") => Fail,
            not_privileged: (r#"{"Name":"/w","HostConfig":{"Privileged":false}}"#, "null") => Pass,
            absent: (r#"{"Name":"/w"}"#, "null") => Pass,
        },
    }
}
