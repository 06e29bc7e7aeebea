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
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
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
use bulkhead_sdk::runtime::{Inspected, exposes_docker_socket, judge_mounts};

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
    judge_mounts(
        doc,
        "socket-mounts",
        |m| (m.kind == "bind" && exposes_docker_socket(m.source)).then(|| m.describe()),
        "does not mount the Docker socket",
        "can reach the Docker daemon through",
    )
}

#[cfg(test)]
mod tests {
    bulkhead_sdk::container_control_tests! {
        fix: "without -v /var/run/docker.sock:...",
        judges: {
            socket: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/var/run/docker.sock","Destination":"/var/run/docker.sock","RW":false,"Propagation":"rprivate"}]}"#, "null") => Fail,
            run_dir: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/run","Destination":"/host-run","RW":true,"Propagation":"rprivate"}]}"#, "null") => Fail,
            other_socket: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/run/app/app.sock","Destination":"/app.sock","RW":true,"Propagation":"rprivate"}]}"#, "null") => Pass,
            none: (r#"{"Name":"/w","HostConfig":{}}"#, "null") => Pass,
        },
    }
}
