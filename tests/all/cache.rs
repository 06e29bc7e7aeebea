//! The compile cache, end to end: entries appear after a cold run, a corrupt entry is
//! rebuilt rather than loaded, and a warm run loads only the code of the controls it runs.

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

    audit("docker-tls-key-permissions");
    let cold = entries(cache.path(), "cwasm");
    assert_eq!(cold.len(), 2, "one entry per bundled control: {cold:?}");
    assert_eq!(entries(cache.path(), "mac").len(), 2);
    assert_eq!(
        entries(cache.path(), "meta").len(),
        2,
        "each control's metadata is kept beside its code"
    );
    let full = sizes(&cold);

    // Corrupt every entry: flip bytes in the middle of one, truncate the other.
    let mut bytes = std::fs::read(&cold[0]).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x5a;
    std::fs::write(&cold[0], &bytes).unwrap();
    std::fs::write(&cold[1], b"garbage").unwrap();
    let corrupt: Vec<Vec<u8>> = cold.iter().map(|p| std::fs::read(p).unwrap()).collect();

    // A warm run loads (and so checks and rebuilds) only the code it runs: one entry is
    // replaced, the other control's is not even read.
    audit("docker-tls-key-permissions");
    let untouched = cold
        .iter()
        .zip(&corrupt)
        .filter(|(path, was)| std::fs::read(path).unwrap() == **was)
        .count();
    assert_eq!(untouched, 1, "exactly the control that ran was loaded");

    audit("container-net-raw-dropped");
    let rebuilt = entries(cache.path(), "cwasm");
    assert_eq!(sizes(&rebuilt), full, "both entries were rebuilt in full");
    assert_ne!(
        std::fs::read(&rebuilt[0]).unwrap(),
        bytes,
        "the corrupt entry was replaced"
    );
}
