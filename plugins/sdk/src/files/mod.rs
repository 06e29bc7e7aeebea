//! Ownership and permission rules for the Docker host's files (CIS Docker Benchmark
//! section 3 and its like), written once.
//!
//! A file control is a [`FileRule`] (who should own the files, the most permissive mode
//! they may have) and a way to find the files ([`locate`]). [`judge`] turns the two into
//! findings: `pass`/`fail` per file with the owner and mode as evidence, `skip` when the
//! files do not exist on this host (the item does not apply), `error` when they cannot be
//! read. [`remediate`] clears the excess mode bits (never adds any) and hands the file to
//! root through `ownership-admin.chown`; only a group other than `root` (the socket's
//! `docker`) is left to a person, as the host hands files to nobody but root.
//!
//! The [`file_control!`](crate::file_control) macro writes a whole control from a rule.

mod control;
mod judge;
pub mod locate;
mod owner;
mod remediate;

pub use judge::judge;
pub use owner::FileOwner;
pub use remediate::remediate;

/// Who should own a file, by name (`root:root`, `root:docker`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    /// The owning user's name.
    pub user: &'static str,
    /// The owning group's name.
    pub group: &'static str,
}

/// `root:root`.
pub const ROOT_ROOT: Owner = Owner {
    user: "root",
    group: "root",
};

/// `root:docker`.
pub const ROOT_DOCKER: Owner = Owner {
    user: "root",
    group: "docker",
};

/// What a control requires of a set of files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileRule {
    /// What the files are, for messages: `the docker.service unit file`.
    pub what: &'static str,
    /// Who must own them, if the control checks ownership.
    pub owner: Option<Owner>,
    /// The most permissive mode they may have (`0o644`), if the control checks the mode.
    pub max_mode: Option<u32>,
}

/// Where a control's files are on this host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// These absolute paths (under the root).
    Paths(Vec<String>),
    /// None exist; the item does not apply, for this reason.
    Absent(String),
    /// They could not be looked for.
    Failed(String),
}

/// What the tests of `judge`, `remediate` and `locate` share: a rule and a host with
/// named accounts.
#[cfg(test)]
mod fixtures {
    use super::{FileRule, ROOT_ROOT};
    use crate::testing::FakeHost;

    pub(super) const RULE: FileRule = FileRule {
        what: "the unit file",
        owner: Some(ROOT_ROOT),
        max_mode: Some(0o644),
    };

    pub(super) fn accounts_host() -> FakeHost {
        FakeHost::new()
            .file(
                "/etc/passwd",
                0o644,
                "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/h:/bin/sh\n",
            )
            .file("/etc/group", 0o644, "root:x:0:\ndocker:x:998:alice\n")
    }
}
