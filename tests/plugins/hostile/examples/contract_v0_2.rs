//! Not hostile: a probe of every interface `bulkhead:plugin@0.2.0` adds, through the SDK.
//!
//! Each finding is one host function and what it answered (`function: answer`), so the test
//! can compare the answers with the files, process table and daemon it set up. It finds the
//! lab's container by its `bulkhead.hostile` label.
//!
//! Proves: the new capabilities reach the real host (accounts, mounts and listening
//! sockets under the lab's `--root`/`--proc`, images, processes, exec sessions and
//! networks of the real daemon), each answered in its WIT shape.

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Facts, Finding, Guest, Host, Target};

pub struct ContractV02;

fn answer<T>(function: &str, result: Result<T, Error>, show: impl Fn(T) -> String) -> Finding {
    let text = match result {
        Ok(value) => show(value),
        Err(e) => format!("{e:?}"),
    };
    Finding::info(Target::Host, format!("{function}: {text}"))
}

impl Guest for ContractV02 {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-contract-v0-2",
            "Probes the 0.2.0 capabilities",
            &[],
        )
    }

    fn audit() -> Vec<Finding> {
        let h = Host;
        let lab = h.containers().ok().and_then(|list| {
            list.into_iter().find(|c| {
                c.labels
                    .iter()
                    .any(|(k, v)| k == "bulkhead.hostile" && v.starts_with("contract-v0-2"))
            })
        });
        let lab_id = lab.map(|c| c.id).unwrap_or_default();
        vec![
            answer("user-by-name", h.user_by_name("alice"), |u| {
                u.map_or("none".to_owned(), |u| {
                    format!("{}:{}:{}:{}:{}", u.name, u.uid, u.gid, u.home, u.shell)
                })
            }),
            answer("user-by-id", h.user_by_id(4242), |u| {
                u.map_or("none".to_owned(), |u| u.name)
            }),
            answer("group-by-id", h.group_by_id(998), |g| {
                g.map_or("none".to_owned(), |g| {
                    format!("{}:{}", g.name, g.members.join(","))
                })
            }),
            answer("group-by-name", h.group_by_name("docker"), |g| {
                g.map_or("none".to_owned(), |g| g.gid.to_string())
            }),
            answer("mounts", h.mounts(), |m| {
                m.iter()
                    .map(|m| {
                        format!(
                            "{} {} {}",
                            m.mount_point,
                            m.fs_type,
                            m.propagation.join(",")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
            answer("audit-rules", h.audit_rules(), |r| {
                r.iter()
                    .map(|r| format!("{}:{} {}", r.file, r.line, r.text))
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
            answer("unit-file", h.unit_file("docker.service"), |u| {
                u.unwrap_or_else(|| "none".to_owned())
            }),
            answer("unit-file-bad", h.unit_file("../etc/passwd"), |u| {
                format!("{u:?}")
            }),
            answer("listeners", h.listeners(), |l| {
                l.iter()
                    .map(|l| format!("{} {}:{}", l.protocol, l.address, l.port))
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
            answer("images", h.images(), |i| {
                i.iter()
                    .flat_map(|i| i.tags.clone())
                    .collect::<Vec<_>>()
                    .join(",")
            }),
            answer(
                "inspect-image",
                h.inspect_image("bulkhead-test/pause:1"),
                |doc| {
                    let ok = doc.contains("\"Id\"") && doc.contains("/pause");
                    format!("json {ok}")
                },
            ),
            answer(
                "history",
                h.image_history("bulkhead-test/pause:1"),
                |steps| format!("{} steps", steps.len()),
            ),
            answer("top", h.top(&lab_id), |t| {
                let cmd = t.titles.iter().position(|t| t == "CMD");
                t.processes
                    .iter()
                    .filter_map(|row| cmd.and_then(|i| row.get(i)).cloned())
                    .collect::<Vec<_>>()
                    .join(",")
            }),
            answer("execs", h.execs(&lab_id), |e| {
                format!("{} sessions", e.len())
            }),
            answer("networks", h.networks(), |n| {
                n.iter()
                    .map(|n| {
                        let opts: Vec<String> =
                            n.options.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        format!("{}/{}/{}", n.name, n.driver, opts.join("+"))
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            }),
        ]
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(ContractV02);
