//! The `machine` capability (0.2.0): the parsed facts of [`crate::sources::machine`].
//!
//! Controls never name a file here, so these reads need no declared `reads`: what a
//! control gets is the parsed answer, never the file.

use wasmtime::component::{HasData, Linker};

use super::{Args, check};
use crate::sandbox::bindings::machine::{self, AuditRule, Group, Host, Listener, MountEntry, User};
use crate::sandbox::bindings::types::Error as WitError;
use crate::sandbox::grants::{Call, Grants};
use crate::sandbox::record::CallRecord;
use crate::sources::machine::{MachineCtx, unit_file};
use crate::sources::root::FsCtx;

/// A control's view of the machine capability for one call.
pub struct MachineView<'a> {
    pub ctx: &'a MachineCtx,
    pub fs: &'a FsCtx,
    pub grants: &'a Grants,
    pub record: &'a mut CallRecord,
}

impl MachineView<'_> {
    fn allow(&mut self, call: Call, args: &(impl Args + ?Sized)) -> Result<(), WitError> {
        check(self.grants, self.record, call, args)
    }
}

impl Host for MachineView<'_> {
    async fn user_by_name(&mut self, name: String) -> Result<Option<User>, WitError> {
        self.allow(Call::UserByName, &name)?;
        let users = self.ctx.users(self.fs)?;
        Ok(users.iter().find(|u| u.name == name).cloned())
    }

    async fn user_by_id(&mut self, uid: u32) -> Result<Option<User>, WitError> {
        self.allow(Call::UserById, &uid)?;
        let users = self.ctx.users(self.fs)?;
        Ok(users.iter().find(|u| u.uid == uid).cloned())
    }

    async fn group_by_name(&mut self, name: String) -> Result<Option<Group>, WitError> {
        self.allow(Call::GroupByName, &name)?;
        let groups = self.ctx.groups(self.fs)?;
        Ok(groups.iter().find(|g| g.name == name).cloned())
    }

    async fn group_by_id(&mut self, gid: u32) -> Result<Option<Group>, WitError> {
        self.allow(Call::GroupById, &gid)?;
        let groups = self.ctx.groups(self.fs)?;
        Ok(groups.iter().find(|g| g.gid == gid).cloned())
    }

    async fn mounts(&mut self) -> Result<Vec<MountEntry>, WitError> {
        self.allow(Call::Mounts, "")?;
        self.ctx.mounts()
    }

    async fn audit_rules(&mut self) -> Result<Vec<AuditRule>, WitError> {
        self.allow(Call::AuditRules, "")?;
        self.ctx.audit_rules(self.fs)
    }

    async fn unit_file(&mut self, name: String) -> Result<Option<String>, WitError> {
        self.allow(Call::UnitFile, &name)?;
        unit_file(self.fs, &name)
    }

    async fn listeners(&mut self) -> Result<Vec<Listener>, WitError> {
        self.allow(Call::Listeners, "")?;
        self.ctx.listeners()
    }
}

struct MachineCap;

impl HasData for MachineCap {
    type Data<'a> = MachineView<'a>;
}

/// Add `machine` to `linker`, each call served the view `view` makes of the store.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> MachineView<'_>,
) -> wasmtime::Result<()> {
    machine::add_to_linker::<T, MachineCap>(linker, view)
}
