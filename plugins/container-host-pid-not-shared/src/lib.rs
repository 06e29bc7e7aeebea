//! # `container-host-pid-not-shared`: CIS Docker Benchmark v1.6.0 5.16
//!
//! ### What it checks
//! A container's `HostConfig.PidMode` must not be `host` (`docker run --pid host`). Joining
//! another container's namespace (`container:<name>`) passes here; that container is judged
//! on its own.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container without `--pid host`. bulkhead cannot change this setting of an
//! existing container: `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web --pid host nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web shares the host's PID namespace (PidMode host)
//!       PidMode=host state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::{Inspected, namespace_not_host};

bulkhead_sdk::container_control! {
    id: "container-host-pid-not-shared",
    cis: "5.16",
    title: "Containers do not share the host's PID namespace",
    description: "A container's `HostConfig.PidMode` must not be `host` (`docker run --pid host`). Joining another container's namespace (`container:<name>`) passes here; that container is judged on its own.",
    rationale: "In the host's PID namespace a container sees every host process and, with enough privilege, can signal, trace or read the memory of them, including dockerd; it is a short step to the host.",
    remediation: "Recreate the container without `--pid host`.",
    severity: High,
    fix: "without --pid host",
    judge: judge,
}

/// `host` fails (see the crate doc).
pub fn judge(doc: &Inspected) -> Finding {
    namespace_not_host(doc, "PidMode", "PID")
}

#[cfg(test)]
mod tests {
    bulkhead_sdk::namespace_control_tests! {
        field: "PidMode",
        private: "",
        fix: "without --pid host",
    }
}
