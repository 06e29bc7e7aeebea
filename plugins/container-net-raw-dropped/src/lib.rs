//! # `container-net-raw-dropped`
//!
//! ### What it checks
//! Every container, running or not (like `docker ps --all`), must run without `CAP_NET_RAW`
//! in its capability bounding set (CIS Docker Benchmark v1.6.0 §5.4, the NET_RAW note).
//!
//! The bounding set is computed as the Docker daemon computes it (moby `TweakCapabilities`,
//! see [`bulkhead_sdk::caps`]): a privileged container has every capability; otherwise
//! `CapAdd`/`CapDrop` names are case-insensitive with an optional `CAP_` prefix, `ALL` in
//! `CapAdd` means every capability except those dropped, `ALL` in `CapDrop` means exactly
//! `CapAdd`, and otherwise Docker's default set (which holds `NET_RAW`) minus `CapDrop` plus
//! `CapAdd`, an add winning over a drop of the same name.
//!
//! A non-root `User` does not make a container pass: the bounding set still holds `NET_RAW`,
//! and a setuid binary or file capability in the image can raise it again.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container with `--cap-drop=NET_RAW` (`docker run --cap-drop=NET_RAW ...`).
//! `bulkhead fix --apply` replaces the container with a copy of itself whose `CapDrop` also
//! names `NET_RAW`, keeping the original, stopped, for `bulkhead rollback`. That cannot help a
//! privileged container or one that adds `NET_RAW` itself (an add beats a drop): those must be
//! recreated by hand without `--privileged` / `--cap-add NET_RAW`, and remediation says so.
//! Few workloads need `NET_RAW` (`ping` works without it on current kernels through ICMP
//! datagram sockets).
//!
//! ### Example
//! A container created with `docker run -d --name web --user 1000 nginx` (no `--cap-drop`)
//! yields
//!
//! ```text
//! fail  container:web
//!       container web keeps NET_RAW from Docker's default capability set (CapDrop does not
//!       name it); running as user 1000 does not remove it from the bounding set
//!       privileged=false cap-add= cap-drop= user=1000
//! ```
//!
//! With no containers at all, the control reports one `skip` for `host`; when Docker cannot
//! be asked, one `error` for `host` carrying the host's message (which names the socket).

use bulkhead_sdk::runtime::each_container;
use bulkhead_sdk::{
    Admin, CapabilityOrigin, Container, Error, Facts, Finding, Target, Tightening,
    capability_origin, effective_capabilities,
};

/// This control's id (its crate name).
pub const ID: &str = "container-net-raw-dropped";

/// The capability this control wants dropped.
pub const NET_RAW: &str = "NET_RAW";

bulkhead_sdk::cis_control! {
    id: ID,
    title: "Containers run without CAP_NET_RAW",
    description: "Every container, running or not, must have NET_RAW out of its capability \
        bounding set, computed as the Docker daemon does (privileged, CapAdd, CapDrop).",
    rationale: "NET_RAW lets a container craft raw packets: spoof addresses and sniff or \
        spoof traffic of other containers on the same network. Docker grants it by default.",
    remediation: "Recreate the container with --cap-drop=NET_RAW (and without \
        --privileged or --cap-add NET_RAW/ALL).",
    severity: High,
    cis: "5.4",
    reads: [],
    remediate: |target| remediate(&bulkhead_sdk::Host, target),
}

/// Judge every container (see the crate doc).
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    each_container(facts, judge)
}

/// The finding for one container.
pub fn judge(container: &Container) -> Finding {
    let target = Target::container(&container.name);
    let name = &container.name;
    let origin = capability_origin(
        container.privileged,
        &container.cap_add,
        &container.cap_drop,
        NET_RAW,
    );
    let finding = match origin {
        Err(unknown) => Finding::error(
            target,
            format!(
                "container {name} names an {unknown} in CapAdd/CapDrop; the daemon would refuse to start it"
            ),
        ),
        Ok(None) => Finding::pass(target, format!("container {name} runs without NET_RAW")),
        Ok(Some(origin)) => Finding::fail(target, fail_message(container, origin)),
    };
    let mut finding = finding
        .with_evidence("privileged", container.privileged.to_string())
        .with_evidence("cap-add", container.cap_add.join(","))
        .with_evidence("cap-drop", container.cap_drop.join(","))
        .with_evidence("user", container.user.as_str())
        .with_evidence("state", container.state.as_str());
    if let Ok(caps) = effective_capabilities(
        container.privileged,
        &container.cap_add,
        &container.cap_drop,
    ) {
        finding = finding.with_evidence("capabilities", caps.iter().collect::<Vec<_>>().join(","));
    }
    finding
}

fn fail_message(container: &Container, origin: CapabilityOrigin) -> String {
    let name = &container.name;
    let why = match origin {
        CapabilityOrigin::Privileged => {
            format!(
                "container {name} is privileged, so it holds every capability including NET_RAW"
            )
        }
        CapabilityOrigin::Added => format!("container {name} adds NET_RAW (CapAdd names it)"),
        CapabilityOrigin::AllAdded => {
            format!("container {name} adds ALL capabilities and does not drop NET_RAW")
        }
        CapabilityOrigin::Default => format!(
            "container {name} keeps NET_RAW from Docker's default capability set (CapDrop does \
             not name it)"
        ),
    };
    if is_root(&container.user) {
        why
    } else {
        format!(
            "{why}; running as user {} does not remove it from the bounding set",
            container.user
        )
    }
}

/// Whether `Config.User` means root (empty: the image default, usually root).
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or_default();
    matches!(name, "" | "0" | "root")
}

/// Replace the container named by a `container:` target with a copy that also drops NET_RAW.
///
/// A container that already runs without NET_RAW is left alone; one for which a drop cannot
/// help (privileged, or adding NET_RAW itself) is refused with the reason.
pub fn remediate(host: &(impl Facts + Admin), target: Target) -> Result<(), Error> {
    let Target::Container(name) = target else {
        return Err(Error::Invalid(format!(
            "{ID} only fixes container: targets, not {target}"
        )));
    };
    let containers = host.containers()?;
    let container = containers
        .iter()
        .find(|c| c.name == name)
        .ok_or(Error::NotFound)?;
    let origin = capability_origin(
        container.privileged,
        &container.cap_add,
        &container.cap_drop,
        NET_RAW,
    )
    .map_err(|unknown| Error::Other(format!("container {name}: {unknown}")))?;
    match origin {
        None => Ok(()),
        Some(origin) if origin.removable_by_drop() => {
            let change = Tightening {
                cap_drop: vec![NET_RAW.to_owned()],
            };
            host.replace_container(&name, &change).map(drop)
        }
        Some(CapabilityOrigin::Privileged) => Err(Error::Other(format!(
            "container {name} is privileged: dropping NET_RAW does not apply to it; recreate it \
             without --privileged"
        ))),
        Some(_) => Err(Error::Other(format!(
            "container {name} adds NET_RAW itself, which wins over a drop; recreate it without \
             --cap-add NET_RAW"
        ))),
    }
}

#[cfg(test)]
mod tests;
