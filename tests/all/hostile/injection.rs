//! Output injection: a control's text, a plugin file's name and a file's name carry
//! terminal escapes, carriage returns, C1 controls, bidirectional overrides and
//! invisible characters; no human output of any command may carry one of them.

use super::*;

/// What a person's terminal must never receive from bulkhead: control characters but
/// the line feed (ESC, CR, BEL, BS, DEL and C1 among them), and the bidirectional and
/// invisible characters that make a line read differently from what it holds.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{feff}'
        )
}

/// Fail unless every character `command` printed (stdout and stderr) is allowed.
fn assert_clean(command: &str, run: &Run) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let bad: Vec<String> = text
            .chars()
            .filter(|&c| forbidden(c))
            .map(|c| format!("U+{:04X}", u32::from(c)))
            .collect();
        assert!(
            bad.is_empty(),
            "`{command}` printed {} forbidden characters on {stream} ({:?}):\n{text}",
            bad.len(),
            &bad[..bad.len().min(10)]
        );
    }
}

/// The file the injection control fails and fixes (its name is hostile too).
const KEY: &str = "/etc/docker/inj\u{1b}[2J\u{202e}key.pem";

#[test]
fn no_human_output_of_any_command_carries_hostile_characters() {
    let lab = Lab::new("output-injection", &["output_injection"], false);
    lab.host.file(KEY, "not a key", 0o644);
    // The plugin file's own name is hostile too: listings show it as the source.
    let hostile_name = lab
        .plugins
        .path()
        .join("inj\u{1b}[31m\u{202e}\u{200b}.wasm");
    std::fs::rename(lab.plugin("output_injection"), &hostile_name).unwrap();
    let id = "hostile-output-injection";
    let journal = tempfile::tempdir().unwrap();
    let jdir = journal.path().to_str().unwrap();

    let commands: Vec<(&str, Vec<String>)> = vec![
        ("run", lab.flags("run", &[], &[])),
        ("controls", lab.flags("controls", &[], &[])),
        ("plugins list", {
            let mut a = vec!["plugins".to_owned()];
            a.extend(lab.flags("list", &[], &[]));
            a.retain(|f| f != "--timeout" && f != TIMEOUT_SECS);
            a
        }),
        (
            "plugins inspect",
            vec![
                "plugins".to_owned(),
                "inspect".to_owned(),
                hostile_name.to_str().unwrap().to_owned(),
            ],
        ),
        ("fix", lab.flags("fix", &[id], &[])),
        (
            "fix --apply",
            lab.flags("fix", &[id], &["--apply", "--journal", jdir]),
        ),
        (
            "rollback",
            vec![
                "rollback".to_owned(),
                "--last".to_owned(),
                "--journal".to_owned(),
                jdir.to_owned(),
            ],
        ),
    ];
    for (name, args) in &commands {
        let out = run_bounded(args);
        assert!(
            !out.run.stderr.contains("panicked"),
            "`{name}` panicked: {}",
            out.run.stderr
        );
        assert_clean(name, &out.run);
        assert!(
            !out.run.stdout.contains("\nAPPLIED  forged"),
            "`{name}` printed a forged row:\n{}",
            out.run.stdout
        );
    }

    // The commands did run the control: its rows are there, cleaned.
    let table = run_bounded(&lab.flags("run", &[id], &[])).run.stdout;
    assert!(table.contains("hostile-output-injection"), "{table}");
    assert!(
        table.contains("APPLIED  forged"),
        "the text is shown, made safe: {table}"
    );
    let applied = run_bounded(&lab.flags("fix", &[id], &["--apply", "--journal", jdir]));
    assert!(
        applied.run.stdout.contains("APPLIED"),
        "{}",
        applied.run.stdout
    );
    assert_eq!(
        lab.host.mode(KEY),
        0o400,
        "the fix of its own target was made"
    );

    // The JSON report keeps the text exactly, escaped as JSON.
    let out = lab.run(&[id], &[]);
    let result = out
        .results(id)
        .into_iter()
        .find(|r| r["target"] == format!("file:{KEY}"))
        .unwrap_or_else(|| panic!("{:#}", out.report));
    assert!(
        result["message"]
            .as_str()
            .unwrap()
            .starts_with("\r\u{1b}[2K")
    );
    assert!(out.run.stdout.contains("\\u001b[2K"), "JSON escapes ESC");
}

#[test]
fn machine_formats_stay_valid_with_hostile_text() {
    let lab = Lab::new("injection-formats", &["output_injection"], false);
    lab.host.file(KEY, "not a key", 0o644);
    let id = "hostile-output-injection";
    for format in ["sarif", "junit"] {
        let args = lab.flags("run", &[id], &["--format", format]);
        let out = run_bounded(&args);
        assert_eq!(out.run.code, 1, "{}", out.run.stderr);
        match format {
            "sarif" => {
                let doc: Value = serde_json::from_str(&out.run.stdout).expect("SARIF is JSON");
                assert_eq!(doc["version"], "2.1.0");
            }
            _ => {
                // XML 1.0 allows no C0 control but tab, newline and carriage return;
                // the writer replaces the others and writes carriage returns as
                // character references, so none reaches the document raw.
                let raw = out
                    .run
                    .stdout
                    .chars()
                    .filter(|&c| c < ' ' && c != '\n' && c != '\t')
                    .count();
                assert_eq!(raw, 0, "{}", out.run.stdout);
                assert!(out.run.stdout.contains("APPLIED  forged"));
            }
        }
    }
}
