//! The report as a SARIF 2.1.0 log, in the subset GitHub code scanning ingests.
//!
//! - One rule per control: `shortDescription` is the title, `fullDescription` the
//!   description, `help` the rationale, remediation and benchmark references;
//!   `properties` carry `tags` (with `security`), the severity, and the numeric
//!   `security-severity` GitHub ranks alerts by.
//! - One result per `fail` and `warn` (kind `fail`; level `error`/`warning`/`note` from
//!   the control's severity, `warning` for a warn). Every result has a physical location
//!   (GitHub requires one): a file target is its path relative to the audited root
//!   (`uriBaseId` `ROOT`), a container `container/<name>`, the host `host`; the target
//!   string is also a logical location.
//! - An actively waived result carries an accepted `external` suppression with the
//!   justification. An expired waiver is only noted in the result's properties.
//! - `pass` results are not SARIF results (the counts are in the run's properties);
//!   `skip` and `info` become `note` notifications of the invocation, and `error` (a
//!   control that could not judge) `error` notifications, with
//!   `executionSuccessful: false`: they are facts about the run, not alerts.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::report::status::Verdict;
use crate::report::{ControlEntry, Report, ResultEntry};

use super::truncate;

/// The SARIF log of `report`, finished at `now` on the machine named `machine`.
pub fn render(report: &Report, now: std::time::SystemTime, machine: &str) -> Value {
    let rules: Vec<Value> = report.controls.iter().map(rule).collect();
    let index_of = |id: &str| report.controls.iter().position(|c| c.id == id);
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for r in &report.results {
        let control = index_of(&r.control).map(|i| (i, &report.controls[i]));
        match r.status {
            Verdict::Fail | Verdict::Warn => results.push(result(r, control)),
            Verdict::Pass => {}
            status => {
                let level = if status == Verdict::Error {
                    "error"
                } else {
                    "note"
                };
                let mut n = json!({
                    "level": level,
                    "message": { "text": format!("{} {} on {}: {}", r.control, status, r.target, r.message) },
                    "properties": { "status": status, "target": r.target },
                });
                if let Some((i, _)) = control {
                    n["associatedRule"] = json!({ "id": r.control, "index": i });
                }
                notifications.push(n);
            }
        }
    }
    let s = &report.summary;
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "bulkhead",
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "version": report.bulkhead_version,
                "semanticVersion": report.bulkhead_version,
                "rules": rules,
            }},
            "originalUriBaseIds": { "ROOT": { "uri": root_uri(&report.root) } },
            "invocations": [{
                "executionSuccessful": s.error == 0,
                "endTimeUtc": super::rfc3339(now),
                "machine": machine,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": {
                "schema": crate::report::SCHEMA,
                "mode": report.mode,
                "auditOnly": report.audit_only,
                "root": report.root,
                "dockerHost": report.docker_host,
                "summary": {
                    "total": s.total, "pass": s.pass, "fail": s.fail, "warn": s.warn,
                    "info": s.info, "skip": s.skip, "error": s.error, "waived": s.waived,
                    "controls": s.controls, "denials": s.denials,
                },
            },
        }],
    })
}

/// SARIF level for a failure of a control of `severity`.
fn level(severity: &str) -> &'static str {
    match severity {
        "critical" | "high" => "error",
        "medium" | "low" => "warning",
        _ => "note",
    }
}

/// GitHub's `security-severity` score for `severity` (critical > 9.0, high 7.0-8.9,
/// medium 4.0-6.9, low 0.1-3.9); none for `info`.
fn security_severity(severity: &str) -> Option<&'static str> {
    match severity {
        "critical" => Some("9.5"),
        "high" => Some("8.0"),
        "medium" => Some("5.5"),
        "low" => Some("2.0"),
        _ => None,
    }
}

fn rule(c: &ControlEntry) -> Value {
    let title = if c.title.is_empty() { &c.id } else { &c.title };
    let description = if c.description.is_empty() {
        title
    } else {
        &c.description
    };
    let mut text = format!("{description}\n");
    let mut markdown = format!("{description}\n");
    for (head, body) in [
        ("Why it matters", &c.rationale),
        ("Remediation", &c.remediation),
    ] {
        if !body.is_empty() {
            text.push_str(&format!("\n{head}: {body}\n"));
            markdown.push_str(&format!("\n**{head}.** {body}\n"));
        }
    }
    if !c.references.is_empty() {
        text.push_str(&format!("\nReferences: {}\n", c.references.join("; ")));
        markdown.push_str("\n**References.**\n");
        for r in &c.references {
            markdown.push_str(&format!("- {r}\n"));
        }
    }
    let mut tags = vec!["security".to_owned(), "docker".to_owned()];
    tags.extend(c.references.iter().cloned());
    let mut properties = json!({
        "tags": tags,
        "precision": "very-high",
        "severity": c.severity,
        "references": c.references,
        "version": c.version,
        "source": c.source,
    });
    if let Some(score) = security_severity(c.severity) {
        properties["security-severity"] = json!(score);
    }
    json!({
        "id": c.id,
        "name": pascal_case(&c.id),
        "shortDescription": { "text": truncate(title, 1000) },
        "fullDescription": { "text": truncate(description, 1000) },
        "help": { "text": text, "markdown": markdown },
        "defaultConfiguration": { "level": level(c.severity) },
        "properties": properties,
    })
}

fn result(r: &ResultEntry, control: Option<(usize, &ControlEntry)>) -> Value {
    let severity = control.map_or("info", |(_, c)| c.severity);
    let level = if r.status == Verdict::Warn {
        "warning"
    } else {
        level(severity)
    };
    let (uri, base) = artifact_uri(&r.target);
    let mut artifact = json!({ "uri": uri });
    if let Some(base) = base {
        artifact["uriBaseId"] = json!(base);
    }
    let mut properties = json!({
        "target": r.target,
        "status": r.status,
        "severity": severity,
        "evidence": r.evidence,
    });
    let mut out = json!({
        "ruleId": r.control,
        "kind": "fail",
        "level": level,
        "message": { "text": if r.message.is_empty() { format!("{} {}", r.control, r.status) } else { r.message.clone() } },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": { "startLine": 1 },
            },
            "logicalLocations": [{ "fullyQualifiedName": r.target, "kind": "resource" }],
        }],
        "partialFingerprints": { "bulkheadTarget/v1": fingerprint(r) },
    });
    if let Some((i, _)) = control {
        out["ruleIndex"] = json!(i);
    }
    if let Some(w) = &r.waiver {
        properties["waiver"] = json!({
            "justification": w.justification,
            "expires": w.expires,
            "active": w.active,
        });
        if w.active {
            out["suppressions"] = json!([{
                "kind": "external",
                "status": "accepted",
                "justification": format!("{} (waived until {})", w.justification, w.expires),
            }]);
        }
    }
    out["properties"] = properties;
    out
}

/// A stable identity for one control's verdict on one target, across runs.
fn fingerprint(r: &ResultEntry) -> String {
    let digest = Sha256::digest(format!("{}\0{}", r.control, r.target));
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Where a target is, as a relative URI and the base it is relative to.
fn artifact_uri(target: &str) -> (String, Option<&'static str>) {
    if let Some(path) = target.strip_prefix("file:") {
        let rel = path.trim_start_matches('/');
        let rel = if rel.is_empty() { "." } else { rel };
        (encode(rel), Some("ROOT"))
    } else if let Some(name) = target.strip_prefix("container:") {
        (format!("container/{}", encode(name)), None)
    } else {
        (encode(target), None)
    }
}

/// The audited root as a `file:` URI ending in `/`.
fn root_uri(root: &str) -> String {
    let trimmed = root.trim_end_matches('/');
    format!("file://{}/", encode(trimmed))
}

/// Percent-encode everything but unreserved characters and `/` (RFC 3986).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `docker-tls-key-permissions` as `DockerTlsKeyPermissions` (SARIF rule names are
/// identifiers).
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::formats::test_support::sample;

    fn run_of(v: &Value) -> &Value {
        &v["runs"][0]
    }

    #[test]
    fn one_rule_per_control_with_help_and_severity() {
        let v = render(&sample(), std::time::UNIX_EPOCH, "web-01");
        let rules = run_of(&v)["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 2);
        let tls = &rules[0];
        assert_eq!(tls["id"], "docker-tls-key-permissions");
        assert_eq!(tls["name"], "DockerTlsKeyPermissions");
        assert_eq!(tls["shortDescription"]["text"], "TLS key is mode 400");
        assert_eq!(tls["properties"]["security-severity"], "8.0");
        assert_eq!(tls["defaultConfiguration"]["level"], "error");
        let help = tls["help"]["text"].as_str().unwrap();
        assert!(help.contains("chmod 400") && help.contains("CIS Docker Benchmark v1.6.0 3.14"));
        assert!(
            tls["properties"]["tags"]
                .as_array()
                .unwrap()
                .contains(&json!("security"))
        );
    }

    #[test]
    fn only_fail_and_warn_are_results_the_rest_is_counted_or_noted() {
        let v = render(&sample(), std::time::UNIX_EPOCH, "web-01");
        let run = run_of(&v);
        let statuses: Vec<&str> = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["properties"]["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["fail", "fail", "warn"]);
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        let levels: Vec<&str> = notes.iter().map(|n| n["level"].as_str().unwrap()).collect();
        assert_eq!(levels, ["note", "error"]);
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
        assert_eq!(run["invocations"][0]["machine"], "web-01");
        assert_eq!(run["properties"]["summary"]["pass"], 1);
    }

    #[test]
    fn locations_for_files_containers_and_the_host() {
        assert_eq!(
            artifact_uri("file:/etc/docker/certs.d/reg:5000/client.key"),
            (
                "etc/docker/certs.d/reg%3A5000/client.key".to_owned(),
                Some("ROOT")
            )
        );
        assert_eq!(
            artifact_uri("container:web"),
            ("container/web".to_owned(), None)
        );
        assert_eq!(artifact_uri("host"), ("host".to_owned(), None));
        assert_eq!(root_uri("/"), "file:///");
        assert_eq!(root_uri("/tmp/my root"), "file:///tmp/my%20root/");
    }

    #[test]
    fn active_waivers_are_suppressions_expired_ones_are_not() {
        let v = render(&sample(), std::time::UNIX_EPOCH, "web-01");
        let results = run_of(&v)["results"].as_array().unwrap();
        let waived = &results[1];
        assert_eq!(waived["suppressions"][0]["status"], "accepted");
        assert!(
            waived["suppressions"][0]["justification"]
                .as_str()
                .unwrap()
                .contains("lab machine")
        );
        let expired = &results[2];
        assert!(expired.get("suppressions").is_none());
        assert_eq!(expired["properties"]["waiver"]["active"], false);
    }

    #[test]
    fn fingerprints_are_stable_and_distinct_per_target() {
        let r = sample();
        let a = fingerprint(&r.results[0]);
        assert_eq!(a, fingerprint(&r.results[0].clone()));
        assert_ne!(a, fingerprint(&r.results[1]));
        assert_eq!(a.len(), 32);
    }
}
