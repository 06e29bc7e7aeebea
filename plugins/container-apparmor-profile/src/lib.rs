//! # `container-apparmor-profile`: CIS Docker Benchmark v1.6.0 5.2
//!
//! ### What it checks
//! Where AppArmor applies, every container must run confined by an AppArmor profile: not
//! `--security-opt apparmor=unconfined` (either spelling, `=` or `:`), and not privileged
//! without an explicit profile (Docker runs privileged containers unconfined).
//!
//! An explicit profile passes. Otherwise the daemon's `docker-default` profile applies when
//! `docker info` lists AppArmor among its security options (or the inspect document names
//! the applied `AppArmorProfile`); on a host without AppArmor (an SELinux distribution, for
//! example) the item does not apply and the container gets a `skip` saying so.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container without `--security-opt apparmor=unconfined` and without
//! `--privileged`, or with `--security-opt apparmor=<profile>` naming a loaded profile.
//! bulkhead cannot change this setting of an existing container: `bulkhead fix` names the
//! flag to recreate it with.
//!
//! ### Example
//! On an AppArmor host, a container created with `docker create --name web --security-opt
//! apparmor:unconfined nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web runs unconfined by AppArmor (--security-opt apparmor=unconfined)
//!       security-opt=apparmor:unconfined apparmor-profile= state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::{Inspected, daemon_lsm_default};

bulkhead_sdk::container_control! {
    id: "container-apparmor-profile",
    cis: "5.2",
    title: "Containers run under an AppArmor profile",
    description: "Where AppArmor applies, every container must run confined by an AppArmor profile: not `--security-opt apparmor=unconfined` (either spelling, `=` or `:`), and not privileged without an explicit profile (Docker runs privileged containers unconfined).",
    rationale: "AppArmor limits what a container's processes may do to files, mounts, and the kernel interfaces a breakout needs, even when they run as root; unconfined, one bug in the workload or the runtime is one step closer to the host.",
    remediation: "Recreate the container without `--security-opt apparmor=unconfined` and without `--privileged`, or with `--security-opt apparmor=<profile>` naming a loaded profile.",
    severity: Medium,
    fix: "without --security-opt apparmor=unconfined (or with --security-opt apparmor=docker-default)",
    judge: judge,
}

/// See the crate doc for the order of the rules.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let explicit = doc.security_opt("apparmor");
    let applied = doc.str("/AppArmorProfile");
    let target = doc.target();
    let finding = if explicit.contains(&"unconfined") || applied == "unconfined" {
        Finding::fail(
            target,
            format!(
                "container {name} runs unconfined by AppArmor (--security-opt apparmor=unconfined)"
            ),
        )
    } else if let Some(profile) = explicit.first() {
        Finding::pass(
            target,
            format!("container {name} runs under AppArmor profile {profile}"),
        )
    } else if doc.bool("/HostConfig/Privileged") {
        Finding::fail(
            target,
            format!(
                "container {name} is privileged without an AppArmor profile, so Docker runs it unconfined"
            ),
        )
    } else if !applied.is_empty() {
        Finding::pass(
            target,
            format!("container {name} runs under AppArmor profile {applied}"),
        )
    } else {
        daemon_lsm_default(
            doc,
            "apparmor",
            "AppArmor",
            format!("container {name} gets the daemon's default AppArmor profile (docker-default)"),
            format!(
                "AppArmor is not enabled on this host (docker info lists no apparmor security option): no profile can apply to container {name}; the item does not apply"
            ),
        )
    };
    finding
        .with_evidence("security-opt", doc.security_opts())
        .with_evidence("apparmor-profile", applied)
}

#[cfg(test)]
mod tests {
    /// `docker info` of a daemon using AppArmor.
    const ON: &str = r#"{"SecurityOptions":["name=apparmor","name=seccomp,profile=default"]}"#;
    /// `docker info` of a daemon not using AppArmor.
    const OFF: &str = r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#;

    bulkhead_sdk::container_control_tests! {
        fix: "without --security-opt apparmor=unconfined (or with --security-opt apparmor=docker-default)",
        judges: {
            unconfined: (r#"{"Name":"/w","HostConfig":{"SecurityOpt":["apparmor=unconfined"]}}"#, ON) => Fail,
            unconfined_colon: (r#"{"Name":"/w","HostConfig":{"SecurityOpt":["apparmor:unconfined"]}}"#, OFF) => Fail,
            applied_unconfined: (r#"{"Name":"/w","HostConfig":{},"AppArmorProfile":"unconfined"}"#, ON) => Fail,
            privileged: (r#"{"Name":"/w","HostConfig":{"Privileged":true}}"#, ON) => Fail,
            explicit_profile: (r#"{"Name":"/w","HostConfig":{"SecurityOpt":["apparmor=docker-default"],"Privileged":true}}"#, OFF) => Pass,
            default_on_apparmor_host: (r#"{"Name":"/w","HostConfig":{}}"#, ON) => Pass,
            applied_default: (r#"{"Name":"/w","HostConfig":{},"AppArmorProfile":"docker-default"}"#, "null") => Pass,
            no_apparmor_on_host: (r#"{"Name":"/w","HostConfig":{}}"#, OFF) => Skip,
            info_unknown: (r#"{"Name":"/w","HostConfig":{}}"#, "null") => Error,
        },
    }
}
