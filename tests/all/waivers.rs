//! Waivers from the configuration, end to end: a waived failure is shown as waived and
//! leaves the exit code alone, an expired waiver stops waiving and says so, a waiver
//! that matched nothing is called stale, a bad waiver stops the run, and `fix` leaves a
//! waived target alone (real files, real modes, a real container).

use crate::support::{Container, Host, Run, bulkhead, status_of};

const TLS: &str = "docker-tls-key-permissions";
const NET_RAW: &str = "container-net-raw-dropped";
const KEY: &str = "/etc/docker/tls/key.pem";

/// A configuration file in its own directory (kept alive by the returned guard).
pub fn config_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap().to_owned();
    (dir, path)
}

fn waiver(control: &str, target: &str, justification: &str, expires: &str) -> String {
    format!(
        "[[waivers]]\ncontrol = \"{control}\"\ntarget = \"{target}\"\n\
         justification = \"{justification}\"\nexpires = \"{expires}\"\n"
    )
}

/// A root whose daemon TLS key is mode 0644: `docker-tls-key-permissions` fails on it.
fn failing_host() -> Host {
    let host = Host::new();
    host.file(KEY, "KEY", 0o644)
        .process(77, &["dockerd", "--tlskey", KEY]);
    host
}

fn audit(host: &Host, config: &str, format: &str) -> Run {
    host.run(&["run", "--only", TLS, "--format", format, "--config", config])
}

#[test]
fn an_active_waiver_shows_as_waived_and_leaves_the_exit_code_alone() {
    let host = failing_host();
    let (_none, plain) = config_file("");
    let unwaived = audit(&host, &plain, "table");
    assert_eq!(unwaived.code, 1, "{}\n{}", unwaived.stdout, unwaived.stderr);

    let (_dir, config) = config_file(&waiver(
        TLS,
        "file:/etc/docker/tls/*",
        "HSM shim reads it as group; ticket OPS-1234",
        "2099-12-31",
    ));
    let table = audit(&host, &config, "table");
    assert_eq!(table.code, 0, "{}\n{}", table.stdout, table.stderr);
    let row = table
        .stdout
        .lines()
        .find(|l| l.contains(&format!("file:{KEY}")))
        .unwrap_or_else(|| panic!("no row for the key:\n{}", table.stdout));
    assert!(row.starts_with("WAIVED"), "{row}");
    assert!(
        row.contains("waived until 2099-12-31: HSM shim reads it as group; ticket OPS-1234"),
        "{row}"
    );
    assert!(
        table.stdout.contains("(1 of them waived)"),
        "{}",
        table.stdout
    );
    assert!(!table.stderr.contains("stale"), "{}", table.stderr);

    let json = audit(&host, &config, "json");
    assert_eq!(json.code, 0, "{}", json.stderr);
    let report = json.json();
    let result = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["target"] == format!("file:{KEY}"))
        .unwrap();
    assert_eq!(result["status"], "fail", "the status is kept: {result}");
    assert_eq!(
        result["waiver"],
        serde_json::json!({
            "justification": "HSM shim reads it as group; ticket OPS-1234",
            "expires": "2099-12-31",
            "active": true,
        })
    );
    assert_eq!(report["summary"]["waived"], 1);
    assert_eq!(report["summary"]["fail"], 1);
}

#[test]
fn an_expired_waiver_stops_waiving_and_says_so() {
    let host = failing_host();
    let (_dir, config) = config_file(&waiver(TLS, &format!("file:{KEY}"), "old", "2020-01-31"));
    let out = audit(&host, &config, "json");
    assert_eq!(out.code, 1, "{}", out.stderr);
    let expected =
        format!("waiver for {TLS} on file:{KEY} expired on 2020-01-31; it no longer applies");
    assert!(out.stderr.contains(&expected), "{}", out.stderr);
    let report = out.json();
    assert_eq!(status_of(&report, TLS, &format!("file:{KEY}")), "fail");
    let result = &report["results"][0];
    assert_eq!(result["waiver"]["active"], false, "{result}");
    assert_eq!(report["summary"]["waived"], 0);

    let table = audit(&host, &config, "table");
    assert_eq!(table.code, 1);
    assert!(
        table
            .stdout
            .lines()
            .any(|l| l.starts_with("FAIL") && l.contains("[waiver expired 2020-01-31]")),
        "{}",
        table.stdout
    );
}

#[test]
fn a_waiver_that_matched_nothing_is_called_stale() {
    let host = Host::new();
    host.file(KEY, "KEY", 0o400)
        .process(77, &["dockerd", "--tlskey", KEY]);
    let (_dir, config) = config_file(&format!(
        "{}{}",
        waiver(TLS, &format!("file:{KEY}"), "was needed once", "2099-12-31"),
        waiver("no-such-control", "host", "typo", "2099-12-31"),
    ));
    let out = audit(&host, &config, "json");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "stale waiver #1 (control \"{TLS}\", target \"file:{KEY}\") in {config}: it \
             matched no fail or warn result"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("waiver #2") && out.stderr.contains("names no known control"),
        "{}",
        out.stderr
    );
    assert!(out.json()["results"][0].get("waiver").is_none());
}

#[rstest::rstest]
#[case::empty_justification(
    "[[waivers]]\ncontrol = \"c1\"\ntarget = \"host\"\njustification = \"\"\nexpires = \"2027-01-31\"\n",
    "waiver #1 (control \"c1\"): `justification` is empty"
)]
#[case::bad_date(
    "[[waivers]]\ncontrol = \"c1\"\ntarget = \"host\"\njustification = \"j\"\nexpires = \"2027-02-30\"\n",
    "waiver #1 (control \"c1\"): `expires`: \"2027-02-30\" is not a day of the calendar"
)]
#[case::unknown_key(
    "[[waivers]]\ncontrol = \"c1\"\ntarget = \"host\"\njustification = \"j\"\nexpires = \"2027-01-31\"\n\
     [[waivers]]\ncontrol = \"c2\"\ntarget = \"host\"\njustification = \"j\"\nexpires = \"2027-01-31\"\nowner = \"me\"\n",
    "waiver #2 (control \"c2\"): unknown key `owner`"
)]
#[case::missing_expiry(
    "[[waivers]]\ncontrol = \"c1\"\ntarget = \"host\"\njustification = \"j\"\n",
    "waiver #1 (control \"c1\"): `expires` is missing"
)]
fn bad_waivers_stop_the_run_with_a_clear_error(#[case] text: &str, #[case] why: &str) {
    let host = failing_host();
    let (_dir, config) = config_file(text);
    for command in ["run", "fix"] {
        let out = host.run(&[command, "--only", TLS, "--config", &config]);
        assert_eq!(out.code, 2, "{command}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        assert!(
            out.stderr.contains(&format!("invalid config {config}")),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains(why), "{}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
}

#[test]
fn fix_leaves_a_waived_file_alone_and_fixes_the_rest() {
    let host = failing_host();
    host.file("/etc/docker/certs.d/registry:5000/client.key", "K", 0o644);
    let (_dir, config) = config_file(&waiver(
        TLS,
        "file:/etc/docker/certs.d/*",
        "registry key shared with the mirror job",
        "2099-12-31",
    ));
    let journal = tempfile::tempdir().unwrap();
    let jdir = journal.path().to_str().unwrap();

    let plan = host.run(&["fix", "--only", TLS, "--config", &config]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(
        plan.stdout.contains(
            "SKIPPED  docker-tls-key-permissions  file:/etc/docker/certs.d/registry:5000/client.key  \
             waived until 2099-12-31: registry key shared with the mirror job"
        ),
        "{}",
        plan.stdout
    );

    let applied = host.run(&[
        "fix",
        "--only",
        TLS,
        "--apply",
        "--journal",
        jdir,
        "--format",
        "json",
        "--config",
        &config,
    ]);
    assert_eq!(applied.code, 0, "{}\n{}", applied.stdout, applied.stderr);
    let fixes = applied.json()["fixes"].as_array().unwrap().clone();
    let skipped = fixes
        .iter()
        .find(|f| f["status"] == "skipped")
        .unwrap_or_else(|| panic!("{fixes:?}"));
    assert_eq!(
        skipped["target"],
        "file:/etc/docker/certs.d/registry:5000/client.key"
    );
    assert_eq!(skipped["waiver"]["active"], true);
    assert_eq!(skipped["changes"], serde_json::json!([]));
    assert_eq!(
        host.mode("/etc/docker/certs.d/registry:5000/client.key"),
        0o644,
        "a waived target is never changed"
    );
    assert_eq!(host.mode(KEY), 0o400, "the unwaived key is fixed");
}

#[test]
fn a_waiver_covers_a_real_container_by_pattern() {
    let c = Container::create("legacy-app", &[], false);
    let (_dir, config) = config_file(&waiver(
        NET_RAW,
        "container:bulkhead-test-legacy-*",
        "vendor image needs raw sockets",
        "2099-12-31",
    ));
    let out = bulkhead()
        .args([
            "run", "--only", NET_RAW, "--format", "json", "--config", &config,
        ])
        .output()
        .unwrap();
    let out = Run::from(out);
    let report = out.json();
    let result = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["target"] == c.target())
        .unwrap_or_else(|| panic!("no result for {} in {report:#}", c.target()));
    assert_eq!(result["status"], "fail");
    assert_eq!(result["waiver"]["active"], true, "{result}");

    let plan = bulkhead()
        .args([
            "fix",
            "--only",
            NET_RAW,
            "--target",
            &c.target(),
            "--format",
            "json",
        ])
        .args(["--config", &config])
        .output()
        .unwrap();
    let plan = Run::from(plan);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let fixes = plan.json()["fixes"].clone();
    assert_eq!(fixes[0]["status"], "skipped", "{fixes}");
    assert_eq!(fixes[0]["changes"], serde_json::json!([]), "{fixes}");
}
