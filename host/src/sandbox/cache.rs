//! The on-disk cache of compiled components: compile once, reuse on every run.
//!
//! Entries are keyed by the component's sha256 and the engine's compatibility hash
//! (wasmtime version, target, settings), so a new bulkhead or another CPU never reuses
//! stale code. Deserialising compiled code is trusting it, so an entry is only used when
//! it carries a valid keyed BLAKE3 MAC under a key that only this machine's cache holds:
//! a corrupt, truncated or foreign entry (copied from elsewhere, or written by anyone but
//! bulkhead) fails the check and is recompiled and replaced, never loaded. The cache
//! directory must be owned by the current user and not writable by group or others;
//! otherwise it is not used at all.
//!
//! An entry is three files sharing one name: `NAME.cwasm` (exactly what
//! `Component::serialize` wrote, so it can be mapped rather than copied), `NAME.mac` (its
//! MAC) and, once the control has answered `metadata()`, `NAME.meta` (the validated
//! metadata, MAC first). Each MAC covers the kind of file and the entry's name as well as
//! the content, so no file can stand in for another. With the metadata cached, a warm
//! start needs no control instantiated and no code loaded until a control is called.
//!
//! Where it lives, and what is said when it cannot be used: [`crate::sandbox::cache_dir`].

use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::sandbox::metadata::Metadata;

/// Bytes of a MAC.
const MAC_LEN: usize = 32;

/// A usable cache directory and its key.
#[derive(Clone)]
pub struct Cache {
    dir: PathBuf,
    key: [u8; 32],
}

/// Whether `meta` belongs to us and nobody else can write it.
fn private(meta: &fs::Metadata) -> bool {
    // The owner of /proc/self is this process's effective uid.
    let me = fs::metadata("/proc/self").map(|m| m.uid()).ok();
    Some(meta.uid()) == me && meta.mode() & 0o022 == 0
}

impl Cache {
    /// Open (creating if needed) the cache at `dir`; `Err` says why it cannot be used
    /// safely.
    pub fn open(dir: &Path) -> Result<Cache, String> {
        let dir = dir.join(format!("v{}", env!("CARGO_PKG_VERSION")));
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let meta = fs::metadata(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        if !private(&meta) {
            return Err(format!(
                "{} is owned by uid {} with mode {:04o}; it must be this user's and not \
                 writable by group or others",
                dir.display(),
                meta.uid(),
                meta.mode() & 0o7777
            ));
        }
        let key_path = dir.join("key");
        let private_key =
            |key: &Vec<u8>| key.len() == 32 && fs::metadata(&key_path).is_ok_and(|m| private(&m));
        let key = match fs::read(&key_path) {
            Ok(key) if private_key(&key) => key,
            _ => {
                let mut key = vec![0u8; 32];
                use std::io::Read;
                fs::File::open("/dev/urandom")
                    .and_then(|mut random| random.read_exact(&mut key))
                    .map_err(|e| format!("cannot read /dev/urandom for its key: {e}"))?;
                write_atomically(&dir, &key_path, &key)
                    .map_err(|e| format!("cannot write its key in {}: {e}", dir.display()))?;
                key
            }
        };
        let key = key
            .try_into()
            .map_err(|_| "its key is not 32 bytes".to_owned())?;
        Ok(Cache { dir, key })
    }

    /// The entry's name: the component's sha256 and the engine's compatibility, hashed.
    fn entry(&self, engine: &Engine, wasm_sha256: &str) -> String {
        let mut hasher = ShaHasher(Sha256::new());
        wasm_sha256.hash(&mut hasher);
        engine.precompile_compatibility_hash().hash(&mut hasher);
        let digest = hasher.0.finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn path(&self, name: &str, kind: &str) -> PathBuf {
        self.dir.join(format!("{name}.{kind}"))
    }

    /// The MAC of `content` stored as `name.kind`: keyed BLAKE3 (a MAC by design, and
    /// several times faster than HMAC-SHA256 over the megabytes of code a run checks).
    fn mac(&self, name: &str, kind: &str, content: &[u8]) -> Mac {
        let mut mac = blake3::Hasher::new_keyed(&self.key);
        for part in [kind.as_bytes(), b"\0", name.as_bytes(), b"\0", content] {
            mac.update(part);
        }
        Mac(mac.finalize())
    }

    /// The compiled component for `bytes` (whose sha256 is `wasm_sha256`): from the cache
    /// when a verified entry exists, else compiled by `compile` and stored.
    pub fn load_or_compile<E>(
        &self,
        engine: &Engine,
        wasm_sha256: &str,
        compile: impl FnOnce() -> Result<Component, E>,
    ) -> Result<Component, E> {
        let name = self.entry(engine, wasm_sha256);
        if let Some(component) = self.load(engine, &name) {
            return Ok(component);
        }
        let component = compile()?;
        if let Ok(serialized) = component.serialize() {
            let tag = self.mac(&name, "cwasm", &serialized).bytes();
            // Code first, then its MAC: a MAC never vouches for code not yet in place.
            // A cache that cannot be written only costs time.
            let _ = write_atomically(&self.dir, &self.path(&name, "cwasm"), &serialized)
                .and_then(|()| write_atomically(&self.dir, &self.path(&name, "mac"), &tag));
        }
        Ok(component)
    }

    fn load(&self, engine: &Engine, name: &str) -> Option<Component> {
        let tag = fs::read(self.path(name, "mac")).ok()?;
        if tag.len() != MAC_LEN {
            return None;
        }
        let path = self.path(name, "cwasm");
        let code = fs::read(&path).ok()?;
        self.mac(name, "cwasm", &code).verify(&tag)?;
        drop(code);
        // SAFETY: the file held exactly what `Component::serialize` produced on this
        // machine: the MAC above is keyed by a secret that only this user's private cache
        // holds, so nobody else could have written or altered it. The file is mapped by
        // path after the check; only this user can replace it in between (the directory is
        // theirs and private), and they could as well replace the key. wasmtime
        // additionally checks that it was compiled by a compatible engine.
        #[allow(unsafe_code)]
        let component = unsafe { Component::deserialize_file(engine, &path) };
        component.ok()
    }

    /// The metadata a control answered when it was first loaded, and the names of what
    /// the component imports, if this cache holds them for exactly this component and
    /// engine. `code_in_binary`: the control's code is embedded in the binary (a bundled
    /// control), not kept here.
    pub fn metadata(
        &self,
        engine: &Engine,
        wasm_sha256: &str,
        code_in_binary: bool,
    ) -> Option<(Metadata, Vec<String>)> {
        let name = self.entry(engine, wasm_sha256);
        // Code kept here comes with its metadata: without the code's MAC beside it the
        // entry is incomplete, and the control is loaded and asked again.
        if !code_in_binary {
            let code_tag = fs::read(self.path(&name, "mac")).ok()?;
            if code_tag.len() != MAC_LEN {
                return None;
            }
        }
        let entry = fs::read(self.path(&name, "meta")).ok()?;
        if entry.len() <= MAC_LEN {
            return None;
        }
        let (tag, json) = entry.split_at(MAC_LEN);
        self.mac(&name, "meta", json).verify(tag)?;
        let stored: StoredMetadata = serde_json::from_slice(json).ok()?;
        Some((stored.metadata, stored.imports))
    }

    /// Keep `metadata` and the component's `imports` beside its compiled code.
    pub fn store_metadata(
        &self,
        engine: &Engine,
        wasm_sha256: &str,
        metadata: &Metadata,
        imports: &[String],
    ) {
        let name = self.entry(engine, wasm_sha256);
        let stored = StoredMetadata {
            metadata: metadata.clone(),
            imports: imports.to_vec(),
        };
        let Ok(json) = serde_json::to_vec(&stored) else {
            return;
        };
        let mut entry = self.mac(&name, "meta", &json).bytes().to_vec();
        entry.extend_from_slice(&json);
        let _ = write_atomically(&self.dir, &self.path(&name, "meta"), &entry);
    }
}

/// A `.meta` file's JSON.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredMetadata {
    metadata: Metadata,
    imports: Vec<String>,
}

/// A computed MAC, checked against stored bytes in constant time.
struct Mac(blake3::Hash);

impl Mac {
    fn bytes(&self) -> [u8; MAC_LEN] {
        *self.0.as_bytes()
    }

    fn verify(&self, stored: &[u8]) -> Option<()> {
        let stored: [u8; MAC_LEN] = stored.try_into().ok()?;
        // `blake3::Hash`'s equality is constant-time.
        (self.0 == blake3::Hash::from(stored)).then_some(())
    }
}

/// Write `bytes` to `path` through a private temporary file and a rename.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!(".tmp-{}-{:x}", std::process::id(), rand_suffix()));
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)?;
    let result = file.write_all(bytes).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    // Distinct across threads of one process; the pid distinguishes processes.
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Feeds `Hash` data into sha256, for a key that is stable across runs.
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal valid component: no imports, no exports.
    const EMPTY_COMPONENT: &[u8] = b"\0asm\x0d\0\x01\0";

    fn compile_count(cache: &Cache, engine: &Engine, count: &mut u32) -> Component {
        cache
            .load_or_compile(engine, "sha-of-empty", || {
                *count += 1;
                Component::new(engine, EMPTY_COMPONENT)
            })
            .unwrap()
    }

    #[test]
    fn compiles_once_then_reuses_and_rejects_tampering() {
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        let engine = Engine::default();
        let cache = Cache::open(dir.path()).expect("a private dir is usable");
        let mut compiled = 0;
        compile_count(&cache, &engine, &mut compiled);
        compile_count(&cache, &engine, &mut compiled);
        assert_eq!(compiled, 1, "the second load comes from the cache");

        // Flip one byte of the compiled code: the MAC fails, it is recompiled.
        let name = cache.entry(&engine, "sha-of-empty");
        let code = cache.path(&name, "cwasm");
        let mut bytes = fs::read(&code).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        fs::write(&code, &bytes).unwrap();
        compile_count(&cache, &engine, &mut compiled);
        assert_eq!(compiled, 2, "a corrupt entry is rebuilt, not loaded");

        // An entry written under another machine's key is foreign: rebuilt too.
        let foreign = Cache {
            dir: cache.dir.clone(),
            key: [7; 32],
        };
        let mut other = 0;
        fs::remove_file(&code).unwrap();
        compile_count(&foreign, &engine, &mut other);
        compile_count(&cache, &engine, &mut compiled);
        assert_eq!(compiled, 3, "a foreign entry is rebuilt, not loaded");
        compile_count(&cache, &engine, &mut compiled);
        assert_eq!(compiled, 3);

        // Code whose MAC is missing is not trusted.
        fs::remove_file(cache.path(&name, "mac")).unwrap();
        compile_count(&cache, &engine, &mut compiled);
        assert_eq!(compiled, 4, "code without its MAC is rebuilt");
    }

    fn sample_metadata(id: &str) -> Metadata {
        Metadata {
            id: id.to_owned(),
            title: "A title".to_owned(),
            version: "1.0.0".to_owned(),
            description: String::new(),
            rationale: String::new(),
            remediation: String::new(),
            severity: "high",
            references: vec!["CIS 1.1".to_owned()],
            items: vec![crate::sandbox::metadata::Item {
                benchmark: "CIS".to_owned(),
                item: "1.1".to_owned(),
                level: 2,
                assessment: "manual",
            }],
            reads: vec!["/etc/docker".to_owned()],
        }
    }

    #[test]
    fn metadata_is_kept_beside_verified_code_and_never_swapped() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::default();
        let cache = Cache::open(dir.path()).expect("a private dir is usable");
        let mut compiled = 0;
        assert!(cache.metadata(&engine, "sha-of-empty", false).is_none());
        compile_count(&cache, &engine, &mut compiled);
        let imports = ["bulkhead:plugin/docker@0.1.0".to_owned()];
        cache.store_metadata(&engine, "sha-of-empty", &sample_metadata("first"), &imports);
        let (got, got_imports) = cache
            .metadata(&engine, "sha-of-empty", false)
            .expect("stored");
        assert_eq!((got.id.as_str(), got.severity), ("first", "high"));
        assert_eq!(got.reads, ["/etc/docker"]);
        assert_eq!(got.items, sample_metadata("first").items);
        assert_eq!(got_imports, imports);

        // Widening what a control may read by editing its cached metadata fails the MAC.
        let name = cache.entry(&engine, "sha-of-empty");
        let meta = cache.path(&name, "meta");
        let edited = String::from_utf8_lossy(&fs::read(&meta).unwrap())
            .replace("/etc/docker", "/etc/shadow")
            .into_bytes();
        fs::write(&meta, &edited).unwrap();
        assert!(cache.metadata(&engine, "sha-of-empty", false).is_none());

        // Another component's (valid) metadata copied over this one's does not verify.
        cache.store_metadata(&engine, "sha-of-other", &sample_metadata("other"), &imports);
        let other = cache.path(&cache.entry(&engine, "sha-of-other"), "meta");
        fs::copy(&other, &meta).unwrap();
        assert!(cache.metadata(&engine, "sha-of-empty", false).is_none());

        // Nor does metadata without verified code beside it.
        cache.store_metadata(&engine, "sha-of-empty", &sample_metadata("first"), &imports);
        assert!(cache.metadata(&engine, "sha-of-empty", false).is_some());
        fs::remove_file(cache.path(&name, "mac")).unwrap();
        assert!(cache.metadata(&engine, "sha-of-empty", false).is_none());
        // Unless the code is in the binary (a bundled control's); the MAC still holds.
        assert!(cache.metadata(&engine, "sha-of-empty", true).is_some());
        fs::write(&meta, &edited).unwrap();
        assert!(cache.metadata(&engine, "sha-of-empty", true).is_none());
    }

    #[test]
    fn a_cache_others_can_write_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        fs::create_dir(&shared).unwrap();
        let versioned = shared.join(format!("v{}", env!("CARGO_PKG_VERSION")));
        fs::create_dir(&versioned).unwrap();
        fs::set_permissions(
            &versioned,
            std::os::unix::fs::PermissionsExt::from_mode(0o777),
        )
        .unwrap();
        let err = Cache::open(&shared).err().unwrap();
        assert!(err.contains("with mode 0777"), "{err}");
    }
}
