//! The limits of one call into a control, and the byte budget that enforces them.
//!
//! Everything a control hands the host in a call is charged here, where the host
//! receives it and before anything is kept: the arguments of every host call
//! ([`Budget::take_input`], through `crate::capabilities::check`, which every host function
//! calls first), the findings it returns ([`Budget::take_findings`]), its log lines,
//! the calls the host refused, the changes it asked for, the text of a remediate error
//! and its metadata. Going over any limit ends the call in `error`, with a reason that
//! names the limit and its configured value ([`Exceeded`]); the host keeps nothing more
//! from that call.
//!
//! Two units are counted:
//! - **input bytes**: every byte of every string and list a control passes to a host
//!   function, whether or not the host keeps it (a path to stat, a container id, JSON
//!   pointers);
//! - **output bytes**: what the host keeps for the report (findings, log, denials,
//!   changes, error texts, metadata), counted as the report spells it: a character
//!   that a report must escape costs what its longest escape costs (`\u001b` in JSON,
//!   `&amp;` in XML), and every finding, evidence entry, log line and denial costs a
//!   fixed overhead for the fields around it. So [`Limits::max_output_bytes`] bounds
//!   the report a control can cause, whatever it sends.
//!
//! Wasmtime copies a guest's strings and lists into the host before any host code runs;
//! its own per-copy limit ([`Limits::hostcall_copy_bytes`]) is set on every store, to a
//! value derived from these limits, so that no guarantee rests on a library default.

use std::fmt;

use crate::sandbox::bindings::control::{ControlMetadata, Finding};
use crate::sandbox::bindings::types::{Error as WitError, Target};
use crate::sandbox::limits::{
    DENIAL_OVERHEAD, ENTRY_OVERHEAD, FINDING_OVERHEAD, LINE_OVERHEAD, Limit, Limits,
};

/// Why a call went over its budget: which limit, at which value, and in what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceeded {
    /// The limit.
    pub limit: Limit,
    /// Its value for this call.
    pub value: usize,
    /// Where: "a finding's message", "its log", ...
    pub place: &'static str,
    /// The containers the call was served (they raise the output limit).
    pub containers: usize,
}

impl fmt::Display for Exceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Exceeded {
            limit,
            value,
            place,
            containers,
        } = self;
        write!(
            f,
            "went over its budget: more than {value} {} in {place} (the limit [limits] {}",
            limit.unit(),
            limit.key()
        )?;
        if *limit == Limit::OutputBytes && *containers > 0 {
            write!(
                f,
                ", plus max_output_bytes_per_container for each of {containers} containers"
            )?;
        }
        f.write_str(")")
    }
}

/// The output bytes `text` costs: each character as its longest escape in a report.
pub fn spelled(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            // `\u001b` in JSON, `&#27;`-style or U+FFFD in XML: six at most.
            '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' => 6,
            '"' => 6, // `&quot;`
            '&' => 5, // `&amp;`
            '<' | '>' => 4,
            '\\' => 2,
            c => c.len_utf8(),
        })
        .sum()
}

/// The budget of one call, charged as the call goes.
#[derive(Debug)]
pub struct Budget {
    limits: Limits,
    containers: usize,
    input: usize,
    output: usize,
    log_lines: usize,
    log_bytes: usize,
    denials: usize,
    changes: usize,
    exceeded: Option<Exceeded>,
}

impl Budget {
    /// A fresh budget under `limits`, for a call served a snapshot of `containers`
    /// (0 when it reads no daemon).
    pub fn new(limits: Limits, containers: usize) -> Self {
        Budget {
            limits,
            containers,
            input: 0,
            output: 0,
            log_lines: 0,
            log_bytes: 0,
            denials: 0,
            changes: 0,
            exceeded: None,
        }
    }

    /// The limits it enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The first limit this call went over, if any. Once set, every further charge
    /// fails: nothing more is kept from the call.
    pub fn exceeded(&self) -> Option<&Exceeded> {
        self.exceeded.as_ref()
    }

    /// The value of `limit` for this call.
    fn value(&self, limit: Limit) -> usize {
        match limit {
            Limit::OutputBytes => self.limits.output_bytes(self.containers),
            other => other.value(&self.limits),
        }
    }

    fn check(&mut self, used: usize, limit: Limit, place: &'static str) -> Result<(), Exceeded> {
        if let Some(first) = &self.exceeded {
            return Err(first.clone());
        }
        if used > self.value(limit) {
            let exceeded = Exceeded {
                limit,
                value: self.value(limit),
                place,
                containers: self.containers,
            };
            return Err(self.exceeded.insert(exceeded).clone());
        }
        Ok(())
    }

    /// Charge `bytes` of arguments to a host function.
    pub fn take_input(&mut self, bytes: usize) -> Result<(), Exceeded> {
        self.input = self.input.saturating_add(bytes);
        self.check(self.input, Limit::InputBytes, "its calls to the host")
    }

    /// Charge `bytes` of kept output.
    fn take_output(&mut self, bytes: usize, place: &'static str) -> Result<(), Exceeded> {
        self.output = self.output.saturating_add(bytes);
        self.check(self.output, Limit::OutputBytes, place)
    }

    /// Charge one text that will be kept: its length against the text limit, its
    /// spelling against the output.
    pub fn take_text(&mut self, text: &str, place: &'static str) -> Result<(), Exceeded> {
        self.check(text.len(), Limit::TextBytes, place)?;
        self.take_output(spelled(text), place)
    }

    /// Charge one log line.
    pub fn take_log_line(&mut self, line: &str) -> Result<(), Exceeded> {
        self.log_lines += 1;
        self.check(self.log_lines, Limit::LogLines, "its log")?;
        self.log_bytes = self.log_bytes.saturating_add(line.len());
        self.check(self.log_bytes, Limit::LogBytes, "its log")?;
        self.take_output(LINE_OVERHEAD, "its log")?;
        self.take_text(line, "a log line")
    }

    /// Charge one refused call whose argument, as kept, is `argument`.
    pub fn take_denial(&mut self, argument: &str) -> Result<(), Exceeded> {
        self.denials += 1;
        self.check(self.denials, Limit::Denials, "calls the host refused")?;
        self.take_output(
            DENIAL_OVERHEAD + spelled(argument),
            "calls the host refused",
        )
    }

    /// Charge one change record (its texts come from charged arguments).
    pub fn take_change(&mut self, texts: &[&str]) -> Result<(), Exceeded> {
        self.changes += 1;
        self.check(self.changes, Limit::Changes, "changes asked for")?;
        let bytes = texts.iter().map(|t| spelled(t)).sum::<usize>();
        self.take_output(DENIAL_OVERHEAD + bytes, "changes asked for")
    }

    /// Charge the findings an audit returned: their number, each text, each finding's
    /// evidence entries, and all of it against the output.
    pub fn take_findings(&mut self, findings: &[Finding]) -> Result<(), Exceeded> {
        self.check(findings.len(), Limit::Findings, "one audit")?;
        for finding in findings {
            self.take_output(FINDING_OVERHEAD, "its findings")?;
            let target = match &finding.target {
                Target::Host => "",
                Target::File(path) => path,
                Target::Container(name) => name,
            };
            self.take_text(target, "a finding's target")?;
            self.take_text(&finding.message, "a finding's message")?;
            self.check(
                finding.evidence.len(),
                Limit::Evidence,
                "a finding's evidence",
            )?;
            for (key, value) in &finding.evidence {
                self.take_output(ENTRY_OVERHEAD, "a finding's evidence")?;
                self.take_text(key, "an evidence key")?;
                self.take_text(value, "an evidence value")?;
            }
        }
        Ok(())
    }

    /// Charge what `metadata()` returned: every text and list.
    pub fn take_metadata(&mut self, meta: &ControlMetadata) -> Result<(), Exceeded> {
        for text in [
            &meta.id,
            &meta.title,
            &meta.version,
            &meta.description,
            &meta.rationale,
            &meta.remediation,
        ] {
            self.take_text(text, "its metadata")?;
        }
        for text in meta.references.iter().chain(&meta.reads) {
            self.take_output(ENTRY_OVERHEAD, "its metadata")?;
            self.take_text(text, "its metadata")?;
        }
        for item in &meta.items {
            self.take_output(FINDING_OVERHEAD, "its metadata")?;
            self.take_text(&item.benchmark, "its metadata")?;
            self.take_text(&item.item, "its metadata")?;
        }
        Ok(())
    }

    /// Charge the error a remediate call returned.
    pub fn take_error(&mut self, error: &WitError) -> Result<(), Exceeded> {
        match error {
            WitError::Denied | WitError::NotFound => Ok(()),
            WitError::Invalid(text) | WitError::Unavailable(text) | WitError::Other(text) => {
                self.take_text(text, "its remediate error")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::bindings::types::Status;

    fn small() -> Limits {
        Limits {
            max_findings: 3,
            max_text_bytes: 10,
            max_evidence: 2,
            max_log_lines: 2,
            max_log_bytes: 8,
            max_denials: 2,
            max_output_bytes: 1000,
            max_input_bytes: 20,
            ..Limits::default()
        }
    }

    fn finding(target: Target, message: &str, evidence: &[(&str, &str)]) -> Finding {
        Finding {
            target,
            status: Status::Fail,
            message: message.to_owned(),
            evidence: evidence
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[rstest::rstest]
    #[case::plain("abc", 3)]
    #[case::escape("\u{1b}[2J", 9)]
    #[case::c1("\u{85}", 6)]
    #[case::markup("<&\">", 4 + 5 + 6 + 4)]
    #[case::multibyte("é\u{202e}", 2 + 3)]
    fn texts_cost_their_longest_spelling(#[case] text: &str, #[case] cost: usize) {
        assert_eq!(spelled(text), cost);
    }

    #[rstest::rstest]
    #[case::too_many(vec![finding(Target::Host, "", &[]); 4], Limit::Findings)]
    #[case::long_target(vec![finding(Target::Container("c".repeat(11)), "", &[])], Limit::TextBytes)]
    #[case::long_message(vec![finding(Target::Host, "m".repeat(11).as_str(), &[])], Limit::TextBytes)]
    #[case::long_key(vec![finding(Target::Host, "", &[(&"k".repeat(11), "")])], Limit::TextBytes)]
    #[case::many_entries(vec![finding(Target::Host, "", &[("a", ""), ("b", ""), ("c", "")])], Limit::Evidence)]
    fn findings_over_a_limit_name_it(#[case] findings: Vec<Finding>, #[case] limit: Limit) {
        let mut budget = Budget::new(small(), 0);
        let err = budget.take_findings(&findings).unwrap_err();
        assert_eq!(err.limit, limit);
        assert_eq!(err.value, limit.value(&small()));
        assert!(err.to_string().contains(limit.key()), "{err}");
        assert_eq!(budget.exceeded(), Some(&err));
    }

    #[test]
    fn findings_within_the_limits_pass_and_cost_their_spelling() {
        let mut budget = Budget::new(small(), 0);
        let ok = [finding(Target::File("/a".into()), "m", &[("k", "<")])];
        budget.take_findings(&ok).unwrap();
        assert_eq!(
            budget.output,
            FINDING_OVERHEAD + 2 + 1 + ENTRY_OVERHEAD + 1 + 4
        );
    }

    #[test]
    fn the_output_bound_holds_whatever_the_mix() {
        let mut budget = Budget::new(
            Limits {
                max_output_bytes: 300,
                ..small()
            },
            0,
        );
        let one = [finding(Target::Host, "m", &[])];
        budget.take_findings(&one).unwrap();
        budget.take_findings(&one).unwrap();
        let err = budget.take_findings(&one).unwrap_err();
        assert_eq!(err.limit, Limit::OutputBytes);
    }

    #[test]
    fn empty_log_lines_are_counted() {
        let mut budget = Budget::new(small(), 0);
        budget.take_log_line("").unwrap();
        budget.take_log_line("").unwrap();
        assert_eq!(budget.take_log_line("").unwrap_err().limit, Limit::LogLines);
        let mut budget = Budget::new(small(), 0);
        assert_eq!(
            budget.take_log_line("123456789").unwrap_err().limit,
            Limit::LogBytes
        );
    }

    #[test]
    fn once_over_every_charge_fails_with_the_first_reason() {
        let mut budget = Budget::new(small(), 0);
        budget.take_input(15).unwrap();
        let first = budget.take_input(6).unwrap_err();
        assert_eq!(first.limit, Limit::InputBytes);
        assert_eq!(budget.take_log_line("").unwrap_err(), first);
        assert_eq!(budget.take_denial("").unwrap_err(), first);
    }

    #[test]
    fn denials_count_and_cost_their_argument() {
        let mut budget = Budget::new(small(), 0);
        budget.take_denial("/etc").unwrap();
        assert_eq!(budget.output, DENIAL_OVERHEAD + 4);
        budget.take_denial("").unwrap();
        assert_eq!(budget.take_denial("").unwrap_err().limit, Limit::Denials);
    }

    #[test]
    fn containers_raise_the_output_limit_and_the_message_says_so() {
        let limits = Limits {
            max_output_bytes: 200,
            max_output_bytes_per_container: 100,
            ..small()
        };
        let one = [finding(Target::Host, "m", &[])];
        let mut budget = Budget::new(limits, 2);
        for _ in 0..3 {
            budget.take_findings(&one).unwrap();
        }
        let err = budget.take_findings(&one).unwrap_err();
        assert_eq!((err.limit, err.value), (Limit::OutputBytes, 400));
        assert!(err.to_string().contains("each of 2 containers"), "{err}");
    }

    #[rstest::rstest]
    #[case::no_containers(0)]
    #[case::many_containers(2000)]
    fn the_copy_limit_covers_every_result_within_the_limits(#[case] containers: usize) {
        let limits = Limits::default();
        let fuel = limits.hostcall_copy_bytes(containers);
        // As many findings as the output allows, each with as many entries as allowed.
        let output = limits.output_bytes(containers);
        let findings = (output / FINDING_OVERHEAD).min(limits.max_findings);
        let entries = output / ENTRY_OVERHEAD;
        let needed =
            output + findings * size_of::<Finding>() + entries * size_of::<(String, String)>();
        assert!(fuel > needed, "{fuel} <= {needed}");
        // ... and is set from the limits, well under the library's default of 128 MiB.
        assert!(limits.hostcall_copy_bytes(0) < 16 << 20);
    }
}
