//! Container runtime rules (CIS Docker Benchmark section 5), written once.
//!
//! A container control is a judge: a function from one container's full inspect document
//! (an [`Inspected`]) to its [`Finding`]. [`judge_all`] runs it over every container,
//! running or not (like `docker ps --all`): one finding per container, one `skip` for the
//! host when there are no containers, one `error` when Docker cannot be asked, and an
//! `error` for a container whose inspect document cannot be read. Every finding carries
//! the container's `state`.
//!
//! Manual benchmark items use the same machinery: their judge returns
//! [`Finding::info`] with the facts a person should look at, never a pass.
//!
//! The contract can only replace a container with a copy that drops capabilities, so for
//! everything else [`refuse`] tells the person which `docker run` flag to recreate it with.
//!
//! The [`container_control!`](crate::container_control) macro writes a whole control from a
//! judge. Shared facts live here too: [`SENSITIVE_HOST_PATHS`], [`DOCKER_SOCKETS`],
//! `--security-opt` parsing ([`Inspected::security_opt`]), and judgements several controls
//! make: [`namespace_not_host`], [`judge_mounts`], [`daemon_lsm_default`]. Their unit-test
//! scaffolding is in [`testing::control`](crate::testing::control).

mod inspected;
mod judges;

use std::rc::Rc;

use serde_json::Value;

pub use inspected::{Inspected, MountPoint, PortBinding};
pub use judges::{
    DOCKER_SOCKETS, SENSITIVE_HOST_PATHS, daemon_lsm_default, exposes_docker_socket,
    is_sensitive_host_path, judge_mounts, namespace_not_host,
};

use crate::facts::Facts;
use crate::{Container, Error, Finding, Target, describe_error};

/// One finding per container, running or not, from `judge`: an `error` when the
/// containers cannot be listed, a `skip` when there are none.
pub fn each_container(
    facts: &impl Facts,
    judge: impl FnMut(&Container) -> Finding,
) -> Vec<Finding> {
    match facts.containers() {
        Ok(list) if list.is_empty() => vec![Finding::skip(Target::Host, NO_CONTAINERS)],
        Ok(list) => list.iter().map(judge).collect(),
        Err(err) => vec![Finding::error(
            Target::Host,
            format!("cannot list containers: {}", describe_error(&err)),
        )],
    }
}

/// How many times [`judge_all`] asks the host again for one container before it falls
/// back to the whole document.
const MAX_ROUNDS: usize = 8;
/// How many times [`judge_all`] asks for the members of every container at once.
const MAX_BATCHES: usize = 4;

/// Where a container's id, name and state are: `judge_all` always reads them.
const ID: &str = "/Id";
const NAME: &str = "/Name";
const STATE: &str = "/State/Status";

/// Judge every container with `judge` (see the module doc).
///
/// A judge is a pure function of the document, read through pointers, so `judge_all` does
/// not hand it whole documents: it asks the host (`container-fields`) for the members the
/// judge reads, learning them as it goes. It lists the containers by asking every
/// document for its id, name and state. The first container is judged with nothing more;
/// every pointer the judge then reads is noted, the members at all noted pointers are
/// fetched, and the container is judged again, until a judgement reads nothing new (that
/// one counts). Then the members at every noted pointer are fetched for all containers in
/// one call, and each is judged once; a container for which the judge reads something new
/// is asked about on its own, as the first was. A judge whose reads never settle (more than
/// [`MAX_ROUNDS`] rounds or [`MAX_POINTERS`](crate::MAX_POINTERS) pointers) gets the whole
/// document instead. When the members of all containers together are more than the host
/// answers at once, each container is asked about on its own.
pub fn judge_all(facts: &impl Facts, judge: fn(&Inspected) -> Finding) -> Vec<Finding> {
    let info = Rc::new(
        facts
            .info()
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Value::Null),
    );
    let mut reader = Reader {
        facts,
        judge,
        info,
        pointers: [ID, NAME, STATE].map(str::to_owned).to_vec(),
    };
    let rows = match facts.inspect_fields_of_all(&reader.pointers) {
        Ok(rows) => rows,
        // Too much to answer at once: one container at a time.
        Err(Error::Invalid(_)) => {
            return each_container(facts, |c| reader.judge(&c.id, &c.name, &c.state, None));
        }
        Err(err) => {
            return vec![Finding::error(
                Target::Host,
                format!("cannot list containers: {}", describe_error(&err)),
            )];
        }
    };
    if rows.is_empty() {
        return vec![Finding::skip(Target::Host, NO_CONTAINERS)];
    }
    let listed: Vec<[String; 3]> = rows.iter().map(|row| listing(row)).collect();
    let mut rows: Vec<Option<Vec<Option<String>>>> = rows.into_iter().map(Some).collect();
    let mut have = reader.pointers.len();
    let mut batches = 1;
    let mut findings = Vec::with_capacity(listed.len());
    for (i, [id, name, state]) in listed.iter().enumerate() {
        if reader.pointers.len() > have && batches < MAX_BATCHES && i + 1 < listed.len() {
            // The judge reads more than the rows hold: ask for it all at once, again.
            batches += 1;
            match facts.inspect_fields_of_all(&reader.pointers) {
                Ok(fresh)
                    if fresh.len() == listed.len()
                        && fresh
                            .iter()
                            .zip(&listed)
                            .all(|(row, l)| listing(row)[0] == l[0]) =>
                {
                    rows = fresh.into_iter().map(Some).collect();
                    have = reader.pointers.len();
                }
                // Not the same containers, or too much at once: ask one by one.
                _ => {
                    batches = MAX_BATCHES;
                    rows.iter_mut().for_each(|row| *row = None);
                }
            }
        }
        findings.push(reader.judge(id, name, state, rows[i].take()));
    }
    findings
}

/// `docker ps --all` was empty.
const NO_CONTAINERS: &str = "no containers on this host (docker ps --all is empty)";

/// The id, name (without Docker's `/`) and state in a row that starts with the members at
/// [`ID`], [`NAME`] and [`STATE`]; empty where one is missing.
fn listing(row: &[Option<String>]) -> [String; 3] {
    let text = |i: usize| {
        row.get(i)
            .and_then(Option::as_deref)
            .and_then(|member| serde_json::from_str::<String>(member).ok())
            .unwrap_or_default()
    };
    [text(0), text(1).trim_start_matches('/').to_owned(), text(2)]
}

/// How [`judge_all`] reads containers for one judge: the pointers it has seen the judge
/// read so far, in the order first read (a row fetched earlier holds a prefix of them).
struct Reader<'f, F> {
    facts: &'f F,
    judge: fn(&Inspected) -> Finding,
    info: Rc<Value>,
    pointers: Vec<String>,
}

impl<F: Facts> Reader<'_, F> {
    /// Judge one container, starting from `known` (the members at the first pointers) when
    /// given, asking the host for the rest as the judge reads it.
    fn judge(
        &mut self,
        id: &str,
        name: &str,
        state: &str,
        mut known: Option<Vec<Option<String>>>,
    ) -> Finding {
        let cannot = |why: String| {
            Finding::error(
                Target::container(name),
                format!("cannot inspect container {name}: {why}"),
            )
        };
        for _ in 0..MAX_ROUNDS {
            if self.pointers.len() > crate::MAX_POINTERS {
                break;
            }
            let members = match known.take() {
                Some(members) => members,
                None => match self.facts.inspect_fields(id, &self.pointers) {
                    Ok(members) => members,
                    Err(err) => return cannot(describe_error(&err)),
                },
            };
            let asked = &self.pointers[..members.len().min(self.pointers.len())];
            let inspected =
                match Inspected::picked(name.to_owned(), asked, members, Rc::clone(&self.info)) {
                    Ok(inspected) => inspected,
                    Err(why) => return cannot(why),
                };
            let finding = (self.judge)(&inspected);
            let missed = inspected.missed();
            if missed.is_empty() {
                return with_state(finding, &inspected, state);
            }
            for pointer in missed {
                if !self.pointers.contains(&pointer) {
                    self.pointers.push(pointer);
                }
            }
        }
        match self.whole_document(id) {
            Ok(whole) => with_state((self.judge)(&whole), &whole, state),
            Err(why) => cannot(why),
        }
    }

    /// The whole inspect document of container `id`, for a judge whose reads did not settle.
    fn whole_document(&self, id: &str) -> Result<Inspected, String> {
        let doc = self.facts.inspect(id).map_err(|err| describe_error(&err))?;
        let doc = serde_json::from_str(&doc)
            .map_err(|e| format!("the inspect document is not JSON: {e}"))?;
        Ok(Inspected::new(doc, Rc::clone(&self.info)))
    }
}

/// `finding` with the container's `state` as evidence: the document's, else the listing's.
fn with_state(finding: Finding, inspected: &Inspected, listed: &str) -> Finding {
    let state = match inspected.state() {
        "" => listed.to_owned(),
        state => state.to_owned(),
    };
    finding.with_evidence("state", state)
}

/// The answer of `remediate` for a container setting the contract cannot change: recreate
/// the container by hand as `fix` says (`with --pids-limit 100`, `without --pid host`).
pub fn refuse(id: &str, target: &Target, fix: &str) -> Error {
    match target {
        Target::Container(name) => Error::Invalid(format!(
            "bulkhead cannot change container {name} in place: recreate it (docker run) {fix}"
        )),
        other => Error::Invalid(format!("{id} fixes container: targets, not {other}")),
    }
}

/// Write a whole container control from a judge: metadata, audit over every container,
/// remediate (refused with the `docker run` flag to use), exported as the component.
///
/// ```text
/// bulkhead_sdk::container_control! {
///     id: "container-not-privileged",
///     cis: "5.5",
///     title: "Containers are not privileged",
///     description: "...", rationale: "...", remediation: "...",
///     severity: Critical,
///     fix: "--privileged=false",
///     judge: judge,
/// }
/// ```
///
/// `judge` is a `fn(&Inspected) -> Finding`. The macro defines `pub fn audit(&impl Facts)`
/// and `pub fn remediate(Target)` for unit tests, and the exported `Control`.
#[macro_export]
macro_rules! container_control {
    (
        id: $id:literal,
        cis: $cis:literal,
        title: $title:literal,
        description: $description:literal,
        rationale: $rationale:literal,
        remediation: $remediation:literal,
        severity: $severity:ident,
        fix: $fix:literal,
        judge: $judge:path $(,)?
    ) => {
        /// Judge every container.
        pub fn audit(facts: &impl $crate::Facts) -> ::std::vec::Vec<$crate::Finding> {
            $crate::runtime::judge_all(facts, $judge)
        }

        /// Fix one failing target: not possible through the contract; says which flag to use.
        pub fn remediate(target: $crate::Target) -> ::std::result::Result<(), $crate::Error> {
            ::std::result::Result::Err($crate::runtime::refuse($id, &target, $fix))
        }

        $crate::cis_control! {
            id: $id,
            title: $title,
            description: $description,
            rationale: $rationale,
            remediation: $remediation,
            severity: $severity,
            cis: $cis,
            reads: [],
            remediate: |target| remediate(target),
        }
    };
}

/// Parse an inspect document for a unit test; `info` is the `docker info` document.
///
/// Panics on malformed JSON (a broken test, not a finding).
pub fn inspected(inspect: &str, info: &str) -> Inspected {
    Inspected::parse(inspect, info).expect("test inspect document")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::testing::{FakeHost, container, statuses};

    fn named(doc: &Inspected) -> Finding {
        Finding::pass(doc.target(), doc.name().to_owned())
    }

    #[test]
    fn judges_every_container_and_skips_or_errors_for_the_host() {
        let host = FakeHost::new()
            .container(container("web"))
            .container(container("db"));
        let got = judge_all(&host, named);
        let names: Vec<String> = got.iter().map(|f| f.target.to_string()).collect();
        assert_eq!(names, ["container:db", "container:web"]);
        assert_eq!(got[0].evidence("state"), Some("running"));

        let none = judge_all(&FakeHost::new(), named);
        assert_eq!(none.len(), 1);
        assert_eq!(
            (none[0].status, &none[0].target),
            (Status::Skip, &Target::Host)
        );

        let down = FakeHost::new().containers_error(Error::Unavailable("socket".into()));
        assert_eq!(judge_all(&down, named)[0].status, Status::Error);
    }

    fn memory(doc: &Inspected) -> Finding {
        let memory = doc.int("/HostConfig/Memory").unwrap_or(0);
        Finding::pass(doc.target(), format!("memory {memory}"))
    }

    /// Reads `/HostConfig/Privileged` only for containers labelled `check=yes`.
    fn labelled(doc: &Inspected) -> Finding {
        let privileged =
            doc.str("/Config/Labels/check") == "yes" && doc.bool("/HostConfig/Privileged");
        Finding::pass(doc.target(), format!("privileged {privileged}"))
    }

    /// Follows a chain of pointers through the document: `/A` names the next one.
    fn chained(doc: &Inspected) -> Finding {
        let mut pointer = "/A".to_owned();
        let mut hops = 0;
        while let Some(next) = doc.value(&pointer).and_then(Value::as_str) {
            pointer = next.to_owned();
            hops += 1;
        }
        Finding::pass(doc.target(), format!("{hops} hops, ending at {pointer}"))
    }

    fn documents(host: FakeHost, docs: &[(&str, &str)]) -> FakeHost {
        docs.iter().fold(host, |host, (name, doc)| {
            host.container(container(name)).inspect_document(name, doc)
        })
    }

    /// What `judge` says of each document read whole, state added as `judge_all` adds it.
    fn judged_whole(judge: fn(&Inspected) -> Finding, docs: &[(&str, &str)]) -> Vec<Finding> {
        let mut docs = docs.to_vec();
        docs.sort();
        docs.iter()
            .map(|(_, doc)| {
                let doc = inspected(doc, "null");
                judge(&doc).with_evidence("state", doc.state().to_owned())
            })
            .collect()
    }

    #[test]
    fn asks_the_host_for_the_members_a_judge_reads_not_whole_documents() {
        let docs = [
            (
                "a",
                r#"{"Name":"/a","State":{"Status":"exited"},"HostConfig":{"Memory":5}}"#,
            ),
            (
                "b",
                r#"{"Name":"/b","State":{"Status":"running"},"HostConfig":{"Memory":0}}"#,
            ),
            ("c", r#"{"Name":"/c","State":{"Status":"created"}}"#),
        ];
        let host = documents(FakeHost::new(), &docs);
        let got = judge_all(&host, memory);
        assert_eq!(got, judged_whole(memory, &docs));
        assert_eq!(got[0].message, "memory 5");
        assert_eq!(got[0].evidence("state"), Some("exited"));

        // Every container's id, name and state at once; the first container again with
        // what the judge read; then that for every container at once.
        let all = host.all_field_calls();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0], ["/Id", "/Name", "/State/Status"]);
        assert_eq!(
            all[1],
            ["/Id", "/Name", "/State/Status", "/HostConfig/Memory"]
        );
        let one: Vec<String> = host.field_calls().into_iter().map(|(id, _)| id).collect();
        assert_eq!(one, ["a-0123456789abcdef"]);
        assert_eq!(host.inspect_calls(), 0);
    }

    #[test]
    fn a_judge_that_reads_more_for_some_containers_is_asked_again_for_them() {
        let docs = [
            (
                "a",
                r#"{"Config":{"Labels":{"check":"no"}},"HostConfig":{"Privileged":true}}"#,
            ),
            (
                "b",
                r#"{"Config":{"Labels":{"check":"yes"}},"HostConfig":{"Privileged":true}}"#,
            ),
            (
                "c",
                r#"{"Config":{"Labels":{"check":"yes"}},"HostConfig":{"Privileged":false}}"#,
            ),
            (
                "d",
                r#"{"Config":{"Labels":{"check":"no"}},"HostConfig":{"Privileged":true}}"#,
            ),
        ];
        let host = documents(FakeHost::new(), &docs);
        let got = judge_all(&host, labelled);
        let messages: Vec<&str> = got.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "privileged false",
                "privileged true",
                "privileged false",
                "privileged false"
            ]
        );
        // All at once; a again with the label; all at once with it; b again with
        // Privileged; all at once with that too, for c and d.
        assert_eq!(host.all_field_calls().len(), 3);
        let one: Vec<String> = host.field_calls().into_iter().map(|(id, _)| id).collect();
        assert_eq!(one, ["a-0123456789abcdef", "b-0123456789abcdef"]);
        assert_eq!(host.inspect_calls(), 0);
    }

    #[test]
    fn a_judge_whose_reads_do_not_settle_gets_the_whole_document() {
        let chain = r#"{"Name":"/a","State":{"Status":"running"},"A":"/B","B":"/C","C":"/D","D":"/E","E":"/F","F":"/G","G":"/H","H":"/I","I":"/J","J":"/K"}"#;
        let short = r#"{"Name":"/b","State":{"Status":"exited"},"A":"/B","B":"/Z"}"#;
        let docs = [("a", chain), ("b", short)];
        let host = documents(FakeHost::new(), &docs);
        let got = judge_all(&host, chained);
        assert_eq!(got[0].message, "10 hops, ending at /K");
        assert_eq!(got[1].message, "2 hops, ending at /Z");
        assert_eq!(got, judged_whole(chained, &docs));
        // a: the listing and every round after it, then the whole document; b, the last
        // one: on its own with what a taught, then with its own `/Z`.
        assert_eq!(host.all_field_calls().len(), 1);
        assert_eq!(host.field_calls().len(), MAX_ROUNDS - 1 + 2);
        assert_eq!(host.inspect_calls(), 1);
    }

    #[test]
    fn too_much_at_once_is_asked_one_container_at_a_time() {
        let docs = [
            ("bad", "{not json"),
            ("good", r#"{"HostConfig":{"Memory":1}}"#),
            ("more", r#"{"HostConfig":{"Memory":2}}"#),
        ];
        let host = documents(FakeHost::new().fields_of_all_too_large(), &docs);
        let got = judge_all(&host, memory);
        assert_eq!(statuses(&got), [Status::Error, Status::Pass, Status::Pass]);
        assert!(
            got[0].message.starts_with("cannot inspect container bad: ")
                && got[0].message.contains("not JSON"),
            "{}",
            got[0].message
        );
        let messages = (got[1].message.as_str(), got[2].message.as_str());
        assert_eq!(messages, ("memory 1", "memory 2"));
        assert_eq!(host.all_field_calls().len(), 1);
        // bad: refused; good: its listing, then what the judge read; more: at once.
        assert_eq!(host.field_calls().len(), 4);

        // Where the listing itself cannot be had, one error for the host says why.
        let host = documents(FakeHost::new(), &docs[..2]);
        let got = judge_all(&host, memory);
        assert_eq!(statuses(&got), [Status::Error]);
        assert_eq!(got[0].target, Target::Host);
        assert!(
            got[0].message.starts_with("cannot list containers: "),
            "{}",
            got[0].message
        );
    }

    #[test]
    fn reads_security_options_in_both_spellings() {
        let doc = inspected(
            r#"{"Name":"/w","HostConfig":{"SecurityOpt":["apparmor:unconfined","label=disable","no-new-privileges","seccomp=/p.json"]}}"#,
            "null",
        );
        assert_eq!(doc.name(), "w");
        assert_eq!(doc.security_opt("apparmor"), ["unconfined"]);
        assert_eq!(doc.security_opt("label"), ["disable"]);
        assert_eq!(doc.security_opt("no-new-privileges"), [""]);
        assert_eq!(doc.security_opt("seccomp"), ["/p.json"]);
        assert!(doc.security_opt("selinux").is_empty());
    }

    #[test]
    fn daemon_security_options_from_info() {
        let info = r#"{"SecurityOptions":["name=apparmor","name=seccomp,profile=default"]}"#;
        let doc = inspected(r#"{"Name":"/w"}"#, info);
        assert_eq!(doc.daemon_security_option("apparmor"), Some(true));
        assert_eq!(doc.daemon_security_option("seccomp"), Some(true));
        assert_eq!(doc.daemon_security_option("selinux"), Some(false));
        assert_eq!(
            inspected("{}", "null").daemon_security_option("apparmor"),
            None
        );
    }

    #[rstest::rstest]
    #[case::root("/", true)]
    #[case::etc("/etc", true)]
    #[case::under_etc("/etc/ssl/", true)]
    #[case::double_slash("//proc", true)]
    #[case::docker_data("/var/lib/docker/volumes", true)]
    #[case::not_prefix("/etcetera", false)]
    #[case::home("/home/app/data", false)]
    #[case::tmp("/tmp", false)]
    fn sensitive_paths(#[case] path: &str, #[case] want: bool) {
        assert_eq!(is_sensitive_host_path(path), want, "{path}");
    }

    #[rstest::rstest]
    #[case::socket("/var/run/docker.sock", true)]
    #[case::run_socket("/run/docker.sock", true)]
    #[case::var_run("/var/run/", true)]
    #[case::run("/run", true)]
    #[case::root("/", true)]
    #[case::other_socket("/run/containerd/containerd.sock", false)]
    #[case::tmp("/tmp", false)]
    fn docker_socket_exposure(#[case] path: &str, #[case] want: bool) {
        assert_eq!(exposes_docker_socket(path), want, "{path}");
    }

    #[test]
    fn ports_and_mounts() {
        let doc = inspected(
            r#"{"Name":"/w","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"80"}],"53/udp":[{"HostIp":"127.0.0.1","HostPort":""}]}},
               "Mounts":[{"Type":"bind","Source":"/etc","Destination":"/h","RW":false,"Propagation":"rshared"}]}"#,
            "null",
        );
        let ports = doc.port_bindings();
        assert_eq!(ports.len(), 2);
        let low: Vec<Option<u16>> = ports.iter().map(PortBinding::lowest_host_port).collect();
        assert!(low.contains(&Some(80)) && low.contains(&None), "{low:?}");
        let mounts = doc.mounts();
        assert_eq!(mounts[0].describe(), "/etc:/h:ro");
        assert_eq!(mounts[0].propagation, "rshared");
    }

    #[rstest::rstest]
    #[case::host("host", false)]
    #[case::private("private", true)]
    #[case::default("", true)]
    #[case::other_container("container:db", true)]
    fn namespaces(#[case] mode: &str, #[case] passes: bool) {
        let doc = inspected(
            &format!(r#"{{"Name":"/w","HostConfig":{{"PidMode":"{mode}"}}}}"#),
            "null",
        );
        let got = namespace_not_host(&doc, "PidMode", "PID");
        let want = if passes { Status::Pass } else { Status::Fail };
        assert_eq!(got.status, want, "{}", got.message);
    }

    #[test]
    fn judges_mounts_by_the_rule_given() {
        let doc = inspected(
            r#"{"Name":"/w","Mounts":[{"Type":"bind","Source":"/etc","Destination":"/h","RW":false},
               {"Type":"bind","Source":"/srv","Destination":"/s","RW":true}]}"#,
            "null",
        );
        let rule = |m: &MountPoint<'_>| (m.source == "/etc").then(|| m.describe());
        let got = judge_mounts(&doc, "etc-mounts", rule, "mounts no /etc", "mounts");
        assert_eq!(got.status, Status::Fail);
        assert_eq!(got.message, "container w mounts /etc:/h:ro");
        assert_eq!(got.evidence("etc-mounts"), Some("/etc:/h:ro"));
        let none = inspected(r#"{"Name":"/w"}"#, "null");
        let got = judge_mounts(&none, "etc-mounts", rule, "mounts no /etc", "mounts");
        assert_eq!(
            (got.status, got.message.as_str()),
            (Status::Pass, "container w mounts no /etc")
        );
        assert_eq!(none.items("/Mounts").len(), 0);
    }

    #[rstest::rstest]
    #[case::enabled(r#"{"SecurityOptions":["name=apparmor"]}"#, Status::Pass)]
    #[case::not_enabled(
        r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#,
        Status::Skip
    )]
    #[case::unknown("null", Status::Error)]
    fn lsm_defaults_follow_the_daemon(#[case] info: &str, #[case] want: Status) {
        let doc = inspected(r#"{"Name":"/w"}"#, info);
        let got = daemon_lsm_default(&doc, "apparmor", "AppArmor", "on".into(), "off".into());
        assert_eq!(got.status, want, "{}", got.message);
        if want == Status::Error {
            assert_eq!(
                got.message,
                "cannot tell whether AppArmor applies to container w: docker info is unavailable"
            );
        }
    }

    #[test]
    fn refuses_with_the_flag_to_use() {
        let err = refuse("x", &Target::container("web"), "with --pids-limit 100");
        assert!(
            matches!(err, Error::Invalid(m) if m.contains("--pids-limit 100") && m.contains("web"))
        );
        assert!(matches!(
            refuse("x", &Target::Host, "-f"),
            Error::Invalid(_)
        ));
    }
}
