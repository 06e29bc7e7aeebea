//! The `images` capability (0.2.0): the daemon's images and their inspect documents and
//! histories, listed once per run ([`crate::sources::docker`]).

use wasmtime::component::{HasData, Linker};

use super::{View, check};
use crate::sandbox::bindings::images::{self, HistoryEntry, Image};
use crate::sandbox::bindings::types::Error as WitError;
use crate::sandbox::grants::Call;
use crate::sources::docker::DockerCtx;

/// A control's view of `images` for one call.
pub type ImagesView<'a> = View<'a, DockerCtx>;

impl images::Host for ImagesView<'_> {
    async fn images(&mut self) -> Result<Vec<Image>, WitError> {
        check(self.grants, self.record, Call::Images, "")?;
        Ok(self.ctx.images().await?.images.clone())
    }

    async fn inspect_image(&mut self, id: String) -> Result<String, WitError> {
        check(self.grants, self.record, Call::InspectImage, &id)?;
        let images = self.ctx.images().await?;
        let full = images.full_id(&id).ok_or(WitError::NotFound)?;
        images.inspect.get(full).cloned().ok_or(WitError::NotFound)
    }

    async fn history(&mut self, id: String) -> Result<Vec<HistoryEntry>, WitError> {
        check(self.grants, self.record, Call::ImageHistory, &id)?;
        self.ctx.history(&id).await
    }
}

struct ImagesCap;

impl HasData for ImagesCap {
    type Data<'a> = ImagesView<'a>;
}

/// Add `images` to `linker`, each call served the view `view` makes of the store.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> ImagesView<'_>,
) -> wasmtime::Result<()> {
    images::add_to_linker::<T, ImagesCap>(linker, view)
}
