//! The `file-admin` capability: `chmod` that only clears bits, on the file the fix was
//! asked for, planned or journaled as the run's mode says ([`super::admin`]).

use wasmtime::component::Linker;

use super::admin::{AdminCap, AdminView, file_record};
use super::filesystem::scoped;
use super::{Mode, check};
use crate::fix::journal::Change;
use crate::sandbox::bindings::file_admin;
use crate::sandbox::bindings::types::Error as WitError;
use crate::sandbox::grants::Call;
use crate::sources::root::host_path;

impl file_admin::Host for AdminView<'_> {
    async fn chmod(&mut self, path: String, mode: u32) -> Result<(), WitError> {
        check(self.grants, self.record, Call::Chmod, &(&path, Mode(mode)))?;
        // A control may only change what it may read, and only the target it was asked
        // to fix.
        let rel = scoped(self.fs, self.grants, self.record, Call::Chmod, &path, true)?;
        self.on_target(Call::Chmod, &rel, &(&path, Mode(mode)))?;
        let mode = mode & 0o7777;
        let before = self.fs.mode_of(&path, &rel)?;
        if mode & !before != 0 {
            return Err(WitError::Invalid(format!(
                "chmod {mode:04o} {path} would add permission bits to {before:04o}; \
                 bulkhead only tightens"
            )));
        }
        let resolved = host_path(&rel);
        let change = file_record(
            "chmod",
            &resolved,
            format!("{before:04o}"),
            format!("{mode:04o}"),
        );
        if before == mode {
            return self.keep(change);
        }
        let fs = self.fs;
        let journaled = Change::Chmod {
            path: resolved,
            before,
            after: mode,
        };
        self.file_change(change, journaled, || {
            fs.set_mode(&path, &rel, mode).map(|()| None)
        })
        .await
    }
}

/// Add `file-admin` to `linker`, each call served the view `view` makes of the store.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> AdminView<'_>,
) -> wasmtime::Result<()> {
    file_admin::add_to_linker::<T, AdminCap>(linker, view)
}
