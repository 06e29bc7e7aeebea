//! # `container-host-ipc-not-shared`: CIS Docker Benchmark v1.6.0 5.17
//!
//! ### What it checks
//! A container's `HostConfig.IpcMode` must not be `host` (`docker run --ipc host`). Joining
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
//! Recreate the container without `--ipc host`. bulkhead cannot change this setting of an
//! existing container: `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web --ipc host nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web shares the host's IPC namespace (IpcMode host)
//!       IpcMode=host state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::{Inspected, namespace_not_host};

bulkhead_sdk::container_control! {
    id: "container-host-ipc-not-shared",
    cis: "5.17",
    title: "Containers do not share the host's IPC namespace",
    description: "A container's `HostConfig.IpcMode` must not be `host` (`docker run --ipc host`). Joining another container's namespace (`container:<name>`) passes here; that container is judged on its own.",
    rationale: "The host's IPC namespace gives the container the host's shared memory segments, semaphores and message queues: it can read or corrupt data of host processes that use them.",
    remediation: "Recreate the container without `--ipc host`.",
    severity: High,
    fix: "without --ipc host",
    judge: judge,
}

/// `host` fails (see the crate doc).
pub fn judge(doc: &Inspected) -> Finding {
    namespace_not_host(doc, "IpcMode", "IPC")
}

#[cfg(test)]
mod tests {
    bulkhead_sdk::namespace_control_tests! {
        field: "IpcMode",
        private: "private",
        fix: "without --ipc host",
    }
}
