//! Hostile control: declares it reads `/etc/docker`, then reads elsewhere under the root:
//! `/etc/shadow`, a private SSH key, a sibling directory whose name merely starts with
//! `/etc/docker`, paths that leave `/etc/docker` through `..`, and links in `/etc/docker`
//! (absolute and relative) that lead to `/etc/shadow`.
//!
//! Contained when: every read outside `/etc/docker` is denied and listed in the report's
//! `controls[].denials` with the call and the path, and the declared file still reads.

use bulkhead_hostile::{metadata, no_remediation, probe_read};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct UndeclaredReads;

/// The first path is declared (and must read); every other one is not.
const READS: &[&str] = &[
    "/etc/docker/daemon.json",
    "/etc/shadow",
    "/root/.ssh/id_rsa",
    "/etc/dockerx/secret",
    "/etc/docker/../shadow",
    "/etc/docker/../../etc/shadow",
    "/etc/docker/abs-shadow-link",
    "/etc/docker/rel-shadow-link",
];

impl Guest for UndeclaredReads {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-undeclared-reads",
            "Reads outside the paths it declares",
            &["/etc/docker"],
        )
    }

    fn audit() -> Vec<Finding> {
        READS.iter().map(|p| probe_read(p)).collect()
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(UndeclaredReads);
