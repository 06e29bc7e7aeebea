//! Builds the bundled controls (`plugins/*`, except the SDK) for `wasm32-wasip2` and
//! embeds them in the binary, so one `bulkhead` binary carries its controls.
//!
//! Each component is also precompiled here, with the runtime's own engine configuration
//! (`src/sandbox/engine_config.rs`) for this target's CPU baseline, and that native code is
//! embedded beside it: a first run on a fresh machine maps it instead of compiling 118
//! controls. Where wasmtime refuses it at run time (other settings, another CPU), the
//! runtime compiles the component instead.
//!
//! The plugins are built by a nested cargo into their own target directory
//! (`target/plugins`): building into the host's target directory would deadlock on
//! cargo's lock. The `plugin` profile (root Cargo.toml) keeps each component small.

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::Digest as _;

#[path = "src/sandbox/engine_config.rs"]
mod engine_config;

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
    println!("cargo:rerun-if-changed=src/sandbox/engine_config.rs");

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
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let components: Vec<(String, PathBuf, Vec<u8>)> = crates
        .iter()
        .map(|name| {
            let wasm = wasm_dir.join(format!("{}.wasm", name.replace('-', "_")));
            let bytes = std::fs::read(&wasm)
                .unwrap_or_else(|e| panic!("cargo built no {}: {e}", wasm.display()));
            (name.clone(), wasm, bytes)
        })
        .collect();
    let precompiled = precompile(&components, &out_dir.join("precompiled"));
    let compressed = compress(&components, &out_dir.join("compressed"));

    let mut out =
        String::from("/// Every bundled control (`Bundled` is declared where this is included).\n");
    // A `static`, not a `const`: a const is copied into every place that uses it, and
    // the release binary held each component four times.
    out.push_str("pub static BUNDLED: &[Bundled] = &[\n");
    for (((name, _, bytes), artifact), wasm) in components.iter().zip(&precompiled).zip(&compressed)
    {
        let sha256: String = sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let artifact = match artifact {
            Some(path) => format!("Some(include_bytes!({:?}))", path.display().to_string()),
            None => "None".to_owned(),
        };
        writeln!(
            out,
            "    Bundled {{ name: {name:?}, wasm: include_bytes!({:?}), sha256: {sha256:?}, \
             precompiled: {artifact} }},",
            wasm.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    std::fs::write(out_dir.join("bundled.rs"), out).expect("cannot write bundled.rs");
}

/// Each component zstd-compressed into `dir`: the binary keeps the components only for a
/// machine whose engine refuses their precompiled code (14.8 MB raw, about a quarter of
/// that compressed); the path of each.
fn compress(components: &[(String, PathBuf, Vec<u8>)], dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("cannot create the compressed components' directory");
    components
        .iter()
        .map(|(name, _, bytes)| {
            let path = dir.join(format!("{name}.wasm.zst"));
            let packed = zstd::bulk::compress(bytes, 19).expect("zstd cannot compress a component");
            std::fs::write(&path, packed)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            path
        })
        .collect()
}

/// Precompile every component into `dir`, several at once; the path of each artifact,
/// or none where this target cannot be precompiled for (the runtime then compiles).
fn precompile(components: &[(String, PathBuf, Vec<u8>)], dir: &Path) -> Vec<Option<PathBuf>> {
    let target = env::var("TARGET").expect("set by cargo");
    let engine =
        engine_config::engine_config(Some(&target)).and_then(|c| wasmtime::Engine::new(&c));
    let engine = match engine {
        Ok(engine) => engine,
        Err(e) => {
            println!(
                "cargo:warning=the bundled controls are not precompiled for {target} ({e}); \
                 the binary compiles them at its first run"
            );
            return vec![None; components.len()];
        }
    };
    std::fs::create_dir_all(dir).expect("cannot create the precompiled directory");
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut done: Vec<(usize, PathBuf)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((name, _, bytes)) = components.get(i) else {
                            return mine;
                        };
                        let code = engine.precompile_component(bytes).unwrap_or_else(|e| {
                            panic!("cannot precompile the bundled control {name}: {e:#}")
                        });
                        let path = dir.join(format!("{name}.cwasm"));
                        std::fs::write(&path, code)
                            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
                        mine.push((i, path));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a precompile thread panicked"))
            .collect()
    });
    done.sort();
    done.into_iter().map(|(_, path)| Some(path)).collect()
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
