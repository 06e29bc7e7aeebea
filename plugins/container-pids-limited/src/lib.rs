//! # `container-pids-limited`: CIS Docker Benchmark v1.6.0 5.29
//!
//! ### What it checks
//! Every container must have a PIDs cgroup limit: `HostConfig.PidsLimit` greater than 0
//! (`docker run --pids-limit`). Unset, 0 and -1 all mean unlimited.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container with `--pids-limit <n>`, sized for the workload (for example
//! 100). bulkhead cannot change this setting of an existing container: `bulkhead fix` names
//! the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web has no PIDs limit (PidsLimit unset)
//!       pids-limit=unset state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-pids-limited",
    cis: "5.29",
    title: "Containers have a PIDs limit",
    description: "Every container must have a PIDs cgroup limit: `HostConfig.PidsLimit` greater than 0 (`docker run --pids-limit`). Unset, 0 and -1 all mean unlimited.",
    rationale: "Without a PIDs limit a fork bomb or a runaway worker pool in one container exhausts the host's process table, and nothing on the host can start a process any more.",
    remediation: "Recreate the container with `--pids-limit <n>`, sized for the workload (for example 100).",
    severity: Medium,
    fix: "with --pids-limit <n> (for example --pids-limit 100)",
    judge: judge,
}

/// `HostConfig.PidsLimit` > 0 passes.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let limit = doc.int("/HostConfig/PidsLimit");
    let shown = limit.map_or_else(|| "unset".to_owned(), |l| l.to_string());
    let finding = match limit {
        Some(l) if l > 0 => Finding::pass(
            doc.target(),
            format!("container {name} may run at most {l} processes"),
        ),
        _ => Finding::fail(
            doc.target(),
            format!("container {name} has no PIDs limit (PidsLimit {shown})"),
        ),
    };
    finding.with_evidence("pids-limit", shown)
}

#[cfg(test)]
mod tests {
    bulkhead_sdk::container_control_tests! {
        fix: "with --pids-limit <n> (for example --pids-limit 100)",
        judges: {
            null: (r#"{"Name":"/w","HostConfig":{"PidsLimit":null}}"#, "null") => Fail,
            zero: (r#"{"Name":"/w","HostConfig":{"PidsLimit":0}}"#, "null") => Fail,
            unlimited: (r#"{"Name":"/w","HostConfig":{"PidsLimit":-1}}"#, "null") => Fail,
            limited: (r#"{"Name":"/w","HostConfig":{"PidsLimit":100}}"#, "null") => Pass,
        },
    }
}
