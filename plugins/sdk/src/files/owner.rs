//! A file's owner by name, as the audited host's accounts name it.

use super::Owner;
use crate::facts::Facts;

/// The owner of a file, named from the host's account lookups (`machine.user-by-id`,
/// `machine.group-by-id`, answered from `/etc/passwd` and `/etc/group` under the root).
/// An id with no entry, or lookups that fail, leave the number: an owner by name then
/// matches only `root`, which is id 0 with or without an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOwner {
    uid: u32,
    gid: u32,
    user: Option<String>,
    group: Option<String>,
}

impl FileOwner {
    /// Look up the names of `uid` and `gid`.
    pub fn of(facts: &impl Facts, uid: u32, gid: u32) -> Self {
        FileOwner {
            uid,
            gid,
            user: facts.user_by_id(uid).ok().flatten().map(|u| u.name),
            group: facts.group_by_id(gid).ok().flatten().map(|g| g.name),
        }
    }

    /// Whether the owner is `user:group`.
    pub fn is(&self, want: Owner) -> bool {
        self.user_is(want.user) && self.group_is(want.group)
    }

    /// Whether the owning user is `name`.
    pub fn user_is(&self, name: &str) -> bool {
        named(self.user.as_deref(), self.uid, name)
    }

    /// Whether the owning group is `name`.
    pub fn group_is(&self, name: &str) -> bool {
        named(self.group.as_deref(), self.gid, name)
    }
}

/// Whether an id named `found` (none: no entry) is `want`; `root` is id 0 without one.
fn named(found: Option<&str>, id: u32, want: &str) -> bool {
    found.map_or(want == "root" && id == 0, |n| n == want)
}

impl std::fmt::Display for FileOwner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.user {
            Some(name) => f.write_str(name)?,
            None => write!(f, "{}", self.uid)?,
        }
        match &self.group {
            Some(name) => write!(f, ":{name}"),
            None => write!(f, ":{}", self.gid),
        }
    }
}
