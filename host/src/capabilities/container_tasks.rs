//! The `container-tasks` capability (0.3.0): a container's processes from the machine's
//! own process table ([`crate::sources::tasks`]), and from the daemon's top API only when
//! `--proc` does not show the container.
//!
//! A container is served from the scan only when its `State.Pid`, as the daemon reports
//! it, is among the processes found for its id: that proves the `--proc` is the daemon's
//! machine. Otherwise (a remote daemon, a fake `--proc`) the answer is
//! `container-processes.top`'s, asked of the daemon.

use wasmtime::component::{HasData, Linker};

use super::check;
use crate::sandbox::bindings::container_processes::ProcessTable;
use crate::sandbox::bindings::container_tasks;
use crate::sandbox::bindings::types::Error as WitError;
use crate::sandbox::grants::{Call, Grants};
use crate::sandbox::record::CallRecord;
use crate::sources::docker::DockerCtx;
use crate::sources::machine::MachineCtx;
use crate::sources::root::FsCtx;
use crate::sources::tasks::TasksCtx;

/// A control's view of `container-tasks` for one call.
pub struct TasksView<'a> {
    pub tasks: &'a TasksCtx,
    pub docker: &'a DockerCtx,
    pub machine: &'a MachineCtx,
    pub fs: &'a FsCtx,
    pub grants: &'a Grants,
    pub record: &'a mut CallRecord,
}

impl container_tasks::Host for TasksView<'_> {
    async fn processes(&mut self, id: String) -> Result<ProcessTable, WitError> {
        check(self.grants, self.record, Call::Processes, &id)?;
        let found = self.docker.container(&id).await?;
        let init_pid = found.doc().get("State").get("Pid").as_u64().unwrap_or(0);
        let local = u32::try_from(init_pid)
            .ok()
            .filter(|&pid| pid != 0)
            .and_then(|pid| self.tasks.of(&found.id, pid));
        let Some(tasks) = local else {
            return self.docker.top(&id).await;
        };
        let user = |uid: u32| {
            self.machine
                .user_name(self.fs, uid)
                .unwrap_or_else(|| uid.to_string())
        };
        Ok(ProcessTable {
            titles: ["UID", "PID", "PPID", "CMD"].map(str::to_owned).to_vec(),
            processes: tasks
                .iter()
                .map(|t| {
                    vec![
                        user(t.uid),
                        t.pid.to_string(),
                        t.ppid.to_string(),
                        t.cmd.clone(),
                    ]
                })
                .collect(),
        })
    }
}

struct TasksCap;

impl HasData for TasksCap {
    type Data<'a> = TasksView<'a>;
}

/// Add `container-tasks` to `linker`, each call served the view `view` makes of the store.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> TasksView<'_>,
) -> wasmtime::Result<()> {
    container_tasks::add_to_linker::<T, TasksCap>(linker, view)
}
