//! CI gating: which results make `bulkhead run` exit 1 (`--fail-on`), and the one-line
//! summary it prints on stderr at the end.
//!
//! Exit 2 (something could not be judged) always wins. Otherwise the gate counts the
//! results that trip it; a result under an active waiver never does.

use crate::report::status::Verdict as Status;
use crate::report::{Report, ResultEntry};
use crate::settings::cli::FailOn;

/// The outcome of a run against its gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The process exit code: 0, 1 or 2.
    pub code: u8,
    /// Results that tripped the gate.
    pub tripped: usize,
    /// The gate, as the user would write it (`--fail-on high`, or `fail` by default).
    pub gate: String,
}

/// `info` < `low` < `medium` < `high` < `critical`. An unknown severity ranks as
/// critical, so that it cannot slip under a threshold.
fn rank(severity: &str) -> u8 {
    match severity {
        "info" => 0,
        "low" => 1,
        "medium" => 2,
        "high" => 3,
        _ => 4,
    }
}

/// Whether `r` (of a control of `severity`) trips `gate`.
fn trips(gate: FailOn, r: &ResultEntry, severity: &str) -> bool {
    if r.is_waived() {
        return false;
    }
    let at_least = |min: &str| r.status == Status::Fail && rank(severity) >= rank(min);
    match gate {
        FailOn::Fail => r.status == Status::Fail,
        FailOn::Warn => r.status.is_finding(),
        FailOn::Info => at_least("info"),
        FailOn::Low => at_least("low"),
        FailOn::Medium => at_least("medium"),
        FailOn::High => at_least("high"),
        FailOn::Critical => at_least("critical"),
        FailOn::Never => false,
    }
}

/// Judge `report` against `gate` (`None`: any unwaived `fail`, as without the flag).
pub fn evaluate(report: &Report, gate: Option<FailOn>) -> Verdict {
    let name = match gate {
        None => "fail".to_owned(),
        Some(g) => format!("--fail-on {}", gate_name(g)),
    };
    let gate = gate.unwrap_or(FailOn::Fail);
    let tripped = report
        .results
        .iter()
        .filter(|r| {
            let severity = report
                .controls
                .iter()
                .find(|c| *c.id == *r.control)
                .map_or("unknown", |c| c.severity);
            trips(gate, r, severity)
        })
        .count();
    let code = match report.exit_code() {
        2 => 2,
        _ if tripped > 0 => 1,
        _ => 0,
    };
    Verdict {
        code,
        tripped,
        gate: name,
    }
}

fn gate_name(g: FailOn) -> &'static str {
    match g {
        FailOn::Info => "info",
        FailOn::Low => "low",
        FailOn::Medium => "medium",
        FailOn::High => "high",
        FailOn::Critical => "critical",
        FailOn::Warn => "warn",
        FailOn::Fail => "fail",
        FailOn::Never => "never",
    }
}

/// The stderr line: counts, and why the exit code is what it is.
pub fn summary_line(report: &Report, v: &Verdict) -> String {
    let s = &report.summary;
    let why = match v.code {
        2 => format!(
            "exit 2: {} result(s) could not be judged (status error)",
            s.error.max(1)
        ),
        1 => format!(
            "exit 1: {} result(s) tripped the gate ({})",
            v.tripped, v.gate
        ),
        _ => format!("exit 0: nothing tripped the gate ({})", v.gate),
    };
    format!(
        "bulkhead: {} controls, {} results: {} pass, {} fail, {} warn, {} info, {} skip, {} error, {} waived; {why}",
        s.controls, s.total, s.pass, s.fail, s.warn, s.info, s.skip, s.error, s.waived
    )
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::report::{ControlEntry, WaiverNote};

    /// A report of `results` as (control severity, status, waived).
    fn report(results: &[(&'static str, &'static str, bool)]) -> Report {
        let mut r = Report::new("audit", "/".into(), "unix:///x".into());
        for (i, (severity, status, waived)) in results.iter().enumerate() {
            let id = format!("c{i}");
            r.controls.push(ControlEntry {
                id: id.clone(),
                title: id.clone(),
                version: "1".into(),
                source: crate::sandbox::catalog::Source::Bundled,
                sha256: String::new(),
                references: Vec::new(),
                items: Vec::new(),
                severity,
                description: String::new(),
                rationale: String::new(),
                remediation: String::new(),
                status: crate::report::status::Ran::Ok,
                error: None,
                duration_ms: 0,
                denials: Vec::new(),
                log: Vec::new(),
                docker_host: None,
            });
            r.results.push(ResultEntry {
                control: id.into(),
                target: "host".into(),
                status: status.parse().unwrap(),
                message: String::new(),
                evidence: Default::default(),
                waiver: waived.then(|| {
                    Box::new(WaiverNote {
                        justification: "accepted".into(),
                        expires: "2999-12-31".into(),
                        active: true,
                    })
                }),
                docker_host: None,
            });
        }
        r.finish();
        r
    }

    #[rstest::rstest]
    #[case::default_fail(None, &[("low", "fail", false)], 1)]
    #[case::default_ignores_warn(None, &[("high", "warn", false)], 0)]
    #[case::high_trips_on_high(Some(FailOn::High), &[("high", "fail", false)], 1)]
    #[case::high_trips_on_critical(Some(FailOn::High), &[("critical", "fail", false)], 1)]
    #[case::high_ignores_medium_fail(Some(FailOn::High), &[("medium", "fail", false), ("low", "fail", false)], 0)]
    #[case::high_ignores_high_warn(Some(FailOn::High), &[("high", "warn", false)], 0)]
    #[case::critical_ignores_high(Some(FailOn::Critical), &[("high", "fail", false)], 0)]
    #[case::info_is_any_fail(Some(FailOn::Info), &[("info", "fail", false)], 1)]
    #[case::warn_trips_on_warn(Some(FailOn::Warn), &[("low", "warn", false)], 1)]
    #[case::warn_trips_on_fail(Some(FailOn::Warn), &[("low", "fail", false)], 1)]
    #[case::warn_ignores_info(Some(FailOn::Warn), &[("high", "info", false), ("high", "skip", false)], 0)]
    #[case::waived_fail_never_trips(Some(FailOn::Info), &[("critical", "fail", true)], 0)]
    #[case::waived_warn_never_trips(Some(FailOn::Warn), &[("critical", "warn", true)], 0)]
    #[case::waived_default(None, &[("critical", "fail", true)], 0)]
    #[case::error_wins(Some(FailOn::Critical), &[("low", "error", false)], 2)]
    #[case::never_ignores_critical_fail(Some(FailOn::Never), &[("critical", "fail", false), ("high", "warn", false)], 0)]
    #[case::never_keeps_errors(Some(FailOn::Never), &[("critical", "fail", false), ("low", "error", false)], 2)]
    #[case::error_wins_over_trip(Some(FailOn::Low), &[("low", "fail", false), ("low", "error", false)], 2)]
    fn gates(
        #[case] gate: Option<FailOn>,
        #[case] results: &[(&'static str, &'static str, bool)],
        #[case] code: u8,
    ) {
        assert_eq!(evaluate(&report(results), gate).code, code);
    }

    #[test]
    fn without_a_flag_the_gate_is_the_old_exit_code() {
        for statuses in [
            &[("high", "fail", false)][..],
            &[("high", "pass", false), ("low", "warn", false)],
            &[("high", "fail", true)],
            &[("high", "error", false)],
        ] {
            let r = report(statuses);
            assert_eq!(evaluate(&r, None).code, r.exit_code(), "{statuses:?}");
        }
    }

    #[test]
    fn unknown_severity_is_not_let_through() {
        let mut r = report(&[("high", "fail", false)]);
        r.controls.clear();
        assert_eq!(evaluate(&r, Some(FailOn::Critical)).code, 1);
    }

    #[test]
    fn summary_says_which_gate_tripped() {
        let r = report(&[
            ("high", "fail", false),
            ("low", "fail", false),
            ("low", "fail", true),
        ]);
        let v = evaluate(&r, Some(FailOn::High));
        assert_eq!((v.code, v.tripped), (1, 1));
        let line = summary_line(&r, &v);
        assert!(
            line.contains("3 fail") && line.contains("1 waived"),
            "{line}"
        );
        assert!(
            line.ends_with("exit 1: 1 result(s) tripped the gate (--fail-on high)"),
            "{line}"
        );
        assert!(!line.contains('\n'));
    }
}
