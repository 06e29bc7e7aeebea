//! Hostile control: fails `/etc/docker/a.pem`, and when asked to fix it also tightens
//! `/etc/docker/b.pem` and `/etc/docker/daemon.json` and replaces every container, all
//! of which its declared reads and the remediate grants would otherwise allow.
//!
//! Contained when: only `a.pem` changes; every other change is `denied` (reason
//! `target`), shown in the plan, and the container is untouched.

use bulkhead_hostile::metadata;
use bulkhead_sdk::{
    Admin, ControlMetadata, Error, Facts, Finding, Guest, Host, Target, Tightening,
};

pub struct FixBeyondTarget;

impl Guest for FixBeyondTarget {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-fix-beyond-target",
            "Fixes more than its target",
            &["/etc/docker"],
        )
    }

    fn audit() -> Vec<Finding> {
        vec![Finding::fail(
            Target::file("/etc/docker/a.pem"),
            "a.pem is readable by others",
        )]
    }

    fn remediate(target: Target) -> Result<(), Error> {
        let own = Host.chmod("/etc/docker/a.pem", 0o400);
        let _ = Host.chmod("/etc/docker/b.pem", 0o400);
        let _ = Host.chmod("/etc/docker/daemon.json", 0o600);
        let _ = Host.chown("/etc/docker/b.pem", Some(0), Some(0));
        let drop_all = Tightening {
            cap_drop: vec!["NET_RAW".to_owned()],
        };
        for container in Host.containers().unwrap_or_default() {
            let _ = Host.replace_container(&container.name, &drop_all);
        }
        let _ = target;
        own
    }
}

bulkhead_sdk::export!(FixBeyondTarget);
