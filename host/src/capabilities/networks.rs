//! The `networks` capability (0.2.0): the daemon's networks, listed once per run
//! ([`crate::sources::docker`]).

use wasmtime::component::{HasData, Linker};

use super::{View, check};
use crate::sandbox::bindings::networks::{self, Network};
use crate::sandbox::bindings::types::Error as WitError;
use crate::sandbox::grants::Call;
use crate::sources::docker::DockerCtx;

/// A control's view of `networks` for one call.
pub type NetworksView<'a> = View<'a, DockerCtx>;

impl networks::Host for NetworksView<'_> {
    async fn networks(&mut self) -> Result<Vec<Network>, WitError> {
        check(self.grants, self.record, Call::Networks, "")?;
        self.ctx.networks().await
    }
}

struct NetworksCap;

impl HasData for NetworksCap {
    type Data<'a> = NetworksView<'a>;
}

/// Add `networks` to `linker`, each call served the view `view` makes of the store.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> NetworksView<'_>,
) -> wasmtime::Result<()> {
    networks::add_to_linker::<T, NetworksCap>(linker, view)
}
