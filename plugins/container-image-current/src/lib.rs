//! # `container-image-current`: CIS Docker Benchmark v1.6.0 5.28
//!
//! ### What it checks
//! Shows, per container, the image reference it was created from (`Config.Image`) and the
//! image id it actually runs (`Image`), for a person to confirm it is the current version
//! of that reference (`docker pull` and compare ids; digests pinned in the reference are
//! shown too).
//!
//! This is a manual benchmark item: the control never passes or fails, it reports `info`
//! per container with the facts a person should look at. The contract has no registry
//! access, so the current version cannot be looked up here; a reference without a tag
//! (implicitly `latest`) or pinned by digest is said so.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! `docker pull <image>` and recreate the container when the pulled id differs; pin images
//! by digest in deployments. Nothing is changed automatically: this is a manual item.
//!
//! ### Example
//! A container created from `nginx` yields
//!
//! ```text
//! info  container:web
//!       container web runs nginx (no tag: latest) as image sha256:1f2e...; check it is the current version (docker pull nginx and compare)
//!       image-reference=nginx image-id=sha256:1f2e... state=running
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-image-current",
    cis: "5.28 (manual)",
    title: "Containers run the current version of their image (manual review)",
    description: "Shows, per container, the image reference it was created from (`Config.Image`) and the image id it actually runs (`Image`), for a person to confirm it is the current version of that reference (`docker pull` and compare ids; digests pinned in the reference are shown too).",
    rationale: "A container keeps running the image it was created from: after a fix is pushed under the same tag, a container that is not recreated from a freshly pulled image keeps the vulnerable version, while its tag suggests otherwise.",
    remediation: "`docker pull <image>` and recreate the container when the pulled id differs; pin images by digest in deployments.",
    severity: Info,
    fix: "from a freshly pulled image (docker pull, then docker run)",
    judge: judge,
}

/// Always `info`, with the image reference and id.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let reference = doc.str("/Config/Image");
    let id = doc.str("/Image");
    let last = reference.rsplit('/').next().unwrap_or(reference);
    let note = if reference.contains('@') {
        " (pinned by digest)"
    } else if !last.contains(':') {
        " (no tag: latest)"
    } else {
        ""
    };
    Finding::info(
        doc.target(),
        format!(
            "container {name} runs {reference}{note} as image {id}; check it is the current version (docker pull {reference} and compare)"
        ),
    )
    .with_evidence("image-reference", reference)
    .with_evidence("image-id", id)
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::runtime::inspected;
    use bulkhead_sdk::testing::control::{assert_container_kit, assert_judges};

    #[rstest::rstest]
    #[case::untagged(r#"{"Name":"/w","HostConfig":{},"Config":{"Image":"registry:5000/nginx"},"Image":"sha256:1"}"#, r#"null"#, Status::Info)]
    #[case::tagged(
        r#"{"Name":"/w","HostConfig":{},"Config":{"Image":"nginx:1.25"},"Image":"sha256:2"}"#,
        r#"null"#,
        Status::Info
    )]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        assert_judges(super::judge, inspect, info, want);
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        assert_container_kit(
            super::audit,
            super::remediate,
            "from a freshly pulled image (docker pull, then docker run)",
        );
    }

    #[rstest::rstest]
    #[case::untagged_with_registry_port("registry:5000/nginx", "(no tag: latest)")]
    #[case::digest("nginx@sha256:abc", "(pinned by digest)")]
    #[case::tagged("nginx:1.25", "runs nginx:1.25 as image sha256:1;")]
    fn names_the_reference_and_id(#[case] image: &str, #[case] said: &str) {
        let doc = format!(r#"{{"Name":"/w","Config":{{"Image":"{image}"}},"Image":"sha256:1"}}"#);
        let got = super::judge(&inspected(&doc, "null"));
        assert!(got.message.contains(said), "{}", got.message);
        assert_eq!(got.evidence("image-id"), Some("sha256:1"));
    }
}
