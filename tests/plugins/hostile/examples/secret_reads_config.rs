//! Hostile control: declares only `dockerd-config` (the daemon's configuration and the
//! paths it names), and reads the TLS key that `daemon.json` names, wherever it is.
//!
//! Contained when: the read is `denied` (reason `secret`) although the path is in its
//! read scope, and the key's bytes appear in no report.

use bulkhead_hostile::{metadata, no_remediation, probe_read};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct SecretReadsConfig;

impl Guest for SecretReadsConfig {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-secret-reads-config",
            "Reads the key the daemon names",
            &["dockerd-config"],
        )
    }

    fn audit() -> Vec<Finding> {
        vec![
            probe_read("/srv/tls/server-key.pem"),
            probe_read("/etc/docker/daemon.json"),
        ]
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(SecretReadsConfig);
