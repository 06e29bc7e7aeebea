//! # `image-healthcheck`: CIS Docker Benchmark v1.6.0 4.6
//!
//! ### What it checks
//! Every image defines a health check: its `Config.Healthcheck.Test` (what a `HEALTHCHECK`
//! instruction sets, inherited from the base image unless overridden) is present and is not
//! `NONE` (`HEALTHCHECK NONE` disables the check an image inherited, and fails).
//!
//! Findings name a host or a container, so images are judged where they matter: each
//! container, running or not (like `docker ps --all`), gets a finding for the image it runs
//! (the image id of its inspect document, so a tag moved since does not mislead), with the
//! image in evidence. Images no container uses are judged together in one `host` finding:
//! `warn` listing those without a health check (nothing runs them yet, but anything started
//! from them would have none), `pass` when all have one, `skip` when every image is in use
//! (or there are none). A container whose image is not in the daemon's image list (an
//! intermediate layer of a legacy build, which `docker images` leaves out) cannot be
//! judged and gets `error`.
//!
//! Only the image counts here. A container given its own check with `docker run
//! --health-cmd`, or none with `--no-healthcheck`, is CIS 5.27's business
//! (`container-healthcheck`), not this item's: an image without `HEALTHCHECK` fails here
//! even when its containers add one at run time.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add a `HEALTHCHECK` instruction to the image's Dockerfile (`HEALTHCHECK CMD curl -f
//! http://localhost/ || exit 1`, or a probe that fits the service), remove any
//! `HEALTHCHECK NONE`, rebuild the image and recreate its containers. bulkhead cannot
//! change an image: there is no automatic fix.
//!
//! ### Example
//! A container created with `docker create --name web nginx` (the `nginx` image has no
//! `HEALTHCHECK`) yields
//!
//! ```text
//! fail  container:web
//!       container web runs image nginx, which has no HEALTHCHECK instruction
//!       image=nginx image-id=sha256:1f2e... healthcheck= state=created
//! ```

use std::collections::BTreeSet;

use bulkhead_sdk::runtime::Inspected;
use bulkhead_sdk::text::{cut, listed};
use bulkhead_sdk::{Container, Error, Facts, Finding, Image, Target, describe_error};

/// At most this many images are named in the `host` finding's evidence.
const MAX_LISTED: usize = 20;

/// The longest health-check command shown in evidence, in bytes.
const MAX_COMMAND: usize = 512;

/// What an image's health check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// A `HEALTHCHECK` command (`CMD ...` or `CMD-SHELL ...`).
    Defined,
    /// `HEALTHCHECK NONE`: the inherited check is disabled.
    Disabled,
    /// No `HEALTHCHECK` at all (or an empty test, which means "inherit" and there is none).
    Missing,
}

fn check_of(image: &Image) -> Check {
    match image.healthcheck.as_deref() {
        None | Some([]) => Check::Missing,
        Some([first, ..]) if first == "NONE" => Check::Disabled,
        Some(_) => Check::Defined,
    }
}

/// Judge the image of every container, then the images no container uses.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    let images = match facts.images() {
        Ok(list) => list,
        Err(err) => {
            return vec![Finding::error(
                Target::Host,
                format!("cannot list images: {}", describe_error(&err)),
            )];
        }
    };
    let containers = match facts.containers() {
        Ok(list) => list,
        Err(err) => {
            return vec![Finding::error(
                Target::Host,
                format!("cannot list containers: {}", describe_error(&err)),
            )];
        }
    };
    let mut used = BTreeSet::new();
    let mut findings: Vec<Finding> = containers
        .iter()
        .map(|c| match image_of(facts, c, &images) {
            Some(image) => {
                used.insert(image.id.as_str());
                judge_container(c, image)
            }
            None => Finding::error(
                Target::container(&c.name),
                format!(
                    "cannot find image {} of container {} among the daemon's images (the list \
                     leaves out intermediate build layers)",
                    c.image, c.name
                ),
            )
            .with_evidence("image", c.image.as_str())
            .with_evidence("state", c.state.as_str()),
        })
        .collect();
    let unused: Vec<&Image> = images
        .iter()
        .filter(|i| !used.contains(i.id.as_str()))
        .collect();
    findings.push(judge_unused(&unused, images.len()));
    findings
}

/// The image container `c` runs (see [`find_image`]).
fn image_of<'a>(facts: &impl Facts, c: &Container, images: &'a [Image]) -> Option<&'a Image> {
    let id = Inspected::pick(facts, c, &["/Image"])
        .ok()
        .map(|doc| doc.str("/Image").to_owned())
        .filter(|id| !id.is_empty());
    find_image(id.as_deref(), &c.image, images)
}

/// The image a container runs: the one with the image id of its inspect document (`Image`)
/// when it names one, so a tag moved since does not mislead; else the reference it was
/// created from (`Config.Image`), looked up among tags and ids.
fn find_image<'a>(id: Option<&str>, reference: &str, images: &'a [Image]) -> Option<&'a Image> {
    match id {
        Some(id) => images.iter().find(|i| i.id == id),
        None => by_reference(reference, images),
    }
}

/// The image named by `reference`: one of its tags (`name` alone means `name:latest`,
/// Docker Hub's `docker.io/library/` prefix optional), or its id or a unique id prefix.
fn by_reference<'a>(reference: &str, images: &'a [Image]) -> Option<&'a Image> {
    if reference.is_empty() {
        return None;
    }
    let short = reference
        .strip_prefix("docker.io/library/")
        .or_else(|| reference.strip_prefix("docker.io/"))
        .unwrap_or(reference);
    let tagged = if short.rsplit('/').next().is_some_and(|l| l.contains(':')) {
        short.to_owned()
    } else {
        format!("{short}:latest")
    };
    if let Some(image) = images.iter().find(|i| i.tags.contains(&tagged)) {
        return Some(image);
    }
    let bare = reference.strip_prefix("sha256:").unwrap_or(reference);
    if !bare.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut matches = images.iter().filter(|i| {
        i.id.strip_prefix("sha256:")
            .unwrap_or(&i.id)
            .starts_with(bare)
    });
    match (matches.next(), matches.next()) {
        (Some(image), None) => Some(image),
        _ => None,
    }
}

/// The verdict for one container: that of the image it runs.
fn judge_container(c: &Container, image: &Image) -> Finding {
    let target = Target::container(&c.name);
    let shown = if c.image.is_empty() {
        display_name(image)
    } else {
        c.image.clone()
    };
    let name = &c.name;
    let command = command_of(image);
    let finding = match check_of(image) {
        Check::Missing => Finding::fail(
            target,
            format!("container {name} runs image {shown}, which has no HEALTHCHECK instruction"),
        ),
        Check::Disabled => Finding::fail(
            target,
            format!(
                "container {name} runs image {shown}, whose HEALTHCHECK NONE disables the health \
                 check it inherited"
            ),
        ),
        Check::Defined => Finding::pass(
            target,
            format!("container {name} runs image {shown}, which has a health check: {command}"),
        ),
    };
    finding
        .with_evidence("image", shown)
        .with_evidence("image-id", image.id.as_str())
        .with_evidence("healthcheck", command)
        .with_evidence("state", c.state.as_str())
}

/// One `host` finding for the images no container uses (`total` images in all).
fn judge_unused(unused: &[&Image], total: usize) -> Finding {
    if total == 0 {
        return Finding::skip(
            Target::Host,
            "no images on this host (docker images is empty)",
        );
    }
    if unused.is_empty() {
        return Finding::skip(
            Target::Host,
            "every image is used by a container and judged with it: no unused image to judge",
        );
    }
    let lacking: Vec<String> = unused
        .iter()
        .filter_map(|i| match check_of(i) {
            Check::Defined => None,
            Check::Missing => Some(display_name(i)),
            Check::Disabled => Some(format!("{} (HEALTHCHECK NONE)", display_name(i))),
        })
        .collect();
    let count = unused.len();
    if lacking.is_empty() {
        return Finding::pass(
            Target::Host,
            format!("all {count} images no container uses have a health check"),
        )
        .with_evidence("unused", count.to_string());
    }
    Finding::warn(
        Target::Host,
        format!(
            "{} of the {count} images no container uses have no health check: containers started \
             from them would have none",
            lacking.len()
        ),
    )
    .with_evidence("unused", count.to_string())
    .with_evidence("without-healthcheck", listed(&lacking, MAX_LISTED, ", "))
}

/// An image as people name it: its first tag, or its short id when it has none.
fn display_name(image: &Image) -> String {
    image.tags.first().cloned().unwrap_or_else(|| {
        let bare = image.id.strip_prefix("sha256:").unwrap_or(&image.id);
        format!("sha256:{}", &bare[..bare.len().min(12)])
    })
}

/// The health-check test as one line (`CMD /probe`), bounded; empty when there is none.
fn command_of(image: &Image) -> String {
    cut(
        &image.healthcheck.as_deref().unwrap_or_default().join(" "),
        MAX_COMMAND,
    )
}

/// Fix one failing target: not possible; an image is rebuilt by its owner.
pub fn remediate(target: Target) -> Result<(), Error> {
    Err(Error::Invalid(format!(
        "no automatic fix is safe for {target}: add a HEALTHCHECK to the image's Dockerfile, \
         rebuild it and recreate its containers"
    )))
}

bulkhead_sdk::cis_control! {
    id: "image-healthcheck",
    title: "Images define a HEALTHCHECK",
    description: "Every image has a health check (`HEALTHCHECK`, not `HEALTHCHECK NONE`): \
                          judged per container for the image it runs, and once for the host \
                          over the images no container uses. A `docker run --health-cmd` does \
                          not count here (that is 5.27).",
    rationale: "A health check baked into the image goes wherever the image runs and \
                        lets Docker or an orchestrator notice a service that no longer works; \
                        without one a hung or compromised service keeps receiving traffic.",
    remediation: "Add a `HEALTHCHECK` instruction to the image's Dockerfile (remove any \
                          `HEALTHCHECK NONE`), rebuild the image and recreate its containers.",
    severity: Low,
    cis: "4.6",
    reads: [],
    remediate: |target| remediate(target),
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::Guest;
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::{FakeHost, container, image, statuses};

    fn with_check(id: &str, tag: &str, test: &[&str]) -> Image {
        let mut i = image(id, tag);
        i.healthcheck = Some(test.iter().map(|t| t.to_string()).collect());
        i
    }

    fn running(name: &str, reference: &str) -> Container {
        let mut c = container(name);
        c.image = reference.to_owned();
        c
    }

    #[rstest::rstest]
    #[case::missing(None, Status::Fail)]
    #[case::disabled(Some(&["NONE"][..]), Status::Fail)]
    #[case::empty_test(Some(&[][..]), Status::Fail)]
    #[case::cmd(Some(&["CMD", "/probe"][..]), Status::Pass)]
    #[case::shell(Some(&["CMD-SHELL", "curl -f http://localhost/ || exit 1"][..]), Status::Pass)]
    fn judges_the_image_each_container_runs(#[case] test: Option<&[&str]>, #[case] want: Status) {
        let mut img = image("a1", "web:1");
        img.healthcheck = test.map(|t| t.iter().map(|s| s.to_string()).collect());
        let host = FakeHost::new()
            .image(img)
            .container(running("web", "web:1"));
        let got = audit(&host);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].target, Target::container("web"));
        assert_eq!(got[0].status, want, "{}", got[0].message);
        assert_eq!(got[0].evidence("image"), Some("web:1"));
        assert_eq!(got[0].evidence("image-id"), Some("sha256:a1"));
        // The only image is in use: nothing left for the host.
        assert_eq!(
            (&got[1].target, got[1].status),
            (&Target::Host, Status::Skip)
        );
    }

    #[test]
    fn disabled_is_said_so() {
        let host = FakeHost::new()
            .image(with_check("a1", "web:1", &["NONE"]))
            .container(running("web", "web:1"));
        let got = audit(&host);
        assert!(
            got[0].message.contains("HEALTHCHECK NONE"),
            "{}",
            got[0].message
        );
    }

    #[rstest::rstest]
    #[case::implicit_latest("web")]
    #[case::explicit_tag("web:latest")]
    #[case::hub_prefix("docker.io/library/web")]
    #[case::full_id("sha256:a1b2c3")]
    #[case::short_id("a1b2")]
    fn finds_the_image_by_reference(#[case] reference: &str) {
        let images = [image("a1b2c3", "web:latest"), image("ffee", "db:1")];
        assert_eq!(
            by_reference(reference, &images).map(|i| i.id.as_str()),
            Some("sha256:a1b2c3"),
            "{reference}"
        );
    }

    #[test]
    fn the_inspected_image_id_wins_over_a_moved_tag() {
        let images = [image("0ld", "web:1"), image("new", "web:2")];
        let found = |id| find_image(id, "web:2", &images).map(|i| i.id.as_str());
        assert_eq!(found(Some("sha256:0ld")), Some("sha256:0ld"));
        assert_eq!(found(None), Some("sha256:new"));
        assert_eq!(found(Some("sha256:gone")), None);
    }

    #[test]
    fn an_ambiguous_or_unknown_reference_finds_nothing() {
        let images = [image("ab12", "x:1"), image("ab34", "y:1")];
        assert!(by_reference("ab", &images).is_none());
        assert!(by_reference("z:1", &images).is_none());
        assert!(by_reference("", &images).is_none());
    }

    #[test]
    fn a_container_whose_image_is_unknown_is_an_error_for_it() {
        let host = FakeHost::new()
            .image(image("a1", "web:1"))
            .container(running("web", "gone:2"));
        let got = audit(&host);
        assert_eq!(statuses(&got), [Status::Error, Status::Warn]);
        assert_eq!(got[0].target, Target::container("web"));
    }

    #[test]
    fn unused_images_warn_in_one_host_finding() {
        let host = FakeHost::new()
            .image(with_check("a1", "web:1", &["CMD", "/probe"]))
            .image(image("b2", "tool:1"))
            .image(with_check("c3", "old:1", &["NONE"]))
            .container(running("web", "web:1"));
        let got = audit(&host);
        assert_eq!(statuses(&got), [Status::Pass, Status::Warn]);
        let host_finding = &got[1];
        assert_eq!(host_finding.target, Target::Host);
        assert_eq!(host_finding.evidence("unused"), Some("2"));
        assert_eq!(
            host_finding.evidence("without-healthcheck"),
            Some("tool:1, old:1 (HEALTHCHECK NONE)")
        );
    }

    #[test]
    fn unused_images_that_all_have_a_check_pass() {
        let host = FakeHost::new()
            .image(with_check("a1", "web:1", &["CMD", "/probe"]))
            .image(with_check("b2", "tool:1", &["CMD-SHELL", "true"]));
        let got = audit(&host);
        assert_eq!(statuses(&got), [Status::Pass]);
        assert_eq!(got[0].target, Target::Host);
    }

    #[test]
    fn untagged_images_are_named_by_short_id_and_long_lists_are_cut() {
        let mut host = FakeHost::new();
        for n in 0..25 {
            let mut i = image(&format!("{n:02}aabbccddeeff0011"), "x");
            i.tags.clear();
            host = host.image(i);
        }
        let got = audit(&host);
        let listed = got[0].evidence("without-healthcheck").unwrap();
        assert!(listed.starts_with("sha256:00aabbccddee, "), "{listed}");
        assert!(listed.ends_with(" and 5 more"), "{listed}");
    }

    #[test]
    fn nothing_at_all_skips_and_failures_to_ask_are_errors() {
        assert_eq!(statuses(&audit(&FakeHost::new())), [Status::Skip]);
        let down = FakeHost::new().images_error(Error::Unavailable("socket".into()));
        assert_eq!(statuses(&audit(&down)), [Status::Error]);
        let down = FakeHost::new()
            .image(image("a1", "web:1"))
            .containers_error(Error::Unavailable("socket".into()));
        assert_eq!(statuses(&audit(&down)), [Status::Error]);
    }

    #[test]
    fn every_container_is_judged_even_when_they_share_an_image() {
        let host = FakeHost::new()
            .image(image("a1", "web:1"))
            .container(running("one", "web:1"))
            .container(running("two", "web:1"));
        assert_eq!(
            statuses(&audit(&host)),
            [Status::Fail, Status::Fail, Status::Skip]
        );
    }

    #[test]
    fn long_commands_are_cut_in_evidence() {
        let long = "x".repeat(2000);
        let img = with_check("a1", "web:1", &["CMD-SHELL", &long]);
        let shown = command_of(&img);
        assert!(shown.len() <= MAX_COMMAND + 3 && shown.ends_with("..."));
    }

    #[test]
    fn no_automatic_fix() {
        let err = remediate(Target::container("web")).unwrap_err();
        assert!(matches!(err, Error::Invalid(m) if m.contains("no automatic fix")));
        assert_eq!(Control::metadata().id, "image-healthcheck");
    }
}
