//! The `filesystem` capability: read-only file facts under `--root`
//! ([`crate::sources::root`]), each path checked against the call's read scope as
//! written and where its links lead.

use std::io;
use std::path::PathBuf;

use wasmtime::component::{HasData, Linker};

use super::{View, check};
use crate::sandbox::bindings::filesystem::{self, Host};
use crate::sandbox::bindings::types::{Error as WitError, FileInfo};
use crate::sandbox::grants::{Call, Denial, Grants, Refusal};
use crate::sandbox::record::CallRecord;
use crate::sources::root::{FsCtx, file_info, host_path, io_error, normalize};

/// A control's view of the filesystem capability for one call.
pub type FsView<'a> = View<'a, FsCtx>;

impl FsView<'_> {
    fn allow(&mut self, call: Call, path: &str, follow: bool) -> Result<PathBuf, WitError> {
        check(self.grants, self.record, call, path)?;
        scoped(self.ctx, self.grants, self.record, call, path, follow)
    }
}

/// Check `call` on `path`, once [`check`] admitted it: the read scope for the path as
/// written and for where it leads. Returns the link-free path relative to the root.
pub(crate) fn scoped(
    ctx: &FsCtx,
    grants: &Grants,
    record: &mut CallRecord,
    call: Call,
    path: &str,
    follow: bool,
) -> Result<PathBuf, WitError> {
    let mut deny = |argument: String| {
        record.deny(Denial::new(call, argument, Refusal::Scope));
        WitError::Denied
    };
    let lexical = normalize(path)?;
    if !grants.may_read(&lexical) {
        return Err(deny(path.to_owned()));
    }
    let rel = ctx.resolve(path, follow)?;
    let resolved = host_path(&rel);
    if resolved != lexical && !grants.may_read(&resolved) {
        return Err(deny(format!("{path} -> {resolved}")));
    }
    Ok(rel)
}

impl Host for FsView<'_> {
    async fn stat(&mut self, path: String) -> Result<FileInfo, WitError> {
        let rel = self.allow(Call::Stat, &path, true)?;
        self.ctx.metadata(&path, &rel).map(|m| file_info(&m))
    }

    async fn lstat(&mut self, path: String) -> Result<FileInfo, WitError> {
        let rel = self.allow(Call::Lstat, &path, false)?;
        self.ctx.metadata(&path, &rel).map(|m| file_info(&m))
    }

    async fn read_link(&mut self, path: String) -> Result<String, WitError> {
        let rel = self.allow(Call::ReadLink, &path, false)?;
        let target = self
            .ctx
            .root
            .read_link_contents(&rel)
            .map_err(|e| match e.kind() {
                io::ErrorKind::InvalidInput => {
                    WitError::Invalid(format!("{path} is not a symbolic link"))
                }
                _ => io_error(&path, e),
            })?;
        Ok(target.to_string_lossy().into_owned())
    }

    async fn resolve(&mut self, path: String) -> Result<String, WitError> {
        let rel = self.allow(Call::Resolve, &path, true)?;
        // The resolved path must exist, like realpath(3).
        self.ctx.metadata(&path, &rel)?;
        Ok(host_path(&rel))
    }

    async fn read_file(&mut self, path: String, max_bytes: u32) -> Result<Vec<u8>, WitError> {
        let rel = self.allow(Call::ReadFile, &path, true)?;
        match self.ctx.read_for_control(&path, &rel, max_bytes)? {
            Some(bytes) => Ok(bytes),
            None => {
                let argument = match host_path(&rel) {
                    resolved if resolved == path => path,
                    resolved => format!("{path} -> {resolved}"),
                };
                let denial = Denial::new(Call::ReadFile, argument, Refusal::Secret);
                self.record.deny(denial);
                Err(WitError::Denied)
            }
        }
    }

    async fn read_dir(&mut self, path: String) -> Result<Vec<String>, WitError> {
        let rel = self.allow(Call::ReadDir, &path, true)?;
        self.ctx.read_dir(&path, &rel)
    }
}

struct FsCap;

impl HasData for FsCap {
    type Data<'a> = FsView<'a>;
}

/// Add `filesystem` to `linker`, each call served the view `view` makes of the store.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> FsView<'_>,
) -> wasmtime::Result<()> {
    filesystem::add_to_linker::<T, FsCap>(linker, view)
}
