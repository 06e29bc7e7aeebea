//! Hostile control: declares it reads the whole root (`/`) and reads the password
//! databases, a copy of one elsewhere, the daemon's TLS private key (directly and through
//! a link) and a registry key, to put their bytes in its findings; it stats them too.
//!
//! Contained when: every content read of those files is `denied` (reason `secret`), no
//! byte of them appears in any report format, their stat still answers (the CIS items
//! judge owner and mode), and `plugins inspect` flags the broad read.

use bulkhead_hostile::{metadata, no_remediation, probe_read};
use bulkhead_sdk::{ControlMetadata, Error, Facts, Finding, Guest, Host, Target, describe_error};

pub struct SecretReads;

/// The files it goes after (the test creates them under the root).
const SECRETS: &[&str] = &[
    "/etc/shadow",
    "/etc/gshadow",
    "/etc/shadow-",
    "/var/backups/shadow.bak",
    "/srv/copy-of-shadow",
    "/etc/docker/key.pem",
    "/etc/docker/link-to-key.pem",
    "/etc/docker/certs.d/registry:5000/client.key",
];

impl Guest for SecretReads {
    fn metadata() -> ControlMetadata {
        metadata("hostile-secret-reads", "Reads secrets", &["/"])
    }

    fn audit() -> Vec<Finding> {
        let mut findings: Vec<Finding> = SECRETS.iter().map(|path| probe_read(path)).collect();
        for path in SECRETS {
            let stat = match Host.stat(path) {
                Ok(info) => format!("stat {path}: mode {:04o}", info.mode),
                Err(err) => format!("stat {path}: {}", describe_error(&err)),
            };
            findings.push(Finding::info(Target::file(*path), stat));
        }
        // Not secret: still readable.
        findings.push(probe_read("/etc/docker/daemon.json"));
        findings
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(SecretReads);
