//! The run's report: the v1 JSON contract, the terminal table, and the exit code.
//!
//! `bulkhead.report/v1` is a contract with users and scripts: fields may be added,
//! never renamed or removed without a new schema version.

pub mod evidence;
pub mod formats;
pub mod gate;
pub mod status;
pub mod waiver;

use std::collections::HashSet;
use std::io::{self, Write};
use std::sync::Arc;

use serde::Serialize;

use crate::report::evidence::Evidence;
use crate::report::status::{Ran, Verdict};
use crate::sandbox::bindings::control::Finding;
use crate::sandbox::bindings::types::Target;
use crate::sandbox::catalog::{Control, LoadFailure, Source};
use crate::sandbox::grants::Denial;
use crate::sandbox::record::LogLine;
use crate::sandbox::runner::CallOutcome;
use crate::util::human::clean;

/// The schema id of the JSON report.
pub const SCHEMA: &str = "bulkhead.report/v1";

/// `file:/path`, `container:name` or `host`.
pub fn target_string(target: &Target) -> String {
    match target {
        Target::Host => "host".to_owned(),
        Target::File(path) => format!("file:{path}"),
        Target::Container(name) => format!("container:{name}"),
    }
}

/// A control id or a target, shared by every result that names it: at 2000 containers,
/// 62 000 results name 118 controls and ~2 000 targets.
pub type Name = Arc<str>;

/// One verdict.
#[derive(Debug, Clone, Serialize)]
pub struct ResultEntry {
    /// The control's id.
    pub control: Name,
    /// `file:<path>`, `container:<name>` or `host`.
    pub target: Name,
    /// `pass`, `fail`, `warn`, `info`, `skip` or `error`.
    pub status: Verdict,
    /// What was found.
    pub message: String,
    /// Facts behind the verdict.
    pub evidence: Evidence,
    /// The waiver from the configuration that matched this result, if one did. An
    /// active waiver takes a `fail`/`warn` out of the exit code and the gates; an
    /// expired one is shown but waives nothing.
    /// Boxed: rare, and 56 bytes in each of tens of thousands of results otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Box<WaiverNote>>,
    /// With several `--docker-host`s: the daemon a container control's result is from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker_host: Option<Name>,
}

/// A configured waiver, as it applied to one result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaiverNote {
    /// Why the finding is accepted, as the configuration states it.
    pub justification: String,
    /// The last day (UTC, `YYYY-MM-DD`) the waiver holds.
    pub expires: String,
    /// `false` once `expires` has passed: the result then counts as if unwaived.
    pub active: bool,
}

impl ResultEntry {
    /// Whether an active waiver covers this result.
    pub fn is_waived(&self) -> bool {
        self.waiver.as_ref().is_some_and(|w| w.active)
    }
}

/// One control, as it ran.
#[derive(Debug, Clone, Serialize)]
pub struct ControlEntry {
    /// Stable id.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// The control's version.
    pub version: String,
    /// `bundled` or the `.wasm` path.
    pub source: Source,
    /// sha256 of the component.
    pub sha256: String,
    /// Benchmark references.
    pub references: Vec<String>,
    /// The benchmark items it implements, with level and assessment (0.2.0 controls; an
    /// addition to v1: absent for controls that name none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<crate::sandbox::catalog::Item>,
    /// How bad a failure is.
    pub severity: &'static str,
    /// What the control checks (for SARIF, JUnit and ASFF; not in the v1 JSON).
    #[serde(skip)]
    pub description: String,
    /// Why it matters (not in the v1 JSON).
    #[serde(skip)]
    pub rationale: String,
    /// How to fix a failure by hand (not in the v1 JSON).
    #[serde(skip)]
    pub remediation: String,
    /// `ok` when the control ran to the end, else `error`.
    pub status: Ran,
    /// Why the control could not run, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Wall time of the audit call, in milliseconds.
    pub duration_ms: u64,
    /// Calls the host refused.
    pub denials: Vec<Denial>,
    /// What the control logged.
    pub log: Vec<LogLine>,
    /// With several `--docker-host`s: the daemon this run of a container control asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker_host: Option<String>,
}

/// Counts by status.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    /// Results in all.
    pub total: usize,
    /// Results by status.
    pub pass: usize,
    #[allow(missing_docs)]
    pub fail: usize,
    #[allow(missing_docs)]
    pub warn: usize,
    #[allow(missing_docs)]
    pub info: usize,
    #[allow(missing_docs)]
    pub skip: usize,
    #[allow(missing_docs)]
    pub error: usize,
    /// Controls that ran (or tried to).
    pub controls: usize,
    /// Calls refused across all controls.
    pub denials: usize,
    /// Results (counted under their status too) that an active waiver covers; they do
    /// not make the exit code 1.
    pub waived: usize,
}

/// The whole report of one run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// `audit` for `bulkhead run`.
    pub mode: &'static str,
    /// Whether the lockdown (`--audit-only`) was on: no mutating path could run.
    pub audit_only: bool,
    /// The bulkhead version that wrote it.
    pub bulkhead_version: &'static str,
    /// The audited root directory.
    pub root: String,
    /// The Docker endpoint used (the first, when several were given).
    pub docker_host: String,
    /// Every Docker endpoint audited, when more than one was given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub docker_hosts: Vec<String>,
    /// Every verdict, in control order.
    pub results: Vec<ResultEntry>,
    /// Every control that was selected.
    pub controls: Vec<ControlEntry>,
    /// Counts.
    pub summary: Summary,
    /// The control ids and targets the results share.
    #[serde(skip)]
    names: HashSet<Name>,
}

impl Report {
    /// `text` as a [`Name`] shared with every result of this report that names it.
    pub fn name(&mut self, text: &str) -> Name {
        if let Some(name) = self.names.get(text) {
            return Arc::clone(name);
        }
        let name: Name = Arc::from(text);
        self.names.insert(Arc::clone(&name));
        name
    }

    /// An empty report for a run in `mode`.
    pub fn new(mode: &'static str, root: String, docker_host: String) -> Self {
        Report {
            schema: SCHEMA,
            mode,
            audit_only: false,
            bulkhead_version: env!("CARGO_PKG_VERSION"),
            root,
            docker_host,
            docker_hosts: Vec::new(),
            results: Vec::new(),
            controls: Vec::new(),
            summary: Summary::default(),
            names: HashSet::new(),
        }
    }

    /// Add a control's audit outcome: its findings, or one `error` result saying why none.
    pub fn add_run(&mut self, control: &Control, outcome: CallOutcome<Vec<Finding>>) {
        let meta = &control.meta;
        let error = outcome.result.as_ref().err().map(ToString::to_string);
        let id = self.name(&meta.id);
        match outcome.result {
            Ok(findings) => {
                self.results.reserve(findings.len());
                for f in findings {
                    let target = self.name(&target_string(&f.target));
                    self.results.push(ResultEntry {
                        control: Arc::clone(&id),
                        target,
                        status: f.status.into(),
                        message: f.message,
                        evidence: f.evidence.into_iter().collect(),
                        waiver: None,
                        docker_host: None,
                    });
                }
            }
            Err(reason) => {
                let target = self.name("host");
                self.results.push(ResultEntry {
                    control: id,
                    target,
                    status: Verdict::Error,
                    message: format!("control failed: {reason}"),
                    evidence: Evidence::default(),
                    waiver: None,
                    docker_host: None,
                });
            }
        }
        self.controls.push(ControlEntry {
            id: meta.id.clone(),
            title: meta.title.clone(),
            version: meta.version.clone(),
            source: control.source.clone(),
            sha256: control.sha256.clone(),
            references: meta.references.clone(),
            items: meta.items.clone(),
            severity: meta.severity,
            description: meta.description.clone(),
            rationale: meta.rationale.clone(),
            remediation: meta.remediation.clone(),
            status: if error.is_some() { Ran::Error } else { Ran::Ok },
            error,
            duration_ms: outcome.elapsed.as_millis().try_into().unwrap_or(u64::MAX),
            denials: outcome.record.denials,
            log: outcome.record.log,
            docker_host: None,
        });
    }

    /// [`Report::add_run`] for the run of a container control against one of several
    /// daemons: its results and its control entry say which.
    pub fn add_run_on(
        &mut self,
        control: &Control,
        outcome: CallOutcome<Vec<Finding>>,
        docker_host: &str,
    ) {
        let first = self.results.len();
        self.add_run(control, outcome);
        let host = self.name(docker_host);
        for r in &mut self.results[first..] {
            r.docker_host = Some(Arc::clone(&host));
        }
        if let Some(c) = self.controls.last_mut() {
            c.docker_host = Some(docker_host.to_owned());
        }
    }

    /// A `skip` for a control not run against `docker_host`, saying why.
    pub fn add_skip_on(&mut self, control: &Control, docker_host: &str, message: String) {
        let (control, target) = (self.name(&control.meta.id), self.name("host"));
        let host = self.name(docker_host);
        self.results.push(ResultEntry {
            control,
            target,
            status: Verdict::Skip,
            message,
            evidence: Evidence::default(),
            waiver: None,
            docker_host: Some(host),
        });
    }

    /// Add a control that could not be loaded: an `error` result and a control entry.
    pub fn add_failure(&mut self, failure: &LoadFailure) {
        let (control, target) = (self.name(&failure.name), self.name("host"));
        self.results.push(ResultEntry {
            control,
            target,
            status: Verdict::Error,
            message: failure.to_string(),
            evidence: Evidence::default(),
            waiver: None,
            docker_host: None,
        });
        self.controls.push(ControlEntry {
            id: failure.name.clone(),
            title: String::new(),
            version: String::new(),
            source: failure.source.clone(),
            sha256: String::new(),
            references: Vec::new(),
            items: Vec::new(),
            severity: "info",
            description: String::new(),
            rationale: String::new(),
            remediation: String::new(),
            status: Ran::Error,
            error: Some(failure.reason.clone()),
            duration_ms: 0,
            denials: Vec::new(),
            log: Vec::new(),
            docker_host: None,
        });
    }

    /// Count the results; call once all are added.
    pub fn finish(&mut self) {
        let mut s = Summary {
            total: self.results.len(),
            controls: self.controls.len(),
            denials: self.controls.iter().map(|c| c.denials.len()).sum(),
            waived: self.results.iter().filter(|r| r.is_waived()).count(),
            ..Summary::default()
        };
        for r in &self.results {
            *match r.status {
                Verdict::Pass => &mut s.pass,
                Verdict::Fail => &mut s.fail,
                Verdict::Warn => &mut s.warn,
                Verdict::Info => &mut s.info,
                Verdict::Skip => &mut s.skip,
                Verdict::Error => &mut s.error,
            } += 1;
        }
        self.summary = s;
    }

    /// 2 when anything could not be judged, else 1 when anything failed (and is not
    /// waived), else 0.
    pub fn exit_code(&self) -> u8 {
        if self.summary.error > 0 || self.controls.iter().any(|c| c.status == Ran::Error) {
            2
        } else if self
            .results
            .iter()
            .any(|r| r.status == Verdict::Fail && !r.is_waived())
        {
            1
        } else {
            0
        }
    }

    /// Write the report as one JSON document.
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        writeln!(out)
    }

    /// Write the report as a table for a person; `color` paints the status column
    /// (only for a terminal: see [`crate::report::formats::use_color`]).
    pub fn write_table(&self, out: &mut dyn Write, color: bool) -> io::Result<()> {
        let rows: Vec<[String; 4]> = self
            .results
            .iter()
            .map(|r| {
                let (status, message) = match &r.waiver {
                    Some(w) if w.active => (
                        "WAIVED".to_owned(),
                        format!(
                            "{} [waived until {}: {}]",
                            r.message, w.expires, w.justification
                        ),
                    ),
                    Some(w) => (
                        r.status.as_str().to_uppercase(),
                        format!("{} [waiver expired {}]", r.message, w.expires),
                    ),
                    None => (r.status.as_str().to_uppercase(), r.message.clone()),
                };
                let target = match &r.docker_host {
                    Some(host) => format!("{} @ {host}", r.target),
                    None => r.target.to_string(),
                };
                [status, clean(&r.control), clean(&target), clean(&message)]
            })
            .collect();
        let header = ["STATUS", "CONTROL", "TARGET", "MESSAGE"].map(str::to_owned);
        let mut widths = [0usize; 3];
        for row in std::iter::once(&header).chain(&rows) {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for (i, row) in std::iter::once(&header).chain(&rows).enumerate() {
            let status = format!("{:<w0$}", row[0], w0 = widths[0]);
            let status = match (color, i.checked_sub(1).map(|r| self.results[r].status)) {
                (true, Some(s)) => paint(s, &status),
                _ => status,
            };
            writeln!(
                out,
                "{}  {:<w1$}  {:<w2$}  {}",
                status,
                row[1],
                row[2],
                row[3],
                w1 = widths[1],
                w2 = widths[2]
            )?;
        }
        for c in &self.controls {
            for d in &c.denials {
                writeln!(
                    out,
                    "denied: {} called {}({}): {}",
                    clean(&c.id),
                    d.call,
                    clean(&d.argument),
                    d.reason.describe(d.missing)
                )?;
            }
        }
        let s = &self.summary;
        writeln!(
            out,
            "\n{} controls, {} results: {} pass, {} fail, {} warn, {} info, {} skip, {} error{}",
            s.controls,
            s.total,
            s.pass,
            s.fail,
            s.warn,
            s.info,
            s.skip,
            s.error,
            match s.waived {
                0 => String::new(),
                n => format!(" ({n} of them waived)"),
            }
        )
    }
}

/// `text` (a padded status cell) in the ANSI colour of `status`.
fn paint(status: Verdict, text: &str) -> String {
    let code = match status {
        Verdict::Pass => "32",                // green
        Verdict::Fail => "1;31",              // bold red
        Verdict::Warn => "33",                // yellow
        Verdict::Error => "1;35",             // bold magenta
        Verdict::Info | Verdict::Skip => "2", // dim
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_with(statuses: &[&'static str]) -> Report {
        let mut r = Report::new("audit", "/".into(), "unix:///x".into());
        for s in statuses {
            r.results.push(ResultEntry {
                control: "c".into(),
                target: "host".into(),
                status: s.parse().unwrap(),
                message: String::new(),
                evidence: Evidence::default(),
                waiver: None,
                docker_host: None,
            });
        }
        r.finish();
        r
    }

    #[rstest::rstest]
    #[case::all_pass(&["pass", "skip"], 0)]
    #[case::a_fail(&["pass", "fail"], 1)]
    #[case::error_beats_fail(&["fail", "error"], 2)]
    #[case::nothing(&[], 0)]
    fn exit_codes(#[case] statuses: &[&'static str], #[case] code: u8) {
        assert_eq!(report_with(statuses).exit_code(), code);
    }

    #[rstest::rstest]
    #[case::active(true, 0, "WAIVED", "[waived until 2027-01-31: vendor image]")]
    #[case::expired(false, 1, "FAIL", "[waiver expired 2027-01-31]")]
    fn a_waiver_shows_in_the_table_and_counts_only_when_active(
        #[case] active: bool,
        #[case] code: u8,
        #[case] status: &str,
        #[case] note: &str,
    ) {
        let mut r = report_with(&["fail"]);
        r.results[0].waiver = Some(Box::new(WaiverNote {
            justification: "vendor image".into(),
            expires: "2027-01-31".into(),
            active,
        }));
        r.finish();
        assert_eq!(r.exit_code(), code);
        assert_eq!(r.summary.waived, usize::from(active));
        let mut table = Vec::new();
        r.write_table(&mut table, false).unwrap();
        let table = String::from_utf8(table).unwrap();
        let row = table.lines().nth(1).unwrap();
        assert!(row.starts_with(status) && row.ends_with(note), "{table}");
    }
}
