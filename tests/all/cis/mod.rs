//! Every bundled control against a passing and a failing fixture, on real files (real
//! modes and owners under a temporary root), a fake `--proc`, and real containers; and the
//! test that fails when a bundled control lacks a fixture, CIS metadata or a doc header.
//!
//! Each section's fixtures live in their own file (`files.rs`: section 3, `host.rs`:
//! sections 1, 4, 6 and 7, ...); a control is covered when one of them lists it with a
//! passing and a failing setup. For a manual item (its reference ends in `(manual)`) both
//! setups must give `info`; a failing setup may give `warn` where the control cannot know
//! (who is trusted) and says so. Controls whose verdict needs a daemon state the shared
//! test daemon must not take (swarm mode) are listed in `host::ON_A_SWARM` instead, with
//! the status they must give here; their other verdicts are unit-tested on recorded
//! `docker info`, and judged against a real swarm of a second daemon in `tests/all/swarm.rs`.

mod daemon;
mod files;
mod host;
mod runtime;

use crate::support::{Container, Host, run, workspace};

/// How to set a host up so the control must give a known status for `target`.
pub struct Case {
    /// `file:<path>`, `container:<name>` or `host`.
    pub target: String,
    /// Keeps a container alive for the run.
    pub _container: Option<Container>,
}

/// Prepares a host (files under its root, its fake `--proc`, containers).
pub type Setup = fn(&Host) -> Case;

/// One control's fixtures: (id, passing, failing).
pub type Fixture = (&'static str, Setup, Setup);

/// Every section's fixtures.
fn fixtures() -> Vec<&'static Fixture> {
    files::FIXTURES
        .iter()
        .chain(daemon::FIXTURES.iter())
        .chain(runtime::FIXTURES.iter())
        .chain(host::FIXTURES.iter())
        .collect()
}

/// The ids of the manual controls (`bulkhead controls`: a reference ending in `(manual)`).
fn manual_ids() -> Vec<String> {
    run(&["controls", "--format", "json"]).json()["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["references"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r.as_str().is_some_and(|r| r.ends_with("(manual)")))
        })
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The status `id` gives `case.target` on `host`, and the whole result line.
fn verdict(host: &Host, id: &str, case: &Case) -> Result<String, String> {
    let out = host.run(&["run", "--only", id, "--format", "json"]);
    let report = out.json();
    let results = report["results"].as_array().unwrap();
    results
        .iter()
        .find(|r| r["target"] == case.target.as_str())
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .ok_or_else(|| format!("no result for {}: {results:?} {}", case.target, out.stderr))
}

#[test]
fn every_bundled_control_passes_and_fails_on_its_fixtures() {
    let manual = manual_ids();
    let mut wrong = Vec::new();
    let mut check = |id: &str, setup: Setup, want: &[&str], which: &str| {
        let host = Host::new();
        let case = setup(&host);
        match verdict(&host, id, &case) {
            Ok(got) if want.contains(&got.as_str()) => {}
            Ok(got) => wrong.push(format!("{id}: {which} fixture gave {got}, want {want:?}")),
            Err(e) => wrong.push(format!("{id}: {which} fixture: {e}")),
        }
    };
    for (id, pass, fail) in fixtures() {
        if manual.iter().any(|m| m == id) {
            check(id, *pass, &["info"], "first (manual)");
            check(id, *fail, &["info"], "second (manual)");
        } else {
            check(id, *pass, &["pass"], "passing");
            check(id, *fail, &["fail", "warn"], "failing");
        }
    }
    for (id, setup, want) in host::ON_A_SWARM {
        check(id, *setup, &[want], "off-swarm");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_bundled_control_has_fixtures_cis_metadata_and_a_doc_header() {
    let listed = run(&["controls", "--format", "json"]).json();
    let mut missing = Vec::new();
    for control in listed["controls"].as_array().unwrap() {
        let id = control["id"].as_str().unwrap();
        let swarm_only = host::ON_A_SWARM.iter().any(|(f, ..)| *f == id);
        if !swarm_only && !fixtures().iter().any(|(f, ..)| *f == id) {
            missing.push(format!(
                "{id}: no passing/failing fixture in tests/all/cis/"
            ));
        }
        let refs: Vec<&str> = control["references"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r.as_str())
            .collect();
        if !refs
            .iter()
            .any(|r| r.starts_with("CIS Docker Benchmark v1.6.0 "))
        {
            missing.push(format!("{id}: no CIS Docker Benchmark v1.6.0 reference"));
        }
        for field in ["title", "description"] {
            if control[field].as_str().is_none_or(|t| t.trim().is_empty()) {
                missing.push(format!("{id}: empty {field}"));
            }
        }
        let lib = workspace().join("plugins").join(id).join("src/lib.rs");
        let header = std::fs::read_to_string(&lib).unwrap_or_default();
        if !header.starts_with(&format!("//! # `{id}`")) {
            missing.push(format!(
                "{id}: {} does not open with \"//! # `{id}`\"",
                lib.display()
            ));
        }
        for section in ["What it checks", "Why it matters", "Remediation", "Example"] {
            if !header.contains(&format!("//! ### {section}")) {
                missing.push(format!("{id}: doc header lacks \"### {section}\""));
            }
        }
    }
    // A fixture for a control that no longer exists is a mistake too.
    let fixture_ids = fixtures().into_iter().map(|(id, ..)| *id);
    for id in fixture_ids.chain(host::ON_A_SWARM.iter().map(|(id, ..)| *id)) {
        if !listed["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == id)
        {
            missing.push(format!("{id}: fixture for a control that is not bundled"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The CIS items of the controls `bulkhead controls ARGS` lists.
fn listed_items(args: &[&str]) -> Vec<(String, String)> {
    let mut all = vec!["controls", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(&all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.json()["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let item = c["references"][0]
                .as_str()
                .unwrap()
                .trim_start_matches("CIS Docker Benchmark v1.6.0 ")
                .to_owned();
            (c["id"].as_str().unwrap().to_owned(), item)
        })
        .collect()
}

#[test]
fn controls_are_selected_by_id_cis_item_and_section() {
    let section = listed_items(&["--only", "3"]);
    assert!(section.len() >= 24, "{section:?}");
    assert!(section.iter().all(|(_, item)| item.starts_with("3.")));
    assert_eq!(listed_items(&["--only", "3.*"]), section);

    let skipped = listed_items(&["--only", "3", "--skip", "3.14,docker-sock-mode"]);
    assert_eq!(skipped.len(), section.len() - 2);
    assert!(
        !skipped
            .iter()
            .any(|(id, item)| item == "3.14" || id == "docker-sock-mode")
    );

    // An item is not a prefix of its neighbours: 3.1 is not 3.10-3.19.
    assert_eq!(
        listed_items(&["--only", "3.1"]),
        [("docker-service-owner".to_owned(), "3.1".to_owned())]
    );
    assert_eq!(
        listed_items(&["--only", "5.4,docker-sock-owner"])
            .into_iter()
            .map(|(id, _)| id)
            .collect::<Vec<_>>(),
        // 5.4 has two controls: its NET_RAW note and the broader capability check.
        [
            "container-capabilities-restricted",
            "container-net-raw-dropped",
            "docker-sock-owner"
        ]
    );

    for flag in ["--only", "--skip"] {
        let out = run(&["controls", flag, "9.9"]);
        assert_eq!(out.code, 2, "{flag}");
        assert!(
            out.stderr.contains("9.9 matches no control"),
            "{}",
            out.stderr
        );
    }
}

/// The ids `bulkhead controls ARGS` lists.
fn listed_ids(args: &[&str]) -> Vec<String> {
    listed_items(args).into_iter().map(|(id, _)| id).collect()
}

#[test]
fn every_item_of_the_benchmark_is_covered_with_its_level() {
    let listed = run(&["controls", "--format", "json"]).json();
    let mut items = std::collections::BTreeSet::new();
    let mut wrong = Vec::new();
    for control in listed["controls"].as_array().unwrap() {
        let id = control["id"].as_str().unwrap();
        let reference = control["references"][0].as_str().unwrap();
        let named = control["items"].as_array().cloned().unwrap_or_default();
        let [item] = &named[..] else {
            wrong.push(format!("{id}: names {} items, want 1", named.len()));
            continue;
        };
        let number = item["item"].as_str().unwrap();
        if !reference.starts_with(&format!("CIS Docker Benchmark v1.6.0 {number}")) {
            wrong.push(format!("{id}: item {number} but reference {reference:?}"));
        }
        if item["benchmark"] != "CIS Docker Benchmark v1.6.0" {
            wrong.push(format!("{id}: benchmark {}", item["benchmark"]));
        }
        if !matches!(item["level"].as_u64(), Some(1 | 2)) {
            wrong.push(format!("{id}: level {}", item["level"]));
        }
        let manual = reference.ends_with("(manual)");
        let assessment = if manual { "manual" } else { "automated" };
        if item["assessment"] != assessment {
            wrong.push(format!(
                "{id}: {} but its reference says {assessment}",
                item["assessment"]
            ));
        }
        items.insert(number.to_owned());
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Sections 1-7 of v1.6.0 have 117 items (docker-bench-security's list).
    assert_eq!(items.len(), 117, "{items:?}");

    // L1 and L2 split the bundled set; the Level 1 profile is everything but L2.
    let all = listed_ids(&[]);
    let one = listed_ids(&["--only", "L1"]);
    let two = listed_ids(&["--only", "l2"]);
    assert!(!one.is_empty() && !two.is_empty());
    assert_eq!(one.len() + two.len(), all.len());
    assert!(one.iter().all(|id| !two.contains(id)));
    assert_eq!(listed_ids(&["--skip", "L2"]), one);
    // Level 2 holds the stricter items: user namespaces (2.9), SELinux (5.3).
    assert!(two.contains(&"daemon-userns-remap".to_owned()), "{two:?}");
    assert!(
        listed_ids(&["--only", "3", "--skip", "L1"])
            .iter()
            .all(|id| two.contains(id))
    );
    let out = run(&["controls", "--only", "L3"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("levels L1 and L2"), "{}", out.stderr);
}
