//! "Auditing is configured for X" (CIS Docker Benchmark 1.1.3-1.1.18), written once.
//!
//! The rules come from the audited host's rule files, as `augenrules`/`auditctl -R` load
//! them: `/etc/audit/audit.rules` and every `*.rules` file in `/etc/audit/rules.d/`, which
//! the host reads and serves through `machine.audit-rules` (0.2.0). A path
//! is audited when a rule watches it or a directory above it: `-w PATH ...`, or a syscall
//! rule `-a ... -F path=PATH` / `-F dir=DIR`. A rule that is commented out, or deleted
//! later with `-W`, does not count. (Reading the kernel's loaded rules would need
//! `auditctl -l`, a process bulkhead does not spawn; the files are what survives a reboot.)
//!
//! The [`audit_control!`](crate::audit_control) macro writes a whole control from a
//! locator of the audited path.

use crate::facts::Facts;
use crate::files::Located;
use crate::{Finding, Target, describe_error};

/// The audit rules of the host, and which files they came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    /// Paths watched (`-w`, `-F path=`, `-F dir=`), in file order, minus deleted ones.
    pub watched: Vec<String>,
    /// The rule files read.
    pub files: Vec<String>,
}

impl Rules {
    /// The host's rules (`machine.audit-rules`: audit.rules, then rules.d/*.rules by name,
    /// parsed once per run by the host); `Err` when the host could not read them.
    pub fn load(facts: &impl Facts) -> Result<Self, String> {
        let lines = facts
            .audit_rules()
            .map_err(|err| format!("cannot read the audit rules: {}", describe_error(&err)))?;
        let mut rules = Rules::default();
        for line in lines {
            rules.parse(&line.text);
            if !rules.files.contains(&line.file) {
                rules.files.push(line.file);
            }
        }
        Ok(rules)
    }

    /// Add the rules of one file.
    pub fn parse(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let mut i = 0;
            while i < words.len() {
                match words[i] {
                    "-w" => {
                        if let Some(path) = words.get(i + 1) {
                            self.watched.push(clean(path));
                        }
                        i += 2;
                    }
                    "-W" => {
                        if let Some(path) = words.get(i + 1) {
                            let path = clean(path);
                            self.watched.retain(|w| *w != path);
                        }
                        i += 2;
                    }
                    "-F" => {
                        if let Some(field) = words.get(i + 1)
                            && let Some(path) = field
                                .strip_prefix("path=")
                                .or_else(|| field.strip_prefix("dir="))
                        {
                            self.watched.push(clean(path));
                        }
                        i += 2;
                    }
                    _ => i += 1,
                }
            }
        }
    }

    /// The rule that covers `path`: a watch on it or on a directory above it.
    pub fn covering(&self, path: &str) -> Option<&str> {
        self.watched
            .iter()
            .find(|w| {
                path == w.as_str()
                    || path
                        .strip_prefix(w.as_str())
                        .is_some_and(|rest| rest.starts_with('/') || w.ends_with('/'))
            })
            .map(String::as_str)
    }
}

/// A watched path without quotes or a trailing slash (but `/` stays `/`).
fn clean(path: &str) -> String {
    let path = path.trim_matches(|c| c == '"' || c == '\'');
    match path.trim_end_matches('/') {
        "" => "/".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}

/// Judge whether each located path is audited.
pub fn judge(facts: &impl Facts, what: &str, located: Located) -> Vec<Finding> {
    let paths = match located {
        Located::Paths(paths) => paths,
        Located::Absent(why) => return vec![Finding::skip(Target::Host, why)],
        Located::Failed(why) => return vec![Finding::error(Target::Host, why)],
    };
    let rules = match Rules::load(facts) {
        Ok(rules) => rules,
        Err(why) => return vec![Finding::error(Target::Host, why)],
    };
    let files = if rules.files.is_empty() {
        "none (no /etc/audit/audit.rules or /etc/audit/rules.d/*.rules)".to_owned()
    } else {
        rules.files.join(", ")
    };
    paths
        .into_iter()
        .map(|path| {
            let target = Target::file(path.as_str());
            let finding = match rules.covering(&path) {
                Some(rule) => Finding::pass(
                    target,
                    format!("{what} {path} is audited (watched through {rule})"),
                )
                .with_evidence("watch", rule),
                None if rules.files.is_empty() => Finding::fail(
                    target,
                    format!("{what} {path} is not audited: no audit rule files on this host"),
                ),
                None => Finding::fail(
                    target,
                    format!("{what} {path} is not audited: no rule watches it"),
                ),
            };
            finding.with_evidence("rule_files", files.clone())
        })
        .collect()
}

/// Write a whole "auditing is configured for X" control.
#[macro_export]
macro_rules! audit_control {
    (
        id: $id:literal,
        cis: $cis:literal,
        title: $title:literal,
        description: $description:literal,
        rationale: $rationale:literal,
        what: $what:literal,
        severity: $severity:ident,
        reads: [$($read:expr),* $(,)?],
        locate: $locate:expr $(,)?
    ) => {
        /// Judge the host.
        pub fn audit(facts: &impl $crate::Facts) -> ::std::vec::Vec<$crate::Finding> {
            let locate: fn(&_) -> $crate::files::Located = $locate;
            $crate::auditd::judge(facts, $what, locate(facts))
        }

        // The rules come from `machine.audit-rules`: no rule file is read directly.
        $crate::cis_control! {
            id: $id,
            title: $title,
            description: $description,
            rationale: $rationale,
            remediation: "Add a watch rule, e.g. `-w <path> -k docker` in \
                 /etc/audit/rules.d/docker.rules, then load it with `augenrules --load`.",
            severity: $severity,
            cis: $cis,
            reads: [$($read),*],
            remediate: |target| ::std::result::Result::Err($crate::Error::Invalid(::std::format!(
                "audit rules are added by hand (-w PATH -k docker in \
                 /etc/audit/rules.d/docker.rules, then augenrules --load); not for {target}"
            ))),
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::testing::FakeHost;

    #[rstest::rstest]
    #[case::watch("-w /usr/bin/dockerd -k docker", "/usr/bin/dockerd", true)]
    #[case::watch_dir_above("-w /etc/docker -p wa", "/etc/docker/daemon.json", true)]
    #[case::trailing_slash("-w /var/lib/docker/ -k docker", "/var/lib/docker", true)]
    #[case::not_a_prefix_of_names("-w /usr/bin/docker -k d", "/usr/bin/dockerd", false)]
    #[case::syscall_path(
        "-a always,exit -F path=/usr/bin/runc -F perm=x",
        "/usr/bin/runc",
        true
    )]
    #[case::syscall_dir("-a exit,always -F dir=/etc/docker -F perm=wa", "/etc/docker/x", true)]
    #[case::commented("# -w /usr/bin/dockerd -k docker", "/usr/bin/dockerd", false)]
    #[case::deleted("-w /usr/bin/dockerd\n-W /usr/bin/dockerd", "/usr/bin/dockerd", false)]
    #[case::other_path("-w /etc/passwd -p wa", "/usr/bin/dockerd", false)]
    fn rule_coverage(#[case] text: &str, #[case] path: &str, #[case] covered: bool) {
        let mut rules = Rules::default();
        rules.parse(text);
        assert_eq!(rules.covering(path).is_some(), covered, "{rules:?}");
    }

    #[test]
    fn rules_d_and_audit_rules_are_read_and_judged() {
        let located = || Located::Paths(vec!["/usr/bin/dockerd".to_owned()]);
        let none = FakeHost::new();
        let got = judge(&none, "the dockerd binary", located());
        assert_eq!(got[0].status, Status::Fail);
        assert!(
            got[0].message.contains("no audit rule files"),
            "{}",
            got[0].message
        );

        let host = FakeHost::new()
            .file(
                "/etc/audit/rules.d/docker.rules",
                0o640,
                "-w /usr/bin/dockerd -k docker\n",
            )
            .file("/etc/audit/rules.d/other.txt", 0o640, "-w /usr/bin/runc\n");
        let got = judge(&host, "the dockerd binary", located());
        assert_eq!(got[0].status, Status::Pass, "{}", got[0].message);
        assert_eq!(
            judge(&host, "runc", Located::Paths(vec!["/usr/bin/runc".into()]))[0].status,
            Status::Fail,
            "only *.rules files count"
        );
        let broken = FakeHost::new().fail(
            "/etc/audit/audit.rules",
            crate::Error::Unavailable("EIO".into()),
        );
        assert_eq!(judge(&broken, "x", located())[0].status, Status::Error);
        assert_eq!(
            judge(&host, "x", Located::Absent("no such file".into()))[0].status,
            Status::Skip
        );
    }
}
