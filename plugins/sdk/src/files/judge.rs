//! Judging located files against a rule: one finding per file, with the owner and mode
//! as evidence.

use super::{FileOwner, FileRule, Located};
use crate::facts::Facts;
use crate::mode::{format_mode, mode_at_most};
use crate::{Error, FileKind, Finding, Target, describe_error};

/// Judge the located files against `rule`.
pub fn judge(facts: &impl Facts, rule: &FileRule, located: Located) -> Vec<Finding> {
    let paths = match located {
        Located::Paths(paths) => paths,
        Located::Absent(why) => return vec![Finding::skip(Target::Host, why)],
        Located::Failed(why) => return vec![Finding::error(Target::Host, why)],
    };
    paths
        .iter()
        .map(|path| judge_one(facts, rule, path))
        .collect()
}

fn judge_one(facts: &impl Facts, rule: &FileRule, path: &str) -> Finding {
    let target = Target::file(path);
    let info = match facts.stat(path) {
        Ok(info) => info,
        Err(Error::NotFound) => {
            return Finding::skip(target, format!("{} {path} does not exist", rule.what));
        }
        Err(err) => {
            return Finding::error(
                target,
                format!("cannot stat {path}: {}", describe_error(&err)),
            );
        }
    };
    let owner = FileOwner::of(facts, info.uid, info.gid);
    let mut problems = Vec::new();
    if let Some(want) = rule.owner
        && !owner.is(want)
    {
        problems.push(format!(
            "is owned by {owner} (uid {}, gid {}), not {}:{}",
            info.uid, info.gid, want.user, want.group
        ));
    }
    if let Some(max) = rule.max_mode
        && !mode_at_most(info.mode, max)
    {
        problems.push(format!(
            "is mode {}, more than {}",
            format_mode(info.mode),
            format_mode(max)
        ));
    }
    let finding = if problems.is_empty() {
        let mut held = Vec::new();
        if let Some(want) = rule.owner {
            held.push(format!("owned by {}:{}", want.user, want.group));
        }
        if rule.max_mode.is_some() {
            held.push(format!("mode {}", format_mode(info.mode)));
        }
        Finding::pass(
            target,
            format!("{} {path} is {}", rule.what, held.join(", ")),
        )
    } else {
        Finding::fail(
            target,
            format!("{} {path} {}", rule.what, problems.join(" and ")),
        )
    };
    let kind = match info.kind {
        FileKind::File => "file",
        FileKind::Directory => "directory",
        FileKind::Symlink => "symlink",
        FileKind::Other => "other",
    };
    let mut finding = finding
        .with_evidence("owner", owner.to_string())
        .with_evidence("mode", format_mode(info.mode))
        .with_evidence("kind", kind);
    if let Some(want) = rule.owner {
        finding = finding.with_evidence("expected_owner", format!("{}:{}", want.user, want.group));
    }
    if let Some(max) = rule.max_mode {
        finding = finding.with_evidence("expected_mode", format!("at most {}", format_mode(max)));
    }
    finding
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::files::ROOT_DOCKER;
    use crate::files::fixtures::{RULE, accounts_host};
    use crate::testing::FakeHost;

    fn one(host: &FakeHost, path: &str, rule: &FileRule) -> Finding {
        let mut all = judge(host, rule, Located::Paths(vec![path.to_owned()]));
        assert_eq!(all.len(), 1);
        all.remove(0)
    }

    #[rstest::rstest]
    #[case::exact(0o644, 0, 0, Status::Pass)]
    #[case::tighter(0o600, 0, 0, Status::Pass)]
    #[case::group_writable(0o664, 0, 0, Status::Fail)]
    // Octal, not decimal: 407 < 644 as numbers, but 0407 lets others write and execute.
    #[case::octal_not_decimal(0o407, 0, 0, Status::Fail)]
    #[case::setuid(0o4644, 0, 0, Status::Fail)]
    #[case::wrong_user(0o644, 1000, 0, Status::Fail)]
    #[case::wrong_group(0o644, 0, 998, Status::Fail)]
    fn owner_and_mode(#[case] mode: u32, #[case] uid: u32, #[case] gid: u32, #[case] want: Status) {
        let host = accounts_host().file("/u", mode, "").owner("/u", uid, gid);
        let got = one(&host, "/u", &RULE);
        assert_eq!(got.status, want, "{}", got.message);
    }

    #[test]
    fn names_owners_from_the_audited_host() {
        let host = accounts_host().file("/s", 0o660, "").owner("/s", 0, 998);
        let rule = FileRule {
            what: "the socket",
            owner: Some(ROOT_DOCKER),
            max_mode: Some(0o660),
        };
        let got = one(&host, "/s", &rule);
        assert_eq!(got.status, Status::Pass, "{}", got.message);
        assert_eq!(got.evidence("owner"), Some("root:docker"));
        let got = one(&host.owner("/s", 0, 0), "/s", &rule);
        assert_eq!(got.status, Status::Fail);
        assert!(
            got.message.contains("owned by root:root"),
            "{}",
            got.message
        );
    }

    #[test]
    fn absent_files_skip_and_unreadable_ones_error() {
        let host = accounts_host();
        assert_eq!(
            judge(&host, &RULE, Located::Absent("none here".into()))[0].status,
            Status::Skip
        );
        assert_eq!(one(&host, "/missing", &RULE).status, Status::Skip);
        let host = host.fail("/locked", Error::Unavailable("I/O".into()));
        assert_eq!(one(&host, "/locked", &RULE).status, Status::Error);
    }
}
