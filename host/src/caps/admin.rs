//! The mutating capabilities, `file-admin` and `container-admin`.
//!
//! No grant set handed out today includes them (`fix --apply` will), so every call is
//! refused, recorded, and answered with `denied`. They are linked anyway so that a
//! control importing them still instantiates and its attempt shows in the report.

use wasmtime::component::{HasData, Linker};

use super::check;
use crate::bindings::container_admin::{self, Tightening};
use crate::bindings::file_admin;
use crate::bindings::types::Error as WitError;
use crate::grants::{Call, Grants};
use crate::state::{CallRecord, HostState};

/// A control's view of the mutating capabilities for one call.
pub struct AdminView<'a> {
    grants: &'a Grants,
    record: &'a mut CallRecord,
}

impl file_admin::Host for AdminView<'_> {
    async fn chmod(&mut self, path: String, mode: u32) -> Result<(), WitError> {
        check(
            self.grants,
            self.record,
            Call::Chmod,
            &format!("{path} {mode:04o}"),
        )?;
        Err(WitError::Unavailable(
            "chmod is not implemented by this host".to_owned(),
        ))
    }
}

impl container_admin::Host for AdminView<'_> {
    async fn replace_container(
        &mut self,
        name: String,
        change: Tightening,
    ) -> Result<String, WitError> {
        let argument = format!("{name} cap-drop={}", change.cap_drop.join(","));
        check(self.grants, self.record, Call::ReplaceContainer, &argument)?;
        Err(WitError::Unavailable(
            "replace-container is not implemented by this host".to_owned(),
        ))
    }
}

struct AdminCap;

impl HasData for AdminCap {
    type Data<'a> = AdminView<'a>;
}

/// Add the `file-admin` and `container-admin` interfaces to `linker`.
pub fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    fn view(s: &mut HostState) -> AdminView<'_> {
        AdminView {
            grants: &s.grants,
            record: &mut s.record,
        }
    }
    file_admin::add_to_linker::<HostState, AdminCap>(linker, view)?;
    container_admin::add_to_linker::<HostState, AdminCap>(linker, view)
}
