//! # `container-host-network-not-shared`: CIS Docker Benchmark v1.6.0 5.10
//!
//! ### What it checks
//! A container's `HostConfig.NetworkMode` must not be `host` (`docker run --network host`).
//! Joining another container's namespace (`container:<name>`) passes here; that container
//! is judged on its own.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container without `--network host`. bulkhead cannot change this setting of
//! an existing container: `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web --network host nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web shares the host's network namespace (NetworkMode host)
//!       NetworkMode=host state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::{Inspected, namespace_not_host};

bulkhead_sdk::container_control! {
    id: "container-host-network-not-shared",
    cis: "5.10",
    title: "Containers do not share the host's network namespace",
    description: "A container's `HostConfig.NetworkMode` must not be `host` (`docker run --network host`). Joining another container's namespace (`container:<name>`) passes here; that container is judged on its own.",
    rationale: "With the host's network namespace a container sees every host interface, can bind any host port and reach services listening on localhost (the Docker API on a TCP socket, metadata endpoints), and escapes the network isolation Docker otherwise gives it.",
    remediation: "Recreate the container without `--network host`.",
    severity: High,
    fix: "without --network host",
    judge: judge,
}

/// `host` fails (see the crate doc).
pub fn judge(doc: &Inspected) -> Finding {
    namespace_not_host(doc, "NetworkMode", "network")
}

#[cfg(test)]
mod tests {
    bulkhead_sdk::namespace_control_tests! {
        field: "NetworkMode",
        private: "",
        fix: "without --network host",
    }
}
