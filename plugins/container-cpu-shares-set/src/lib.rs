//! # `container-cpu-shares-set`: CIS Docker Benchmark v1.6.0 5.12
//!
//! ### What it checks
//! Every container must have its CPU shares set: `HostConfig.CpuShares` neither 0 (unset)
//! nor 1024 (the default weight, the same as unset), `docker run --cpu-shares`.
//!
//! CPU quotas (`--cpus`, `NanoCpus`, `CpuQuota`) are shown as evidence but do not satisfy
//! the item, which is about relative priority.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container with `--cpu-shares <weight>` (below 1024 for less important
//! containers, above for more). bulkhead cannot change this setting of an existing
//! container: `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web has the default CPU priority (CpuShares 0: unset, the same as 1024)
//!       cpu-shares=0 nano-cpus=0 cpu-quota=0 state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-cpu-shares-set",
    cis: "5.12",
    title: "Containers have a CPU priority (CPU shares) set",
    description: "Every container must have its CPU shares set: `HostConfig.CpuShares` neither 0 (unset) nor 1024 (the default weight, the same as unset), `docker run --cpu-shares`.",
    rationale: "With every container at the default weight, one busy container competes equally with the important ones; setting shares gives the host a way to keep critical containers responsive under CPU contention.",
    remediation: "Recreate the container with `--cpu-shares <weight>` (below 1024 for less important containers, above for more).",
    severity: Low,
    fix: "with --cpu-shares <weight> (for example --cpu-shares 512)",
    judge: judge,
}

/// `HostConfig.CpuShares` other than 0 and 1024 passes.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let shares = doc.int("/HostConfig/CpuShares").unwrap_or(0);
    let finding = match shares {
        0 | 1024 => Finding::fail(
            doc.target(),
            format!(
                "container {name} has the default CPU priority (CpuShares {shares}: unset, the same as 1024)"
            ),
        ),
        _ => Finding::pass(
            doc.target(),
            format!("container {name} has CPU shares {shares}"),
        ),
    };
    finding
        .with_evidence("cpu-shares", shares.to_string())
        .with_evidence(
            "nano-cpus",
            doc.int("/HostConfig/NanoCpus").unwrap_or(0).to_string(),
        )
        .with_evidence(
            "cpu-quota",
            doc.int("/HostConfig/CpuQuota").unwrap_or(0).to_string(),
        )
}

#[cfg(test)]
mod tests {
    bulkhead_sdk::container_control_tests! {
        fix: "with --cpu-shares <weight> (for example --cpu-shares 512)",
        judges: {
            unset: (r#"{"Name":"/w","HostConfig":{"CpuShares":0}}"#, "null") => Fail,
            default_weight: (r#"{"Name":"/w","HostConfig":{"CpuShares":1024}}"#, "null") => Fail,
            quota_only: (r#"{"Name":"/w","HostConfig":{"CpuShares":0,"NanoCpus":1000000000}}"#, "null") => Fail,
            set: (r#"{"Name":"/w","HostConfig":{"CpuShares":512}}"#, "null") => Pass,
        },
    }
}
