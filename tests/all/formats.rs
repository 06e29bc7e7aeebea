//! Report formats checked by the tools that consume them, on reports from real runs
//! (real files, real containers): SARIF by the official 2.1.0 schema and Microsoft's
//! SARIF multitool with its GitHub code scanning rules, JUnit by the Jenkins
//! `junit-10.xsd` and junitparser, ASFF by botocore's validator for Security Hub's
//! `BatchImportFindings`. Also `--output`, `--fail-on`, and colour in the table.
//!
//! The consumers are installed by `tests/validators/install.sh` (which `.ci/run` runs);
//! when they are missing these tests fail and say so.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use bulkhead::report::formats::{self, RenderOptions, asff::Account};
use bulkhead::report::status::Ran;
use bulkhead::report::{ControlEntry, Report, ResultEntry, WaiverNote};
use bulkhead::sandbox::catalog::Source;
use bulkhead::settings::cli::ReportFormat;
use serde_json::Value;

use crate::support::{Container, Host, Run, bulkhead, workspace};

const TLS: &str = "docker-tls-key-permissions";
const RAW: &str = "container-net-raw-dropped";
const ACCOUNT: &str = "123456789012";

/// A host with one failing and one passing key, and one failing and one passing
/// container on the real daemon.
struct Fixture {
    host: Host,
    bad: Container,
    good: Container,
}

impl Fixture {
    fn new(prefix: &str) -> Self {
        let host = Host::new();
        host.file("/etc/docker/tls/key.pem", "KEY", 0o644)
            .file(
                "/etc/docker/certs.d/registry.example:5000/client.key",
                "KEY",
                0o400,
            )
            .process(812, &["dockerd", "--tlskey", "/etc/docker/tls/key.pem"]);
        Fixture {
            host,
            bad: Container::create(&format!("{prefix}-bad"), &[], false),
            good: Container::create(&format!("{prefix}-good"), &["--cap-drop", "NET_RAW"], false),
        }
    }

    /// `bulkhead run ARGS` with the two controls these fixtures are about.
    fn run(&self, args: &[&str]) -> Run {
        let only = format!("{TLS},{RAW}");
        let mut all = vec!["run", "--only", &only];
        all.extend_from_slice(args);
        self.host.run(&all)
    }
}

/// Where the validators live, failing with what to install when they are missing.
fn validators() -> PathBuf {
    let dir = workspace().join("target/validators");
    for need in [
        "venv/bin/python",
        "npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool",
    ] {
        assert!(
            dir.join(need).exists(),
            "the format validators are not installed ({} is missing): run \
             tests/validators/install.sh (needs python3-venv and npm; .ci/run does it)",
            dir.join(need).display()
        );
    }
    dir
}

/// Validate `report` (the bytes of a `kind` report) with its consumer; returns what
/// the consumer read.
pub fn validate(kind: &str, report: &[u8]) -> Value {
    let v = validators();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join(format!("report.{kind}"));
    std::fs::write(&file, report).unwrap();
    let multitool = v.join("npm/node_modules/@microsoft/sarif-multitool-linux");
    let mut cmd = Command::new(v.join("venv/bin/python"));
    cmd.arg(workspace().join("tests/validators/validate.py"))
        .arg(kind)
        .arg(&file);
    match kind {
        "sarif" => cmd
            .arg(multitool.join("sarif-2.1.0.json"))
            .arg(multitool.join("Sarif.Multitool")),
        "junit" => cmd.arg(workspace().join("tests/schemas/junit-10.xsd")),
        _ => &mut cmd,
    };
    let out = cmd.output().expect("cannot run the validator");
    assert!(
        out.status.success(),
        "{kind} report rejected by its consumer:\n{}\n--- report ---\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(report)
    );
    serde_json::from_slice(&out.stdout).expect("the validator prints JSON")
}

fn find<'a>(items: &'a Value, key: &str, value: &str) -> &'a Value {
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value} in {items:#}"))
}

#[test]
fn sarif_from_a_real_run_passes_the_schema_and_github_rules() {
    let f = Fixture::new("sarif");
    let run = f.run(&["--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let seen = validate("sarif", run.stdout.as_bytes());
    let rules: Vec<&str> = seen["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(rules.contains(&TLS) && rules.contains(&RAW), "{seen}");
    let results = &seen["results"];
    let key = find(results, "uri", "etc/docker/tls/key.pem");
    assert_eq!(
        (key["ruleId"].as_str(), key["level"].as_str()),
        (Some(TLS), Some("error"))
    );
    let bad = find(results, "uri", &format!("container/{}", f.bad.name));
    assert_eq!(bad["ruleId"], RAW);
    // Passes are not SARIF results.
    let uris = results.to_string();
    assert!(
        !uris.contains(&f.good.name) && !uris.contains("client.key"),
        "{seen}"
    );
}

#[test]
fn junit_from_a_real_run_passes_the_xsd_and_junitparser() {
    let f = Fixture::new("junit");
    let run = f.run(&["--format", "junit"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let seen = validate("junit", run.stdout.as_bytes());
    let cases = &seen["cases"];
    let outcome = |name: &str| {
        find(cases, "name", name)["outcome"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(outcome("file:/etc/docker/tls/key.pem"), "failure");
    assert_eq!(
        outcome("file:/etc/docker/certs.d/registry.example:5000/client.key"),
        "passed"
    );
    assert_eq!(outcome(&f.bad.target()), "failure");
    assert_eq!(outcome(&f.good.target()), "passed");
    assert_eq!(find(cases, "name", &f.bad.target())["classname"], RAW);
    assert!(seen["failures"].as_u64().unwrap() >= 2, "{seen}");
}

#[test]
fn asff_from_a_real_run_is_accepted_by_batch_import_findings() {
    let f = Fixture::new("asff");
    let run = f.run(&[
        "--format",
        "asff",
        "--aws-account-id",
        ACCOUNT,
        "--aws-region",
        "eu-west-1",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let seen = validate("asff", run.stdout.as_bytes());
    let findings = &seen["findings"];
    let by_target = |t: &str| {
        findings
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["Id"].as_str().unwrap().ends_with(&format!("/{t}")))
            .unwrap_or_else(|| panic!("no finding for {t}: {seen}"))
    };
    let key = by_target("file:/etc/docker/tls/key.pem");
    assert_eq!(
        (key["Compliance"].as_str(), key["Severity"].as_str()),
        (Some("FAILED"), Some("HIGH"))
    );
    let bad = by_target(&f.bad.target());
    assert_eq!(
        (bad["Compliance"].as_str(), bad["ResourceType"].as_str()),
        (Some("FAILED"), Some("Container"))
    );
    let good = by_target(&f.good.target());
    assert_eq!(
        (good["Compliance"].as_str(), good["Workflow"].as_str()),
        (Some("PASSED"), Some("RESOLVED"))
    );
}

/// `bulkhead run` against the fixture with the AWS variables under control.
fn run_with_env(f: &Fixture, args: &[&str], env: &[(&str, &str)]) -> Run {
    let root = f.host.root();
    let proc = f.host.proc();
    let mut cmd = bulkhead();
    cmd.args([
        "run",
        "--root",
        root.to_str().unwrap(),
        "--proc",
        proc.to_str().unwrap(),
    ])
    .args(args);
    for k in [
        "AWS_ACCOUNT_ID",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "NO_COLOR",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap().into()
}

#[test]
fn asff_takes_account_and_region_from_the_environment_or_says_which_flag_is_missing() {
    let f = Fixture::new("asff-env");
    let ok = run_with_env(
        &f,
        &["--format", "asff", "--only", TLS],
        &[
            ("AWS_ACCOUNT_ID", ACCOUNT),
            ("AWS_DEFAULT_REGION", "us-gov-west-1"),
        ],
    );
    assert_eq!(ok.code, 1, "{}", ok.stderr);
    assert!(ok.stdout.contains(
        "arn:aws-us-gov:securityhub:us-gov-west-1:123456789012:product/123456789012/default"
    ));
    validate("asff", ok.stdout.as_bytes());

    let no_account = run_with_env(&f, &["--format", "asff"], &[("AWS_REGION", "eu-west-1")]);
    assert_eq!(no_account.code, 2);
    assert!(
        no_account.stderr.contains("--aws-account-id"),
        "{}",
        no_account.stderr
    );
    assert!(no_account.stdout.is_empty());
    let no_region = run_with_env(&f, &["--format", "asff", "--aws-account-id", ACCOUNT], &[]);
    assert_eq!(no_region.code, 2);
    assert!(
        no_region.stderr.contains("--aws-region"),
        "{}",
        no_region.stderr
    );
}

/// A report with what a real run here cannot produce (waivers, warn, info, error),
/// through the library, checked by the same consumers.
fn waived_report() -> Report {
    let control = |id: &str, severity: &'static str| ControlEntry {
        id: id.into(),
        title: format!("{id} title"),
        version: "1.0.0".into(),
        source: Source::Bundled,
        sha256: "ab".repeat(32),
        references: vec!["CIS Docker Benchmark v1.6.0 5.4".into()],
        items: Vec::new(),
        severity,
        description: "What it checks.".into(),
        rationale: "Why.".into(),
        remediation: "Drop NET_RAW & restart <container>.".into(),
        status: Ran::Ok,
        error: None,
        duration_ms: 1234,
        denials: Vec::new(),
        log: Vec::new(),
        docker_host: None,
    };
    let result =
        |control: &str, target: &str, status: &'static str, waiver: Option<bool>| ResultEntry {
            control: control.into(),
            target: target.into(),
            status: status.parse().unwrap(),
            message: format!("{target}: {status} \"quoted\" <tag> & \u{1b}[31m"),
            evidence: [("cap-add".to_owned(), "NET_RAW".to_owned())]
                .into_iter()
                .collect(),
            waiver: waiver.map(|active| {
                Box::new(WaiverNote {
                    justification: "accepted for the lab <until rebuild>".into(),
                    expires: if active { "2999-01-01" } else { "2001-01-01" }.into(),
                    active,
                })
            }),
            docker_host: None,
        };
    let mut r = Report::new(
        "audit",
        "/srv/root dir".into(),
        "unix:///var/run/docker.sock".into(),
    );
    r.controls = vec![
        control("crit-control", "critical"),
        control("low-control", "low"),
    ];
    r.results = vec![
        result("crit-control", "container:waived", "fail", Some(true)),
        result("crit-control", "container:expired", "fail", Some(false)),
        result(
            "crit-control",
            "file:/etc/docker/odd name.pem",
            "warn",
            None,
        ),
        result("low-control", "host", "info", None),
        result("low-control", "container:ok", "pass", None),
        result("low-control", "host", "skip", None),
        result("low-control", "container:broken", "error", None),
    ];
    r.finish();
    r
}

fn render(report: &Report, format: ReportFormat) -> Vec<u8> {
    let options = RenderOptions {
        color: false,
        aws: Some(Account::new(Some(ACCOUNT), Some("eu-central-1")).unwrap()),
        now: std::time::SystemTime::now(),
        hostname: "test-host".into(),
    };
    formats::render(report, format, &options).unwrap()
}

#[test]
fn waivers_and_every_status_map_into_each_format_and_stay_valid() {
    let report = waived_report();

    let sarif = validate("sarif", &render(&report, ReportFormat::Sarif));
    let results = &sarif["results"];
    assert_eq!(find(results, "uri", "container/waived")["suppressed"], true);
    assert_eq!(
        find(results, "uri", "container/expired")["suppressed"],
        false
    );
    assert_eq!(
        find(results, "uri", "etc/docker/odd%20name.pem")["level"],
        "warning"
    );

    let junit = validate("junit", &render(&report, ReportFormat::Junit));
    let cases = &junit["cases"];
    let waived = find(cases, "name", "container:waived");
    assert_eq!(waived["outcome"], "skipped");
    assert!(
        waived["message"]
            .as_str()
            .unwrap()
            .contains("accepted for the lab")
    );
    assert_eq!(
        find(cases, "name", "container:expired")["outcome"],
        "failure"
    );
    assert_eq!(find(cases, "name", "container:broken")["outcome"], "error");
    assert_eq!(
        (
            junit["tests"].as_u64(),
            junit["failures"].as_u64(),
            junit["errors"].as_u64()
        ),
        (Some(7), Some(1), Some(1))
    );

    let asff = validate("asff", &render(&report, ReportFormat::Asff));
    let findings = &asff["findings"];
    let by_suffix = |s: &str| {
        findings
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["Id"].as_str().unwrap().ends_with(s))
            .unwrap()
            .clone()
    };
    assert_eq!(by_suffix("container:waived")["Workflow"], "SUPPRESSED");
    assert_eq!(by_suffix("container:expired")["Workflow"], "NEW");
    assert_eq!(by_suffix("container:waived")["Severity"], "CRITICAL");
    assert_eq!(by_suffix("container:broken")["Compliance"], "NOT_AVAILABLE");
}

#[test]
fn asff_over_a_hundred_findings_is_valid_in_batches_of_a_hundred() {
    let mut report = waived_report();
    let template = report.results[4].clone();
    report.results = (0..250)
        .map(|i| ResultEntry {
            target: format!("container:c{i}").into(),
            ..template.clone()
        })
        .collect();
    report.finish();
    let seen = validate("asff", &render(&report, ReportFormat::Asff));
    assert_eq!(
        (seen["count"].as_u64(), seen["batch_limit"].as_u64()),
        (Some(250), Some(100))
    );
}

#[test]
fn output_writes_the_file_with_mode_0600_and_nothing_on_stdout() {
    let f = Fixture::new("output");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    std::fs::write(&path, "stale").unwrap();
    let run = f.run(&["--format", "json", "--output", path.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let report: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(report["schema"], "bulkhead.report/v1");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "temporary file left behind"
    );

    let sarif = dir.path().join("bulkhead.sarif");
    let run = f.run(&["--format", "sarif", "-o", sarif.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    validate("sarif", &std::fs::read(&sarif).unwrap());
}

#[test]
fn output_into_a_missing_directory_is_exit_2_before_the_audit() {
    let f = Fixture::new("output-missing");
    let path = Path::new("/nonexistent-bulkhead-out/sub/report.json");
    let run = f.run(&["--format", "json", "--output", path.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("/nonexistent-bulkhead-out/sub")
            && run.stderr.contains("does not exist"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    assert!(!path.exists());
}

#[test]
fn fail_on_gates_the_exit_code_and_says_so_on_stderr() {
    // Both bundled controls are of severity high; the fixture fails each once (other
    // tests' containers may add more fails, never a critical one).
    let f = Fixture::new("fail-on");
    let default = f.run(&["--format", "json"]);
    assert_eq!(default.code, 1);
    let high = f.run(&["--format", "json", "--fail-on", "high"]);
    assert_eq!(high.code, 1, "{}", high.stderr);
    assert!(
        high.stderr.contains("tripped the gate (--fail-on high)"),
        "{}",
        high.stderr
    );
    let critical = f.run(&["--format", "json", "--fail-on", "critical"]);
    assert_eq!(
        critical.code, 0,
        "fails below the threshold pass: {}",
        critical.stderr
    );
    let line = critical.stderr.lines().last().unwrap_or_default();
    assert!(
        line.contains(" fail,")
            && !line.contains(" 0 fail,")
            && line.ends_with("(--fail-on critical)"),
        "{line}"
    );
    assert!(line.contains("exit 0: nothing tripped the gate"), "{line}");
    let warn = f.run(&["--format", "json", "--fail-on", "warn"]);
    assert_eq!(warn.code, 1);
}

#[test]
fn fail_on_refuses_unknown_values_and_lists_the_valid_ones() {
    let run = crate::support::run(&["run", "--fail-on", "severe"]);
    assert_eq!(run.code, 2);
    for v in ["info", "low", "medium", "high", "critical", "warn", "fail"] {
        assert!(run.stderr.contains(v), "{v} missing from: {}", run.stderr);
    }
}

/// Run `bulkhead run` on a pseudo-terminal (util-linux `script`); returns what the
/// terminal showed.
fn on_a_terminal(f: &Fixture, env: &str, args: &str) -> String {
    let cmd = format!(
        "env {env} {} run --root {} --proc {} --only {TLS} {args}",
        env!("CARGO_BIN_EXE_bulkhead"),
        f.host.root().display(),
        f.host.proc().display()
    );
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("XDG_CONFIG_HOME", "/nonexistent-bulkhead-test-config")
        .env("BULKHEAD_CACHE_DIR", workspace().join("target/test-cache"))
        .env_remove("NO_COLOR")
        .output()
        .expect("cannot run `script` (util-linux bsdutils) for a pseudo-terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn table_colour_only_on_a_terminal_without_no_color() {
    let f = Fixture::new("colour");
    let tty = on_a_terminal(&f, "", "");
    assert!(
        tty.contains("\u{1b}[1;31mFAIL"),
        "a terminal gets colour: {tty:?}"
    );
    let no_color = on_a_terminal(&f, "NO_COLOR=1", "");
    assert!(
        no_color.contains("FAIL") && !no_color.contains('\u{1b}'),
        "{no_color:?}"
    );
    let empty = on_a_terminal(&f, "NO_COLOR=", "");
    assert!(
        empty.contains('\u{1b}'),
        "an empty NO_COLOR is not set: {empty:?}"
    );

    let piped = f.run(&["--only", TLS]);
    assert!(piped.stdout.contains("FAIL") && !piped.stdout.contains('\u{1b}'));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("table.txt");
    let shown = on_a_terminal(&f, "", &format!("--output {}", file.display()));
    let written = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}: {shown}"));
    assert!(
        written.contains("FAIL") && !written.contains('\u{1b}'),
        "{written:?}"
    );
}
