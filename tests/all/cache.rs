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
