//! The bench's containers: a local image built from source (no registry), a fleet of
//! labelled containers with varied capability flags, a share of them running, and
//! their removal.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bollard::Docker;
use bollard::errors::Error as DockerError;
use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, ListContainersOptionsBuilder, RemoveContainerOptionsBuilder,
};
use futures::{StreamExt, TryStreamExt};

/// The label on everything the bench creates.
pub const LABEL: (&str, &str) = ("bulkhead.bench", "1");
/// The bench image: a static `pause`, imported from a tarball.
pub const IMAGE: &str = "bulkhead-bench/pause:1";
/// Container names are this plus a four-digit index.
pub const NAME_PREFIX: &str = "bulkhead-bench-";
/// Create/start (and remove) requests in flight at once.
const CONCURRENCY: usize = 8;

/// The program the containers run: sleep until a signal, exit on SIGTERM.
const PAUSE_C: &str = "#include <signal.h>\n#include <unistd.h>\n\
    static void stop(int sig) { (void)sig; _exit(0); }\n\
    int main(void) { signal(SIGTERM, stop); for (;;) pause(); }\n";

/// Connect to the daemon bulkhead would use (`DOCKER_HOST`, else the local socket).
pub async fn connect() -> anyhow::Result<Docker> {
    let docker = Docker::connect_with_defaults()
        .context("cannot connect to the Docker daemon (set DOCKER_HOST or start dockerd)")?;
    docker.negotiate_version().await.context(
        "cannot talk to the Docker daemon: the bench needs a running dockerd and the right \
         to use its socket (run as root)",
    )
}

/// Whether the bench image is already on the daemon.
pub async fn image_exists(docker: &Docker) -> anyhow::Result<bool> {
    match docker.inspect_image(IMAGE).await {
        Ok(_) => Ok(true),
        Err(DockerError::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(false),
        Err(e) => Err(e).context(format!("cannot inspect the image {IMAGE}")),
    }
}

/// Build the bench image: compile `pause` statically, tar it, `docker import` it.
pub fn build_image() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let src = dir.path().join("pause.c");
    std::fs::write(&src, PAUSE_C)?;
    let rootfs = dir.path().join("rootfs");
    std::fs::create_dir(&rootfs)?;
    let mut cc = Command::new("cc");
    cc.args(["-static", "-Os", "-s", "-o"])
        .arg(rootfs.join("pause"))
        .arg(&src);
    run_tool(
        &mut cc,
        "a C compiler that links static binaries (Debian: build-essential)",
    )?;
    let tar = dir.path().join("rootfs.tar");
    let mut tar_cmd = Command::new("tar");
    tar_cmd.arg("-C").arg(&rootfs).arg("-cf").arg(&tar).arg(".");
    run_tool(&mut tar_cmd, "tar")?;
    let mut import = Command::new("docker");
    import
        .args(["import", "--change", "CMD [\"/pause\"]", "--change"])
        .arg(format!("LABEL {}={}", LABEL.0, LABEL.1))
        .arg(&tar)
        .arg(IMAGE);
    run_tool(&mut import, "the docker CLI (Debian: docker.io)")
}

/// Run `cmd`; a missing program or a failure says what is needed.
fn run_tool(cmd: &mut Command, needs: &str) -> anyhow::Result<()> {
    let program = Path::new(cmd.get_program()).display().to_string();
    let out = cmd
        .output()
        .with_context(|| format!("cannot run {program}: the bench needs {needs}"))?;
    if !out.status.success() {
        bail!(
            "{program} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Remove every container carrying the bench label; returns how many there were.
pub async fn remove_all(docker: &Docker) -> anyhow::Result<usize> {
    let filters = HashMap::from([("label", vec![format!("{}={}", LABEL.0, LABEL.1)])]);
    let options = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&filters)
        .build();
    let ids: Vec<String> = docker
        .list_containers(Some(options))
        .await
        .context("cannot list the bench containers")?
        .into_iter()
        .filter_map(|c| c.id)
        .collect();
    let count = ids.len();
    futures::stream::iter(ids)
        .map(|id| async move {
            let options = RemoveContainerOptionsBuilder::default()
                .force(true)
                .v(true)
                .build();
            match docker.remove_container(&id, Some(options)).await {
                Ok(())
                | Err(DockerError::DockerResponseServerError {
                    status_code: 404, ..
                }) => Ok(()),
                Err(e) => Err(e).context(format!("cannot remove container {id}")),
            }
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect::<()>()
        .await?;
    Ok(count)
}

/// The containers made so far; they are numbered from 0 and only ever added.
pub struct Fleet {
    created: usize,
    running_percent: usize,
}

impl Fleet {
    /// An empty fleet that starts `running_percent` of what it creates.
    pub fn new(running_percent: u8) -> Self {
        Fleet {
            created: 0,
            running_percent: running_percent.into(),
        }
    }

    /// Whether container `index` is started: spread evenly, exactly the percentage.
    fn is_running(&self, index: usize) -> bool {
        let p = self.running_percent;
        (index + 1) * p / 100 > index * p / 100
    }

    /// How many of the containers made so far are running.
    pub fn running(&self) -> usize {
        (0..self.created).filter(|&i| self.is_running(i)).count()
    }

    /// Create (and start, for the running share) containers until there are `n`;
    /// returns how long that took.
    pub async fn grow_to(&mut self, docker: &Docker, n: usize) -> anyhow::Result<Duration> {
        let start = Instant::now();
        futures::stream::iter(self.created..n)
            .map(|index| create(docker, index, self.is_running(index)))
            .buffer_unordered(CONCURRENCY)
            .try_collect::<()>()
            .await?;
        self.created = self.created.max(n);
        Ok(start.elapsed())
    }
}

/// The create body of container `index`: six flag sets in turn, so that the bundled
/// `container-net-raw-dropped` passes two in six and fails the others.
fn body(index: usize, start: bool) -> ContainerCreateBody {
    let strings = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let mut host = HostConfig {
        network_mode: Some("none".to_owned()),
        ..HostConfig::default()
    };
    let mut user = None;
    match index % 6 {
        // Docker's default capability set keeps NET_RAW; default (bridge) network.
        0 => host.network_mode = None,
        1 => host.cap_drop = strings(&["ALL"]),
        2 => {
            host.cap_drop = strings(&["NET_RAW"]);
            host.readonly_rootfs = Some(true);
            user = Some("65534:65534".to_owned());
        }
        3 => host.cap_add = strings(&["NET_ADMIN", "SYS_PTRACE"]),
        4 => {
            host.cap_drop = strings(&["ALL"]);
            host.cap_add = strings(&["NET_RAW"]);
            host.security_opt = strings(&["no-new-privileges"]);
        }
        // Some daemons (in VMs, rootless) cannot start a privileged container.
        _ if start => host.cap_add = strings(&["SYS_ADMIN"]),
        _ => host.privileged = Some(true),
    }
    ContainerCreateBody {
        image: Some(IMAGE.to_owned()),
        user,
        labels: Some(HashMap::from([(LABEL.0.to_owned(), LABEL.1.to_owned())])),
        host_config: Some(host),
        ..ContainerCreateBody::default()
    }
}

async fn create(docker: &Docker, index: usize, start: bool) -> anyhow::Result<()> {
    let name = format!("{NAME_PREFIX}{index:04}");
    let options = CreateContainerOptionsBuilder::default().name(&name).build();
    docker
        .create_container(Some(options), body(index, start))
        .await
        .with_context(|| format!("cannot create container {name}"))?;
    if start {
        docker
            .start_container(&name, None)
            .await
            .with_context(|| format!("cannot start container {name}"))?;
    }
    Ok(())
}
