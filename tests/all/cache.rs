//! The compile cache, end to end: entries appear after a cold run, and a corrupt entry
//! is rebuilt rather than loaded.

use crate::support::{Host, bulkhead};

fn entries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let versioned = std::fs::read_dir(dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut found: Vec<_> = std::fs::read_dir(versioned)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cwasm"))
        .collect();
    found.sort();
    found
}

#[test]
fn corrupt_entries_are_rebuilt_not_trusted() {
    let host = Host::new();
    host.file("/etc/docker/certs.d/r/client.key", "K", 0o600);
    let cache = tempfile::tempdir().unwrap();
    let audit = || {
        let root = host.root();
        let out = bulkhead()
            .args([
                "run",
                "--only",
                "docker-tls-key-permissions",
                "--format",
                "json",
                "--root",
            ])
            .arg(root)
            .arg("--proc")
            .arg(host.proc())
            .env("BULKHEAD_CACHE_DIR", cache.path())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };

    audit();
    let cold = entries(cache.path());
    assert_eq!(cold.len(), 2, "one entry per bundled control: {cold:?}");
    let sizes: Vec<u64> = cold.iter().map(|p| p.metadata().unwrap().len()).collect();

    // Corrupt every entry: flip bytes in the middle of one, truncate the other.
    let mut bytes = std::fs::read(&cold[0]).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x5a;
    std::fs::write(&cold[0], &bytes).unwrap();
    std::fs::write(&cold[1], b"garbage").unwrap();

    audit();
    let rebuilt = entries(cache.path());
    let new_sizes: Vec<u64> = rebuilt
        .iter()
        .map(|p| p.metadata().unwrap().len())
        .collect();
    assert_eq!(new_sizes, sizes, "both entries were rebuilt in full");
    assert_ne!(
        std::fs::read(&rebuilt[0]).unwrap(),
        bytes,
        "the corrupt entry was replaced"
    );
}
