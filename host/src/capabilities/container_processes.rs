//! The `container-processes` capability (0.2.0): a container's processes and exec
//! sessions, asked of the daemon's top and exec-inspect APIs (nothing runs inside a
//! container); the host only ever sends the daemon a full id it found in its own lists.

use wasmtime::component::{HasData, Linker};

use super::{View, check};
use crate::sandbox::bindings::container_processes::{self, ExecSession, ProcessTable};
use crate::sandbox::bindings::types::Error as WitError;
use crate::sandbox::grants::Call;
use crate::sources::docker::DockerCtx;

/// A control's view of `container-processes` for one call.
pub type ProcessesView<'a> = View<'a, DockerCtx>;

impl container_processes::Host for ProcessesView<'_> {
    async fn top(&mut self, id: String) -> Result<ProcessTable, WitError> {
        check(self.grants, self.record, Call::Top, &id)?;
        self.ctx.top(&id).await
    }

    async fn execs(&mut self, id: String) -> Result<Vec<ExecSession>, WitError> {
        check(self.grants, self.record, Call::Execs, &id)?;
        self.ctx.execs(&id).await
    }
}

struct ProcessesCap;

impl HasData for ProcessesCap {
    type Data<'a> = ProcessesView<'a>;
}

/// Add `container-processes` to `linker`, each call served the view `view` makes of the store.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> ProcessesView<'_>,
) -> wasmtime::Result<()> {
    container_processes::add_to_linker::<T, ProcessesCap>(linker, view)
}
