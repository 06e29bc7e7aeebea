//! Deny by default: which host call needs which grant, and what a control holds.
//!
//! Every host function a control can reach is a [`Call`], and the contract table
//! ([`crate::sandbox::contract`]) gives each the [`Grant`] its interface needs, so a new
//! capability cannot be added without deciding who may use it. A control's [`Grants`]
//! are decided before it runs; bundled controls get no bypass.

use serde::Serialize;

use crate::sandbox::bindings::types::Target;
pub use crate::sandbox::contract::{Call, Grant};

/// The files a control may read: the prefixes it declared, plus exact paths the host
/// adds for named sets (see [`crate::sandbox::scope`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadScope {
    prefixes: Vec<String>,
    exact: Vec<String>,
}

impl ReadScope {
    /// A scope of directory prefixes (absolute, normalised) and exact paths.
    pub fn new(prefixes: Vec<String>, exact: Vec<String>) -> Self {
        ReadScope { prefixes, exact }
    }

    /// Whether the absolute, normalised `path` is in scope: equal to or under a prefix,
    /// or one of the exact paths.
    pub fn contains(&self, path: &str) -> bool {
        self.exact.iter().any(|p| p == path)
            || self.prefixes.iter().any(|prefix| {
                prefix == "/"
                    || path == prefix
                    || path
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
    }
}

/// The set of grants one control holds for one call into it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    grants: Vec<Grant>,
    reads: ReadScope,
    /// For `remediate`: the one target its changes may touch.
    target: Option<FixTarget>,
}

/// The target of a remediate call, as the mutating capabilities compare it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixTarget {
    /// The host as a whole: no file or container of its own, so no change.
    Host,
    /// A file, by the absolute path the finding named.
    File(String),
    /// A container, by name.
    Container(String),
}

impl From<&Target> for FixTarget {
    fn from(target: &Target) -> Self {
        match target {
            Target::Host => FixTarget::Host,
            Target::File(path) => FixTarget::File(path.clone()),
            Target::Container(name) => FixTarget::Container(name.clone()),
        }
    }
}

impl Grants {
    /// Nothing at all: what `metadata()` runs with.
    pub fn none() -> Self {
        Grants::default()
    }

    /// What `bulkhead run` grants: observe, never change; files only within `reads`.
    pub fn audit(reads: ReadScope) -> Self {
        Grants {
            grants: vec![
                Grant::ReadFiles,
                Grant::ReadProcesses,
                Grant::ReadDocker,
                Grant::ReadMachine,
                Grant::Log,
            ],
            reads,
            target: None,
        }
    }

    /// What `bulkhead fix` grants to `remediate(target)`: the audit grants plus changes
    /// to `target` alone, which the run's admin mode then plans or applies.
    pub fn remediate(reads: ReadScope, target: &Target) -> Self {
        let mut grants = Grants::audit(reads);
        grants
            .grants
            .extend([Grant::ChangeFiles, Grant::ChangeContainers]);
        grants.target = Some(target.into());
        grants
    }

    /// The target a remediate call may change; `None` outside `remediate`.
    pub fn change_target(&self) -> Option<&FixTarget> {
        self.target.as_ref()
    }

    /// Whether `call` is allowed.
    pub fn allows(&self, call: Call) -> bool {
        self.grants.contains(&call.required())
    }

    /// Whether a file read of the absolute, normalised `path` is in scope.
    pub fn may_read(&self, path: &str) -> bool {
        self.allows(Call::ReadFile) && self.reads.contains(path)
    }
}

/// Why the host refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Refusal {
    /// The control does not hold the grant the call needs (in `run`, every change).
    Grant,
    /// The path is outside the files the control declared it reads.
    Scope,
    /// The file holds a secret: a private key or password hashes. Its stat, owner and
    /// mode stay readable; its bytes never leave the host.
    Secret,
    /// A change to something other than the target the remediate call was made for.
    Target,
}

impl Refusal {
    /// How the report's table says it.
    pub fn describe(self, missing: Grant) -> String {
        match self {
            Refusal::Grant => format!("without the {missing:?} grant"),
            Refusal::Scope => "outside the files it declared it reads".to_owned(),
            Refusal::Secret => {
                "a secret: private keys and password hashes are never read".to_owned()
            }
            Refusal::Target => "beyond the target it was asked to fix".to_owned(),
        }
    }
}

/// A call the host refused, kept for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Denial {
    /// The WIT function, e.g. `file-admin.chmod`.
    pub call: &'static str,
    /// The argument it was called with (a path, a container name), if any.
    pub argument: String,
    /// The grant the call needs.
    pub missing: Grant,
    /// Why it was refused (an addition to v1).
    pub reason: Refusal,
}

impl Denial {
    /// Record that `call` with `argument` was refused for `reason`.
    pub fn new(call: Call, argument: impl Into<String>, reason: Refusal) -> Self {
        Denial {
            call: call.wit_name(),
            argument: argument.into(),
            missing: call.required(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_grants_never_allow_a_change() {
        let audit = Grants::audit(ReadScope::default());
        assert!(!audit.allows(Call::Chmod));
        assert!(!audit.allows(Call::Chown));
        assert!(!audit.allows(Call::ReplaceContainer));
        assert!(audit.allows(Call::Stat));
        assert!(audit.allows(Call::Containers));
        assert!(audit.allows(Call::Dockerd));
        assert!(audit.allows(Call::Mounts));
        assert!(audit.allows(Call::Images));
        assert!(!Grants::none().allows(Call::UserByName));
        assert!(!Grants::none().allows(Call::Top));
    }

    #[test]
    fn metadata_gets_nothing() {
        let none = Grants::none();
        for call in [Call::Stat, Call::Log, Call::Containers, Call::Chmod] {
            assert!(!none.allows(call), "{call} allowed without grants");
        }
    }
}

#[cfg(test)]
mod scope_tests {
    use super::*;

    #[rstest::rstest]
    #[case::the_prefix_itself("/etc/docker", true)]
    #[case::under_the_prefix("/etc/docker/certs.d/r/client.key", true)]
    #[case::sibling_with_same_start("/etc/dockerfile", false)]
    #[case::parent("/etc", false)]
    #[case::elsewhere("/etc/shadow", false)]
    #[case::exact_path("/srv/tls/key.pem", true)]
    #[case::under_an_exact_path("/srv/tls/key.pem/x", false)]
    fn read_scope(#[case] path: &str, #[case] allowed: bool) {
        let scope = ReadScope::new(vec!["/etc/docker".into()], vec!["/srv/tls/key.pem".into()]);
        assert_eq!(Grants::audit(scope).may_read(path), allowed, "{path}");
    }

    #[test]
    fn no_read_scope_without_the_read_grant() {
        let scope = ReadScope::new(vec!["/".into()], vec![]);
        let mut grants = Grants::audit(scope);
        grants.grants.clear();
        assert!(!grants.may_read("/etc"));
    }
}
