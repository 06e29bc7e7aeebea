//! # `container-selinux-options`: CIS Docker Benchmark v1.6.0 5.3
//!
//! ### What it checks
//! Where SELinux applies, every container must run labelled: not `--security-opt
//! label=disable` (either spelling, `=` or `:`), and, with no `label` option, neither
//! privileged nor sharing the host's PID or IPC namespace (for those Docker disables
//! labelling).
//!
//! An explicit `label=user:/role:/type:/level:` option, or a `ProcessLabel` in the inspect
//! document, passes; otherwise the daemon's labelling applies when `docker info` lists
//! SELinux among its security options (`--selinux-enabled`). On a host without SELinux the
//! item does not apply and the container gets a `skip` saying so.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container without `--security-opt label=disable`, `--privileged`, `--pid
//! host` or `--ipc host`, or with explicit `--security-opt
//! label=type:...`/`label=level:...` options; run dockerd with `--selinux-enabled`.
//! bulkhead cannot change this setting of an existing container: `bulkhead fix` names the
//! flag to recreate it with.
//!
//! ### Example
//! On an SELinux host, a container created with `docker create --name web --security-opt
//! label=disable nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web runs with SELinux labelling disabled (--security-opt label=disable)
//!       security-opt=label=disable process-label= state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::{Inspected, daemon_lsm_default};

bulkhead_sdk::container_control! {
    id: "container-selinux-options",
    cis: "5.3",
    title: "Containers run with SELinux labels",
    description: "Where SELinux applies, every container must run labelled: not `--security-opt label=disable` (either spelling, `=` or `:`), and, with no `label` option, neither privileged nor sharing the host's PID or IPC namespace (for those Docker disables labelling).",
    rationale: "SELinux labels keep a container's processes to their own files and away from the host's and other containers', even as root; a container with labelling disabled loses that mandatory access control.",
    remediation: "Recreate the container without `--security-opt label=disable`, `--privileged`, `--pid host` or `--ipc host`, or with explicit `--security-opt label=type:...`/`label=level:...` options; run dockerd with `--selinux-enabled`.",
    severity: Medium,
    fix: "without --security-opt label=disable (or with --security-opt label=level:<level>)",
    judge: judge,
}

/// See the crate doc for the order of the rules.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let labels = doc.security_opt("label");
    let process_label = doc.str("/ProcessLabel");
    let target = doc.target();
    let unlabelled_by = [
        ("privileged", doc.bool("/HostConfig/Privileged")),
        (
            "sharing the host's PID namespace",
            doc.str("/HostConfig/PidMode") == "host",
        ),
        (
            "sharing the host's IPC namespace",
            doc.str("/HostConfig/IpcMode") == "host",
        ),
    ]
    .into_iter()
    .find(|(_, yes)| *yes)
    .map(|(why, _)| why);
    let finding = if labels.contains(&"disable") {
        Finding::fail(
            target,
            format!(
                "container {name} runs with SELinux labelling disabled (--security-opt label=disable)"
            ),
        )
    } else if !labels.is_empty() {
        Finding::pass(
            target,
            format!(
                "container {name} runs with SELinux options {}",
                labels.join(",")
            ),
        )
    } else if let Some(why) = unlabelled_by {
        Finding::fail(
            target,
            format!(
                "container {name} is {why} without a label option, so Docker disables SELinux labelling for it"
            ),
        )
    } else if !process_label.is_empty() {
        Finding::pass(
            target,
            format!("container {name} runs with SELinux label {process_label}"),
        )
    } else {
        daemon_lsm_default(
            doc,
            "selinux",
            "SELinux",
            format!("container {name} gets the daemon's SELinux labels (--selinux-enabled)"),
            format!(
                "SELinux is not enabled for the daemon on this host (docker info lists no selinux security option): no labels apply to container {name}; the item does not apply"
            ),
        )
    };
    finding
        .with_evidence("security-opt", doc.security_opts())
        .with_evidence("process-label", process_label)
}

#[cfg(test)]
mod tests {
    /// `docker info` of a daemon using SELinux.
    const ON: &str = r#"{"SecurityOptions":["name=selinux","name=seccomp,profile=default"]}"#;
    /// `docker info` of a daemon not using SELinux.
    const OFF: &str = r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#;

    bulkhead_sdk::container_control_tests! {
        fix: "without --security-opt label=disable (or with --security-opt label=level:<level>)",
        judges: {
            disabled: (r#"{"Name":"/w","HostConfig":{"SecurityOpt":["label=disable"]}}"#, ON) => Fail,
            disabled_colon: (r#"{"Name":"/w","HostConfig":{"SecurityOpt":["label:disable"]}}"#, OFF) => Fail,
            privileged: (r#"{"Name":"/w","HostConfig":{"Privileged":true}}"#, ON) => Fail,
            host_pid: (r#"{"Name":"/w","HostConfig":{"PidMode":"host"}}"#, ON) => Fail,
            host_ipc: (r#"{"Name":"/w","HostConfig":{"IpcMode":"host"}}"#, ON) => Fail,
            explicit_level: (r#"{"Name":"/w","HostConfig":{"SecurityOpt":["label=level:s0:c100,c200"],"Privileged":true}}"#, OFF) => Pass,
            process_label: (r#"{"Name":"/w","HostConfig":{},"ProcessLabel":"system_u:system_r:container_t:s0:c1,c2"}"#, "null") => Pass,
            daemon_selinux: (r#"{"Name":"/w","HostConfig":{}}"#, ON) => Pass,
            no_selinux_on_host: (r#"{"Name":"/w","HostConfig":{}}"#, OFF) => Skip,
            info_unknown: (r#"{"Name":"/w","HostConfig":{}}"#, "null") => Error,
        },
    }
}
