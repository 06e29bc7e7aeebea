//! # `container-host-userns-not-shared`: CIS Docker Benchmark v1.6.0 5.31
//!
//! ### What it checks
//! A container's `HostConfig.UsernsMode` must not be `host` (`docker run --userns host`).
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
//! Recreate the container without `--userns host`. bulkhead cannot change this setting of
//! an existing container: `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web --userns host nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web shares the host's user namespace (UsernsMode host)
//!       UsernsMode=host state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::{Inspected, namespace_not_host};

bulkhead_sdk::container_control! {
    id: "container-host-userns-not-shared",
    cis: "5.31",
    title: "Containers do not share the host's user namespace",
    description: "A container's `HostConfig.UsernsMode` must not be `host` (`docker run --userns host`). Joining another container's namespace (`container:<name>`) passes here; that container is judged on its own.",
    rationale: "When the daemon remaps users (`userns-remap`), `--userns host` opts one container out: root in it is root on the host again, undoing the isolation the daemon was configured for.",
    remediation: "Recreate the container without `--userns host`.",
    severity: High,
    fix: "without --userns host",
    judge: judge,
}

/// `host` fails (see the crate doc).
pub fn judge(doc: &Inspected) -> Finding {
    namespace_not_host(doc, "UsernsMode", "user")
}

#[cfg(test)]
mod tests {
    bulkhead_sdk::namespace_control_tests! {
        field: "UsernsMode",
        private: "",
        fix: "without --userns host",
    }
}
