//! # `container-host-uts-not-shared`: CIS Docker Benchmark v1.6.0 5.21
//!
//! ### What it checks
//! A container's `HostConfig.UTSMode` must not be `host` (`docker run --uts host`). Joining
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
//! Recreate the container without `--uts host`. bulkhead cannot change this setting of an
//! existing container: `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web --uts host nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web shares the host's UTS namespace (UTSMode host)
//!       UTSMode=host state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::{Inspected, namespace_not_host};

bulkhead_sdk::container_control! {
    id: "container-host-uts-not-shared",
    cis: "5.21",
    title: "Containers do not share the host's UTS namespace",
    description: "A container's `HostConfig.UTSMode` must not be `host` (`docker run --uts host`). Joining another container's namespace (`container:<name>`) passes here; that container is judged on its own.",
    rationale: "Sharing the host's UTS namespace lets the container change the host's hostname and domain name, and it gives the container identity information about the host.",
    remediation: "Recreate the container without `--uts host`.",
    severity: Medium,
    fix: "without --uts host",
    judge: judge,
}

/// `host` fails (see the crate doc).
pub fn judge(doc: &Inspected) -> Finding {
    namespace_not_host(doc, "UTSMode", "UTS")
}

#[cfg(test)]
mod tests {
    bulkhead_sdk::namespace_control_tests! {
        field: "UTSMode",
        private: "",
        fix: "without --uts host",
    }
}
