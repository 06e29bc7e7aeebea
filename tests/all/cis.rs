//! Every bundled control against a passing and a failing fixture, on real files (real
//! modes and owners under a temporary root), a fake `--proc`, and real containers; and the
//! test that fails when a bundled control lacks a fixture, CIS metadata or a doc header.

use std::os::unix::fs::{PermissionsExt, chown};

use crate::support::{Container, Host, run, workspace};

/// How to set a host up so the control must give `status` for `target`.
struct Case {
    target: String,
    /// Keeps a container alive for the run.
    _container: Option<Container>,
}

type Setup = fn(&Host) -> Case;

/// One control's fixtures: (id, passing, failing).
const FIXTURES: &[(&str, Setup, Setup)] = &[
    (
        "docker-service-owner",
        |h| owned(h, UNIT, 0, 0),
        |h| owned(h, UNIT, 1000, 0),
    ),
    (
        "docker-service-mode",
        |h| moded(h, UNIT, 0o644),
        |h| moded(h, UNIT, 0o664),
    ),
    (
        "docker-socket-unit-owner",
        |h| owned(h, SOCKET_UNIT, 0, 0),
        |h| owned(h, SOCKET_UNIT, 0, 1000),
    ),
    (
        "docker-socket-unit-mode",
        |h| moded(h, SOCKET_UNIT, 0o600),
        |h| moded(h, SOCKET_UNIT, 0o646),
    ),
    (
        "etc-docker-owner",
        |h| owned_dir(h, "/etc/docker", 0, 0),
        |h| owned_dir(h, "/etc/docker", 1000, 1000),
    ),
    (
        "etc-docker-mode",
        |h| dir_moded(h, "/etc/docker", 0o755),
        |h| dir_moded(h, "/etc/docker", 0o775),
    ),
    (
        "registry-certs-owner",
        |h| owned(h, REGISTRY_CA, 0, 0),
        |h| owned(h, REGISTRY_CA, 1000, 0),
    ),
    (
        "registry-certs-mode",
        |h| moded(h, REGISTRY_CA, 0o444),
        |h| moded(h, REGISTRY_CA, 0o644),
    ),
    (
        "tls-ca-owner",
        |h| tls(h, "tlscacert", 0o444, 0),
        |h| tls(h, "tlscacert", 0o444, 1000),
    ),
    (
        "tls-ca-mode",
        |h| tls(h, "tlscacert", 0o444, 0),
        |h| tls(h, "tlscacert", 0o644, 0),
    ),
    (
        "tls-cert-owner",
        |h| tls(h, "tlscert", 0o444, 0),
        |h| tls(h, "tlscert", 0o444, 1000),
    ),
    (
        "tls-cert-mode",
        |h| tls(h, "tlscert", 0o400, 0),
        |h| tls(h, "tlscert", 0o664, 0),
    ),
    (
        "tls-key-owner",
        |h| tls(h, "tlskey", 0o400, 0),
        |h| tls(h, "tlskey", 0o400, 1000),
    ),
    (
        "docker-tls-key-permissions",
        |h| tls(h, "tlskey", 0o400, 0),
        |h| tls(h, "tlskey", 0o440, 0),
    ),
    (
        "docker-sock-owner",
        |h| socket(h, DOCKER_SOCK, 0o660, 998),
        |h| socket(h, DOCKER_SOCK, 0o660, 0),
    ),
    (
        "docker-sock-mode",
        |h| socket(h, DOCKER_SOCK, 0o660, 998),
        |h| socket(h, DOCKER_SOCK, 0o666, 998),
    ),
    (
        "daemon-json-owner",
        |h| daemon_json(h, 0o644, 0),
        |h| daemon_json(h, 0o644, 1000),
    ),
    (
        "daemon-json-mode",
        |h| daemon_json(h, 0o600, 0),
        |h| daemon_json(h, 0o666, 0),
    ),
    (
        "etc-default-docker-owner",
        |h| owned(h, DEFAULTS, 0, 0),
        |h| owned(h, DEFAULTS, 0, 998),
    ),
    (
        "etc-default-docker-mode",
        |h| moded(h, DEFAULTS, 0o644),
        |h| moded(h, DEFAULTS, 0o407),
    ),
    (
        "sysconfig-docker-mode",
        |h| moded(h, SYSCONFIG, 0o640),
        |h| moded(h, SYSCONFIG, 0o654),
    ),
    (
        "sysconfig-docker-owner",
        |h| owned(h, SYSCONFIG, 0, 0),
        |h| owned(h, SYSCONFIG, 1000, 0),
    ),
    (
        "containerd-sock-owner",
        |h| socket(h, CONTAINERD_SOCK, 0o660, 0),
        |h| socket(h, CONTAINERD_SOCK, 0o660, 998),
    ),
    (
        "containerd-sock-mode",
        |h| socket(h, CONTAINERD_SOCK, 0o600, 0),
        |h| socket(h, CONTAINERD_SOCK, 0o670, 0),
    ),
    (
        "container-net-raw-dropped",
        |_| container(&["--cap-drop", "NET_RAW"]),
        |_| container(&[]),
    ),
];

const UNIT: &str = "/lib/systemd/system/docker.service";
const SOCKET_UNIT: &str = "/etc/systemd/system/docker.socket";
const REGISTRY_CA: &str = "/etc/docker/certs.d/registry.example:5000/ca.crt";
const DEFAULTS: &str = "/etc/default/docker";
const SYSCONFIG: &str = "/etc/sysconfig/docker";
const DOCKER_SOCK: &str = "/var/run/docker.sock";
const CONTAINERD_SOCK: &str = "/run/containerd/containerd.sock";

/// `/etc/passwd` and `/etc/group` under the root, so owners have names.
fn accounts(host: &Host) {
    host.file(
        "/etc/passwd",
        "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n",
        0o644,
    );
    host.file(
        "/etc/group",
        "root:x:0:\ndocker:x:998:\nalice:x:1000:\n",
        0o644,
    );
}

fn file_case(path: &str) -> Case {
    Case {
        target: format!("file:{path}"),
        _container: None,
    }
}

fn owned(host: &Host, path: &str, uid: u32, gid: u32) -> Case {
    accounts(host);
    host.file(path, "x", 0o644);
    chown(host.path(path), Some(uid), Some(gid)).unwrap();
    file_case(path)
}

fn moded(host: &Host, path: &str, mode: u32) -> Case {
    host.file(path, "x", mode);
    file_case(path)
}

fn owned_dir(host: &Host, path: &str, uid: u32, gid: u32) -> Case {
    accounts(host);
    std::fs::create_dir_all(host.path(path)).unwrap();
    chown(host.path(path), Some(uid), Some(gid)).unwrap();
    file_case(path)
}

fn dir_moded(host: &Host, path: &str, mode: u32) -> Case {
    std::fs::create_dir_all(host.path(path)).unwrap();
    std::fs::set_permissions(host.path(path), std::fs::Permissions::from_mode(mode)).unwrap();
    file_case(path)
}

/// A running dockerd with TLS on and `--<flag>` naming a file of `mode`, owned by `uid`.
fn tls(host: &Host, flag: &str, mode: u32, uid: u32) -> Case {
    accounts(host);
    let path = format!("/etc/docker/tls/{flag}.pem");
    host.file(&path, "PEM", mode);
    chown(host.path(&path), Some(uid), Some(0)).unwrap();
    host.process(
        4242,
        &[
            "/usr/bin/dockerd",
            "--tlsverify",
            &format!("--{flag}"),
            &path,
        ],
    );
    file_case(&path)
}

/// A real unix socket of `mode`, group `gid`.
fn socket(host: &Host, path: &str, mode: u32, gid: u32) -> Case {
    accounts(host);
    let real = host.path(path);
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    drop(std::os::unix::net::UnixListener::bind(&real).unwrap());
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(mode)).unwrap();
    chown(&real, Some(0), Some(gid)).unwrap();
    file_case(path)
}

fn daemon_json(host: &Host, mode: u32, uid: u32) -> Case {
    accounts(host);
    let path = "/etc/docker/daemon.json";
    host.file(path, r#"{"log-level": "info"}"#, mode);
    chown(host.path(path), Some(uid), Some(0)).unwrap();
    host.process(4242, &["/usr/bin/dockerd"]);
    file_case(path)
}

fn container(flags: &[&str]) -> Case {
    let c = Container::create("cis", flags, false);
    Case {
        target: c.target(),
        _container: Some(c),
    }
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
    let mut wrong = Vec::new();
    for (id, pass, fail) in FIXTURES {
        for (setup, want) in [(pass, "pass"), (fail, "fail")] {
            let host = Host::new();
            let case = setup(&host);
            match verdict(&host, id, &case) {
                Ok(got) if got == want => {}
                Ok(got) => wrong.push(format!("{id}: {want} fixture gave {got}")),
                Err(e) => wrong.push(format!("{id}: {want} fixture: {e}")),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_bundled_control_has_fixtures_cis_metadata_and_a_doc_header() {
    let listed = run(&["controls", "--format", "json"]).json();
    let mut missing = Vec::new();
    for control in listed["controls"].as_array().unwrap() {
        let id = control["id"].as_str().unwrap();
        if !FIXTURES.iter().any(|(f, ..)| *f == id) {
            missing.push(format!(
                "{id}: no passing/failing fixture in tests/all/cis.rs"
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
    for (id, ..) in FIXTURES {
        if !listed["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == *id)
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
        ["container-net-raw-dropped", "docker-sock-owner"]
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
