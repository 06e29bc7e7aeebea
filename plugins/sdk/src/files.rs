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

use crate::facts::{Admin, Facts};
use crate::mode::{excess_bits, format_mode, mode_at_most};
use crate::{Error, FileKind, Finding, Target, describe_error};

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

/// Finding a control's files.
pub mod locate {
    use super::Located;
    use crate::daemon::{absolute_from_root, scan_daemons};
    use crate::facts::Facts;
    use crate::{Error, describe_error};

    /// Where systemd looks for unit files, most specific first: what the host searches
    /// for `machine.unit-file`, and what a unit control declares it reads.
    pub const UNIT_DIRS: [&str; 5] = [
        "/etc/systemd/system",
        "/run/systemd/system",
        "/usr/local/lib/systemd/system",
        "/usr/lib/systemd/system",
        "/lib/systemd/system",
    ];

    /// One path, if it exists.
    pub fn path(facts: &impl Facts, path: &str, what: &str) -> Located {
        match facts.lstat(path) {
            Ok(_) => Located::Paths(vec![path.to_owned()]),
            Err(Error::NotFound) => Located::Absent(format!("{what} {path} does not exist")),
            Err(err) => Located::Failed(format!("cannot stat {path}: {}", describe_error(&err))),
        }
    }

    /// The first of several candidate paths that exists.
    pub fn first_of(facts: &impl Facts, paths: &[&str], what: &str) -> Located {
        for candidate in paths {
            match facts.lstat(candidate) {
                Ok(_) => return Located::Paths(vec![(*candidate).to_owned()]),
                Err(Error::NotFound) => {}
                Err(err) => {
                    return Located::Failed(format!(
                        "cannot stat {candidate}: {}",
                        describe_error(&err)
                    ));
                }
            }
        }
        Located::Absent(format!("no {what} ({})", paths.join(", ")))
    }

    /// The unit file systemd would use for `unit` (`docker.service`), as the host finds
    /// it (`machine.unit-file`).
    pub fn systemd_unit(facts: &impl Facts, unit: &str) -> Located {
        match facts.unit_file(unit) {
            Ok(Some(path)) => Located::Paths(vec![path]),
            Ok(None) => Located::Absent(format!(
                "no {unit} unit file in {} (Docker is not managed by systemd here)",
                UNIT_DIRS.join(", ")
            )),
            Err(err) => Located::Failed(format!(
                "cannot look up the {unit} unit file: {}",
                describe_error(&err)
            )),
        }
    }

    /// Every regular file directly in the subdirectories of `dir`
    /// (`/etc/docker/certs.d/<registry>/<file>`).
    pub fn files_in_subdirs(facts: &impl Facts, dir: &str, what: &str) -> Located {
        let subdirs = match facts.read_dir(dir) {
            Ok(names) => names,
            Err(Error::NotFound) => return Located::Absent(format!("{dir} does not exist")),
            Err(err) => {
                return Located::Failed(format!("cannot list {dir}: {}", describe_error(&err)));
            }
        };
        let mut paths = Vec::new();
        for sub in subdirs {
            let sub = format!("{dir}/{sub}");
            // Plain files directly in `dir` count too.
            match facts.read_dir(&sub) {
                Ok(names) => paths.extend(names.into_iter().map(|n| format!("{sub}/{n}"))),
                Err(Error::Invalid(_)) | Err(Error::NotFound) => paths.push(sub),
                Err(err) => {
                    return Located::Failed(format!("cannot list {sub}: {}", describe_error(&err)));
                }
            }
        }
        if paths.is_empty() {
            Located::Absent(format!("no {what} under {dir}"))
        } else {
            Located::Paths(paths)
        }
    }

    /// The files a daemon option names (flag `tlscacert`, without dashes / key
    /// `"tlscacert"`), for every daemon;
    /// with `default` when the option is not set but TLS is on (`--tlsverify`/`--tls`).
    pub fn daemon_option(
        facts: &impl Facts,
        flag: &str,
        key: &str,
        tls_default: Option<&str>,
        what: &str,
    ) -> Located {
        let scan = scan_daemons(facts);
        let mut paths: Vec<String> = Vec::new();
        for daemon in &scan.daemons {
            if let Some(problem) = daemon.config_problem() {
                return Located::Failed(problem);
            }
            let tls_on = ["tlsverify", "tls"]
                .iter()
                .any(|name| daemon.bool(name, name).is_some_and(|s| s.value));
            let path = match daemon.string(flag, key) {
                Some(setting) => Some(absolute_from_root(&setting.value)),
                None if tls_on => tls_default.map(str::to_owned),
                None => None,
            };
            if let Some(path) = path
                && !paths.contains(&path)
            {
                paths.push(path);
            }
        }
        if paths.is_empty() {
            return Located::Absent(format!(
                "no {what}: the daemon does not set --{flag} and does not use TLS"
            ));
        }
        Located::Paths(paths)
    }

    /// Every daemon's configuration file (`--config-file`, default
    /// `/etc/docker/daemon.json`) that exists.
    pub fn daemon_configs(facts: &impl Facts) -> Located {
        let scan = scan_daemons(facts);
        let mut paths: Vec<String> = Vec::new();
        for daemon in &scan.daemons {
            if !paths.contains(&daemon.config_file) && facts.lstat(&daemon.config_file).is_ok() {
                paths.push(daemon.config_file.clone());
            }
        }
        if paths.is_empty() {
            let named: Vec<&str> = scan
                .daemons
                .iter()
                .map(|d| d.config_file.as_str())
                .collect();
            return Located::Absent(format!(
                "no daemon configuration file ({}): dockerd runs on flags alone",
                named.join(", ")
            ));
        }
        Located::Paths(paths)
    }

    /// The unix sockets the daemons listen on (`-H unix://...`, `"hosts"`), or
    /// `/var/run/docker.sock` when none names one.
    pub fn docker_sockets(facts: &impl Facts) -> Located {
        let scan = scan_daemons(facts);
        let mut paths: Vec<String> = Vec::new();
        for daemon in &scan.daemons {
            let mut hosts: Vec<String> = daemon
                .command_line
                .values("host")
                .into_iter()
                .map(str::to_owned)
                .collect();
            if let Some(json) = daemon.json() {
                hosts.extend(json.strings("hosts").into_iter().map(str::to_owned));
            }
            for host in hosts {
                if let Some(path) = host.strip_prefix("unix://")
                    && !path.is_empty()
                    && !paths.contains(&path.to_owned())
                {
                    paths.push(path.to_owned());
                }
            }
        }
        if paths.is_empty() {
            return first_of(
                facts,
                &["/var/run/docker.sock", "/run/docker.sock"],
                "Docker socket",
            );
        }
        let existing: Vec<String> = paths
            .iter()
            .filter(|p| facts.lstat(p).is_ok())
            .cloned()
            .collect();
        if existing.is_empty() {
            Located::Absent(format!("no Docker socket at {}", paths.join(", ")))
        } else {
            Located::Paths(existing)
        }
    }
}

/// Write a whole file control: metadata, audit and remediate from a [`FileRule`] and a
/// locator, exported as the component.
///
/// ```text
/// bulkhead_sdk::file_control! {
///     id: "docker-service-ownership",
///     cis: "3.1",
///     title: "docker.service is owned by root:root",
///     description: "...", rationale: "...", remediation: "...",
///     severity: Medium,
///     reads: ["/etc/systemd/system", "/lib/systemd/system"],
///     rule: FileRule { what: "docker.service unit file", owner: Some(ROOT_ROOT), max_mode: None },
///     locate: |facts| locate::systemd_unit(facts, "docker.service"),
/// }
/// ```
///
/// It defines `RULE`, `pub fn audit(&impl Facts)` and `pub fn remediate(...)` for unit
/// tests, and the exported `Control`.
#[macro_export]
macro_rules! file_control {
    (
        id: $id:literal,
        cis: $cis:literal,
        title: $title:literal,
        description: $description:literal,
        rationale: $rationale:literal,
        remediation: $remediation:literal,
        severity: $severity:ident,
        reads: [$($read:expr),* $(,)?],
        rule: $rule:expr,
        locate: $locate:expr $(,)?
    ) => {
        /// What this control requires of its files.
        pub const RULE: $crate::files::FileRule = $rule;

        /// Judge the host.
        pub fn audit(facts: &impl $crate::Facts) -> ::std::vec::Vec<$crate::Finding> {
            let locate: fn(&_) -> $crate::files::Located = $locate;
            $crate::files::judge(facts, &RULE, locate(facts))
        }

        /// Fix one failing target.
        pub fn remediate(
            facts: &impl $crate::Facts,
            admin: &impl $crate::Admin,
            target: $crate::Target,
        ) -> ::std::result::Result<(), $crate::Error> {
            $crate::files::remediate(facts, admin, &RULE, target)
        }

        $crate::cis_control! {
            id: $id,
            title: $title,
            description: $description,
            rationale: $rationale,
            remediation: $remediation,
            severity: $severity,
            cis: $cis,
            reads: [$($read),*],
            remediate: |target| remediate(&$crate::Host, &$crate::Host, target),
        }
    };
}

/// The three unit tests every file control needs, on [`FakeHost`](crate::testing::FakeHost)s
/// with named accounts: `setup` adds what both cases share (a daemon, say), `pass` and
/// `fail` the file that must pass and fail; with `setup` alone the file is absent and the
/// control must skip.
#[macro_export]
macro_rules! file_control_tests {
    (setup: $setup:expr, pass: $pass:expr, fail: $fail:expr $(,)?) => {
        #[cfg(test)]
        mod file_control_tests {
            use $crate::Status;
            use $crate::testing::{FakeHost, statuses};

            fn host() -> FakeHost {
                let setup: fn(FakeHost) -> FakeHost = $setup;
                setup(FakeHost::new().with_accounts())
            }

            fn check(case: fn(FakeHost) -> FakeHost, want: Status) {
                let host = case(host());
                let found = super::audit(&host);
                assert_eq!(statuses(&found), [want], "{found:?}");
            }

            #[test]
            fn passes_when_the_rule_holds() {
                check($pass, Status::Pass);
            }

            #[test]
            fn fails_when_it_does_not() {
                check($fail, Status::Fail);
            }

            #[test]
            fn skips_when_the_file_is_absent() {
                check(|h| h, Status::Skip);
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::testing::FakeHost;

    const RULE: FileRule = FileRule {
        what: "the unit file",
        owner: Some(ROOT_ROOT),
        max_mode: Some(0o644),
    };

    fn accounts_host() -> FakeHost {
        FakeHost::new()
            .file(
                "/etc/passwd",
                0o644,
                "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/h:/bin/sh\n",
            )
            .file("/etc/group", 0o644, "root:x:0:\ndocker:x:998:alice\n")
    }

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

    #[test]
    fn locates_units_registry_files_and_sockets() {
        let host = accounts_host()
            .file("/lib/systemd/system/docker.service", 0o644, "")
            .file("/etc/docker/certs.d/r:5000/ca.crt", 0o444, "")
            .file("/etc/docker/certs.d/r:5000/client.key", 0o400, "");
        assert_eq!(
            locate::systemd_unit(&host, "docker.service"),
            Located::Paths(vec!["/lib/systemd/system/docker.service".into()])
        );
        assert!(matches!(
            locate::systemd_unit(&host, "docker.socket"),
            Located::Absent(_)
        ));
        assert_eq!(
            locate::files_in_subdirs(&host, "/etc/docker/certs.d", "registry certificates"),
            Located::Paths(vec![
                "/etc/docker/certs.d/r:5000/ca.crt".into(),
                "/etc/docker/certs.d/r:5000/client.key".into()
            ])
        );
        let host = host
            .dockerd(
                7,
                "dockerd -H unix:///run/d.sock --tlsverify --tlscacert /c/ca.pem",
            )
            .file("/run/d.sock", 0o660, "");
        assert_eq!(
            locate::docker_sockets(&host),
            Located::Paths(vec!["/run/d.sock".into()])
        );
        assert_eq!(
            locate::daemon_option(
                &host,
                "tlscacert",
                "tlscacert",
                Some("/root/.docker/ca.pem"),
                "CA"
            ),
            Located::Paths(vec!["/c/ca.pem".into()])
        );
        assert_eq!(
            locate::daemon_option(
                &host,
                "tlscert",
                "tlscert",
                Some("/root/.docker/cert.pem"),
                "cert"
            ),
            Located::Paths(vec!["/root/.docker/cert.pem".into()]),
            "TLS on without the option: dockerd's default"
        );
    }
}
