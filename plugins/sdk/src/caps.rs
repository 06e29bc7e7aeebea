//! Linux capability arithmetic, exactly as the Docker daemon does it.
//!
//! [`effective_capabilities`] mirrors moby's `TweakCapabilities`
//! (`oci/caps/utils.go`): given a container's `HostConfig.Privileged`, `CapAdd` and `CapDrop`
//! it returns the capability bounding set the container's processes start with. The rules:
//!
//! 1. a privileged container has every capability (`CapAdd`/`CapDrop` are ignored);
//! 2. with neither adds nor drops, the [default set](DEFAULT_CAPABILITIES);
//! 3. names are case-insensitive and the `CAP_` prefix is optional (`net_raw`, `CAP_NET_RAW`);
//! 4. if `CapAdd` holds `ALL`: every capability except those in `CapDrop`;
//! 5. else if `CapDrop` holds `ALL`: exactly `CapAdd`;
//! 6. else the default set minus `CapDrop`, then plus `CapAdd` (an add beats a drop of the
//!    same name).
//!
//! A non-root `User` changes nothing here: the bounding set is what a process in the container
//! can regain (through setuid binaries or file capabilities), whoever it starts as.
//!
//! Capability names are returned in the kernel's spelling, with the `CAP_` prefix
//! (`CAP_NET_RAW`); [`Capabilities::contains`] accepts any spelling.

use std::collections::BTreeSet;
use std::fmt;

/// Every Linux capability (`CAP_CHOWN` = 0 .. `CAP_CHECKPOINT_RESTORE` = 40), in number order.
///
/// A privileged container has all of them (Docker grants what the running kernel knows; on a
/// kernel older than 5.9 the last few do not exist, which only makes the real set smaller).
pub const ALL_CAPABILITIES: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

/// The capabilities Docker gives a container that neither adds nor drops any
/// (moby `oci/caps/defaults.go`).
pub const DEFAULT_CAPABILITIES: [&str; 14] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_MKNOD",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE",
];

/// The keyword that stands for every capability in `CapAdd` / `CapDrop`.
pub const ALL: &str = "ALL";

/// A capability name that is neither `ALL` nor a Linux capability.
///
/// The daemon refuses such a container (`unknown capability`), so a stored configuration
/// holding one is damaged or was written by something other than Docker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCapability(pub String);

impl fmt::Display for UnknownCapability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown capability {:?}", self.0)
    }
}

impl std::error::Error for UnknownCapability {}

/// The canonical spelling of a capability name: upper case with the `CAP_` prefix
/// (`net_raw` → `CAP_NET_RAW`); `all` in any case becomes [`ALL`]. Does not check that the
/// name exists: see [`is_known_capability`].
pub fn normalize_capability(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    if upper == ALL || upper.starts_with("CAP_") {
        upper
    } else {
        format!("CAP_{upper}")
    }
}

/// Whether `name` (any spelling) is one of [`ALL_CAPABILITIES`].
pub fn is_known_capability(name: &str) -> bool {
    let canonical = normalize_capability(name);
    ALL_CAPABILITIES.contains(&canonical.as_str())
}

/// A capability bounding set, in canonical spelling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities(BTreeSet<String>);

impl Capabilities {
    /// Whether the set holds `name` (any spelling: `NET_RAW`, `cap_net_raw`, ...).
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(&normalize_capability(name))
    }

    /// The names in the set, sorted, each with the `CAP_` prefix.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// How many capabilities the set holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> FromIterator<&'a str> for Capabilities {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        Capabilities(iter.into_iter().map(normalize_capability).collect())
    }
}

/// Normalise a `CapAdd`/`CapDrop` list as moby's `NormalizeLegacyCapabilities` does:
/// canonical spelling, unknown names rejected.
fn normalize_list<S: AsRef<str>>(names: &[S]) -> Result<Vec<String>, UnknownCapability> {
    names
        .iter()
        .map(|name| {
            let canonical = normalize_capability(name.as_ref());
            if canonical == ALL || ALL_CAPABILITIES.contains(&canonical.as_str()) {
                Ok(canonical)
            } else {
                Err(UnknownCapability(name.as_ref().to_owned()))
            }
        })
        .collect()
}

/// The bounding set of a container, computed as the Docker daemon does (see the module doc).
///
/// `cap_add` and `cap_drop` are `HostConfig.CapAdd` / `HostConfig.CapDrop` as stored, in any
/// spelling. Fails only when a non-privileged container names an unknown capability.
pub fn effective_capabilities<A: AsRef<str>, D: AsRef<str>>(
    privileged: bool,
    cap_add: &[A],
    cap_drop: &[D],
) -> Result<Capabilities, UnknownCapability> {
    if privileged {
        return Ok(ALL_CAPABILITIES.into_iter().collect());
    }
    let add = normalize_list(cap_add)?;
    let drop = normalize_list(cap_drop)?;
    let all = ALL.to_owned();
    let caps = if add.contains(&all) {
        ALL_CAPABILITIES
            .into_iter()
            .filter(|cap| !drop.iter().any(|d| d == cap))
            .collect()
    } else if drop.contains(&all) {
        add.iter().map(String::as_str).collect()
    } else {
        DEFAULT_CAPABILITIES
            .into_iter()
            .filter(|cap| !drop.iter().any(|d| d == cap))
            .chain(add.iter().map(String::as_str))
            .collect()
    };
    Ok(caps)
}

/// Why a container's bounding set holds a given capability, for messages and remediation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapabilityOrigin {
    /// The container is privileged: it has every capability, whatever it drops.
    Privileged,
    /// `CapAdd` names the capability itself (dropping it cannot remove it: an add wins).
    Added,
    /// `CapAdd` holds `ALL` and `CapDrop` does not name the capability.
    AllAdded,
    /// It is in Docker's default set and `CapDrop` names neither it nor `ALL`.
    Default,
}

impl CapabilityOrigin {
    /// Whether adding the capability to `CapDrop` removes it from the bounding set.
    pub fn removable_by_drop(self) -> bool {
        matches!(self, CapabilityOrigin::AllAdded | CapabilityOrigin::Default)
    }
}

/// Why `capability` is in the bounding set of a container, or `None` when it is not.
pub fn capability_origin<A: AsRef<str>, D: AsRef<str>>(
    privileged: bool,
    cap_add: &[A],
    cap_drop: &[D],
    capability: &str,
) -> Result<Option<CapabilityOrigin>, UnknownCapability> {
    if !effective_capabilities(privileged, cap_add, cap_drop)?.contains(capability) {
        return Ok(None);
    }
    let wanted = normalize_capability(capability);
    let named = |list: &[String], name: &str| list.iter().any(|c| c == name);
    let add = normalize_list(cap_add)?;
    let origin = if privileged {
        CapabilityOrigin::Privileged
    } else if named(&add, &wanted) {
        CapabilityOrigin::Added
    } else if named(&add, ALL) {
        CapabilityOrigin::AllAdded
    } else {
        CapabilityOrigin::Default
    };
    Ok(Some(origin))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const NONE: &[&str] = &[];

    #[rstest]
    #[case::default(false, NONE, NONE, true)]
    #[case::privileged(true, NONE, NONE, true)]
    #[case::privileged_drop_ignored(true, NONE, &["NET_RAW"], true)]
    #[case::dropped(false, NONE, &["NET_RAW"], false)]
    #[case::dropped_lowercase(false, NONE, &["net_raw"], false)]
    #[case::dropped_cap_prefix(false, NONE, &["CAP_NET_RAW"], false)]
    #[case::dropped_mixed_prefix(false, NONE, &["cap_Net_Raw"], false)]
    #[case::drop_all(false, NONE, &["ALL"], false)]
    #[case::drop_all_lowercase(false, NONE, &["all"], false)]
    #[case::drop_all_add_net_raw(false, &["NET_RAW"], &["ALL"], true)]
    #[case::drop_all_add_other(false, &["NET_BIND_SERVICE"], &["ALL"], false)]
    #[case::add_all(false, &["ALL"], NONE, true)]
    #[case::add_all_drop_net_raw(false, &["ALL"], &["NET_RAW"], false)]
    #[case::add_all_and_drop_all(false, &["ALL"], &["ALL"], true)]
    #[case::add_beats_drop(false, &["NET_RAW"], &["NET_RAW"], true)]
    #[case::add_beats_drop_spellings(false, &["cap_net_raw"], &["NET_RAW"], true)]
    #[case::other_drop(false, NONE, &["CHOWN"], true)]
    fn net_raw_in_bounding_set(
        #[case] privileged: bool,
        #[case] add: &[&str],
        #[case] drop: &[&str],
        #[case] expected: bool,
    ) {
        let caps = effective_capabilities(privileged, add, drop).unwrap();
        assert_eq!(caps.contains("NET_RAW"), expected, "{caps:?}");
        assert_eq!(caps.contains("cap_net_raw"), expected);
    }

    #[rstest]
    #[case::default(false, NONE, NONE, 14)]
    #[case::privileged(true, NONE, NONE, 41)]
    #[case::add_all(false, &["ALL"], NONE, 41)]
    #[case::add_all_drop_two(false, &["ALL"], &["NET_RAW", "SYS_ADMIN"], 39)]
    #[case::drop_all(false, NONE, &["ALL"], 0)]
    #[case::drop_all_add_two(false, &["CHOWN", "KILL"], &["ALL"], 2)]
    #[case::drop_one_add_new(false, &["SYS_ADMIN"], &["MKNOD"], 14)]
    #[case::add_default_twice(false, &["CHOWN"], NONE, 14)]
    fn set_sizes(
        #[case] privileged: bool,
        #[case] add: &[&str],
        #[case] drop: &[&str],
        #[case] expected: usize,
    ) {
        assert_eq!(
            effective_capabilities(privileged, add, drop).unwrap().len(),
            expected
        );
    }

    #[test]
    fn default_set_is_the_documented_one() {
        let caps = effective_capabilities(false, NONE, NONE).unwrap();
        let names: Vec<&str> = caps.iter().collect();
        assert_eq!(names.len(), 14);
        for cap in DEFAULT_CAPABILITIES {
            assert!(names.contains(&cap), "{cap}");
            assert!(ALL_CAPABILITIES.contains(&cap), "{cap}");
        }
    }

    #[rstest]
    #[case::unknown_add(false, &["NOT_A_CAP"], NONE)]
    #[case::unknown_drop(false, NONE, &["cap_bogus"])]
    fn unknown_names_are_rejected(
        #[case] privileged: bool,
        #[case] add: &[&str],
        #[case] drop: &[&str],
    ) {
        assert!(effective_capabilities(privileged, add, drop).is_err());
    }

    #[test]
    fn privileged_ignores_unknown_names_like_moby() {
        assert!(effective_capabilities(true, &["bogus"], NONE).is_ok());
    }

    #[rstest]
    #[case::net_raw("net_raw", "CAP_NET_RAW")]
    #[case::prefixed("CAP_SYS_ADMIN", "CAP_SYS_ADMIN")]
    #[case::lower_prefixed("cap_kill", "CAP_KILL")]
    #[case::all("all", "ALL")]
    #[case::padded(" chown ", "CAP_CHOWN")]
    fn normalizes(#[case] input: &str, #[case] expected: &str) {
        assert_eq!(normalize_capability(input), expected);
        assert_eq!(is_known_capability(input), expected != "ALL");
    }

    #[rstest]
    #[case::default(false, NONE, NONE, Some(CapabilityOrigin::Default))]
    #[case::privileged(true, NONE, &["NET_RAW"], Some(CapabilityOrigin::Privileged))]
    #[case::added(false, &["net_raw"], &["NET_RAW"], Some(CapabilityOrigin::Added))]
    #[case::added_after_drop_all(false, &["NET_RAW"], &["ALL"], Some(CapabilityOrigin::Added))]
    #[case::all_added(false, &["ALL"], NONE, Some(CapabilityOrigin::AllAdded))]
    #[case::dropped(false, NONE, &["CAP_NET_RAW"], None)]
    #[case::all_dropped(false, NONE, &["ALL"], None)]
    fn origins(
        #[case] privileged: bool,
        #[case] add: &[&str],
        #[case] drop: &[&str],
        #[case] expected: Option<CapabilityOrigin>,
    ) {
        let origin = capability_origin(privileged, add, drop, "NET_RAW").unwrap();
        assert_eq!(origin, expected);
    }

    #[test]
    fn removable_by_drop() {
        assert!(CapabilityOrigin::Default.removable_by_drop());
        assert!(CapabilityOrigin::AllAdded.removable_by_drop());
        assert!(!CapabilityOrigin::Added.removable_by_drop());
        assert!(!CapabilityOrigin::Privileged.removable_by_drop());
    }
}
