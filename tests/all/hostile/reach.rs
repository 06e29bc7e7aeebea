//! Reaching outside: the root, the declared paths, WASI, mutating calls.

use super::*;

#[test]
fn escapes_from_the_root_never_read_outside() {
    let lab = Lab::new("path-escape", &["path_escape"], false);
    let id = "hostile-path-escape";
    let dir = lab.dir();
    let secret = marker("OUTSIDE");
    let outside = dir.join("outside-secret.txt");
    std::fs::write(&outside, &secret).unwrap();
    let inside = marker("INSIDE");
    lab.host
        .file("/etc/inside.txt", &inside, 0o644)
        .link("/escape/abs-link", outside.to_str().unwrap())
        .link("/escape/rel-link", "../../outside-secret.txt")
        .link("/escape/hop", "rel-link")
        .link(
            "/escape/deep-rel-link",
            "../../../../../../../../../../../../etc/passwd",
        )
        .link("/escape/abs-dir-link", dir.to_str().unwrap())
        .link("/escape/rel-dir-link", "../..");
    // The links are real attacks: followed by the operating system, they do escape.
    for link in ["/escape/abs-link", "/escape/rel-link", "/escape/hop"] {
        assert_eq!(
            std::fs::read_to_string(lab.host.path(link)).unwrap(),
            secret
        );
    }
    let rel_dir = lab.host.path("/escape/rel-dir-link/outside-secret.txt");
    assert_eq!(std::fs::read_to_string(rel_dir).unwrap(), secret);
    // The first line of the real /etc/passwd, which the deep links aim at.
    let passwd = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|p| p.lines().next().map(str::to_owned))
        .filter(|l| !l.is_empty());

    let out = lab.run(&[id, TLS], &[]);
    assert_eq!(out.run.code, 0, "{:#}\n{}", out.report, out.run.stderr);
    assert_eq!(out.control(id)["status"], "ok");
    out.assert_tls_intact();
    assert!(
        !out.printed(&secret),
        "a control read the file outside the root: {:#}",
        out.report
    );
    if let Some(line) = passwd {
        assert!(!out.printed(&line), "a control read the real /etc/passwd");
    }
    // Reads work at all: the file inside the root came back.
    let read_inside = out.probe(id, "read-file /etc/inside.txt:");
    assert!(read_inside["message"].as_str().unwrap().contains(&inside));
    // Every escape attempt came back empty-handed (not found, or refused).
    for result in out.results(id) {
        let message = result["message"].as_str().unwrap();
        if message.starts_with("read-file ") && !message.starts_with("read-file /etc/inside.txt:") {
            assert_ne!(result["evidence"]["outcome"], "read", "{message}");
        }
    }
    // `..` above the root and a link to `../..` both list the root itself.
    for dir in ["/..", "/escape/rel-dir-link"] {
        let listing = out.probe(id, &format!("read-dir {dir}:"));
        assert_eq!(
            listing["message"],
            format!("read-dir {dir}: escape etc"),
            "{listing:#}"
        );
    }
    assert_ne!(
        out.probe(id, "read-dir /escape/abs-dir-link:")["evidence"]["outcome"],
        "read"
    );
}

/// `path` with `.` and `..` removed lexically, `..` stopping at `/`.
fn normalize(path: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(name) => names.push(name.to_str().unwrap()),
            Component::ParentDir => {
                names.pop();
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    format!("/{}", names.join("/"))
}

#[test]
fn reads_outside_the_declared_paths_are_denied_and_reported() {
    let lab = Lab::new("undeclared", &["undeclared_reads"], false);
    let id = "hostile-undeclared-reads";
    let declared = marker("DECLARED");
    let secrets = [
        ("/etc/shadow", marker("SHADOW"), 0o640),
        ("/root/.ssh/id_rsa", marker("SSH-KEY"), 0o600),
        ("/etc/dockerx/secret", marker("DOCKERX"), 0o644),
    ];
    lab.host.file(
        "/etc/docker/daemon.json",
        &format!(r#"{{"tlskey": "/etc/docker/key.pem", "x-marker": "{declared}"}}"#),
        0o644,
    );
    for (path, body, mode) in &secrets {
        lab.host.file(path, body, *mode);
    }
    // Links inside the declared directory that lead out of it.
    lab.host
        .link("/etc/docker/abs-shadow-link", "/etc/shadow")
        .link("/etc/docker/rel-shadow-link", "../shadow");

    let out = lab.run(&[id, TLS], &[]);
    out.assert_tls_intact();
    assert_eq!(out.control(id)["status"], "ok", "{:#}", out.report);
    // The declared path reads.
    let allowed = out.probe(id, "read-file /etc/docker/daemon.json:");
    assert!(
        allowed["message"].as_str().unwrap().contains(&declared),
        "{allowed:#}"
    );
    // Nothing else does, and every refusal is in the report with the path.
    for (_, body, _) in &secrets {
        assert!(!out.printed(body), "{body} leaked: {:#}", out.report);
    }
    let denials = out.denials(id);
    for path in [
        "/etc/shadow",
        "/root/.ssh/id_rsa",
        "/etc/dockerx/secret",
        "/etc/docker/../shadow",
        "/etc/docker/../../etc/shadow",
        "/etc/docker/abs-shadow-link",
        "/etc/docker/rel-shadow-link",
    ] {
        let probe = out.probe(id, &format!("read-file {path}:"));
        assert_eq!(probe["evidence"]["outcome"], "denied", "{probe:#}");
        // The argument is the path as written, or normalized, or `path -> where it leads`.
        let names = |arg: &str| {
            arg == path || arg == normalize(path) || arg.starts_with(&format!("{path} -> "))
        };
        assert!(
            denials
                .iter()
                .any(|(call, arg)| call == "filesystem.read-file" && names(arg)),
            "no read-file denial for {path}: {denials:?}"
        );
    }
    assert!(
        out.report["summary"]["denials"].as_u64().unwrap() >= 7,
        "{:#}",
        out.report["summary"]
    );
}

#[rstest::rstest]
#[case::wasi_filesystem("wasi_filesystem", "wasi:filesystem/")]
#[case::wasi_sockets("wasi_sockets", "wasi:sockets/")]
fn forbidden_wasi_imports_are_refused_at_load(#[case] example: &str, #[case] import: &str) {
    let lab = Lab::new(&example.replace('_', "-"), &[example], false);
    let out = lab.run(&[], &[]);
    out.assert_refused(&lab.plugin(example), &[import, "never grants"]);
}

#[test]
fn chmod_during_run_is_denied_and_changes_nothing() {
    let lab = Lab::new("chmod", &["chmod"], false);
    let id = "hostile-chmod";
    let out = lab.run(&[id, TLS], &[]);
    assert_eq!(out.control(id)["status"], "ok", "{:#}", out.report);
    out.assert_tls_intact();
    assert_eq!(out.run.code, 0, "{:#}", out.report);
    let denials = out.denials(id);
    for path in ["/etc/docker/key.pem", "/etc/docker/daemon.json"] {
        assert!(
            denials.iter().any(|(call, arg)| call == "file-admin.chmod"
                && (arg == path || arg.starts_with(&format!("{path} ")))),
            "no chmod denial for {path}: {denials:?}"
        );
    }
    for result in out.results(id) {
        let message = result["message"].as_str().unwrap();
        assert!(message.starts_with("chmod 0777 refused"), "{message}");
    }
    assert_eq!(lab.host.mode("/etc/docker/key.pem"), 0o400);
    assert_eq!(lab.host.mode("/etc/docker/daemon.json"), 0o644);
}

#[test]
fn loosening_under_fix_apply_is_refused_and_changes_nothing() {
    // `fix --apply` grants the mutating calls; the host must still refuse every one that
    // would widen access: a file handed to uid/gid 1000, a mode with more bits.
    let lab = Lab::new("loosen", &["loosen"], false);
    let journal = tempfile::tempdir().unwrap();
    let before = tree(&lab.dir());
    let out = bulkhead()
        .args([
            "fix",
            "--apply",
            "--only",
            "hostile-loosen",
            "--format",
            "json",
        ])
        .args(["--journal", journal.path().to_str().unwrap()])
        .arg("--root")
        .arg(lab.host.root())
        .arg("--proc")
        .arg(lab.host.proc())
        .arg("--plugin-dir")
        .arg(lab.plugins.path())
        .output()
        .unwrap();
    let after = tree(&lab.dir());
    assert!(
        before == after,
        "files changed:\n{}",
        describe_changes(&before, &after)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    let fixes = report["fixes"].as_array().unwrap();
    assert_eq!(fixes.len(), 2, "{report:#}");
    for fix in fixes {
        assert_eq!(fix["status"], "error", "{fix:#}");
        let error = fix["error"].as_str().unwrap();
        assert!(!error.contains("SUCCEEDED"), "{error}");
        assert_eq!(
            error
                .matches("bulkhead only hands files to user 0 and group 0")
                .count(),
            2,
            "{error}"
        );
        assert!(
            error.contains("chmod 0777 refused") && error.contains("only tightens"),
            "{error}"
        );
        assert_eq!(fix["changes"].as_array().map(Vec::len), Some(0), "{fix:#}");
    }
}

#[test]
fn replacing_a_container_during_run_is_denied_and_changes_nothing() {
    // Running, so that a replacement (which stops the original) would show.
    let lab = Lab::new("replace", &["replace_container"], true);
    let id = "hostile-replace-container";
    let out = lab.run(&[id, TLS], &[]);
    assert_eq!(out.control(id)["status"], "ok", "{:#}", out.report);
    out.assert_tls_intact();
    let name = &lab.container.name;
    let target = lab.container.target();
    assert_eq!(
        status_of(&out.report, id, &target),
        "info",
        "{:#}",
        out.report
    );
    let message = out
        .results(id)
        .into_iter()
        .find(|r| r["target"] == target.as_str())
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("refused"), "{message}");
    let denials = out.denials(id);
    assert!(
        denials
            .iter()
            .any(|(call, arg)| call == "container-admin.replace-container"
                && (arg == name || arg.starts_with(&format!("{name} ")))),
        "no replace-container denial for {name}: {denials:?}"
    );
    assert_eq!(
        docker(&["inspect", "--format", "{{.State.Running}}", name]),
        "true"
    );
}

/// A network made for one test; removed when dropped.
struct Network(String);

impl Drop for Network {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["network", "rm", &self.0])
            .output();
    }
}

#[test]
fn every_capability_of_the_second_contract_answers_from_the_real_host() {
    let lab = Lab::new("contract-v0-2", &["contract_v0_2"], true);
    let id = "hostile-contract-v0-2";
    lab.host
        .file(
            "/etc/passwd",
            "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n",
            0o644,
        )
        .file("/etc/group", "root:x:0:\ndocker:x:998:alice,bob\n", 0o644)
        .file(
            "/etc/audit/rules.d/docker.rules",
            "# docker\n-w /usr/bin/dockerd -k docker\n",
            0o640,
        )
        .file("/lib/systemd/system/docker.service", "[Unit]\n", 0o644);
    let init = lab.host.proc().join("1");
    std::fs::create_dir_all(init.join("net")).unwrap();
    std::fs::write(
        init.join("mountinfo"),
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n\
         30 22 8:2 / /var/lib/docker rw - xfs /dev/sda2 rw\n",
    )
    .unwrap();
    std::fs::write(
        init.join("net/tcp"),
        "  sl  local_address rem_address   st\n   \
         0: 00000000:0979 00000000:0000 0A 0 0 0 0 0 1 1\n",
    )
    .unwrap();
    let name = format!("bulkhead-test-net-{}", std::process::id());
    let _ = Command::new("docker")
        .args(["network", "rm", &name])
        .output();
    docker(&[
        "network",
        "create",
        "--label",
        crate::support::LABEL,
        "--opt",
        "com.docker.network.bridge.enable_icc=false",
        &name,
    ]);
    let _network = Network(name.clone());

    let out = lab.run(&[id], &[]);
    assert_eq!(out.control(id)["status"], "ok", "{:#}", out.control(id));
    let answers: Vec<String> = out.report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["control"] == id)
        .map(|r| r["message"].as_str().unwrap().to_owned())
        .collect();
    let answer = |function: &str| -> String {
        let prefix = format!("{function}: ");
        answers
            .iter()
            .find_map(|a| a.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no answer for {function}: {answers:#?}"))
            .to_owned()
    };
    assert_eq!(
        answer("user-by-name"),
        "alice:1000:1000:/home/alice:/bin/sh"
    );
    assert_eq!(answer("user-by-id"), "none");
    assert_eq!(answer("group-by-id"), "docker:alice,bob");
    assert_eq!(answer("group-by-name"), "998");
    assert_eq!(answer("mounts"), "/ ext4 shared:1; /var/lib/docker xfs ");
    assert_eq!(
        answer("audit-rules"),
        "/etc/audit/rules.d/docker.rules:2 -w /usr/bin/dockerd -k docker"
    );
    assert_eq!(answer("unit-file"), "/lib/systemd/system/docker.service");
    assert!(
        answer("unit-file-bad").starts_with("Error::Invalid("),
        "{answers:#?}"
    );
    assert_eq!(answer("listeners"), "tcp 0.0.0.0:2425");
    assert!(
        answer("images").contains("bulkhead-test/pause:1"),
        "{answers:#?}"
    );
    assert_eq!(answer("inspect-image"), "json true");
    assert!(!answer("history").starts_with("0 "), "{answers:#?}");
    assert_eq!(answer("top"), "/pause");
    assert_eq!(answer("execs"), "0 sessions");
    assert!(
        answer("networks").contains(&format!(
            "{name}/bridge/com.docker.network.bridge.enable_icc=false"
        )),
        "{answers:#?}"
    );
    // None of it needed a declared read, and nothing was denied.
    assert_eq!(out.control(id)["denials"], serde_json::json!([]));
}
