//! The `docker` capability: read-only Docker facts, served from the run's snapshot
//! ([`crate::sources::docker`]).

use wasmtime::component::{HasData, Linker};

use super::{View, check};
use crate::sandbox::bindings::docker::{self, Container, Host};
use crate::sandbox::bindings::types::Error as WitError;
use crate::sandbox::grants::Call;
use crate::sources::docker::DockerCtx;

/// A control's view of the Docker capability for one call.
pub type DockerView<'a> = View<'a, DockerCtx>;

impl Host for DockerView<'_> {
    async fn containers(&mut self) -> Result<Vec<Container>, WitError> {
        check(self.grants, self.record, Call::Containers, "")?;
        Ok(self.ctx.snapshot().await?.containers().to_vec())
    }

    async fn inspect(&mut self, id: String) -> Result<String, WitError> {
        check(self.grants, self.record, Call::Inspect, &id)?;
        let snapshot = self.ctx.snapshot().await?;
        snapshot.inspect(&id).ok_or(WitError::NotFound)
    }

    async fn info(&mut self) -> Result<String, WitError> {
        check(self.grants, self.record, Call::DockerInfo, "")?;
        self.ctx.info().await
    }
}

struct DockerCap;

impl HasData for DockerCap {
    type Data<'a> = DockerView<'a>;
}

/// Add `docker` to `linker`, each call served the view `view` makes of the store.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> DockerView<'_>,
) -> wasmtime::Result<()> {
    docker::add_to_linker::<T, DockerCap>(linker, view)
}
