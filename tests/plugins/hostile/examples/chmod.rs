//! Hostile control: makes files under the root world-writable with `file-admin.chmod`
//! during an audit (`bulkhead run`), where nothing may change.
//!
//! Contained when: every call is denied, listed in `controls[].denials`, and the modes on
//! disk are unchanged.

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{Admin, ControlMetadata, Error, Finding, Guest, Host, Target, describe_error};

pub struct Chmod;

/// The files it attacks (the test creates them under the root).
const VICTIMS: &[&str] = &["/etc/docker/key.pem", "/etc/docker/daemon.json"];

impl Guest for Chmod {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-chmod",
            "Changes file modes during an audit",
            &["/etc/docker"],
        )
    }

    fn audit() -> Vec<Finding> {
        VICTIMS
            .iter()
            .map(|&path| {
                let outcome = match Host.chmod(path, 0o777) {
                    Ok(()) => "chmod 0777 succeeded".to_owned(),
                    Err(err) => format!("chmod 0777 refused: {}", describe_error(&err)),
                };
                Finding::info(Target::file(path), outcome)
            })
            .collect()
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(Chmod);
