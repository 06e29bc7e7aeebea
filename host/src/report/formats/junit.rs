//! The report as JUnit XML, the format CI systems (Jenkins, GitLab, Azure DevOps, ...)
//! show as test results; it validates against the Jenkins `junit-10.xsd`.
//!
//! One `<testsuite>` per control (its title, version, severity, source and references
//! as `<property>`s) and one `<testcase>` per target it judged, `classname` = control
//! id, `name` = target. `pass` and `info` pass; `fail` is a `<failure>` (type = the
//! control's severity) whose text holds the evidence and the remediation; `error` is an
//! `<error>`; `skip`, `warn` (needs a person's review) and actively waived results are
//! `<skipped>` with a message saying which and why. Each case's message is also in its
//! `<system-out>`.

use std::io::{self, Write};

use crate::report::status::Verdict;
use crate::report::{ControlEntry, Report, ResultEntry};

use super::RenderOptions;
use super::xml::{attr, text};

/// Write `report` as one JUnit XML document.
pub fn write(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut ids: Vec<&str> = report.controls.iter().map(|c| c.id.as_str()).collect();
    for r in &report.results {
        if !ids.contains(&&*r.control) {
            ids.push(&r.control);
        }
    }
    let cases: Vec<Case<'_>> = report.results.iter().map(Case::of).collect();
    let count = |f: fn(&Outcome) -> bool, of: &mut dyn Iterator<Item = &Case<'_>>| {
        of.filter(|c| f(&c.outcome)).count()
    };
    let total_ms: u64 = report.controls.iter().map(|c| c.duration_ms).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="bulkhead" tests="{}" failures="{}" errors="{}" time="{}">"#,
        cases.len(),
        count(Outcome::is_failure, &mut cases.iter()),
        count(Outcome::is_error, &mut cases.iter()),
        seconds(total_ms)
    )?;
    let timestamp = super::rfc3339(opts.now);
    // JUnit's timestamp has no zone designator and no fraction.
    let timestamp = timestamp.get(..19).unwrap_or(&timestamp);
    for id in ids {
        let control = report.controls.iter().find(|c| c.id == id);
        let mine: Vec<&Case<'_>> = cases.iter().filter(|c| *c.result.control == *id).collect();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}" time="{}" timestamp="{}" hostname="{}">"#,
            attr(id),
            mine.len(),
            count(Outcome::is_failure, &mut mine.iter().copied()),
            count(Outcome::is_error, &mut mine.iter().copied()),
            count(Outcome::is_skipped, &mut mine.iter().copied()),
            seconds(control.map_or(0, |c| c.duration_ms)),
            attr(timestamp),
            attr(&opts.hostname),
        )?;
        write_properties(report, control, out)?;
        for case in mine {
            write_case(case, control, out)?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

fn write_properties(
    report: &Report,
    control: Option<&ControlEntry>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut props: Vec<(&str, String)> = vec![
        ("root", report.root.clone()),
        ("docker_host", report.docker_host.clone()),
        ("bulkhead_version", report.bulkhead_version.to_owned()),
    ];
    if let Some(c) = control {
        props.push(("title", c.title.clone()));
        props.push(("version", c.version.clone()));
        props.push(("severity", c.severity.to_owned()));
        props.push(("source", c.source.to_string()));
        props.extend(c.references.iter().map(|r| ("reference", r.clone())));
        if let Some(e) = &c.error {
            props.push(("error", e.clone()));
        }
    }
    writeln!(out, "    <properties>")?;
    for (name, value) in props {
        writeln!(
            out,
            r#"      <property name="{}" value="{}"/>"#,
            attr(name),
            attr(&value)
        )?;
    }
    writeln!(out, "    </properties>")
}

fn write_case(
    case: &Case<'_>,
    control: Option<&ControlEntry>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let r = case.result;
    writeln!(
        out,
        r#"    <testcase classname="{}" name="{}">"#,
        attr(&r.control),
        attr(&r.target)
    )?;
    match &case.outcome {
        Outcome::Passed => {}
        Outcome::Failure => {
            let mut body = r.message.clone();
            for (k, v) in &r.evidence {
                body.push_str(&format!("\n{k}: {v}"));
            }
            if let Some(fix) = control.map(|c| &c.remediation).filter(|f| !f.is_empty()) {
                body.push_str(&format!("\nremediation: {fix}"));
            }
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                attr(control.map_or("fail", |c| c.severity)),
                attr(&r.message),
                text(&body)
            )?;
        }
        Outcome::Error => writeln!(
            out,
            r#"      <error type="error" message="{}">{}</error>"#,
            attr(&r.message),
            text(&r.message)
        )?,
        Outcome::Skipped(message) => writeln!(
            out,
            r#"      <skipped type="{}" message="{}"/>"#,
            attr(r.status.as_str()),
            attr(message)
        )?,
    }
    let mut log = format!("{}: {}", r.status, r.message);
    if let Some(w) = &r.waiver {
        let state = if w.active {
            "waived until"
        } else {
            "waiver expired on"
        };
        log.push_str(&format!("\n{state} {}: {}", w.expires, w.justification));
    }
    writeln!(out, "      <system-out>{}</system-out>", text(&log))?;
    writeln!(out, "    </testcase>")
}

/// Milliseconds as JUnit seconds (`1.234`).
fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// What one result becomes.
enum Outcome {
    Passed,
    Failure,
    Error,
    /// With the message saying why.
    Skipped(String),
}

impl Outcome {
    fn is_failure(&self) -> bool {
        matches!(self, Outcome::Failure)
    }
    fn is_error(&self) -> bool {
        matches!(self, Outcome::Error)
    }
    fn is_skipped(&self) -> bool {
        matches!(self, Outcome::Skipped(_))
    }
}

struct Case<'a> {
    result: &'a ResultEntry,
    outcome: Outcome,
}

impl<'a> Case<'a> {
    fn of(r: &'a ResultEntry) -> Self {
        let outcome = match (r.status, r.waiver.as_ref().filter(|w| w.active)) {
            (Verdict::Fail | Verdict::Warn, Some(w)) => Outcome::Skipped(format!(
                "waived until {}: {} ({})",
                w.expires, w.justification, r.message
            )),
            (Verdict::Pass | Verdict::Info, _) => Outcome::Passed,
            (Verdict::Fail, None) => Outcome::Failure,
            (Verdict::Warn, None) => {
                Outcome::Skipped(format!("warn (needs review): {}", r.message))
            }
            (Verdict::Skip, _) => Outcome::Skipped(r.message.clone()),
            (Verdict::Error, _) => Outcome::Error,
        };
        Case { result: r, outcome }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::formats::test_support::{options, sample};

    fn xml() -> String {
        let mut out = Vec::new();
        write(&sample(), &options(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn statuses_map_to_junit_outcomes() {
        let cases: Vec<(&str, Outcome)> = sample()
            .results
            .iter()
            .map(|r| (r.status.as_str(), Case::of(r).outcome))
            .collect();
        let kinds: Vec<(&str, &str)> = cases
            .iter()
            .map(|(s, o)| {
                (
                    *s,
                    match o {
                        Outcome::Passed => "passed",
                        Outcome::Failure => "failure",
                        Outcome::Error => "error",
                        Outcome::Skipped(_) => "skipped",
                    },
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("fail", "failure"),
                ("fail", "skipped"), // actively waived
                ("warn", "skipped"), // expired waiver: an ordinary warn
                ("pass", "passed"),
                ("skip", "skipped"),
                ("error", "error"),
            ]
        );
        let Outcome::Skipped(why) = &cases[1].1 else {
            unreachable!("checked above")
        };
        assert!(
            why.contains("waived until 2999-12-31: lab machine"),
            "{why}"
        );
    }

    #[test]
    fn counts_and_escaping() {
        let x = xml();
        assert!(
            x.contains(r#"<testsuites name="bulkhead" tests="6" failures="1" errors="1""#),
            "{x}"
        );
        assert!(x.contains(r#"classname="container-net-raw-dropped" name="container:web""#));
        // The sample's evidence holds markup; it must arrive escaped.
        assert!(
            x.contains("&lt;script&gt;") && !x.contains("<script>"),
            "{x}"
        );
    }
}
