//! # `container-ports-bound-to-interface`: CIS Docker Benchmark v1.6.0 5.14
//!
//! ### What it checks
//! Every published port must name a specific host address: no `HostConfig.PortBindings`
//! entry with an empty host IP, `0.0.0.0` or `::` (`-p 8080:80` binds every interface), and
//! no `--publish-all` (`-P`, which binds every interface too).
//!
//! An empty host IP takes the daemon's default address, which is every interface unless
//! dockerd runs with `--ip`; this control judges the container's own setting and says so in
//! its message.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container publishing its ports on a specific address: `-p <host ip>:<host
//! port>:<container port>`. bulkhead cannot change this setting of an existing container:
//! `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web -p 8080:80 nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web publishes ports on every host interface: :8080->80/tcp (an empty host IP means the daemon's default, all interfaces unless dockerd --ip is set)
//!       unbound-ports=:8080->80/tcp publish-all=false state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-ports-bound-to-interface",
    cis: "5.14",
    title: "Published container ports are bound to a specific host interface",
    description: "Every published port must name a specific host address: no `HostConfig.PortBindings` entry with an empty host IP, `0.0.0.0` or `::` (`-p 8080:80` binds every interface), and no `--publish-all` (`-P`, which binds every interface too).",
    rationale: "A port bound to every interface is reachable from every network the host is on, including ones the service was never meant for; binding to a specific address (`-p 127.0.0.1:8080:80`) limits it to where it is needed.",
    remediation: "Recreate the container publishing its ports on a specific address: `-p <host ip>:<host port>:<container port>`.",
    severity: Medium,
    fix: "with -p <host ip>:<host port>:<container port> (and without -P)",
    judge: judge,
}

/// Any binding on every interface, or `-P`, fails.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let bindings = doc.port_bindings();
    let publish_all = doc.bool("/HostConfig/PublishAllPorts");
    let open: Vec<String> = bindings
        .iter()
        .filter(|b| matches!(b.host_ip, "" | "0.0.0.0" | "::" | "[::]"))
        .map(|b| b.describe())
        .collect();
    let finding = if publish_all {
        Finding::fail(
            doc.target(),
            format!(
                "container {name} publishes every exposed port on every host interface (--publish-all)"
            ),
        )
    } else if !open.is_empty() {
        Finding::fail(
            doc.target(),
            format!(
                "container {name} publishes ports on every host interface: {} (an empty host IP means the daemon's default, all interfaces unless dockerd --ip is set)",
                open.join(", ")
            ),
        )
    } else if bindings.is_empty() {
        Finding::pass(doc.target(), format!("container {name} publishes no ports"))
    } else {
        Finding::pass(
            doc.target(),
            format!("container {name} publishes its ports on specific host addresses"),
        )
    };
    finding
        .with_evidence("unbound-ports", open.join(","))
        .with_evidence("publish-all", publish_all.to_string())
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{assert_container_kit, assert_judges};

    #[rstest::rstest]
    #[case::empty_ip(r#"{"Name":"/w","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}}}"#, r#"null"#, Status::Fail)]
    #[case::any_v4(r#"{"Name":"/w","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"}]}}}"#, r#"null"#, Status::Fail)]
    #[case::any_v6(r#"{"Name":"/w","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"},{"HostIp":"::","HostPort":"8080"}]}}}"#, r#"null"#, Status::Fail)]
    #[case::publish_all(
        r#"{"Name":"/w","HostConfig":{"PublishAllPorts":true}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::loopback(r#"{"Name":"/w","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"}]}}}"#, r#"null"#, Status::Pass)]
    #[case::none(r#"{"Name":"/w","HostConfig":{}}"#, r#"null"#, Status::Pass)]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        assert_judges(super::judge, inspect, info, want);
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        assert_container_kit(
            super::audit,
            super::remediate,
            "with -p <host ip>:<host port>:<container port> (and without -P)",
        );
    }
}
