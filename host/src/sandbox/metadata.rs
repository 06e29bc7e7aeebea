//! What a control says about itself (`metadata()`), checked and kept in the host's
//! shape: the same for every contract version, cached beside the compiled code.

use serde::{Deserialize, Serialize};

use crate::sandbox::bindings::control::{Assessment, BenchmarkItem, ControlMetadata};
use crate::sandbox::bindings::types::Severity;

/// What a control says about itself, as the host keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Metadata {
    /// Stable id.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// The control's own version.
    pub version: String,
    /// What it checks.
    pub description: String,
    /// Why it matters.
    pub rationale: String,
    /// How to fix a failure by hand.
    pub remediation: String,
    /// `info`, `low`, `medium`, `high` or `critical`.
    #[serde(deserialize_with = "deserialize_severity")]
    pub severity: SeverityName,
    /// Benchmark references.
    pub references: Vec<String>,
    /// The benchmark items it implements, with their levels (none for a 0.1.0 control).
    #[serde(default)]
    pub items: Vec<Item>,
    /// Paths it reads.
    pub reads: Vec<String>,
}

/// One benchmark item a control implements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The benchmark and its version: `CIS Docker Benchmark v1.6.0`.
    pub benchmark: String,
    /// The item's number: `5.4`.
    pub item: String,
    /// Its profile level: 1 or 2.
    pub level: u8,
    /// Whether a tool decides it (`automated`) or a person (`manual`).
    #[serde(deserialize_with = "deserialize_assessment")]
    pub assessment: AssessmentName,
}

/// `automated` or `manual`. (An alias for the same reason as [`SeverityName`].)
pub type AssessmentName = &'static str;

impl Item {
    fn from_wit(raw: BenchmarkItem) -> Self {
        Item {
            benchmark: raw.benchmark,
            item: raw.item,
            level: raw.level,
            assessment: match raw.assessment {
                Assessment::Automated => "automated",
                Assessment::Manual => "manual",
            },
        }
    }

    fn check(&self, id: &str) -> Result<(), String> {
        let number_ok = !self.item.is_empty()
            && self
                .item
                .split('.')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
        if !number_ok || self.item.len() > 32 {
            return Err(format!(
                "metadata of {id} names benchmark item {:?}; want a number like 5.4",
                truncate(&self.item, 40)
            ));
        }
        if !(1..=2).contains(&self.level) {
            return Err(format!(
                "metadata of {id} gives item {} level {}; want 1 or 2",
                self.item, self.level
            ));
        }
        if !["automated", "manual"].contains(&self.assessment) {
            return Err(format!(
                "metadata of {id} gives item {} the assessment {:?}; want automated or manual",
                self.item, self.assessment
            ));
        }
        if self.benchmark.trim().is_empty() || self.benchmark.len() > 200 {
            return Err(format!(
                "metadata of {id} names item {} of an empty or overlong benchmark",
                self.item
            ));
        }
        Ok(())
    }
}

/// An assessment's name as stored (cache entries are read back through serde).
fn deserialize_assessment<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<&'static str, D::Error> {
    let name = String::deserialize(d)?;
    ["automated", "manual"]
        .into_iter()
        .find(|s| *s == name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown assessment {name:?}")))
}

/// A severity's name, one of [`SEVERITIES`]. (An alias, so that serde does not take the
/// field for a string borrowed from its input.)
pub type SeverityName = &'static str;

/// The severity names, lowest first.
pub const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];

fn deserialize_severity<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let name = String::deserialize(d)?;
    SEVERITIES
        .into_iter()
        .find(|s| *s == name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown severity {name:?}")))
}

impl Metadata {
    /// Check what a control answered from `metadata()` and keep it.
    pub fn validate(raw: ControlMetadata) -> Result<Self, String> {
        Metadata {
            severity: match raw.severity {
                Severity::Info => "info",
                Severity::Low => "low",
                Severity::Medium => "medium",
                Severity::High => "high",
                Severity::Critical => "critical",
            },
            id: raw.id,
            title: raw.title,
            version: raw.version,
            description: raw.description,
            rationale: raw.rationale,
            remediation: raw.remediation,
            references: raw.references,
            items: raw.items.into_iter().map(Item::from_wit).collect(),
            reads: raw.reads,
        }
        .check()
    }

    /// The checks of [`Metadata::validate`], for metadata from any source.
    pub fn check(self) -> Result<Self, String> {
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            return Err(format!(
                "metadata has an invalid id {:?} (want 1-64 of a-z, 0-9 and -)",
                truncate(&self.id, 80)
            ));
        }
        crate::sandbox::scope::validate_reads(&self.id, &self.reads)?;
        if self.items.len() > 64 {
            return Err(format!(
                "metadata of {} names over 64 benchmark items",
                self.id
            ));
        }
        for item in &self.items {
            item.check(&self.id)?;
        }
        if self.title.trim().is_empty() {
            return Err(format!("metadata of {} has an empty title", self.id));
        }
        let texts = [
            &self.title,
            &self.version,
            &self.description,
            &self.rationale,
            &self.remediation,
        ];
        let lists = self.references.iter().chain(&self.reads);
        if texts.into_iter().chain(lists).any(|s| s.len() > 16 << 10) {
            return Err(format!("metadata of {} has a field over 16 KiB", self.id));
        }
        Ok(self)
    }
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(id: &str) -> ControlMetadata {
        ControlMetadata {
            id: id.to_owned(),
            title: "The daemon's TLS key is mode 400".into(),
            version: "1.0.0".into(),
            description: "Checks the key.".into(),
            rationale: "Anyone who reads it can act as the daemon.".into(),
            remediation: "chmod 400 the key".into(),
            severity: Severity::High,
            references: vec!["CIS Docker 3.20".into()],
            items: vec![BenchmarkItem {
                benchmark: "CIS Docker Benchmark v1.6.0".into(),
                item: "3.20".into(),
                level: 1,
                assessment: Assessment::Automated,
            }],
            reads: vec!["/etc/docker".into(), "dockerd-config".into()],
        }
    }

    #[test]
    fn good_metadata_is_kept_in_the_hosts_shape() {
        let meta = Metadata::validate(raw("docker-tls-key")).unwrap();
        assert_eq!(meta.severity, "high");
        assert_eq!(meta.items[0].assessment, "automated");
        assert_eq!(meta.items[0].item, "3.20");
        // Kept through the cache as JSON, and read back the same.
        let back: Metadata = serde_json::from_value(serde_json::to_value(&meta).unwrap()).unwrap();
        assert_eq!(back.severity, "high");
        assert_eq!(back.reads, meta.reads);
    }

    #[rstest::rstest]
    #[case::empty_id("", "invalid id")]
    #[case::upper_case("Docker", "invalid id")]
    #[case::too_long(&"a".repeat(65), "invalid id")]
    #[case::escape("a\u{1b}[2J", "invalid id")]
    fn a_bad_id_is_refused(#[case] id: &str, #[case] why: &str) {
        let err = Metadata::validate(raw(id)).unwrap_err();
        assert!(err.contains(why), "{err}");
    }

    #[test]
    fn bad_fields_are_refused_naming_the_control() {
        let mut m = raw("c");
        m.title = "  ".into();
        assert_eq!(
            Metadata::validate(m).unwrap_err(),
            "metadata of c has an empty title"
        );
        let mut m = raw("c");
        m.remediation = "x".repeat((16 << 10) + 1);
        assert!(Metadata::validate(m).unwrap_err().contains("over 16 KiB"));
        let mut m = raw("c");
        m.reads = vec!["etc/docker".into()];
        assert!(Metadata::validate(m).unwrap_err().contains("declares read"));
        let mut m = raw("c");
        m.items[0].item = "5.x".into();
        assert!(
            Metadata::validate(m)
                .unwrap_err()
                .contains("want a number like 5.4")
        );
        let mut m = raw("c");
        m.items[0].level = 3;
        assert!(Metadata::validate(m).is_err());
    }

    #[test]
    fn an_unknown_severity_or_assessment_in_the_cache_is_refused() {
        let meta = Metadata::validate(raw("c")).unwrap();
        let mut doc = serde_json::to_value(&meta).unwrap();
        doc["severity"] = "severe".into();
        let err = serde_json::from_value::<Metadata>(doc).unwrap_err();
        assert!(err.to_string().contains("unknown severity"), "{err}");
        let mut doc = serde_json::to_value(&meta).unwrap();
        doc["items"][0]["assessment"] = "guessed".into();
        let err = serde_json::from_value::<Metadata>(doc).unwrap_err();
        assert!(err.to_string().contains("unknown assessment"), "{err}");
    }
}
