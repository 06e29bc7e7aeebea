//! The `ownership-admin` capability (0.3.0): `chown` that only hands a file to root, on
//! the file the fix was asked for ([`super::admin`]).

use wasmtime::component::Linker;

use super::admin::{AdminCap, AdminView, file_record};
use super::check;
use super::filesystem::scoped;
use crate::fix::journal::{Change, Ids};
use crate::sandbox::bindings::ownership_admin;
use crate::sandbox::bindings::types::Error as WitError;
use crate::sandbox::grants::Call;
use crate::sources::root::host_path;

impl ownership_admin::Host for AdminView<'_> {
    async fn chown(
        &mut self,
        path: String,
        uid: Option<u32>,
        gid: Option<u32>,
    ) -> Result<(), WitError> {
        let args = (&path, uid, gid);
        check(self.grants, self.record, Call::Chown, &args)?;
        let rel = scoped(self.fs, self.grants, self.record, Call::Chown, &path, true)?;
        self.on_target(Call::Chown, &rel, &args)?;
        let (uid_before, gid_before, mode) = self.fs.owner_of(&path, &rel)?;
        let before = Ids {
            uid: uid_before,
            gid: gid_before,
        };
        let after = Ids {
            uid: uid.unwrap_or(before.uid),
            gid: gid.unwrap_or(before.gid),
        };
        // Handing a file to root takes access from nobody but its old owner.
        if (after.uid != before.uid && after.uid != 0)
            || (after.gid != before.gid && after.gid != 0)
        {
            return Err(WitError::Invalid(format!(
                "chown {after} {path} would hand it to an owner other than root (it is {before}); \
                 bulkhead only hands files to user 0 and group 0"
            )));
        }
        let resolved = host_path(&rel);
        let change = file_record("chown", &resolved, before.to_string(), after.to_string());
        if before == after {
            return self.keep(change);
        }
        let fs = self.fs;
        let journaled = Change::Chown {
            path: resolved,
            before,
            after,
            mode,
        };
        let changed = |old: u32, new: u32| (old != new).then_some(new);
        let make = || {
            fs.set_owner(
                &path,
                &rel,
                changed(before.uid, after.uid),
                changed(before.gid, after.gid),
            )?;
            // The chown is made: what follows only describes it.
            Ok(match fs.owner_of(&path, &rel) {
                Ok((_, _, now)) if now == mode => None,
                Ok((_, _, now)) => Some(format!(
                    "the kernel cleared set-id bits on the chown: mode {mode:04o} -> {now:04o}; \
                     rollback restores them"
                )),
                Err(e) => Some(format!("cannot read the mode back: {e:?}")),
            })
        };
        self.file_change(change, journaled, make).await
    }
}

/// Add `ownership-admin` to `linker`, each call served the view `view` makes of the store.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> AdminView<'_>,
) -> wasmtime::Result<()> {
    ownership_admin::add_to_linker::<T, AdminCap>(linker, view)
}
