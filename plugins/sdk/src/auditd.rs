//! "Auditing is configured for X" (CIS Docker Benchmark 1.1.3-1.1.18), written once.
//!
//! The rules come from the audited host's rule files, as `augenrules`/`auditctl -R` load
//! them: `/etc/audit/audit.rules` and every `*.rules` file in `/etc/audit/rules.d/`, which
//! the host reads and serves through `machine.audit-rules` (0.2.0), each line tagged with
//! its file. [`Rules`] applies them in that order as the kernel would hold them (appends,
//! `-A` prepends, `-d`/`-W`/`-D` deletions), and judges a path as the kernel filters an
//! event: the first matching exit rule wins, so a `never` rule on the path or a directory
//! above it that comes first excludes it, and `-a never,task` turns syscall auditing off
//! altogether; [`Rules`] says exactly what is modelled. (Reading the kernel's
//! loaded rules would need `auditctl -l`, a process bulkhead does not spawn; the files are
//! what survives a reboot.)
//!
//! A path that is not audited says why: no rule names it, a `never` rule excludes it, or
//! the rule that watched it was deleted, naming the rule and the line that did it.
//!
//! The [`audit_control!`](crate::audit_control) macro writes a whole control from a
//! locator of the audited path.

mod line;
mod rules;

pub use rules::{Coverage, Origin, Rule, Rules};

use crate::facts::Facts;
use crate::files::Located;
use crate::{Finding, Target, describe_error};

impl Rules {
    /// The host's rules (`machine.audit-rules`: audit.rules, then rules.d/*.rules by name,
    /// read once per run by the host); `Err` when the host could not read them.
    pub fn load(facts: &impl Facts) -> Result<Self, String> {
        facts
            .audit_rules()
            .map(Rules::from_lines)
            .map_err(|err| format!("cannot read the audit rules: {}", describe_error(&err)))
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
            let finding = match rules.coverage(&path) {
                Coverage::Audited(rule) => Finding::pass(
                    target,
                    format!("{what} {path} is audited (watched by {})", rule.origin()),
                )
                .with_evidence("rule", rule.origin().to_string()),
                Coverage::Excluded { by, shadowed } => {
                    let mut message =
                        format!("{what} {path} is not audited: excluded by {}", by.origin());
                    if let Some(watch) = shadowed {
                        message.push_str(&format!(
                            ", which comes before {} (the first matching rule wins)",
                            watch.origin()
                        ));
                    }
                    let finding = Finding::fail(target, message)
                        .with_evidence("excluded_by", by.origin().to_string());
                    match shadowed {
                        Some(watch) => finding.with_evidence("rule", watch.origin().to_string()),
                        None => finding,
                    }
                }
                Coverage::Disabled(by) => Finding::fail(
                    target,
                    format!(
                        "{what} {path} is not audited: {} turns syscall auditing off for \
                         every new process, watches included",
                        by.origin()
                    ),
                )
                .with_evidence("disabled_by", by.origin().to_string()),
                Coverage::Deleted { rule, by } => Finding::fail(
                    target,
                    format!(
                        "{what} {path} is not audited: {} was deleted by {}",
                        rule.origin(),
                        by
                    ),
                )
                .with_evidence("rule", rule.origin().to_string())
                .with_evidence("deleted_by", by.to_string()),
                Coverage::Unwatched if rules.files.is_empty() => Finding::fail(
                    target,
                    format!("{what} {path} is not audited: no audit rule files on this host"),
                ),
                Coverage::Unwatched => Finding::fail(
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

    #[test]
    fn a_path_not_audited_says_which_rule_took_it_out() {
        let dockerd = || Located::Paths(vec!["/usr/bin/dockerd".to_owned()]);
        let excluded = FakeHost::new()
            .file(
                "/etc/audit/rules.d/10-x.rules",
                0o640,
                "-a never,exit -F path=/usr/bin/dockerd\n",
            )
            .file(
                "/etc/audit/rules.d/50-docker.rules",
                0o640,
                "-w /usr/bin/dockerd -k docker\n",
            );
        let got = &judge(&excluded, "dockerd", dockerd())[0];
        assert_eq!(got.status, Status::Fail);
        assert!(
            got.message.contains(
                "excluded by `-a never,exit -F path=/usr/bin/dockerd` in \
                 /etc/audit/rules.d/10-x.rules:1, which comes before \
                 `-w /usr/bin/dockerd -k docker` in /etc/audit/rules.d/50-docker.rules:1"
            ),
            "{}",
            got.message
        );
        assert_eq!(
            got.evidence("excluded_by"),
            Some("`-a never,exit -F path=/usr/bin/dockerd` in /etc/audit/rules.d/10-x.rules:1")
        );

        let deleted = FakeHost::new()
            .file("/etc/audit/audit.rules", 0o640, "-w /usr/bin/dockerd\n")
            .file(
                "/etc/audit/rules.d/audit.rules",
                0o640,
                "# reset\n-D\n-b 8192\n",
            );
        let got = &judge(&deleted, "dockerd", dockerd())[0];
        assert_eq!(got.status, Status::Fail);
        assert!(
            got.message.ends_with(
                "`-w /usr/bin/dockerd` in /etc/audit/audit.rules:1 was deleted by `-D` in \
                 /etc/audit/rules.d/audit.rules:2"
            ),
            "{}",
            got.message
        );
        assert_eq!(
            got.evidence("deleted_by"),
            Some("`-D` in /etc/audit/rules.d/audit.rules:2")
        );

        let disabled = FakeHost::new().file(
            "/etc/audit/rules.d/10-no-audit.rules",
            0o640,
            "-D\n-a task,never\n-w /usr/bin/dockerd\n",
        );
        let got = &judge(&disabled, "dockerd", dockerd())[0];
        assert_eq!(got.status, Status::Fail);
        assert!(
            got.message
                .contains("`-a task,never` in /etc/audit/rules.d/10-no-audit.rules:2"),
            "{}",
            got.message
        );

        let watched = FakeHost::new().file(
            "/etc/audit/rules.d/50-docker.rules",
            0o640,
            "-w /usr/bin -p x -k docker\n",
        );
        let got = &judge(&watched, "dockerd", dockerd())[0];
        assert_eq!(got.status, Status::Pass, "{}", got.message);
        assert_eq!(
            got.evidence("rule"),
            Some("`-w /usr/bin -p x -k docker` in /etc/audit/rules.d/50-docker.rules:1")
        );
    }
}
