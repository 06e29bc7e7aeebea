//! The audit rules as the kernel holds them once loaded, and what they say about one path.
//!
//! See [`Rules`] for what is modelled, with its sources.

use super::line::command;
use crate::AuditRule;
use std::fmt;

/// Where a rule was loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The rule file.
    pub file: String,
    /// The line in it, from 1.
    pub line: u32,
    /// The line as written.
    pub text: String,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` in {}:{}", self.text, self.file, self.line)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum List {
    Task,
    Exit,
    /// `user`, `exclude`, `filesystem`, `io_uring`: loaded, but they name no path.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Action {
    Always,
    Never,
}

/// The path a rule is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Scope {
    /// `-w PATH`: the path, and its subtree when it is a directory.
    Watch(String),
    /// `-F path=PATH`: that one file.
    Path(String),
    /// `-F dir=DIR`: the directory and its subtree.
    Dir(String),
}

impl Scope {
    fn names(&self, path: &str) -> bool {
        match self {
            Scope::Path(file) => path == file,
            Scope::Watch(top) | Scope::Dir(top) => {
                path == top
                    || path
                        .strip_prefix(top.as_str())
                        .is_some_and(|rest| rest.starts_with('/') || top == "/")
            }
        }
    }
}

/// One rule as loaded into the kernel.
#[derive(Debug, Clone)]
pub struct Rule {
    pub(super) list: List,
    pub(super) action: Action,
    /// Syscall names, sorted; `["all"]` on the exit list when none is given.
    pub(super) syscalls: Vec<String>,
    /// Every `-F`/`-C` field but the path and the keys, as `name op value`, sorted.
    pub(super) fields: Vec<String>,
    pub(super) keys: Vec<String>,
    pub(super) watch: Option<Scope>,
    pub(super) origin: Origin,
}

impl Rule {
    /// Where the rule was loaded from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The kernel's notion of the same rule (what `-d`, `-W` and "Rule exists" compare).
    fn same(&self, other: &Rule) -> bool {
        self.list == other.list
            && self.action == other.action
            && self.syscalls == other.syscalls
            && self.fields == other.fields
            && self.keys == other.keys
            && self.watch == other.watch
    }

    fn names(&self, path: &str) -> bool {
        self.watch.as_ref().is_some_and(|w| w.names(path))
    }

    /// Matches every event on its list: no path, no field, every syscall.
    fn unconditional(&self) -> bool {
        self.watch.is_none()
            && self.fields.is_empty()
            && (self.syscalls.is_empty() || self.syscalls == ["all"])
    }
}

/// One line of a rule file, as auditctl acts on it.
#[derive(Debug)]
pub(super) enum Command {
    Add { rule: Rule, front: bool },
    Delete(Rule),
    DeleteAll { key: Option<String> },
}

/// What the loaded rules say about one path.
#[derive(Debug, Clone, Copy)]
pub enum Coverage<'a> {
    /// The first exit rule matching the path is this `always` rule.
    Audited(&'a Rule),
    /// The first exit rule matching the path is this `never` rule; `shadowed` is the
    /// `always` rule after it that would otherwise audit the path.
    Excluded {
        /// The `never` rule.
        by: &'a Rule,
        /// The first `always` rule naming the path, which never sees the event.
        shadowed: Option<&'a Rule>,
    },
    /// A `never` task rule with no field: no new process is audited.
    Disabled(&'a Rule),
    /// No loaded rule names the path; `rule` did until `by` (`-D`, `-W` or `-d`) deleted it.
    Deleted {
        /// The last deleted rule that named the path.
        rule: &'a Rule,
        /// The line that deleted it.
        by: &'a Origin,
    },
    /// No rule names the path, and none ever did.
    Unwatched,
}

/// The audit rules of the host as the kernel holds them, and which files they came from.
///
/// Each line is applied in load order, as `auditctl -R` sends it (auditctl(8), audit.rules(7)
/// of linux-audit/audit-userspace):
/// - `-a LIST,ACTION` appends a rule to its list and `-A` puts it at the front; list and
///   action may be written either way round (`always,exit` or `exit,always`). Lists are
///   `task`, `exit`, `user`, `exclude`, `filesystem`, `io_uring`; `possible` and the old
///   `entry` list are refused by auditctl, so such a line loads nothing.
/// - `-w PATH [-p PERMS] [-k KEY]` is an `always,exit` rule on the path for all syscalls,
///   with permissions `rwxa` unless `-p` says otherwise; on a directory it watches the whole
///   subtree. `-w /` is refused.
/// - `-d LIST,ACTION ...` and `-W PATH ...` delete the one loaded rule that matches exactly
///   (list, action, syscalls, fields, permissions and keys); anything else deletes nothing.
/// - `-D` deletes every rule loaded so far; `-D -k KEY` only those carrying that key.
/// - A rule identical to one already loaded is refused ("Rule exists"), not added twice.
/// - Other lines (`-b`, `-f`, `-e 2`, `--backlog_wait_time` ...) change no rule.
///
/// Across files ([`Rules::from_lines`]): audit.rules, then rules.d, except that the last
/// bare `-D` of rules.d comes first, as `augenrules` writes it at the top of the audit.rules
/// it builds from them; a `-D` in rules.d thus clears what audit.rules alone held, never a
/// rule of rules.d.
///
/// A path is then judged as the kernel filters a syscall: the task list decides first, when a
/// process is created, whether it is audited at all; then the exit list is walked in order and
/// the first matching rule decides. Only `-w`, `-F path=` (that file exactly) and `-F dir=`
/// (the directory and everything under it) on the exit list name a path.
/// - An `always` exit rule naming the path (or a directory above it) audits it.
/// - A `never` exit rule naming the path or a directory above it, before that, excludes it,
///   whatever else the rule restricts (a `never` after the watch changes nothing). A `never`
///   exit rule naming no path excludes it only when it has no field and covers all syscalls
///   (it then matches every event); one narrowed by a field or syscall list drops some
///   processes' or calls' events, not the path's, and is not counted against it.
/// - A `task` rule with no field matches every new process: when the first such rule is
///   `never`, no new process gets audit context, so no watch fires at all (auditctl(8),
///   "DISABLED BY DEFAULT"). A conditional `always` task rule before it keeps auditing for
///   some processes only, and does not change the verdict; a conditional `never` task rule
///   takes some processes out of auditing and is not counted.
///
/// Not modelled: the `exclude` and `filesystem` lists (record types and file system types,
/// not paths), whether a `-w` target is a file or a directory (a `-w` and its `-a` spelling
/// are different rules here), and auditctl stopping at the first line that fails to load.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    task: Vec<Rule>,
    exit: Vec<Rule>,
    /// Rules deleted after loading, each with the line that deleted it, oldest first.
    deleted: Vec<(Rule, Origin)>,
    /// The rule files read, in load order.
    pub files: Vec<String>,
}

impl Rules {
    /// The rules of the host's files, in the order the host serves them (audit.rules, then
    /// rules.d). Like `augenrules`, which builds audit.rules from rules.d, the last bare
    /// `-D` of rules.d takes effect before any rules.d rule, wherever it was written
    /// (`-D -k KEY` stays in place).
    pub fn from_lines(lines: impl IntoIterator<Item = AuditRule>) -> Self {
        let lines: Vec<AuditRule> = lines.into_iter().collect();
        let hoisted = lines
            .iter()
            .rposition(|l| in_rules_d(&l.file) && l.text.trim() == "-D");
        let mut rules = Rules::default();
        let mut in_rules_d_yet = false;
        for line in &lines {
            if !rules.files.contains(&line.file) {
                rules.files.push(line.file.clone());
            }
            if in_rules_d(&line.file) {
                if !in_rules_d_yet && let Some(h) = hoisted {
                    rules.apply(&lines[h].file, lines[h].line, &lines[h].text);
                }
                in_rules_d_yet = true;
                if line.text.trim() == "-D" {
                    continue;
                }
            }
            rules.apply(&line.file, line.line, &line.text);
        }
        rules
    }

    /// Load one line; comments, blank lines and lines that load no rule change nothing.
    fn apply(&mut self, file: &str, line: u32, text: &str) {
        let text = text.trim();
        if text.is_empty() || text.starts_with('#') {
            return;
        }
        let origin = Origin {
            file: file.to_owned(),
            line,
            text: text.to_owned(),
        };
        let Some(command) = command(origin.clone()) else {
            return;
        };
        match command {
            Command::Add { rule, front } => {
                let Some(list) = self.list_mut(rule.list) else {
                    return;
                };
                if list.iter().any(|r| r.same(&rule)) {
                    return;
                }
                if front {
                    list.insert(0, rule);
                } else {
                    list.push(rule);
                }
            }
            Command::Delete(rule) => {
                let Some(list) = self.list_mut(rule.list) else {
                    return;
                };
                if let Some(at) = list.iter().position(|r| r.same(&rule)) {
                    let gone = list.remove(at);
                    self.deleted.push((gone, origin));
                }
            }
            Command::DeleteAll { key } => {
                let hit = |r: &Rule| key.as_ref().is_none_or(|k| r.keys.contains(k));
                for list in [&mut self.task, &mut self.exit] {
                    let (gone, kept): (Vec<Rule>, Vec<Rule>) =
                        std::mem::take(list).into_iter().partition(hit);
                    *list = kept;
                    self.deleted
                        .extend(gone.into_iter().map(|r| (r, origin.clone())));
                }
            }
        }
    }

    fn list_mut(&mut self, list: List) -> Option<&mut Vec<Rule>> {
        match list {
            List::Task => Some(&mut self.task),
            List::Exit => Some(&mut self.exit),
            List::Other => None,
        }
    }

    /// What the loaded rules make of an event on `path`.
    pub fn coverage(&self, path: &str) -> Coverage<'_> {
        if let Some(first) = self.task.iter().find(|r| r.unconditional())
            && first.action == Action::Never
        {
            return Coverage::Disabled(first);
        }
        let first = self
            .exit
            .iter()
            .find(|r| r.names(path) || (r.action == Action::Never && r.unconditional()));
        match first {
            Some(rule) if rule.action == Action::Always => Coverage::Audited(rule),
            Some(never) => Coverage::Excluded {
                by: never,
                shadowed: self
                    .exit
                    .iter()
                    .find(|r| r.action == Action::Always && r.names(path)),
            },
            None => self
                .deleted
                .iter()
                .rev()
                .find(|(r, _)| r.list == List::Exit && r.action == Action::Always && r.names(path))
                .map_or(Coverage::Unwatched, |(rule, by)| Coverage::Deleted {
                    rule,
                    by,
                }),
        }
    }

    /// The rule that audits `path`, if one does.
    pub fn covering(&self, path: &str) -> Option<&Rule> {
        match self.coverage(path) {
            Coverage::Audited(rule) => Some(rule),
            _ => None,
        }
    }
}

fn in_rules_d(file: &str) -> bool {
    file.starts_with("/etc/audit/rules.d/")
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUDIT_RULES: &str = "/etc/audit/audit.rules";
    const DOCKER: &str = "/etc/audit/rules.d/50-docker.rules";

    /// The rules of `files` (file, text), in the order given.
    fn load(files: &[(&str, &str)]) -> Rules {
        Rules::from_lines(files.iter().flat_map(|(file, text)| {
            text.lines().enumerate().map(|(i, line)| AuditRule {
                file: (*file).to_owned(),
                line: i as u32 + 1,
                text: line.to_owned(),
            })
        }))
    }

    #[rstest::rstest]
    #[case::watch("-w /usr/bin/dockerd -k docker", "/usr/bin/dockerd", true)]
    #[case::watch_dir_above("-w /etc/docker -p wa", "/etc/docker/daemon.json", true)]
    #[case::trailing_slash("-w /var/lib/docker/ -k docker", "/var/lib/docker", true)]
    #[case::quoted("-w \"/usr/bin/runc\" -k docker", "/usr/bin/runc", true)]
    #[case::not_a_prefix_of_names("-w /usr/bin/docker -k d", "/usr/bin/dockerd", false)]
    #[case::syscall_path(
        "-a always,exit -F path=/usr/bin/runc -F perm=x",
        "/usr/bin/runc",
        true
    )]
    #[case::syscall_path_is_one_file(
        "-a always,exit -F path=/etc/docker -F perm=wa",
        "/etc/docker/daemon.json",
        false
    )]
    #[case::syscall_dir("-a exit,always -F dir=/etc/docker -F perm=wa", "/etc/docker/x", true)]
    #[case::commented("# -w /usr/bin/dockerd -k docker", "/usr/bin/dockerd", false)]
    #[case::blank_lines("\n   \n-w /usr/bin/dockerd\n\n", "/usr/bin/dockerd", true)]
    #[case::other_path("-w /etc/passwd -p wa", "/usr/bin/dockerd", false)]
    #[case::root_watch_refused("-w / -p wa", "/usr/bin/dockerd", false)]
    #[case::path_on_task_list("-a always,task -F path=/usr/bin/dockerd", "/usr/bin/dockerd", false)]
    #[case::entry_list_refused(
        "-a entry,always -F path=/usr/bin/dockerd",
        "/usr/bin/dockerd",
        false
    )]
    #[case::possible_refused(
        "-a possible,exit -F path=/usr/bin/dockerd",
        "/usr/bin/dockerd",
        false
    )]
    #[case::immutable_irrelevant("-w /usr/bin/dockerd\n-e 2", "/usr/bin/dockerd", true)]
    #[case::exclusion_before_watch(
        "-a never,exit -F path=/usr/bin/dockerd\n-w /usr/bin/dockerd -k docker",
        "/usr/bin/dockerd",
        false
    )]
    #[case::exclusion_after_watch(
        "-w /usr/bin/dockerd -k docker\n-a never,exit -F path=/usr/bin/dockerd",
        "/usr/bin/dockerd",
        true
    )]
    #[case::exit_never_spelling(
        "-a exit,never -F path=/usr/bin/dockerd\n-w /usr/bin/dockerd",
        "/usr/bin/dockerd",
        false
    )]
    #[case::exclusion_of_another_file(
        "-a never,exit -F path=/usr/bin/docker\n-w /usr/bin/dockerd",
        "/usr/bin/dockerd",
        true
    )]
    #[case::never_on_parent_dir(
        "-a never,exit -F dir=/etc/docker\n-w /etc/docker/daemon.json -p wa",
        "/etc/docker/daemon.json",
        false
    )]
    #[case::never_on_child_dir(
        "-a never,exit -F dir=/etc/docker/certs.d\n-w /etc/docker -p wa",
        "/etc/docker/daemon.json",
        true
    )]
    #[case::never_everything(
        "-a never,exit -S all\n-w /usr/bin/dockerd",
        "/usr/bin/dockerd",
        false
    )]
    #[case::never_for_some_processes(
        "-a never,exit -F auid=unset\n-w /usr/bin/dockerd",
        "/usr/bin/dockerd",
        true
    )]
    #[case::prepended_never(
        "-a always,exit -F path=/usr/bin/dockerd -F perm=x\n-A never,exit -F path=/usr/bin/dockerd",
        "/usr/bin/dockerd",
        false
    )]
    #[case::prepended_always(
        "-a never,exit -F path=/usr/bin/dockerd\n-A exit,always -F path=/usr/bin/dockerd",
        "/usr/bin/dockerd",
        true
    )]
    #[case::deleted_rule(
        "-a always,exit -F path=/usr/bin/runc -F perm=x -k d\n-d exit,always -F perm=x -F path=/usr/bin/runc -F key=d",
        "/usr/bin/runc",
        false
    )]
    #[case::delete_must_match_exactly(
        "-a always,exit -F path=/usr/bin/runc -F perm=x\n-d always,exit -F path=/usr/bin/runc -F perm=wa",
        "/usr/bin/runc",
        true
    )]
    #[case::deleted_exclusion(
        "-a never,exit -F path=/usr/bin/runc\n-w /usr/bin/runc\n-d never,exit -F path=/usr/bin/runc",
        "/usr/bin/runc",
        true
    )]
    #[case::unwatched("-w /usr/bin/dockerd\n-W /usr/bin/dockerd", "/usr/bin/dockerd", false)]
    #[case::unwatched_with_same_options(
        "-w /usr/bin/dockerd -p wa -k docker\n-W /usr/bin/dockerd -k docker -p aw",
        "/usr/bin/dockerd",
        false
    )]
    #[case::unwatch_must_match_exactly(
        "-w /usr/bin/dockerd -p wa -k docker\n-W /usr/bin/dockerd",
        "/usr/bin/dockerd",
        true
    )]
    #[case::delete_all_then_watch(
        "-w /usr/bin/runc\n-D\n-w /usr/bin/dockerd",
        "/usr/bin/dockerd",
        true
    )]
    #[case::delete_all_in_the_same_file("-w /usr/bin/dockerd\n-D", "/usr/bin/dockerd", false)]
    #[case::delete_by_key(
        "-w /usr/bin/dockerd -k docker\n-D -k docker",
        "/usr/bin/dockerd",
        false
    )]
    #[case::delete_other_key(
        "-w /usr/bin/dockerd -k docker\n-D -k other",
        "/usr/bin/dockerd",
        true
    )]
    #[case::task_never("-a task,never\n-w /usr/bin/dockerd", "/usr/bin/dockerd", false)]
    #[case::task_never_after_watch("-w /usr/bin/dockerd\n-a never,task", "/usr/bin/dockerd", false)]
    #[case::task_never_for_some(
        "-a never,task -F uid=0\n-w /usr/bin/dockerd",
        "/usr/bin/dockerd",
        true
    )]
    #[case::task_always_first(
        "-a always,task\n-a never,task\n-w /usr/bin/dockerd",
        "/usr/bin/dockerd",
        true
    )]
    fn rule_coverage(#[case] text: &str, #[case] path: &str, #[case] covered: bool) {
        let rules = load(&[(AUDIT_RULES, text)]);
        assert_eq!(rules.covering(path).is_some(), covered, "{rules:#?}");
    }

    #[rstest::rstest]
    #[case::delete_all_in_a_later_file(
        &[(AUDIT_RULES, "-w /usr/bin/dockerd"), (DOCKER, "-D")],
        false
    )]
    #[case::delete_all_then_a_watch(
        &[(AUDIT_RULES, "-w /usr/bin/dockerd -k old"), (DOCKER, "-D\n-w /usr/bin/dockerd -k docker")],
        true
    )]
    // augenrules writes the last bare -D of rules.d first: it never clears rules.d itself.
    #[case::delete_all_in_a_later_rules_d_file(
        &[(DOCKER, "-w /usr/bin/dockerd"), ("/etc/audit/rules.d/audit.rules", "-D\n-b 8192")],
        true
    )]
    #[case::delete_by_key_in_a_later_rules_d_file(
        &[(DOCKER, "-w /usr/bin/dockerd -k docker"), ("/etc/audit/rules.d/99-z.rules", "-D -k docker")],
        false
    )]
    #[case::exclusion_in_an_earlier_file(
        &[("/etc/audit/rules.d/10-x.rules", "-a never,exit -F path=/usr/bin/dockerd"), (DOCKER, "-w /usr/bin/dockerd")],
        false
    )]
    #[case::exclusion_in_a_later_file(
        &[("/etc/audit/rules.d/10-x.rules", "-w /usr/bin/dockerd"), (DOCKER, "-a never,exit -F path=/usr/bin/dockerd")],
        true
    )]
    #[case::prepended_never_in_a_later_file(
        &[(AUDIT_RULES, "-w /usr/bin/dockerd"), (DOCKER, "-A never,exit -F dir=/usr/bin")],
        false
    )]
    // audit.rules built by augenrules repeats rules.d: the copy is refused, so one -W is enough.
    #[case::same_watch_twice_then_unwatched(
        &[(AUDIT_RULES, "-w /usr/bin/dockerd"), (DOCKER, "-w /usr/bin/dockerd\n-W /usr/bin/dockerd")],
        false
    )]
    fn rule_coverage_across_files(#[case] files: &[(&str, &str)], #[case] covered: bool) {
        let rules = load(files);
        assert_eq!(
            rules.covering("/usr/bin/dockerd").is_some(),
            covered,
            "{rules:#?}"
        );
    }

    #[test]
    fn coverage_names_the_rule_that_decides() {
        let rules = load(&[
            (AUDIT_RULES, "-w /usr/bin/runc -k docker"),
            (
                "/etc/audit/rules.d/10-x.rules",
                "-a never,exit -F path=/usr/bin/dockerd",
            ),
            (DOCKER, "-w /usr/bin/dockerd -k docker\n-D -k docker"),
        ]);
        match rules.coverage("/usr/bin/dockerd") {
            Coverage::Excluded { by, shadowed: None } => assert_eq!(
                by.origin().to_string(),
                "`-a never,exit -F path=/usr/bin/dockerd` in /etc/audit/rules.d/10-x.rules:1"
            ),
            other => panic!("{other:?}"),
        }
        match rules.coverage("/usr/bin/runc") {
            Coverage::Deleted { rule, by } => {
                assert_eq!(
                    (rule.origin().file.as_str(), rule.origin().line),
                    (AUDIT_RULES, 1)
                );
                assert_eq!(
                    (by.file.as_str(), by.line, by.text.as_str()),
                    (DOCKER, 2, "-D -k docker")
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(rules.coverage("/etc/docker"), Coverage::Unwatched));
        assert_eq!(
            rules.files,
            [AUDIT_RULES, "/etc/audit/rules.d/10-x.rules", DOCKER]
        );
    }
}
