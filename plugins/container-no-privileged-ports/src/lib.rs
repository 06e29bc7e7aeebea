//! # `container-no-privileged-ports`: CIS Docker Benchmark v1.6.0 5.8
//!
//! ### What it checks
//! No container may publish a port on a privileged host port (below 1024): every
//! `HostConfig.PortBindings` host port (the lowest of a range) must be 1024 or above, or
//! left to Docker (ephemeral).
//!
//! Ports a container opens in the host's network namespace (`--network host`) are not
//! mappings; item 5.10 judges those containers.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container publishing a host port of 1024 or above (`-p 8080:80`), with a
//! load balancer or proxy in front where a low port is required. bulkhead cannot change
//! this setting of an existing container: `bulkhead fix` names the flag to recreate it
//! with.
//!
//! ### Example
//! A container created with `docker create --name web -p 80:80 nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web maps privileged host ports: :80->80/tcp
//!       privileged-ports=:80->80/tcp ports=:80->80/tcp state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-no-privileged-ports",
    cis: "5.8",
    title: "Containers do not map privileged host ports",
    description: "No container may publish a port on a privileged host port (below 1024): every `HostConfig.PortBindings` host port (the lowest of a range) must be 1024 or above, or left to Docker (ephemeral).",
    rationale: "Ports below 1024 are where the host's own services live (SSH, HTTP, DNS); a container mapped onto them can impersonate or shadow those services, and it needs no privilege on the host to do so through Docker.",
    remediation: "Recreate the container publishing a host port of 1024 or above (`-p 8080:80`), with a load balancer or proxy in front where a low port is required.",
    severity: Low,
    fix: "with -p <host port 1024 or above>:<container port>",
    judge: judge,
}

/// Any binding with a host port below 1024 fails.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let bindings = doc.port_bindings();
    let all: Vec<String> = bindings.iter().map(|b| b.describe()).collect();
    let low: Vec<String> = bindings
        .iter()
        .filter(|b| b.lowest_host_port().is_some_and(|p| p < 1024))
        .map(|b| b.describe())
        .collect();
    let finding = if !low.is_empty() {
        Finding::fail(
            doc.target(),
            format!(
                "container {name} maps privileged host ports: {}",
                low.join(", ")
            ),
        )
    } else if all.is_empty() {
        Finding::pass(doc.target(), format!("container {name} publishes no ports"))
    } else {
        Finding::pass(
            doc.target(),
            format!("container {name} maps no privileged host port"),
        )
    };
    finding
        .with_evidence("privileged-ports", low.join(","))
        .with_evidence("ports", all.join(","))
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{assert_container_kit, assert_judges};

    #[rstest::rstest]
    #[case::port_80(
        r#"{"Name":"/w","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"80"}]}}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::range_from_1000(r#"{"Name":"/w","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"1000-1100"}]}}}"#, r#"null"#, Status::Fail)]
    #[case::port_8080(r#"{"Name":"/w","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}}}"#, r#"null"#, Status::Pass)]
    #[case::ephemeral(
        r#"{"Name":"/w","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":""}]}}}"#,
        r#"null"#,
        Status::Pass
    )]
    #[case::none(
        r#"{"Name":"/w","HostConfig":{"PortBindings":{}}}"#,
        r#"null"#,
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
            "with -p <host port 1024 or above>:<container port>",
        );
    }
}
