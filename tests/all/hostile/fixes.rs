//! `fix` under hostile controls: a change reaches only the target the remediate call
//! was made for, remediate errors are budgeted like findings, and the whole fix is
//! bounded in time.

use super::*;

#[test]
fn a_fix_changes_its_target_and_nothing_else() {
    let lab = Lab::new("fix-beyond-target", &["fix_beyond_target"], false);
    lab.host
        .file("/etc/docker/a.pem", "A", 0o644)
        .file("/etc/docker/b.pem", "B", 0o644);
    let id = "hostile-fix-beyond-target";
    let journal = tempfile::tempdir().unwrap();
    let jdir = journal.path().to_str().unwrap();
    let (out, changes) = lab.fix(&[id], &["--apply", "--journal", jdir]);
    // Only a.pem changed on disk: b.pem, daemon.json and the key keep their modes, the
    // container (checked by the lab) is untouched.
    let changed: Vec<&str> = changes.lines().collect();
    assert_eq!(changed.len(), 1, "{changes}");
    assert!(
        changed[0].starts_with(&format!(
            "changed {}",
            lab.host.path("/etc/docker/a.pem").display()
        )),
        "{changes}"
    );
    assert_eq!(lab.host.mode("/etc/docker/a.pem"), 0o400);
    assert_eq!(lab.host.mode("/etc/docker/b.pem"), 0o644);
    assert_eq!(lab.host.mode("/etc/docker/daemon.json"), 0o644);
    // The plan shows every refused change, and the run says it was not clean.
    let fix = &out.report["fixes"][0];
    let rows: Vec<(&str, &str)> = fix["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["status"].as_str().unwrap(), c["target"].as_str().unwrap()))
        .collect();
    assert!(
        rows.contains(&("applied", "file:/etc/docker/a.pem")),
        "{rows:?}"
    );
    for refused in [
        "file:/etc/docker/b.pem",
        "file:/etc/docker/daemon.json",
        &lab.container.target(),
    ] {
        assert!(rows.contains(&("denied", refused)), "{refused} in {rows:?}");
    }
    assert_eq!(out.run.code, 2, "a refused change makes fix exit 2");
    out.assert_rss_bounded(&lab);

    // The table shows the refusals too.
    let table = run_bounded(&lab.flags("fix", &[id], &[]));
    assert!(
        table
            .run
            .stdout
            .contains("DENIED   hostile-fix-beyond-target  file:/etc/docker/b.pem"),
        "{}",
        table.run.stdout
    );
}

#[test]
fn a_remediate_error_bomb_is_budgeted_like_a_finding() {
    let lab = Lab::new("remediate-error-bomb", &["remediate_error_bomb"], false);
    let id = "hostile-remediate-error-bomb";
    let (out, changes) = lab.fix(&[id], &[]);
    assert_eq!(changes, "");
    let error = out.report["fixes"][0]["error"].as_str().unwrap();
    assert!(
        error.contains("went over its budget") && error.contains("max_text_bytes"),
        "{error}"
    );
    assert!(!out.printed("EEEEEEEEEEEEEEEE"), "the error text leaked");
    assert_eq!(out.run.code, 2);
    out.assert_rss_bounded(&lab);
}

#[test]
fn slow_remediations_are_bounded_by_the_fix_timeout() {
    let lab = Lab::new("slow-remediation", &["slow_remediation"], false);
    let id = "hostile-slow-remediation";
    let start = Instant::now();
    // --timeout 2 per call (the lab's), 8 at a time, none started after 3 s.
    let (out, changes) = lab.fix(&[id], &["--fix-timeout", "3"]);
    let elapsed = start.elapsed();
    assert_eq!(changes, "");
    let fixes = out.report["fixes"].as_array().unwrap();
    assert_eq!(fixes.len(), 400, "every target is accounted for");
    let timed_out = fixes
        .iter()
        .filter(|f| f["error"].as_str().is_some_and(|e| e.contains("timed out")))
        .count();
    let not_started = fixes
        .iter()
        .filter(|f| {
            f["status"] == "skipped"
                && f["reason"]
                    .as_str()
                    .is_some_and(|r| r.contains("--fix-timeout of 3 s passed"))
        })
        .count();
    assert_eq!(timed_out + not_started, 400, "{fixes:#?}");
    // Calls ran eight at a time: a few waves of deadlines, not 400 of them.
    assert!((8..=32).contains(&timed_out), "{timed_out} calls ran");
    assert!(
        elapsed < Duration::from_secs(15),
        "fix took {elapsed:?} under --fix-timeout 3"
    );
    assert_eq!(out.run.code, 2, "targets left unfixed make fix exit 2");
}
