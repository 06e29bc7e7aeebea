//! Fixing a failing file: clear the excess mode bits, hand the file to root.

use super::{FileOwner, FileRule};
use crate::facts::{Admin, Facts};
use crate::mode::excess_bits;
use crate::{Error, Target, describe_error};

/// Fix one failing file target: clear the mode bits `rule` does not allow, and hand the
/// file to the owner `rule` names when that is root (user 0, group 0). A group other than
/// root is refused with the `chown` to run by hand, after any mode fix; so is a target that
/// needs no change.
pub fn remediate(
    facts: &impl Facts,
    admin: &impl Admin,
    rule: &FileRule,
    target: Target,
) -> Result<(), Error> {
    let Target::File(path) = target else {
        return Err(Error::Invalid(format!(
            "{} are fixed per file; {target} is not a file target",
            rule.what
        )));
    };
    let info = facts.stat(&path)?;
    let mut changed = false;
    if let Some(max) = rule.max_mode
        && excess_bits(info.mode, max) != 0
    {
        admin.chmod(&path, info.mode & max)?;
        changed = true;
    }
    if let Some(want) = rule.owner {
        let owner = FileOwner::of(facts, info.uid, info.gid);
        if !owner.is(want) {
            let by_hand = |why: String| {
                Error::Invalid(format!(
                    "{why}; change it by hand: chown {}:{} {path}",
                    want.user, want.group
                ))
            };
            let user = owner.user_is(want.user);
            let group = owner.group_is(want.group);
            let uid = if user {
                None
            } else {
                Some(root_id(facts, want.user, true).map_err(by_hand)?)
            };
            let gid = if group {
                None
            } else {
                Some(root_id(facts, want.group, false).map_err(by_hand)?)
            };
            admin.chown(&path, uid, gid)?;
            changed = true;
        }
    }
    if changed {
        Ok(())
    } else {
        Err(Error::Invalid(format!("{path} needs no change")))
    }
}

/// The id of `name` when it is root's (0): the only owner bulkhead hands files to. `root`
/// is 0 with or without an entry; another name must be listed with id 0.
fn root_id(facts: &impl Facts, name: &str, user: bool) -> Result<u32, String> {
    let (kind, id) = if user {
        ("user", facts.user_by_name(name).map(|u| u.map(|u| u.uid)))
    } else {
        ("group", facts.group_by_name(name).map(|g| g.map(|g| g.gid)))
    };
    match id {
        Ok(Some(0)) => Ok(0),
        Ok(None) if name == "root" => Ok(0),
        Ok(Some(id)) => Err(format!(
            "the {kind} {name} is id {id}, and bulkhead hands files only to root (id 0)"
        )),
        Ok(None) => Err(format!("this host has no {kind} {name}")),
        Err(e) => Err(format!(
            "cannot look up the {kind} {name}: {}",
            describe_error(&e)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::ROOT_DOCKER;
    use crate::files::fixtures::{RULE, accounts_host};
    use crate::testing::FakeHost;

    #[test]
    fn remediate_clears_excess_bits_and_hands_the_file_to_root() {
        use crate::testing::AdminCall::{Chmod, Chown};
        let fix = |host: &FakeHost, rule: &FileRule| {
            let outcome = remediate(host, host, rule, Target::file("/u"));
            (outcome, host.admin_calls())
        };
        // Mode and user wrong: both fixed, the mode first; the right group is kept.
        let host = accounts_host().file("/u", 0o666, "").owner("/u", 1000, 0);
        let (outcome, calls) = fix(&host, &RULE);
        assert_eq!(outcome, Ok(()));
        assert_eq!(
            calls,
            [Chmod("/u".into(), 0o644), Chown("/u".into(), Some(0), None)]
        );
        // Only the group wrong: only the group changes.
        let host = accounts_host().file("/u", 0o644, "").owner("/u", 0, 998);
        assert_eq!(fix(&host, &RULE).1, [Chown("/u".into(), None, Some(0))]);
        // Right already: refused, nothing called.
        let host = accounts_host().file("/u", 0o600, "").owner("/u", 0, 0);
        let (outcome, calls) = fix(&host, &RULE);
        assert!(matches!(outcome, Err(Error::Invalid(m)) if m.contains("needs no change")));
        assert!(calls.is_empty());
    }

    #[test]
    fn remediate_leaves_a_group_other_than_root_to_a_person() {
        use crate::testing::AdminCall::{Chmod, Chown};
        let rule = FileRule {
            owner: Some(ROOT_DOCKER),
            ..RULE
        };
        // The user is fixed; the group docker is kept when it is already docker.
        let host = accounts_host().file("/u", 0o644, "").owner("/u", 1000, 998);
        remediate(&host, &host, &rule, Target::file("/u")).unwrap();
        assert_eq!(host.admin_calls(), [Chown("/u".into(), Some(0), None)]);
        // A wrong group would have to become docker (998): the mode is fixed, the owner not.
        let host = accounts_host().file("/u", 0o666, "").owner("/u", 0, 1000);
        let err = remediate(&host, &host, &rule, Target::file("/u")).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(m) if m.contains("group docker is id 998")
                && m.contains("by hand: chown root:docker /u")),
            "{err:?}"
        );
        assert_eq!(host.admin_calls(), [Chmod("/u".into(), 0o644)]);
    }

    #[test]
    fn remediate_hands_files_only_to_an_id_0_root() {
        // A host whose `root` group is not id 0 gets no chown.
        let host = FakeHost::new()
            .file("/etc/passwd", 0o644, "root:x:0:0::/root:/bin/sh\n")
            .file("/etc/group", 0o644, "wheel:x:0:\nroot:x:5:\n")
            .file("/u", 0o644, "")
            .owner("/u", 0, 7);
        let err = remediate(&host, &host, &RULE, Target::file("/u")).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(m) if m.contains("group root is id 5")),
            "{err:?}"
        );
        assert!(host.admin_calls().is_empty());
        // No account entries at all: root is still id 0.
        let host = FakeHost::new()
            .file("/u", 0o644, "")
            .owner("/u", 1000, 1000);
        remediate(&host, &host, &RULE, Target::file("/u")).unwrap();
        assert_eq!(
            host.admin_calls(),
            [crate::testing::AdminCall::Chown(
                "/u".into(),
                Some(0),
                Some(0)
            )]
        );
    }
}
