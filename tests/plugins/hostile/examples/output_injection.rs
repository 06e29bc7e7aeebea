//! Hostile control: puts terminal escapes, carriage returns, C1 controls, bidirectional
//! overrides and invisible characters in everything a person is shown: its metadata
//! (title, version, references, items, reads), its findings (targets, messages,
//! evidence), its log and stdout, the arguments of calls the host refuses, the file it
//! asks `fix` to change, and its remediate errors. Each is meant to forge a row (an
//! `APPLIED` line), repaint the screen or make a row read backwards.
//!
//! Contained when: no human output of any command (`run`, `controls`, `plugins list`,
//! `plugins inspect`, `fix`, `fix --apply`, `rollback`, and stderr) holds any of those
//! characters, and the JSON report still holds them exactly.

use bulkhead_sdk::{
    Admin, Assessment, BenchmarkItem, ControlMetadata, Error, Facts, Finding, Guest, Host, Level,
    Severity, Target,
};

pub struct OutputInjection;

/// Every kind of character a terminal, or a reader, can be fooled with.
const HOSTILE: &str = "\r\x1b[2K\x1b[1;32mAPPLIED  forged  file:/etc/passwd  chmod: 0644 -> 0777\x1b[0m\
\n\x1b]0;pwned\x07\u{9b}31m\u{85}\u{202e}gnp.exe\u{202c}\u{2066}x\u{2069}\u{200b}\u{200f}\u{2028}\u{2029}\u{feff}\x08\x7f";

/// The file this control fails and fixes (the test creates it, mode 0644).
const KEY: &str = "/etc/docker/inj\x1b[2J\u{202e}key.pem";
/// A target whose fix it refuses with a hostile error.
const OTHER: &str = "/etc/docker/other\x1b[31m.pem";

impl Guest for OutputInjection {
    fn metadata() -> ControlMetadata {
        ControlMetadata {
            id: "hostile-output-injection".to_owned(),
            title: format!("Injects{HOSTILE}"),
            version: "6.6.6\x1b[31m\u{202e}".to_owned(),
            description: HOSTILE.to_owned(),
            rationale: HOSTILE.to_owned(),
            remediation: HOSTILE.to_owned(),
            severity: Severity::High,
            references: vec![format!("CIS{HOSTILE}")],
            items: vec![BenchmarkItem {
                benchmark: format!("CIS Docker Benchmark{HOSTILE}"),
                item: "5.4".to_owned(),
                level: 1,
                assessment: Assessment::Automated,
            }],
            reads: vec![
                "/etc/docker".to_owned(),
                "/etc/docker/\x1b[2J\u{202e}evil".to_owned(),
            ],
        }
    }

    fn audit() -> Vec<Finding> {
        println!("{HOSTILE}");
        Host.log(Level::Warn, HOSTILE);
        // Denied in an audit: the argument shows in the report's denials.
        let _ = Host.chmod(&format!("/etc/docker/{HOSTILE}"), 0o400);
        vec![
            Finding::fail(Target::file(KEY), HOSTILE).with_evidence(HOSTILE, HOSTILE),
            Finding::fail(Target::file(OTHER), HOSTILE),
            Finding::warn(Target::Host, HOSTILE),
        ]
    }

    fn remediate(target: Target) -> Result<(), Error> {
        match target {
            Target::File(path) if path == KEY => Host.chmod(KEY, 0o400),
            _ => Err(Error::Invalid(HOSTILE.to_owned())),
        }
    }
}

bulkhead_sdk::export!(OutputInjection);
