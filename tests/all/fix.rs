//! `fix` (plan), `fix --apply` and `rollback` on real files and the real Docker daemon:
//! the cycle audit fails → plan → apply → audit passes → rollback → audit fails again.

use crate::support::{Container, Host, bulkhead, docker, run, status_of};

const TLS: &str = "docker-tls-key-permissions";
const NET_RAW: &str = "container-net-raw-dropped";

fn host_with_key(mode: u32) -> Host {
    let host = Host::new();
    host.file("/etc/docker/tls/key.pem", "KEY", mode)
        .process(77, &["dockerd", "--tlskey", "/etc/docker/tls/key.pem"]);
    host
}

fn audit_status(host: &Host) -> String {
    status_of(
        &host.run(&["run", "--only", TLS, "--format", "json"]).json(),
        TLS,
        "file:/etc/docker/tls/key.pem",
    )
}

/// `fix --apply` of one control, journaled in `journal`; its JSON report (exit 0).
fn apply(host: &Host, control: &str, journal: &str) -> serde_json::Value {
    let out = host.run(&[
        "fix",
        "--only",
        control,
        "--apply",
        "--journal",
        journal,
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.json()
}

#[test]
fn key_file_cycle_plan_apply_rollback() {
    let host = host_with_key(0o644);
    let journal = tempfile::tempdir().unwrap();
    let jdir = journal.path().to_str().unwrap();
    assert_eq!(audit_status(&host), "fail");

    // The plan changes nothing.
    let plan = host.run(&["fix", "--only", TLS, "--format", "json"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let plan = plan.json();
    assert_eq!(plan["mode"], "plan");
    let change = &plan["fixes"][0]["changes"][0];
    assert_eq!(change["action"], "chmod");
    assert_eq!(
        (change["before"].as_str(), change["after"].as_str()),
        (Some("0644"), Some("0400"))
    );
    assert_eq!(change["status"], "planned");
    assert_eq!(host.mode("/etc/docker/tls/key.pem"), 0o644);
    assert!(
        std::fs::read_dir(journal.path()).unwrap().next().is_none(),
        "a plan writes no journal"
    );

    // Apply: 0400, journaled, and the re-audit passes.
    let applied = apply(&host, TLS, jdir);
    assert_eq!(applied["fixes"][0]["changes"][0]["status"], "applied");
    assert_eq!(applied["reaudit"][0]["status"], "pass");
    assert_eq!(host.mode("/etc/docker/tls/key.pem"), 0o400);
    assert_eq!(audit_status(&host), "pass");

    // Rollback needs only the journal: 0644 again, and the audit fails again.
    let back = run(&["rollback", "--last", "--journal", jdir]);
    assert_eq!(back.code, 0, "{}", back.stderr);
    assert!(back.stdout.contains("RESTORED"), "{}", back.stdout);
    assert_eq!(host.mode("/etc/docker/tls/key.pem"), 0o644);
    assert_eq!(audit_status(&host), "fail");

    // Twice is harmless.
    let again = run(&["rollback", "--last", "--journal", jdir]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(host.mode("/etc/docker/tls/key.pem"), 0o644);
}

#[test]
fn a_key_behind_a_link_is_fixed_where_the_link_leads_and_nowhere_else() {
    // The remediate call is made for the configured path, a link; the chmod lands on the
    // file it resolves to under the root, which counts as the same target.
    let host = Host::new();
    host.file("/srv/keys/real.pem", "KEY", 0o644)
        .file("/srv/keys/other.pem", "KEY", 0o644)
        .link("/etc/docker/key.pem", "/srv/keys/real.pem")
        .process(77, &["dockerd", "--tlskey", "/etc/docker/key.pem"]);
    let journal = tempfile::tempdir().unwrap();
    let applied = apply(&host, TLS, journal.path().to_str().unwrap());
    let changes = applied["fixes"][0]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{applied:#}");
    assert_eq!(changes[0]["status"], "applied", "{applied:#}");
    assert_eq!(host.mode("/srv/keys/real.pem"), 0o400);
    assert_eq!(host.mode("/srv/keys/other.pem"), 0o644);
}

#[test]
fn a_crash_between_two_changes_rolls_back_consistently() {
    let host = Host::new();
    host.file("/etc/docker/certs.d/a/client.key", "K", 0o644)
        .file("/etc/docker/certs.d/b/client.key", "K", 0o640);
    let journal = tempfile::tempdir().unwrap();
    let jdir = journal.path().to_str().unwrap();
    let root = host.root();
    let proc = host.proc();
    let out = bulkhead()
        .args(["fix", "--only", TLS, "--apply", "--journal", jdir, "--root"])
        .arg(&root)
        .arg("--proc")
        .arg(&proc)
        .env("BULKHEAD_TEST_CRASH_AFTER_CHANGES", "1")
        .output()
        .unwrap();
    assert!(
        out.status.code().is_none(),
        "the process was killed by the hook: {out:?}"
    );
    let modes = (
        host.mode("/etc/docker/certs.d/a/client.key"),
        host.mode("/etc/docker/certs.d/b/client.key"),
    );
    // The two targets are fixed concurrently: either may be the one that got in first.
    assert!(
        modes == (0o400, 0o640) || modes == (0o644, 0o400),
        "exactly one change happened before the crash: {modes:?}"
    );

    let back = run(&["rollback", "--last", "--journal", jdir, "--format", "json"]);
    assert_eq!(back.code, 0, "{}\n{}", back.stdout, back.stderr);
    assert_eq!(host.mode("/etc/docker/certs.d/a/client.key"), 0o644);
    assert_eq!(host.mode("/etc/docker/certs.d/b/client.key"), 0o640);
}

#[test]
fn a_running_container_is_replaced_and_restored() {
    let c = Container::create(
        "fix",
        &["--restart", "unless-stopped", "-e", "KEEP=1"],
        true,
    );
    let original_id = docker(&["inspect", "--format", "{{.Id}}", &c.name]);
    let target = c.target();
    let journal = tempfile::tempdir().unwrap();
    let jdir = journal.path().to_str().unwrap();

    // Dry run: the container is exactly as it was.
    let before = docker(&[
        "inspect",
        "--format",
        "{{.Id}} {{.State.Running}} {{.HostConfig.CapDrop}}",
        &c.name,
    ]);
    let plan = run(&[
        "fix", "--only", NET_RAW, "--target", &target, "--format", "json",
    ]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let plan = plan.json();
    let change = &plan["fixes"][0]["changes"][0];
    assert_eq!(change["status"], "planned");
    assert!(
        change["docker_run"]
            .as_str()
            .unwrap()
            .contains("--cap-drop NET_RAW"),
        "{change}"
    );
    assert_eq!(
        plan["fixes"].as_array().unwrap().len(),
        1,
        "--target limits the fix"
    );
    let after = docker(&[
        "inspect",
        "--format",
        "{{.Id}} {{.State.Running}} {{.HostConfig.CapDrop}}",
        &c.name,
    ]);
    assert_eq!(before, after, "a dry run changes nothing");

    // Apply: same name, running, NET_RAW dropped, the rest of the config kept.
    let applied = run(&[
        "fix",
        "--only",
        NET_RAW,
        "--target",
        &target,
        "--apply",
        "--journal",
        jdir,
        "--format",
        "json",
    ]);
    assert_eq!(applied.code, 0, "{}\n{}", applied.stdout, applied.stderr);
    assert_eq!(applied.json()["reaudit"][0]["status"], "pass");
    let copy = docker(&[
        "inspect",
        "--format",
        "{{.Id}} {{.State.Running}} {{.HostConfig.CapDrop}} {{.HostConfig.RestartPolicy.Name}} {{.Config.Env}}",
        &c.name,
    ]);
    assert!(
        !copy.starts_with(&original_id),
        "a new container holds the name: {copy}"
    );
    assert!(
        copy.contains("true [NET_RAW] unless-stopped") && copy.contains("KEEP=1"),
        "{copy}"
    );
    let backup = docker(&[
        "inspect",
        "--format",
        "{{.Name}} {{.State.Running}} {{.HostConfig.RestartPolicy.Name}}",
        &original_id,
    ]);
    assert!(
        backup.contains(".bulkhead-backup-") && backup.ends_with("false no"),
        "{backup}"
    );
    let report = run(&["run", "--only", NET_RAW, "--format", "json"]).json();
    assert_eq!(status_of(&report, NET_RAW, &target), "pass");

    // Rollback: the original is back under its name, running, and the copy is gone.
    let back = run(&["rollback", "--last", "--journal", jdir]);
    assert_eq!(back.code, 0, "{}\n{}", back.stdout, back.stderr);
    let restored = docker(&[
        "inspect",
        "--format",
        "{{.Id}} {{.State.Running}} {{.HostConfig.RestartPolicy.Name}}",
        &c.name,
    ]);
    assert_eq!(restored, format!("{original_id} true unless-stopped"));
    let report = run(&["run", "--only", NET_RAW, "--format", "json"]).json();
    assert_eq!(status_of(&report, NET_RAW, &target), "fail");
}

#[test]
fn the_lockdown_refuses_apply_and_rollback() {
    let host = host_with_key(0o644);
    let journal = tempfile::tempdir().unwrap();
    let jdir = journal.path().to_str().unwrap();
    let out = host.run(&[
        "fix",
        "--only",
        TLS,
        "--apply",
        "--journal",
        jdir,
        "--audit-only",
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("audit-only"), "{}", out.stderr);
    assert_eq!(host.mode("/etc/docker/tls/key.pem"), 0o644);
    let out = bulkhead()
        .args(["rollback", "--last", "--journal", jdir])
        .env("BULKHEAD_AUDIT_ONLY", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // The plan is still allowed: it changes nothing.
    assert_eq!(host.run(&["fix", "--only", TLS, "--audit-only"]).code, 0);
}

#[test]
fn an_owner_is_handed_to_root_and_given_back() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt, chown};
    const OWNER: &str = "tls-key-owner";
    const KEY: &str = "/etc/docker/tls/key.pem";
    let host = host_with_key(0o600);
    host.file(
        "/etc/passwd",
        "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/h:/bin/sh\n",
        0o644,
    )
    .file("/etc/group", "root:x:0:\nalice:x:1000:\n", 0o644);
    // Executable and set-user-id, so that the chown visibly clears the bit (root's chown
    // does, on Linux) and rollback has to put it back.
    let real = host.path(KEY);
    chown(&real, Some(1000), Some(1000)).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o4755)).unwrap();
    let owner = || {
        let meta = std::fs::metadata(&real).unwrap();
        (meta.uid(), meta.gid(), meta.mode() & 0o7777)
    };
    let status = || {
        let report = host
            .run(&["run", "--only", OWNER, "--format", "json"])
            .json();
        status_of(&report, OWNER, &format!("file:{KEY}"))
    };
    assert_eq!(status(), "fail");
    let journal = tempfile::tempdir().unwrap();
    let jdir = journal.path().to_str().unwrap();

    let plan = host
        .run(&["fix", "--only", OWNER, "--format", "json"])
        .json();
    let change = &plan["fixes"][0]["changes"][0];
    assert_eq!(change["action"], "chown", "{plan:#}");
    assert_eq!(
        (change["before"].as_str(), change["after"].as_str()),
        (Some("1000:1000"), Some("0:0"))
    );
    assert_eq!(change["status"], "planned");
    assert_eq!(owner(), (1000, 1000, 0o4755));

    let applied = apply(&host, OWNER, jdir);
    let change = &applied["fixes"][0]["changes"][0];
    assert_eq!(change["status"], "applied", "{applied:#}");
    assert!(
        change["detail"]
            .as_str()
            .unwrap()
            .contains("mode 4755 -> 0755"),
        "{change:#}"
    );
    assert_eq!(applied["reaudit"][0]["status"], "pass");
    assert_eq!(owner(), (0, 0, 0o755));
    assert_eq!(status(), "pass");

    let back = run(&["rollback", "--last", "--journal", jdir]);
    assert_eq!(back.code, 0, "{}", back.stderr);
    assert!(
        back.stdout
            .contains("owner 0:0 -> 1000:1000, mode 4755 again"),
        "{}",
        back.stdout
    );
    assert_eq!(owner(), (1000, 1000, 0o4755));
    assert_eq!(status(), "fail");
    let again = run(&["rollback", "--last", "--journal", jdir]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(owner(), (1000, 1000, 0o4755));
}

#[test]
fn rollback_without_a_journal_is_a_clear_error() {
    let empty = tempfile::tempdir().unwrap();
    let out = run(&[
        "rollback",
        "--last",
        "--journal",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no runs"), "{}", out.stderr);
    let out = run(&[
        "rollback",
        "no-such-run",
        "--journal",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no-such-run"), "{}", out.stderr);
}
