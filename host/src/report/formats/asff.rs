//! The report as AWS Security Finding Format findings: a JSON array that AWS Security
//! Hub's `BatchImportFindings` accepts (at most 100 per call; see the README for
//! chunking with `jq`).
//!
//! Every result is a finding (Security Hub tracks passes too): `Id` is stable per host,
//! control and target, so a later import updates the same finding. `Compliance.Status`
//! is `PASSED`/`FAILED`/`WARNING`, or `NOT_AVAILABLE` for skip, info and error;
//! `Severity.Label` is the control's severity for fail and warn, `INFORMATIONAL`
//! otherwise; `Workflow.Status` is `RESOLVED` for a pass, `SUPPRESSED` under an active
//! waiver (the justification in `Note`), else `NEW`.

use anyhow::bail;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::report::status::Verdict;
use crate::report::{ControlEntry, Report, ResultEntry};

use super::{rfc3339, truncate};

/// The finding type: a configuration check against an industry benchmark.
const TYPE: &str = "Software and Configuration Checks/Industry and Regulatory Standards/CIS Host Hardening Benchmarks";

/// The account and Region whose Security Hub imports the findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// 12-digit AWS account id.
    pub account_id: String,
    /// e.g. `eu-west-1`.
    pub region: String,
}

impl Account {
    /// From the flags, else `AWS_REGION` / `AWS_DEFAULT_REGION` (the account's env,
    /// `AWS_ACCOUNT_ID`, is read by clap); an error naming the flag when missing.
    pub fn resolve(account: Option<&str>, region: Option<&str>) -> anyhow::Result<Self> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let region = region
            .map(str::to_owned)
            .or_else(|| env("AWS_REGION"))
            .or_else(|| env("AWS_DEFAULT_REGION"));
        Self::new(account, region.as_deref())
    }

    /// Check an account id and Region as given.
    pub fn new(account: Option<&str>, region: Option<&str>) -> anyhow::Result<Self> {
        let Some(account) = account.filter(|a| !a.is_empty()) else {
            bail!(
                "--format asff needs the AWS account that imports the findings: pass \
                 --aws-account-id 123456789012 (or set AWS_ACCOUNT_ID)"
            );
        };
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            bail!("--aws-account-id {account:?} is not a 12-digit AWS account id");
        }
        let Some(region) = region.filter(|r| !r.is_empty()) else {
            bail!(
                "--format asff needs the AWS Region of your Security Hub: pass \
                 --aws-region eu-west-1 (or set AWS_REGION)"
            );
        };
        let ok = region.len() <= 32
            && region.contains('-')
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && region.ends_with(|c: char| c.is_ascii_digit());
        if !ok {
            bail!("--aws-region {region:?} is not an AWS Region name (like eu-west-1)");
        }
        Ok(Account {
            account_id: account.to_owned(),
            region: region.to_owned(),
        })
    }

    /// The ARN partition of the Region.
    fn partition(&self) -> &'static str {
        if self.region.starts_with("cn-") {
            "aws-cn"
        } else if self.region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        }
    }

    /// The ARN of the account's own ("default") product, which accepts custom findings.
    pub fn product_arn(&self) -> String {
        format!(
            "arn:{}:securityhub:{}:{}:product/{}/default",
            self.partition(),
            self.region,
            self.account_id,
            self.account_id
        )
    }
}

/// One ASFF finding per result of `report`, observed on `hostname` at `now`.
pub fn render(
    report: &Report,
    account: &Account,
    hostname: &str,
    now: std::time::SystemTime,
) -> Vec<Value> {
    let now = rfc3339(now);
    report
        .results
        .iter()
        .map(|r| {
            let control = report.controls.iter().find(|c| *c.id == *r.control);
            finding(report, r, control, account, hostname, &now)
        })
        .collect()
}

fn finding(
    report: &Report,
    r: &ResultEntry,
    control: Option<&ControlEntry>,
    account: &Account,
    hostname: &str,
    now: &str,
) -> Value {
    let severity = control.map_or("info", |c| c.severity);
    let label = match (r.status.is_finding(), severity) {
        (true, "critical") => "CRITICAL",
        (true, "high") => "HIGH",
        (true, "medium") => "MEDIUM",
        (true, "low") => "LOW",
        _ => "INFORMATIONAL",
    };
    let compliance = match r.status {
        Verdict::Pass => "PASSED",
        Verdict::Fail => "FAILED",
        Verdict::Warn => "WARNING",
        Verdict::Info | Verdict::Skip | Verdict::Error => "NOT_AVAILABLE",
    };
    let waived = r.is_waived();
    let workflow = if waived {
        "SUPPRESSED"
    } else if r.status == Verdict::Pass {
        "RESOLVED"
    } else {
        "NEW"
    };
    let title = control
        .map(|c| c.title.as_str())
        .filter(|t| !t.is_empty())
        .unwrap_or(&r.control);
    let description = if r.message.is_empty() {
        format!("{} {} on {}", r.control, r.status, r.target)
    } else {
        r.message.clone()
    };
    let mut fields = Map::new();
    let mut field = |k: String, v: &str| {
        if fields.len() < 50 {
            fields.insert(truncate(&k, 128), json!(truncate(v, 2048)));
        }
    };
    field("bulkhead/control".into(), &r.control);
    field("bulkhead/target".into(), &r.target);
    field("bulkhead/status".into(), r.status.as_str());
    field("bulkhead/root".into(), &report.root);
    field("bulkhead/docker_host".into(), &report.docker_host);
    field("bulkhead/version".into(), report.bulkhead_version);
    for (k, v) in &r.evidence {
        field(format!("bulkhead/evidence/{k}"), v);
    }
    let mut f = json!({
        "SchemaVersion": "2018-10-08",
        "Id": finding_id(hostname, r),
        "ProductArn": account.product_arn(),
        "ProductName": "bulkhead",
        "CompanyName": "bulkhead",
        "GeneratorId": truncate(&format!("bulkhead/{}", r.control), 512),
        "AwsAccountId": account.account_id,
        "Types": [TYPE],
        "FirstObservedAt": now,
        "LastObservedAt": now,
        "CreatedAt": now,
        "UpdatedAt": now,
        "Severity": { "Label": label, "Original": severity },
        "Title": truncate(&format!("{title} ({})", r.target), 256),
        "Description": truncate(&description, 1024),
        "ProductFields": fields,
        "Resources": [resource(r, account, hostname)],
        "Compliance": {
            "Status": compliance,
            "RelatedRequirements": control
                .map(|c| c.references.iter().take(32).map(|s| truncate(s, 256)).collect::<Vec<_>>())
                .unwrap_or_default(),
        },
        "Workflow": { "Status": workflow },
        "RecordState": "ACTIVE",
    });
    if let Some(fix) = control.map(|c| &c.remediation).filter(|t| !t.is_empty()) {
        f["Remediation"] = json!({ "Recommendation": { "Text": truncate(fix, 512) } });
    }
    if let Some(w) = &r.waiver {
        let state = if w.active {
            "Waived until"
        } else {
            "Waiver expired on"
        };
        f["Note"] = json!({
            "Text": truncate(&format!("{state} {}: {}", w.expires, w.justification), 512),
            "UpdatedBy": "bulkhead",
            "UpdatedAt": now,
        });
    }
    f
}

/// `bulkhead/<host>/<control>/<target>`, or with the target hashed when that would pass
/// the 512 characters Security Hub allows.
fn finding_id(hostname: &str, r: &ResultEntry) -> String {
    let id = format!("bulkhead/{hostname}/{}/{}", r.control, r.target);
    if id.len() <= 512 {
        return id;
    }
    let digest = Sha256::digest(format!("{hostname}\0{}\0{}", r.control, r.target));
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "bulkhead/{}/{}/sha256:{hex}",
        truncate(hostname, 200),
        r.control
    )
}

fn resource(r: &ResultEntry, account: &Account, hostname: &str) -> Value {
    let id = truncate(&format!("{hostname}/{}", r.target), 512);
    match r.target.strip_prefix("container:") {
        Some(name) => json!({
            "Type": "Container",
            "Id": id,
            "Partition": account.partition(),
            "Region": account.region,
            "Details": { "Container": { "Name": name } },
        }),
        None => json!({
            "Type": "Other",
            "Id": id,
            "Partition": account.partition(),
            "Region": account.region,
            "Details": { "Other": { "hostname": truncate(hostname, 1024), "target": truncate(&r.target, 1024) } },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::formats::test_support::sample;

    fn account() -> Account {
        Account::new(Some("123456789012"), Some("eu-west-1")).unwrap()
    }

    fn findings() -> Vec<Value> {
        render(&sample(), &account(), "web-01", std::time::UNIX_EPOCH)
    }

    #[rstest::rstest]
    #[case::no_account(None, Some("eu-west-1"), "--aws-account-id")]
    #[case::short_account(Some("1234"), Some("eu-west-1"), "12-digit")]
    #[case::no_region(Some("123456789012"), None, "--aws-region")]
    #[case::bad_region(Some("123456789012"), Some("Europe"), "not an AWS Region")]
    fn missing_or_bad_account_settings_name_the_flag(
        #[case] account: Option<&str>,
        #[case] region: Option<&str>,
        #[case] says: &str,
    ) {
        let err = Account::new(account, region).unwrap_err().to_string();
        assert!(err.contains(says), "{err}");
    }

    #[rstest::rstest]
    #[case::commercial(
        "eu-west-1",
        "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"
    )]
    #[case::china(
        "cn-north-1",
        "arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default"
    )]
    #[case::govcloud(
        "us-gov-west-1",
        "arn:aws-us-gov:securityhub:us-gov-west-1:123456789012:product/123456789012/default"
    )]
    fn product_arns(#[case] region: &str, #[case] arn: &str) {
        let a = Account::new(Some("123456789012"), Some(region)).unwrap();
        assert_eq!(a.product_arn(), arn);
    }

    #[test]
    fn statuses_map_to_compliance_severity_and_workflow() {
        let got: Vec<(String, String, String)> = findings()
            .iter()
            .map(|f| {
                (
                    f["Compliance"]["Status"].as_str().unwrap().to_owned(),
                    f["Severity"]["Label"].as_str().unwrap().to_owned(),
                    f["Workflow"]["Status"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let want = [
            ("FAILED", "HIGH", "NEW"),
            ("FAILED", "HIGH", "SUPPRESSED"), // active waiver
            ("WARNING", "HIGH", "NEW"),       // expired waiver
            ("PASSED", "INFORMATIONAL", "RESOLVED"),
            ("NOT_AVAILABLE", "INFORMATIONAL", "NEW"),
            ("NOT_AVAILABLE", "INFORMATIONAL", "NEW"),
        ];
        let want: Vec<(String, String, String)> = want
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn identities_resources_and_notes() {
        let f = findings();
        assert_eq!(
            f[0]["Id"],
            "bulkhead/web-01/docker-tls-key-permissions/file:/etc/docker/key.pem"
        );
        assert_eq!(f[0]["Resources"][0]["Type"], "Other");
        assert_eq!(f[1]["Resources"][0]["Type"], "Container");
        assert_eq!(f[1]["Resources"][0]["Details"]["Container"]["Name"], "web");
        assert!(
            f[1]["Note"]["Text"]
                .as_str()
                .unwrap()
                .starts_with("Waived until 2999-12-31")
        );
        assert!(
            f[2]["Note"]["Text"]
                .as_str()
                .unwrap()
                .starts_with("Waiver expired on")
        );
        assert_eq!(f[0]["CreatedAt"], "1970-01-01T00:00:00.000Z");
        assert_eq!(
            f[0]["Compliance"]["RelatedRequirements"][0],
            "CIS Docker Benchmark v1.6.0 3.14"
        );
    }

    #[test]
    fn overlong_ids_are_hashed_within_the_limit() {
        let mut r = sample().results[0].clone();
        r.target = format!("file:/{}", "a".repeat(600)).into();
        let id = finding_id("web-01", &r);
        assert!(id.len() <= 512 && id.contains("sha256:"), "{id}");
    }
}
