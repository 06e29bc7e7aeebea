//! The compile cache, end to end: entries appear after a cold run, a corrupt entry is
//! rebuilt rather than loaded, and a warm run loads only the code of the controls it runs.
//! The bundled controls start from the code precompiled into the binary; where the engine
//! refuses it, they are compiled and cached like drop-ins.

use crate::support::{Host, bulkhead};

fn entries(dir: &std::path::Path, kind: &str) -> Vec<std::path::PathBuf> {
    let versioned = std::fs::read_dir(dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut found: Vec<_> = std::fs::read_dir(versioned)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == kind))
        .collect();
    found.sort();
    found
}

/// An engine whose settings differ from those the bundled controls were precompiled with
/// (a test hook): wasmtime refuses the embedded code, so they go through the cache.
const DRIFT: &str = "BULKHEAD_TEST_ENGINE_DRIFT";

#[test]
fn corrupt_entries_are_rebuilt_not_trusted() {
    let host = Host::new();
    host.file("/etc/docker/certs.d/r/client.key", "K", 0o600);
    let cache = tempfile::tempdir().unwrap();
    let audit = |only: &str| {
        let root = host.root();
        let out = bulkhead()
            .args(["run", "--only", only, "--format", "json", "--root"])
            .arg(root)
            .arg("--proc")
            .arg(host.proc())
            .env("BULKHEAD_CACHE_DIR", cache.path())
            .env(DRIFT, "1")
            .output()
            .unwrap();
        // The key file fails; the container control passes or fails by what runs here,
        // but neither may error.
        let want: &[i32] = if only == "docker-tls-key-permissions" {
            &[1]
        } else {
            &[0, 1]
        };
        assert!(
            want.contains(&out.status.code().unwrap_or(-1)),
            "{only}: exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let sizes = |files: &[std::path::PathBuf]| -> Vec<u64> {
        files.iter().map(|p| p.metadata().unwrap().len()).collect()
    };

    let bundled = crate::support::run(&["controls", "--format", "json"]).json()["controls"]
        .as_array()
        .unwrap()
        .len();
    audit("docker-tls-key-permissions");
    let cold = entries(cache.path(), "cwasm");
    assert_eq!(
        cold.len(),
        bundled,
        "one entry per bundled control: {cold:?}"
    );
    assert_eq!(entries(cache.path(), "mac").len(), bundled);
    assert_eq!(
        entries(cache.path(), "meta").len(),
        bundled,
        "each control's metadata is kept beside its code"
    );
    let full = sizes(&cold);

    // Corrupt every entry: flip a byte in the middle of half of them, truncate the rest.
    for (i, path) in cold.iter().enumerate() {
        if i % 2 == 0 {
            let mut bytes = std::fs::read(path).unwrap();
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0x5a;
            std::fs::write(path, &bytes).unwrap();
        } else {
            std::fs::write(path, b"garbage").unwrap();
        }
    }
    let corrupt: Vec<Vec<u8>> = cold.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let untouched = || {
        cold.iter()
            .zip(&corrupt)
            .filter(|(path, was)| std::fs::read(path).unwrap() == **was)
            .count()
    };

    // A warm run loads (and so checks and rebuilds) only the code it runs: one entry is
    // replaced, no other control's is even read.
    audit("docker-tls-key-permissions");
    assert_eq!(
        untouched(),
        bundled - 1,
        "exactly the control that ran was loaded"
    );
    audit("container-net-raw-dropped");
    assert_eq!(untouched(), bundled - 2);

    // Rebuilt entries are whole again, and no corrupt bytes survive in them.
    let rebuilt: Vec<usize> = (0..bundled)
        .filter(|&i| std::fs::read(&cold[i]).unwrap() != corrupt[i])
        .collect();
    assert_eq!(rebuilt.len(), 2);
    for i in rebuilt {
        assert_eq!(sizes(&cold[i..=i]), full[i..=i], "rebuilt in full");
    }
}

/// bulkhead with none of the variables that name a cache: as a systemd service without
/// `User=`, or an SSM run, starts it.
fn without_home() -> std::process::Command {
    let mut cmd = crate::support::bulkhead();
    cmd.env_remove("BULKHEAD_CACHE_DIR")
        .env_remove("HOME")
        // Relative: ignored, as the XDG spec says, never resolved here.
        .env("XDG_CACHE_HOME", "relative-cache")
        .current_dir(tempfile::tempdir().unwrap().keep());
    cmd
}

#[test]
fn a_run_without_home_still_uses_a_cache_under_the_same_rules() {
    use std::os::unix::fs::MetadataExt;
    let euid = std::fs::metadata("/proc/self").unwrap().uid();
    let dir = if euid == 0 {
        std::path::PathBuf::from("/var/cache/bulkhead")
    } else {
        let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
        bulkhead::sandbox::cache_dir::home_in_passwd(&passwd, euid)
            .expect("the test user has a home in /etc/passwd")
            .join(".cache/bulkhead")
    };
    let versioned = dir.join(format!("v{}", env!("CARGO_PKG_VERSION")));
    // Only this test uses the location: start from nothing, so what is found is this run's.
    let _ = std::fs::remove_dir_all(&versioned);

    let out = without_home()
        .args(["controls", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("compile cache"), "{stderr}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().mode() & 0o777;
    assert_eq!(mode(&versioned), 0o700);
    assert_eq!(mode(&versioned.join("key")), 0o600);
    assert!(
        entries(&dir, "meta").len() >= 118,
        "every bundled control's metadata kept in {}",
        dir.display()
    );
    assert!(
        !std::path::Path::new("relative-cache").exists(),
        "a relative XDG_CACHE_HOME was used"
    );
}

#[test]
fn a_cache_that_cannot_be_used_is_said_once_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let versioned = dir.path().join(format!("v{}", env!("CARGO_PKG_VERSION")));
    std::fs::create_dir(&versioned).unwrap();
    std::fs::set_permissions(
        &versioned,
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    let out = crate::support::bulkhead()
        .args(["controls", "--format", "json", "--cache-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr.matches("the compile cache is not used").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("with mode 0777"), "{stderr}");
    // Nothing was written into a directory others can write.
    assert_eq!(std::fs::read_dir(&versioned).unwrap().count(), 0);
}

/// A run's results as (control, target, status), in order; containers left out, as the
/// tests running beside this one start and remove theirs.
fn verdicts(stdout: &[u8]) -> Vec<(String, String, String)> {
    let report: serde_json::Value = serde_json::from_slice(stdout).unwrap();
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let field = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (field("control"), field("target"), field("status"))
        })
        .filter(|(_, target, _)| !target.starts_with("container:"))
        .collect()
}

#[test]
fn bundled_controls_start_from_their_precompiled_code_and_a_refusal_is_compiled_instead() {
    let host = Host::new();
    host.file("/etc/docker/daemon.json", r#"{"icc": false}"#, 0o644);
    host.file("/etc/docker/certs.d/r/client.key", "K", 0o600);
    let audit = |drift: bool| {
        let cache = tempfile::tempdir().unwrap();
        let mut cmd = bulkhead();
        cmd.args(["run", "--format", "json", "--root"])
            .arg(host.root())
            .arg("--proc")
            .arg(host.proc())
            .arg("--cache-dir")
            .arg(cache.path());
        if drift {
            cmd.env(DRIFT, "1");
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "exit {:?}: {stderr}",
            out.status.code()
        );
        let code = entries(cache.path(), "cwasm").len();
        let meta = entries(cache.path(), "meta").len();
        (verdicts(&out.stdout), stderr, code, meta)
    };

    // A first run with an empty cache maps the embedded code: nothing is compiled, so
    // no code lands in the cache, only each control's metadata; nothing is said.
    let (fits, stderr, code, meta) = audit(false);
    assert!(!stderr.contains("precompiled"), "{stderr}");
    assert_eq!(code, 0, "no bundled control was compiled");
    assert!(meta >= 118, "{meta} metadata entries");

    // Code the engine refuses is never loaded: every bundled control is compiled and
    // cached, and the reason (wasmtime's) is said once.
    let (refused, stderr, code, _) = audit(true);
    let said = "cannot run the bundled controls' precompiled code";
    assert_eq!(stderr.matches(said).count(), 1, "{stderr}");
    assert!(stderr.contains("guard size"), "wasmtime's reason: {stderr}");
    assert!(code >= 118, "{code} controls compiled into the cache");

    // Either way the same verdicts, and every control ran.
    assert_eq!(refused, fits);
    assert!(!fits.iter().any(|(_, _, s)| s == "error"), "{fits:?}");
}
