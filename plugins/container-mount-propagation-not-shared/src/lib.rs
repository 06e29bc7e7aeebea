//! # `container-mount-propagation-not-shared`: CIS Docker Benchmark v1.6.0 5.20
//!
//! ### What it checks
//! No container mount may use `shared` or `rshared` propagation (`-v src:dst:shared`,
//! `--mount ...,bind-propagation=rshared`).
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container with the default (`rprivate`) or a `slave`/`rslave` propagation
//! on its binds. bulkhead cannot change this setting of an existing container: `bulkhead
//! fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web -v /srv/data:/data:shared nginx`
//! yields
//!
//! ```text
//! fail  container:web
//!       container web has mounts with shared propagation: /srv/data:/data:rw (shared)
//!       shared-mounts=/srv/data:/data:rw (shared) state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::{Inspected, judge_mounts};

bulkhead_sdk::container_control! {
    id: "container-mount-propagation-not-shared",
    cis: "5.20",
    title: "Container mounts do not use shared propagation",
    description: "No container mount may use `shared` or `rshared` propagation (`-v src:dst:shared`, `--mount ...,bind-propagation=rshared`).",
    rationale: "With shared propagation, mounts made inside the container appear on the host (and the host's in the container): a container can then change the host's mount table, for example mount over host paths.",
    remediation: "Recreate the container with the default (`rprivate`) or a `slave`/`rslave` propagation on its binds.",
    severity: Medium,
    fix: "without :shared/:rshared on its -v binds (or bind-propagation=rprivate)",
    judge: judge,
}

/// Any `shared`/`rshared` mount fails.
pub fn judge(doc: &Inspected) -> Finding {
    judge_mounts(
        doc,
        "shared-mounts",
        |m| {
            matches!(m.propagation, "shared" | "rshared")
                .then(|| format!("{} ({})", m.describe(), m.propagation))
        },
        "has no mount with shared propagation",
        "has mounts with shared propagation:",
    )
}

#[cfg(test)]
mod tests {
    bulkhead_sdk::container_control_tests! {
        fix: "without :shared/:rshared on its -v binds (or bind-propagation=rprivate)",
        judges: {
            shared: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/srv","Destination":"/h","RW":true,"Propagation":"shared"}]}"#, "null") => Fail,
            rshared: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/srv","Destination":"/h","RW":true,"Propagation":"rprivate"},{"Type":"bind","Source":"/a","Destination":"/b","RW":true,"Propagation":"rshared"}]}"#, "null") => Fail,
            rprivate: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/srv","Destination":"/h","RW":true,"Propagation":"rprivate"}]}"#, "null") => Pass,
            rslave: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/srv","Destination":"/h","RW":true,"Propagation":"rslave"}]}"#, "null") => Pass,
            none: (r#"{"Name":"/w","HostConfig":{}}"#, "null") => Pass,
        },
    }
}
