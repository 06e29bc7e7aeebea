//! Hostile control: tries to read files outside the audited root through `..` and through
//! symbolic links (absolute and relative, to files and to directories, chained), and
//! reports everything it got back.
//!
//! The test builds the links under a temporary root and puts a file with a unique marker
//! beside the root (`<tmp>/outside-secret.txt`). Contained when: no probe ever returns that
//! file (or the real `/etc/passwd`); `..` stops at the root and links resolve inside it.
//! It declares it reads `/`, so the probes test the root confinement, not the read grants.

use bulkhead_hostile::{metadata, no_remediation, probe_read, probe_read_dir, probe_resolve};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct PathEscape;

/// Files to read: one inside the root (to show reads work at all), then escape attempts.
const READS: &[&str] = &[
    "/etc/inside.txt",
    "/../outside-secret.txt",
    "/../../../../../../outside-secret.txt",
    "/etc/../../outside-secret.txt",
    "/./../etc/../../outside-secret.txt",
    "/../../../etc/passwd",
    "/../../../etc/shadow",
    "/escape/abs-link",
    "/escape/rel-link",
    "/escape/hop",
    "/escape/deep-rel-link",
    "/escape/abs-dir-link/outside-secret.txt",
    "/escape/rel-dir-link/outside-secret.txt",
    "/escape/rel-dir-link/../outside-secret.txt",
];

/// Directories to list: each would show `outside-secret.txt` if it escaped.
const DIRS: &[&str] = &["/..", "/escape/rel-dir-link", "/escape/abs-dir-link"];

/// Paths to resolve.
const RESOLVES: &[&str] = &[
    "/escape/abs-link",
    "/escape/rel-link",
    "/escape/rel-dir-link",
];

impl Guest for PathEscape {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-path-escape",
            "Tries to read outside the root",
            &["/"],
        )
    }

    fn audit() -> Vec<Finding> {
        let reads = READS.iter().map(|p| probe_read(p));
        let dirs = DIRS.iter().map(|p| probe_read_dir(p));
        let resolves = RESOLVES.iter().map(|p| probe_resolve(p));
        reads.chain(dirs).chain(resolves).collect()
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(PathEscape);
