//! # `container-memory-limited`: CIS Docker Benchmark v1.6.0 5.11
//!
//! ### What it checks
//! Every container must have a memory limit: `HostConfig.Memory` greater than 0 (`docker
//! run --memory`).
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container with `--memory <limit>` (and `--memory-swap` no larger), sized
//! for the workload. bulkhead cannot change this setting of an existing container:
//! `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web has no memory limit (HostConfig.Memory is 0)
//!       memory=0 state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-memory-limited",
    cis: "5.11",
    title: "Containers have a memory limit",
    description: "Every container must have a memory limit: `HostConfig.Memory` greater than 0 (`docker run --memory`).",
    rationale: "Without a limit one container can take all the host's memory: the kernel's OOM killer then picks victims among the other containers and host services, dockerd included (a denial of service).",
    remediation: "Recreate the container with `--memory <limit>` (and `--memory-swap` no larger), sized for the workload.",
    severity: Medium,
    fix: "with --memory <limit> (for example --memory 512m)",
    judge: judge,
}

/// `HostConfig.Memory` > 0 passes.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let memory = doc.int("/HostConfig/Memory").unwrap_or(0);
    let finding = if memory > 0 {
        Finding::pass(
            doc.target(),
            format!("container {name} is limited to {memory} bytes of memory"),
        )
    } else {
        Finding::fail(
            doc.target(),
            format!("container {name} has no memory limit (HostConfig.Memory is 0)"),
        )
    };
    finding
        .with_evidence("memory", memory.to_string())
        .with_evidence(
            "memory-swap",
            doc.int("/HostConfig/MemorySwap").unwrap_or(0).to_string(),
        )
}

#[cfg(test)]
mod tests {
    bulkhead_sdk::container_control_tests! {
        fix: "with --memory <limit> (for example --memory 512m)",
        judges: {
            unlimited: (r#"{"Name":"/w","HostConfig":{"Memory":0}}"#, "null") => Fail,
            absent: (r#"{"Name":"/w"}"#, "null") => Fail,
            limited: (r#"{"Name":"/w","HostConfig":{"Memory":536870912}}"#, "null") => Pass,
        },
    }
}
