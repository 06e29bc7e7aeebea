//! The [`FakeHost`] builders and lookups for what `bulkhead:plugin@0.2.0` adds: images,
//! networks, listening sockets, mounts, a container's processes and exec sessions, image
//! histories; and the accounts read from the fake `/etc/passwd` and `/etc/group`.

use super::FakeHost;
use crate::facts::Facts;
use crate::{
    Container, Error, ExecSession, Group, HistoryEntry, Image, Listener, MountEntry, Network,
    ProcessTable, User,
};

/// An image with no user, no health check and one tag.
pub fn image(id: &str, tag: &str) -> Image {
    Image {
        id: format!("sha256:{id}"),
        tags: vec![tag.to_owned()],
        user: String::new(),
        healthcheck: None,
        created: "2026-01-01T00:00:00Z".to_owned(),
    }
}

/// A network with no options.
pub fn network(name: &str, driver: &str, scope: &str) -> Network {
    Network {
        id: format!("{name}-id"),
        name: name.to_owned(),
        driver: driver.to_owned(),
        scope: scope.to_owned(),
        internal: false,
        options: Vec::new(),
    }
}

/// A process table in `ps -ef` columns, one row per command line.
pub fn process_table(commands: &[&str]) -> ProcessTable {
    let titles = ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"];
    ProcessTable {
        titles: titles.iter().map(|t| t.to_string()).collect(),
        processes: commands
            .iter()
            .enumerate()
            .map(|(i, cmd)| {
                let pid = (100 + i).to_string();
                ["root", &pid, "1", "0", "10:00", "?", "00:00:00", cmd]
                    .iter()
                    .map(|v| v.to_string())
                    .collect()
            })
            .collect(),
    }
}

impl FakeHost {
    /// Add an image to the daemon.
    pub fn image(mut self, image: Image) -> Self {
        if let Some(Ok(list)) = &mut self.images {
            list.push(image);
        } else {
            self.images = Some(Ok(vec![image]));
        }
        self
    }

    /// Make `images.images` fail with `error`.
    pub fn images_error(mut self, error: Error) -> Self {
        self.images = Some(Err(error));
        self
    }

    /// Add a network to the daemon.
    pub fn network(mut self, network: Network) -> Self {
        if let Some(Ok(list)) = &mut self.networks {
            list.push(network);
        } else {
            self.networks = Some(Ok(vec![network]));
        }
        self
    }

    /// Make `networks.networks` fail with `error`.
    pub fn networks_error(mut self, error: Error) -> Self {
        self.networks = Some(Err(error));
        self
    }

    /// A TCP socket listening on `address:port` (`tcp6` when the address has a colon).
    pub fn listener(mut self, address: &str, port: u16) -> Self {
        let listener = Listener {
            protocol: if address.contains(':') { "tcp6" } else { "tcp" }.to_owned(),
            address: address.to_owned(),
            port,
        };
        if let Some(Ok(list)) = &mut self.listeners {
            list.push(listener);
        } else {
            self.listeners = Some(Ok(vec![listener]));
        }
        self
    }

    /// Make `machine.listeners` fail with `error`.
    pub fn listeners_error(mut self, error: Error) -> Self {
        self.listeners = Some(Err(error));
        self
    }

    /// Add a mount to the machine's mount table.
    pub fn mount(mut self, mount: MountEntry) -> Self {
        if let Some(Ok(list)) = &mut self.mounts {
            list.push(mount);
        } else {
            self.mounts = Some(Ok(vec![mount]));
        }
        self
    }

    /// The processes of container `id_or_name` (or the error asking for them gives).
    pub fn processes(mut self, id_or_name: &str, table: Result<ProcessTable, Error>) -> Self {
        self.processes.push((id_or_name.to_owned(), table));
        self
    }

    /// The build history of image `id` (its full id), newest step first.
    pub fn history(mut self, id: &str, steps: Vec<HistoryEntry>) -> Self {
        self.history.push((id.to_owned(), steps));
        self
    }

    /// The image named by `reference`: its full id, an id prefix, or one of its tags.
    pub(super) fn find_image(&self, reference: &str) -> Result<Image, Error> {
        let bare = |id: &str| id.strip_prefix("sha256:").unwrap_or(id).to_owned();
        self.images()?
            .into_iter()
            .find(|i| {
                i.id == reference
                    || i.tags.iter().any(|t| t == reference)
                    || (!reference.is_empty() && bare(&i.id).starts_with(&bare(reference)))
            })
            .ok_or(Error::NotFound)
    }

    /// An exec session the daemon holds for container `id_or_name`.
    pub fn exec(mut self, id_or_name: &str, session: ExecSession) -> Self {
        self.execs.push((id_or_name.to_owned(), session));
        self
    }

    /// The container named by `id_or_name`, as the host resolves it.
    pub(super) fn find_container(&self, id_or_name: &str) -> Result<Container, Error> {
        self.containers()?
            .into_iter()
            .find(|c| c.id == id_or_name || c.name == id_or_name)
            .ok_or(Error::NotFound)
    }

    /// The lines of a fake account or rules file; a missing file has none.
    pub(super) fn lines_of(&self, path: &str) -> Result<Vec<String>, Error> {
        match self.read_file(path, crate::MAX_READ) {
            Ok(bytes) => Ok(String::from_utf8_lossy(&bytes)
                .lines()
                .map(str::to_owned)
                .collect()),
            Err(Error::NotFound) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    pub(super) fn users(&self) -> Result<Vec<User>, Error> {
        Ok(self
            .lines_of("/etc/passwd")?
            .iter()
            .filter_map(|line| {
                let f: Vec<&str> = line.split(':').collect();
                let [name, _, uid, gid, _, home, shell] = f[..] else {
                    return None;
                };
                Some(User {
                    name: name.to_owned(),
                    uid: uid.parse().ok()?,
                    gid: gid.parse().ok()?,
                    home: home.to_owned(),
                    shell: shell.to_owned(),
                })
            })
            .collect())
    }

    pub(super) fn groups(&self) -> Result<Vec<Group>, Error> {
        Ok(self
            .lines_of("/etc/group")?
            .iter()
            .filter_map(|line| {
                let f: Vec<&str> = line.split(':').collect();
                let [name, _, gid, members] = f[..] else {
                    return None;
                };
                Some(Group {
                    name: name.to_owned(),
                    gid: gid.parse().ok()?,
                    members: members
                        .split(',')
                        .filter(|m| !m.is_empty())
                        .map(str::to_owned)
                        .collect(),
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::container;

    #[test]
    fn the_0_2_facts_answer_like_the_host() {
        let mut hc = image("aaaa1111", "app:1");
        hc.healthcheck = Some(vec!["CMD".into(), "/probe".into()]);
        let mut stopped = container("old");
        stopped.state = "exited".into();
        let host = FakeHost::new()
            .with_accounts()
            .image(hc)
            .image(image("bbbb2222", "base:2"))
            .container(container("web"))
            .container(stopped)
            .processes("web", Ok(process_table(&["/usr/sbin/nginx"])))
            .network(network("backend", "overlay", "swarm"))
            .listener("0.0.0.0", 2377)
            .file(
                "/etc/audit/rules.d/docker.rules",
                0o640,
                "# c\n-w /etc/docker -k d\n",
            )
            .file("/lib/systemd/system/docker.service", 0o644, "");
        assert_eq!(host.user_by_id(1000).unwrap().unwrap().name, "alice");
        assert_eq!(host.group_by_name("docker").unwrap().unwrap().gid, 998);
        assert_eq!(host.user_by_name("bob").unwrap(), None);
        let doc: serde_json::Value =
            serde_json::from_str(&host.inspect_image("app:1").unwrap()).unwrap();
        assert_eq!(doc["Config"]["Healthcheck"]["Test"][1], "/probe");
        let doc: serde_json::Value =
            serde_json::from_str(&host.inspect_image("bbbb").unwrap()).unwrap();
        assert!(doc["Config"]["Healthcheck"].is_null());
        assert_eq!(host.inspect_image("nope"), Err(Error::NotFound));
        assert_eq!(host.top("web").unwrap().processes[0][7], "/usr/sbin/nginx");
        assert!(matches!(host.top("old"), Err(Error::Invalid(_))));
        assert_eq!(host.networks().unwrap()[0].driver, "overlay");
        assert_eq!(host.listeners().unwrap()[0].port, 2377);
        let rules = host.audit_rules().unwrap();
        assert_eq!(rules.len(), 1);
        assert_eq!(
            (rules[0].line, rules[0].text.as_str()),
            (2, "-w /etc/docker -k d")
        );
        assert_eq!(
            host.unit_file("docker.service").unwrap().as_deref(),
            Some("/lib/systemd/system/docker.service")
        );
    }
}
