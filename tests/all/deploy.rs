//! The fleet recipes in `deploy/`, run for real where this machine can.
//!
//! - The Kubernetes manifest is checked against the Kubernetes API schemas
//!   (`kubernetes-validate --strict`, from PyPI; `.ci/run` installs it).
//! - The image is built with `deploy/build-image.sh` and `deploy/Dockerfile` exactly as
//!   documented, on a base made from this machine's own binaries (there is no registry
//!   here to pull `debian:bookworm-slim` from), then run twice against the real daemon:
//!   with its default command, and with the DaemonSet's command, environment, mounts and
//!   security settings, read from the manifest itself.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{
    Container, Host, LABEL, docker, import_rootfs, required_tool, test_image, workspace,
};

const DAEMONSET: &str = "deploy/kubernetes/daemonset.yaml";

fn python_tool(name: &str) -> Command {
    required_tool(
        name,
        &format!("python3 -m pip install {name} (.ci/run does)"),
    )
}

#[test]
fn the_daemonset_manifest_is_valid_kubernetes() {
    let out = python_tool("kubernetes-validate")
        .arg("--strict")
        .arg(workspace().join(DAEMONSET))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("daemonset/bulkhead"), "{text}");
}

/// The manifest's DaemonSet, as JSON.
fn daemonset() -> Value {
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml\n\
             docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]\n\
             print(json.dumps([d for d in docs if d['kind'] == 'DaemonSet'][0]))",
        ])
        .arg(workspace().join(DAEMONSET))
        .output()
        .expect("python3 with PyYAML is needed (kubernetes-validate brings it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A base image from this machine's binaries: a shell, the tools the DaemonSet's loop
/// uses, and the libraries they (and bulkhead) link.
fn base_image() -> &'static str {
    static IMAGE: OnceLock<String> = OnceLock::new();
    IMAGE.get_or_init(|| {
        let image = "bulkhead-test/base:1".to_owned();
        let _ = Command::new("docker").args(["rmi", "-f", &image]).output();
        let dir = tempfile::tempdir().unwrap();
        let rootfs = dir.path().join("rootfs");
        let bulkhead = PathBuf::from(env!("CARGO_BIN_EXE_bulkhead"));
        // Merged /usr: /bin, /lib, ... are links into /usr here; keep them so.
        for top in ["bin", "sbin", "lib", "lib64"] {
            let host_path = std::path::Path::new("/").join(top);
            if let Ok(target) = std::fs::read_link(&host_path) {
                std::fs::create_dir_all(
                    rootfs.join(target.to_str().unwrap().trim_start_matches('/')),
                )
                .unwrap();
                std::os::unix::fs::symlink(&target, rootfs.join(top)).unwrap();
            }
        }
        let mut files: Vec<PathBuf> = Vec::new();
        for tool in ["sh", "date", "mv", "find", "sleep", "cat"] {
            let out = Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .unwrap();
            let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            assert!(!path.is_empty(), "{tool} not found on this machine");
            files.push(std::fs::canonicalize(&path).unwrap());
            files.push(PathBuf::from(path));
        }
        let binaries = files.clone();
        for binary in binaries.iter().chain([&bulkhead]) {
            let out = Command::new("ldd").arg(binary).output().unwrap();
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-... (0x...)"
                let path = line
                    .split("=>")
                    .last()
                    .and_then(|rest| rest.split_whitespace().next())
                    .filter(|p| p.starts_with('/'));
                if let Some(path) = path {
                    files.push(PathBuf::from(path));
                    files.push(std::fs::canonicalize(path).unwrap());
                }
            }
        }
        files.sort();
        files.dedup();
        for file in &files {
            let to = rootfs.join(file.strip_prefix("/").unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            // `cp -P` keeps symlinks as links (the loader and /bin/sh often are).
            let status = Command::new("cp")
                .arg("-P")
                .arg(file)
                .arg(&to)
                .status()
                .unwrap();
            assert!(status.success(), "cannot copy {}", file.display());
        }
        for dir in ["tmp", "etc", "usr/local/bin"] {
            std::fs::create_dir_all(rootfs.join(dir)).unwrap();
        }
        std::fs::write(rootfs.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n").unwrap();
        import_rootfs(&rootfs, &image, &[]);
        image
    })
}

/// The bulkhead image, built by `deploy/build-image.sh` from the binary under test.
fn bulkhead_image() -> &'static str {
    static IMAGE: OnceLock<String> = OnceLock::new();
    IMAGE.get_or_init(|| {
        let image = "bulkhead-test/bulkhead:1".to_owned();
        // The previous build's image would be left dangling by the new tag.
        let _ = Command::new("docker").args(["rmi", "-f", &image]).output();
        let out = Command::new(workspace().join("deploy/build-image.sh"))
            .arg(&image)
            .args(["--build-arg", &format!("BASE={}", base_image())])
            .args(["--label", LABEL])
            .env("BULKHEAD_BIN", env!("CARGO_BIN_EXE_bulkhead"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "build-image.sh failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        image
    })
}

/// A host to audit: a registry key with a bad mode, a container keeping NET_RAW.
fn audited_host(prefix: &str) -> (Host, Container) {
    let host = Host::new();
    host.file("/etc/docker/certs.d/r/client.key", "K", 0o644);
    std::fs::create_dir_all(host.path("/proc")).unwrap();
    test_image();
    let web = Container::create(prefix, &[], false);
    (host, web)
}

fn check_report(report: &Value, web: &Container) {
    assert_eq!(report["schema"], "bulkhead.report/v1");
    assert_eq!(
        report["audit_only"], true,
        "the image runs with the lockdown on"
    );
    let status = |control: &str, target: &str| {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["control"] == control && r["target"] == target)
            .map(|r| r["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        status(
            "docker-tls-key-permissions",
            "file:/etc/docker/certs.d/r/client.key"
        )
        .as_deref(),
        Some("fail"),
        "the host's files were read through /host"
    );
    assert_eq!(
        status("container-net-raw-dropped", &web.target()).as_deref(),
        Some("fail"),
        "the host's daemon was read through the socket"
    );
}

#[test]
fn the_image_audits_the_host_it_is_given() {
    let (host, web) = audited_host("image");
    let out = Command::new("docker")
        .args(["run", "--rm", "--label", LABEL, "-v"])
        .arg(format!("{}:/host:ro", host.root().display()))
        .args(["-v", "/var/run/docker.sock:/var/run/docker.sock"])
        .arg(bulkhead_image())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "findings, not errors: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    check_report(&report, &web);
}

#[test]
fn the_daemonset_pod_spec_runs_and_writes_reports() {
    let spec = daemonset()["spec"]["template"]["spec"].clone();
    let container = &spec["containers"][0];
    let (host, web) = audited_host("daemonset");
    let reports = tempfile::tempdir().unwrap();
    let name = format!("bulkhead-test-pod-{}", std::process::id());
    let _ = Command::new("docker").args(["rm", "-f", &name]).output();

    // Volumes by name → the host side of each mount, here.
    let host_side = |volume: &str| -> String {
        match volume {
            "host-root" => host.root().display().to_string(),
            "docker-socket" => "/var/run/docker.sock".to_owned(),
            "reports" => reports.path().display().to_string(),
            other => panic!("the manifest has a volume this test does not map: {other}"),
        }
    };
    let mut args: Vec<String> = vec![
        "run".into(),
        "-d".into(),
        "--name".into(),
        name.clone(),
        "--label".into(),
        LABEL.into(),
    ];
    for mount in container["volumeMounts"].as_array().unwrap() {
        let volume = mount["name"].as_str().unwrap();
        let path = mount["mountPath"].as_str().unwrap();
        if volume == "cache" {
            // An emptyDir: scratch space.
            args.extend(["--tmpfs".into(), path.to_owned()]);
            continue;
        }
        let ro = if mount["readOnly"] == true { ":ro" } else { "" };
        args.extend(["-v".into(), format!("{}:{path}{ro}", host_side(volume))]);
    }
    for env in container["env"].as_array().unwrap() {
        let value = match env["value"].as_str() {
            Some(v) => v.to_owned(),
            None => "test-node".to_owned(), // the downward API's spec.nodeName
        };
        args.extend([
            "-e".into(),
            format!("{}={value}", env["name"].as_str().unwrap()),
        ]);
    }
    let security = &container["securityContext"];
    if security["readOnlyRootFilesystem"] == true {
        args.push("--read-only".into());
    }
    if security["allowPrivilegeEscalation"] == false {
        args.extend(["--security-opt".into(), "no-new-privileges".into()]);
    }
    for cap in security["capabilities"]["drop"].as_array().unwrap() {
        args.extend(["--cap-drop".into(), cap.as_str().unwrap().to_owned()]);
    }
    for cap in security["capabilities"]["add"].as_array().unwrap() {
        args.extend(["--cap-add".into(), cap.as_str().unwrap().to_owned()]);
    }
    args.extend([
        "--user".into(),
        security["runAsUser"].as_u64().unwrap().to_string(),
    ]);
    let command: Vec<String> = container["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    args.extend(["--entrypoint".into(), command[0].clone()]);
    args.push(bulkhead_image().to_owned());
    args.extend(command[1..].iter().cloned());
    for arg in container["args"].as_array().unwrap() {
        args.push(arg.as_str().unwrap().to_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    docker(&args);
    let _cleanup = Removal(name.clone());

    // The loop's first report appears (renamed from .part when complete).
    let start = Instant::now();
    let report = loop {
        let done: Vec<PathBuf> = std::fs::read_dir(reports.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        if let [one] = &done[..] {
            break one.clone();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no report after 60 s; the pod's log:\n{}",
            docker(&["logs", &name])
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let name_ok = report
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("test-node-"));
    assert!(name_ok, "{}", report.display());
    let parsed: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    check_report(&parsed, &web);
    let logs = wait_for_log(&name, "exit 1");
    assert!(logs.contains("node test-node"), "{logs}");
}

fn wait_for_log(container: &str, needle: &str) -> String {
    let start = Instant::now();
    loop {
        let out = Command::new("docker")
            .args(["logs", container])
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if text.contains(needle) || start.elapsed() > Duration::from_secs(30) {
            return text;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Removes a container when dropped.
struct Removal(String);

impl Drop for Removal {
    fn drop(&mut self) {
        let _ = Command::new("docker").args(["rm", "-f", &self.0]).output();
    }
}

const SSM_DOCUMENT: &str = "deploy/aws/bulkhead-run-command.json";

/// Check the document's parameters (every `{{ Name }}` declared, every default and
/// every value given matching its `allowedPattern` or `allowedValues`) and return its
/// script with `values` substituted, as Systems Manager would.
fn ssm_script(values: &[(&str, &str)]) -> String {
    let checker = r#"
import json, re, sys
doc = json.load(open(sys.argv[1]))
values = json.loads(sys.argv[2])
assert doc["schemaVersion"] == "2.2", doc["schemaVersion"]
params = doc["parameters"]
step = doc["mainSteps"][0]
assert step["action"] == "aws:runShellScript", step["action"]
script = "\n".join(step["inputs"]["runCommand"])
used = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", script))
assert used <= set(params), f"undeclared parameters: {used - set(params)}"
def ok(name, value):
    p = params[name]
    if "allowedPattern" in p:
        assert re.fullmatch(p["allowedPattern"], value), f"{name}={value!r} fails {p['allowedPattern']}"
    if "allowedValues" in p:
        assert value in p["allowedValues"], f"{name}={value!r} not in {p['allowedValues']}"
for name, p in params.items():
    ok(name, p.get("default", ""))
for name, value in values.items():
    ok(name, value)
    script = re.sub(r"\{\{\s*" + name + r"\s*\}\}", lambda _: value, script)
print(script)
"#;
    let values: serde_json::Map<String, Value> = values
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
        .collect();
    let out = Command::new("python3")
        .args(["-c", checker])
        .arg(workspace().join(SSM_DOCUMENT))
        .arg(Value::Object(values).to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_ssm_document_runs_keeps_reports_and_imports_in_batches() {
    let work = tempfile::tempdir().unwrap();
    let reports = work.path().join("reports");
    // A stand-in `aws` CLI (there is no AWS here) that records how it was called.
    let bin = work.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let calls = work.path().join("aws-calls");
    std::fs::write(
        bin.join("aws"),
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> {}\nfor a in \"$@\"; do case \"$a\" in \
             file://*) cp \"${{a#file://}}\" {}/batch-$$-$(date +%N).json;; esac; done\necho 0\n",
            calls.display(),
            work.path().display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(bin.join("aws"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let script = ssm_script(&[
        ("BulkheadPath", env!("CARGO_BIN_EXE_bulkhead")),
        ("ReportDir", reports.to_str().unwrap()),
        ("S3Uri", "s3://audit-bucket/bulkhead"),
        ("ImportToSecurityHub", "true"),
        ("AwsAccountId", "123456789012"),
        ("AwsRegion", "eu-west-1"),
    ]);
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .env("XDG_CONFIG_HOME", "/nonexistent-bulkhead-test-config")
        .env("BULKHEAD_CACHE_DIR", workspace().join("target/test-cache"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "the audit ran: {stderr}");

    // Both reports, private, valid.
    let files: Vec<PathBuf> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    let json = files
        .iter()
        .find(|p| !p.to_string_lossy().ends_with(".asff.json"))
        .expect("a JSON report");
    let asff = files
        .iter()
        .find(|p| p.to_string_lossy().ends_with(".asff.json"))
        .expect("an ASFF report");
    let mode = std::fs::metadata(&reports).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "the report directory is private");
    let report: Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    assert_eq!(report["schema"], "bulkhead.report/v1");
    assert_eq!(report["audit_only"], true);
    crate::formats::validate("asff", &std::fs::read(asff).unwrap());

    // Copied to S3, then imported in batches of at most 100, each one valid.
    let calls = std::fs::read_to_string(&calls).unwrap();
    assert_eq!(calls.matches("s3 cp").count(), 2, "{calls}");
    assert!(calls.contains("s3://audit-bucket/bulkhead/"), "{calls}");
    let imports = calls.matches("securityhub batch-import-findings").count();
    assert!(imports >= 1, "{calls}");
    assert!(calls.contains("--region eu-west-1"), "{calls}");
    let batches: Vec<PathBuf> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("batch-")
        })
        .collect();
    assert_eq!(batches.len(), imports);
    let total: usize = batches
        .iter()
        .map(|b| {
            let findings: Value = serde_json::from_slice(&std::fs::read(b).unwrap()).unwrap();
            let n = findings.as_array().unwrap().len();
            assert!((1..=100).contains(&n), "a batch of {n}");
            n
        })
        .sum();
    let all: Value = serde_json::from_slice(&std::fs::read(asff).unwrap()).unwrap();
    let expected = all
        .as_array()
        .or_else(|| all["Findings"].as_array())
        .unwrap()
        .len();
    assert_eq!(total, expected, "every finding imported once");
}

#[test]
fn the_ssm_document_refuses_values_that_could_break_its_quoting() {
    let checker = Command::new("python3")
        .args([
            "-c",
            "import json,re,sys; p=json.load(open(sys.argv[1]))['parameters']; \
             bad={'ReportDir':\"/tmp/x'; rm -rf /; '\",'S3Uri':'s3://b/$(id)',\
             'AwsRegion':'us-east-1;id','BulkheadPath':'bulkhead'}; \
             [sys.exit(f'{k} accepted') for k,v in bad.items() \
              if re.fullmatch(p[k]['allowedPattern'], v)]",
        ])
        .arg(workspace().join(SSM_DOCUMENT))
        .output()
        .unwrap();
    assert!(
        checker.status.success(),
        "{}",
        String::from_utf8_lossy(&checker.stderr)
    );
}
