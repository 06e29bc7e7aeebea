//! Oversized output and malformed components.

use super::*;

#[test]
fn millions_of_findings_hit_a_limit() {
    let lab = Lab::new("many-findings", &["many_findings"], false);
    let id = "hostile-many-findings";
    let out = lab.run(&[id, TLS], &[]);
    let error = out.control(id)["error"].as_str().unwrap_or("").to_owned();
    // Which bound it meets first depends on how far its allocations get: its memory,
    // or the copy limit on the result, or the findings' count.
    let reason = if error.contains("memory limit") {
        "exceeded the memory limit"
    } else {
        "went over its budget"
    };
    out.assert_contained(id, reason);
}

#[test]
fn more_findings_than_the_limit_are_refused() {
    let lab = Lab::new("over-limit", &["findings_over_limit"], false);
    let out = lab.run(&["hostile-findings-over-limit", TLS], &[]);
    out.assert_contained(
        "hostile-findings-over-limit",
        "more than 10000 findings in one audit (the limit [limits] max_findings)",
    );
}

#[rstest::rstest]
#[case::bad_id("bad_id", &["invalid id", "Bad ID!"])]
#[case::huge_title("huge_title", &["metadata", "hostile-huge-title"])]
fn malformed_metadata_is_refused_at_load(#[case] example: &str, #[case] reasons: &[&str]) {
    let lab = Lab::new(&example.replace('_', "-"), &[example], false);
    let out = lab.run(&[], &[]);
    out.assert_refused(&lab.plugin(example), reasons);
    assert!(!out.printed("TTTTTTTTTTTTTTTT"), "the huge title leaked");
    assert!(
        !out.report["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "Bad ID!"),
        "a control with a malformed id was loaded: {:#}",
        out.report["controls"]
    );
}

#[test]
fn a_control_built_against_a_future_wit_is_refused_at_load() {
    let lab = Lab::new("future-wit", &["future_wit"], false);
    let out = lab.run(&[], &[]);
    out.assert_refused(
        &lab.plugin("future_wit"),
        &["@1.0.0", "rebuild the control against"],
    );
}

#[test]
fn a_control_built_against_the_first_contract_still_runs() {
    let lab = Lab::new("contract-v0-1", &["contract_v0_1"], false);
    let id = "hostile-contract-v0-1";
    let out = lab.run(&[id], &[]);
    let control = out.control(id);
    assert_eq!(control["status"], "ok", "{control:#}");
    assert!(control.get("items").is_none(), "0.1.0 names no items");
    let result = out.report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["control"] == id)
        .unwrap_or_else(|| panic!("no result: {:#}", out.report));
    assert_eq!(result["status"], "pass", "{result:#}");
    assert_eq!(result["evidence"]["mode"], "0400", "the key the lab wrote");
    let seen: usize = result["evidence"]["containers"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(seen >= 1, "the lab's container was not served: {result:#}");
    assert_eq!(
        result["evidence"]["outside"], "Error::Denied",
        "grants still hold"
    );

    let plugin = lab.plugin("contract_v0_1");
    let inspect = crate::support::run(&["plugins", "inspect", plugin.to_str().unwrap()]);
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    assert!(
        inspect.stdout.contains("wit:       bulkhead:plugin@0.1.0"),
        "{}",
        inspect.stdout
    );
}
