//! The `process` capability: the Docker daemon's command line, read from `--proc`
//! ([`crate::sources::proc`]).
//!
//! Controls never name a path here: the host hands back only the command lines of
//! `dockerd` processes.

use wasmtime::component::{HasData, Linker};

use super::{View, check};
use crate::sandbox::bindings::process::{self, DaemonProcess, Host};
use crate::sandbox::bindings::types::Error as WitError;
use crate::sandbox::grants::Call;
use crate::sources::proc::ProcCtx;

/// A control's view of the process capability for one call.
pub type ProcView<'a> = View<'a, ProcCtx>;

impl Host for ProcView<'_> {
    async fn dockerd(&mut self) -> Result<Vec<DaemonProcess>, WitError> {
        check(self.grants, self.record, Call::Dockerd, "")?;
        self.ctx.dockerd()
    }
}

struct ProcCap;

impl HasData for ProcCap {
    type Data<'a> = ProcView<'a>;
}

/// Add `process` to `linker`, each call served the view `view` makes of the store.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> ProcView<'_>,
) -> wasmtime::Result<()> {
    process::add_to_linker::<T, ProcCap>(linker, view)
}
