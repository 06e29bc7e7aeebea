//! The byte budget of a call: each way a control could make the host keep or copy more
//! than the limits say ends that control in `error`, with the limit named, a small
//! report, and host memory within [`RSS_BOUND`] of a one-control run.

use super::*;

/// `id` went over the limit `key` of its budget: contained as any error is, and the
/// run's memory stayed bounded.
fn assert_over_budget(lab: &Lab, out: &Outcome, id: &str, key: &str) {
    out.assert_contained(id, "went over its budget");
    let error = out.control(id)["error"].as_str().unwrap();
    assert!(
        error.contains(key),
        "the error names [limits] {key}: {error}"
    );
    out.assert_rss_bounded(lab);
}

#[test]
fn long_pointers_run_into_the_input_budget_and_the_memo_stays_bounded() {
    let lab = Lab::new("long-pointers", &["long_pointers"], false);
    let id = "hostile-long-pointers";
    let out = lab.run(&[id, TLS], &[]);
    assert_over_budget(&lab, &out, id, "max_input_bytes");
}

#[test]
fn a_bomb_of_denial_arguments_is_refused_and_none_is_kept() {
    let lab = Lab::new("denial-bomb", &["denial_bomb"], false);
    let id = "hostile-denial-bomb";
    let out = lab.run(&[id, TLS], &[]);
    assert_over_budget(&lab, &out, id, "max_output_bytes");
    assert!(out.denials(id).is_empty(), "a 1 MiB argument was kept");
    assert!(!out.printed("DDDDDDDDDDDDDDDD"), "the argument leaked");
}

#[test]
fn empty_log_lines_are_counted() {
    let lab = Lab::new("empty-log-flood", &["empty_log_flood"], false);
    let id = "hostile-empty-log-flood";
    let out = lab.run(&[id, TLS], &[]);
    assert_over_budget(&lab, &out, id, "max_log_lines");
    let log = out.control(id)["log"].as_array().unwrap().len();
    assert!(log <= 1000, "{log} log lines kept");
}

#[test]
fn huge_targets_count_against_the_output() {
    let lab = Lab::new("huge-targets", &["huge_targets"], false);
    let id = "hostile-huge-targets";
    let out = lab.run(&[id, TLS], &[]);
    assert_over_budget(&lab, &out, id, "max_output_bytes");
    assert!(!out.printed("TTTTTTTTTTTTTTTT"), "a target leaked");
}

#[test]
fn a_huge_message_is_refused_before_it_is_copied_whole() {
    let lab = Lab::new("huge-message", &["huge_message"], false);
    let id = "hostile-huge-message";
    let out = lab.run(&[id, TLS], &[]);
    // 10 MiB is over the copy limit the host sets on wasmtime from its own limits.
    out.assert_contained(id, "copy limit derived from [limits] max_output_bytes");
    assert!(!out.printed("AAAAAAAAAAAAAAAA"), "the message leaked");
    out.assert_rss_bounded(&lab);
}

#[test]
fn a_configured_limit_is_the_one_enforced_and_named() {
    // The same flood of empty lines, against a log-line limit of 10 from the file.
    let lab = Lab::new("log-lines-config", &["empty_log_flood"], false);
    let id = "hostile-empty-log-flood";
    let cfg = lab.config("[limits]\nmax_log_lines = 10\n");
    let out = lab.run(&[id, TLS], &["--config", &cfg]);
    out.assert_contained(id, "more than 10 log lines");
    assert!(out.control(id)["log"].as_array().unwrap().len() <= 10);
}
