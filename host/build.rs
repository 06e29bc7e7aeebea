//! Builds the bundled controls (`plugins/*`, except the SDK) for `wasm32-wasip2` and
//! embeds them in the binary, so one `bulkhead` binary carries its controls.
//!
//! The plugins are built by a nested cargo into their own target directory
//! (`target/plugins`): building into the host's target directory would deadlock on
//! cargo's lock. The `plugin` profile (root Cargo.toml) keeps each component small.

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::Digest as _;

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let workspace = manifest_dir.parent().expect("host/ sits in the workspace");
    let plugins_dir = workspace.join("plugins");
    for watched in ["plugins", "wit", "Cargo.toml", "Cargo.lock"] {
        println!(
            "cargo:rerun-if-changed={}",
            workspace.join(watched).display()
        );
    }

    let crates = plugin_crates(&plugins_dir);
    let target_dir = workspace.join("target").join("plugins");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"))
        .args([
            "--profile",
            "plugin",
            "--target",
            "wasm32-wasip2",
            "--locked",
        ])
        .arg("--target-dir")
        .arg(&target_dir);
    for name in &crates {
        cmd.args(["-p", name]);
    }
    // Settings meant for the host build must not leak into the wasm build.
    for var in [
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CLIPPY_ARGS",
        "CARGO_PRIMARY_PACKAGE",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd
        .status()
        .expect("cannot run cargo to build the bundled controls");
    if !status.success() {
        panic!(
            "building the bundled controls for wasm32-wasip2 failed ({status}); see cargo's \
             output above (a missing target is fixed by `rustup target add wasm32-wasip2`)"
        );
    }

    let wasm_dir = target_dir.join("wasm32-wasip2").join("plugin");
    let mut out =
        String::from("/// (crate name, component bytes, their sha256) of every bundled control.\n");
    // A `static`, not a `const`: a const is copied into every place that uses it, and
    // the release binary held each component four times.
    out.push_str("pub static BUNDLED: &[(&str, &[u8], &str)] = &[\n");
    for name in &crates {
        let wasm = wasm_dir.join(format!("{}.wasm", name.replace('-', "_")));
        let bytes = std::fs::read(&wasm)
            .unwrap_or_else(|e| panic!("cargo built no {}: {e}", wasm.display()));
        let sha256: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        writeln!(
            out,
            "    ({name:?}, include_bytes!({:?}), {sha256:?}),",
            wasm.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo")).join("bundled.rs");
    std::fs::write(dest, out).expect("cannot write bundled.rs");
}

/// Every crate directory under `plugins/` except the SDK, sorted by name.
fn plugin_crates(plugins_dir: &Path) -> Vec<String> {
    let mut crates: Vec<String> = std::fs::read_dir(plugins_dir)
        .expect("plugins/ is readable")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "sdk")
        .collect();
    crates.sort();
    crates
}
