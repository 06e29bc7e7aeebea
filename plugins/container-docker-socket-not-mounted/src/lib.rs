//! # `container-docker-socket-not-mounted`: CIS Docker Benchmark v1.6.0 5.32
//!
//! ### What it checks
//! No container may bind-mount the Docker daemon's socket (`/var/run/docker.sock`,
//! `/run/docker.sock`) or a host directory holding it (`/run`, `/var/run`, `/var`, `/`),
//! read-only or not.
//!
//! A read-only bind does not help: the socket is still connectable.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! Whoever can talk to the Docker socket can start a privileged container with the host's
//! root mounted: a container holding the socket is root on the host.
//!
//! ### Remediation
//! Recreate the container without the socket bind; if it must manage containers, give it a
//! narrowly authorised API proxy instead. bulkhead cannot change this setting of an
//! existing container: `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name ci -v
//! /var/run/docker.sock:/var/run/docker.sock:ro docker` yields
//!
//! ```text
//! fail  container:ci
//!       container ci can reach the Docker daemon through /var/run/docker.sock:/var/run/docker.sock:ro
//!       socket-mounts=/var/run/docker.sock:/var/run/docker.sock:ro state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::{Inspected, exposes_docker_socket};

bulkhead_sdk::container_control! {
    id: "container-docker-socket-not-mounted",
    cis: "5.32",
    title: "Containers do not mount the Docker socket",
    description: "No container may bind-mount the Docker daemon's socket (`/var/run/docker.sock`, `/run/docker.sock`) or a host directory holding it (`/run`, `/var/run`, `/var`, `/`), read-only or not.",
    rationale: "Whoever can talk to the Docker socket can start a privileged container with the host's root mounted: a container holding the socket is root on the host.",
    remediation: "Recreate the container without the socket bind; if it must manage containers, give it a narrowly authorised API proxy instead.",
    severity: Critical,
    fix: "without -v /var/run/docker.sock:...",
    judge: judge,
}

/// Any bind exposing the socket fails.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let exposing: Vec<String> = doc
        .mounts()
        .iter()
        .filter(|m| m.kind == "bind" && exposes_docker_socket(m.source))
        .map(|m| m.describe())
        .collect();
    let finding = if exposing.is_empty() {
        Finding::pass(
            doc.target(),
            format!("container {name} does not mount the Docker socket"),
        )
    } else {
        Finding::fail(
            doc.target(),
            format!(
                "container {name} can reach the Docker daemon through {}",
                exposing.join(", ")
            ),
        )
    };
    finding.with_evidence("socket-mounts", exposing.join(","))
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::runtime::inspected;
    use bulkhead_sdk::testing::{FakeHost, container};
    use bulkhead_sdk::{Status, Target};

    #[rstest::rstest]
    #[case::socket(r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/var/run/docker.sock","Destination":"/var/run/docker.sock","RW":false,"Propagation":"rprivate"}]}"#, r#"null"#, Status::Fail)]
    #[case::run_dir(r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/run","Destination":"/host-run","RW":true,"Propagation":"rprivate"}]}"#, r#"null"#, Status::Fail)]
    #[case::other_socket(r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/run/app/app.sock","Destination":"/app.sock","RW":true,"Propagation":"rprivate"}]}"#, r#"null"#, Status::Pass)]
    #[case::none(r#"{"Name":"/w","HostConfig":{}}"#, r#"null"#, Status::Pass)]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        let got = super::judge(&inspected(inspect, info));
        assert_eq!(got.status, want, "{}", got.message);
        assert_eq!(got.target, Target::container("w"));
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        let host = FakeHost::new()
            .container(container("web"))
            .container(container("db"));
        assert_eq!(super::audit(&host).len(), 2);
        assert_eq!(super::audit(&FakeHost::new())[0].status, Status::Skip);
        let err = super::remediate(Target::container("web")).unwrap_err();
        assert!(
            format!("{err:?}").contains("without -v /var/run/docker.sock:..."),
            "{err:?}"
        );
    }
}
