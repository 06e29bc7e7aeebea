//! Secrets never leave: no control, bundled or drop-in, whatever it declares, gets the
//! bytes of a private key or of password hashes; their stat, owner and mode stay
//! readable, which is what the CIS items judge.

use super::*;

/// The secret files the lab plants, each holding `marker`.
fn plant(lab: &Lab, marker: &str) {
    let shadow = format!("root:$6$salt{marker}$hash:19000:0:99999:7:::\n");
    let key = format!("-----BEGIN PRIVATE KEY-----\n{marker}\n-----END PRIVATE KEY-----\n");
    lab.host
        .file("/etc/shadow", &shadow, 0o640)
        .file("/etc/gshadow", &shadow, 0o640)
        .file("/etc/shadow-", &shadow, 0o600)
        .file("/var/backups/shadow.bak", &shadow, 0o600)
        .file("/srv/copy-of-shadow", &shadow, 0o644)
        .file("/etc/docker/key.pem", &key, 0o400)
        .file("/etc/docker/certs.d/registry:5000/client.key", &key, 0o644)
        .file("/srv/tls/server-key.pem", &key, 0o600)
        .link("/etc/docker/link-to-key.pem", "/etc/docker/key.pem")
        .file(
            "/etc/docker/daemon.json",
            r#"{"tlskey": "/etc/docker/key.pem", "tlscert": "/srv/tls/server-key.pem"}"#,
            0o644,
        );
}

#[test]
fn secret_bytes_reach_no_report_in_any_format() {
    let lab = Lab::new(
        "secret-reads",
        &["secret_reads", "secret_reads_config"],
        false,
    );
    let secret = marker("SECRET");
    plant(&lab, &secret);
    let wide = "hostile-secret-reads";
    let config = "hostile-secret-reads-config";
    let out = lab.run(&[wide, config, TLS], &[]);
    assert!(!out.printed(&secret), "a secret left: {:#}", out.report);
    out.assert_rss_bounded(&lab);

    // Every content read of a secret was refused as a secret...
    let refused: Vec<String> = out.control(wide)["denials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["reason"] == "secret" && d["call"] == "filesystem.read-file")
        .map(|d| d["argument"].as_str().unwrap().to_owned())
        .collect();
    for path in [
        "/etc/shadow",
        "/etc/gshadow",
        "/etc/shadow-",
        "/var/backups/shadow.bak",
        "/srv/copy-of-shadow",
        "/etc/docker/key.pem",
        "/etc/docker/link-to-key.pem -> /etc/docker/key.pem",
        "/etc/docker/certs.d/registry:5000/client.key",
    ] {
        assert!(refused.iter().any(|r| r == path), "{path} in {refused:?}");
    }
    // ... also through the daemon's configuration, which names the key.
    let through_config = out.control(config)["denials"].as_array().unwrap().clone();
    assert!(
        through_config
            .iter()
            .any(|d| d["reason"] == "secret" && d["argument"] == "/srv/tls/server-key.pem"),
        "{through_config:?}"
    );
    // ... while stat answers, and other files are read as before.
    let stat = out.probe(wide, "stat /etc/shadow:");
    assert_eq!(stat["message"], "stat /etc/shadow: mode 0640");
    let daemon_json = out.probe(wide, "read-file /etc/docker/daemon.json:");
    assert_eq!(daemon_json["evidence"]["outcome"], "read");
    // The bundled control judges the key's mode as before.
    assert_eq!(
        status_of(&out.report, TLS, "file:/etc/docker/key.pem"),
        "pass",
        "{:#}",
        out.report
    );

    for format in ["table", "sarif", "junit"] {
        let args = lab.flags("run", &[wide, config], &["--format", format]);
        let run = run_bounded(&args);
        assert!(
            !run.run.stdout.contains(&secret) && !run.run.stderr.contains(&secret),
            "a secret left in {format}"
        );
    }
}

#[test]
fn broad_reads_are_flagged_and_must_be_pinned_by_id() {
    let lab = Lab::new("broad-reads", &["secret_reads"], false);
    let plugin = lab.plugin("secret_reads");
    let inspect = run_bounded(&[
        "plugins".to_owned(),
        "inspect".to_owned(),
        plugin.to_str().unwrap().to_owned(),
    ]);
    assert_eq!(inspect.run.code, 0, "{}", inspect.run.stderr);
    assert!(
        inspect.run.stdout.contains("broad:     reads / "),
        "{}",
        inspect.run.stdout
    );

    // Pinned only by hash, under another id: not enough for a broad reader.
    let sha = crate::support::sha256_of(&plugin);
    let cfg = lab.config(&format!(
        "[trust]\nrequire_pinned = true\n[trust.pins]\nsomething-else = \"{sha}\"\n"
    ));
    let out = lab.run(&[], &["--config", &cfg]);
    out.assert_refused(
        &plugin,
        &["declares broad reads", "pinned under its own id"],
    );

    // Pinned under its own id: it runs.
    let cfg = lab.config(&format!(
        "[trust]\nrequire_pinned = true\n[trust.pins]\nhostile-secret-reads = \"{sha}\"\n"
    ));
    let out = lab.run(&["hostile-secret-reads"], &["--config", &cfg]);
    assert_eq!(out.control("hostile-secret-reads")["status"], "ok");
}
