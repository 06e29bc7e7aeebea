//! Where a `bulkhead run` report goes and in which format: the v1 JSON and the table
//! (see [`crate::report`]), SARIF ([`sarif`]), JUnit XML ([`junit`]) and the AWS
//! Security Finding Format ([`asff`]); stdout or a file replaced atomically; and
//! whether the table may use colour.

pub mod asff;
pub mod junit;
pub mod sarif;
mod xml;

use std::fs::OpenOptions;
use std::io::{IsTerminal, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};

use crate::report::Report;
use crate::settings::cli::ReportFormat;

/// What a renderer needs besides the report.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Paint the table's status column.
    pub color: bool,
    /// Where ASFF findings are imported (required for `asff`).
    pub aws: Option<asff::Account>,
    /// When the run happened (SARIF invocation, JUnit timestamp, ASFF times).
    pub now: SystemTime,
    /// The audited machine's name (JUnit `hostname`, SARIF `machine`, ASFF ids).
    pub hostname: String,
}

/// The report in `format`, as bytes ready to write.
pub fn render(
    report: &Report,
    format: ReportFormat,
    opts: &RenderOptions,
) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    render_to(report, format, opts, &mut out)?;
    Ok(out)
}

/// Write the report in `format` to `out` as it is rendered: a report of thousands of
/// containers is tens of megabytes, and is never held whole in memory.
pub fn render_to(
    report: &Report,
    format: ReportFormat,
    opts: &RenderOptions,
    mut out: &mut dyn Write,
) -> anyhow::Result<()> {
    match format {
        ReportFormat::Table => report.write_table(out, opts.color)?,
        ReportFormat::Json => report.write_json(out)?,
        ReportFormat::Sarif => {
            serde_json::to_writer_pretty(
                &mut out,
                &sarif::render(report, opts.now, &opts.hostname),
            )?;
            writeln!(out)?;
        }
        ReportFormat::Junit => junit::write(report, opts, out)?,
        ReportFormat::Asff => {
            let account = opts
                .aws
                .as_ref()
                .context("--format asff needs the AWS account and Region")?;
            let findings = asff::render(report, account, &opts.hostname, opts.now);
            serde_json::to_writer_pretty(&mut out, &findings)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

/// Whether the table gets colour: only on a terminal (not into `--output`, not into a
/// pipe), and never when `NO_COLOR` is set to anything non-empty (no-color.org).
pub fn use_color(to_file: bool) -> bool {
    !to_file
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal()
}

/// The machine's host name, for report identities; `localhost` if it cannot be read.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .and_then(|h| first_name(&h))
        .unwrap_or_else(|| "localhost".to_owned())
}

/// The audited machine's name in the reports: `flag` (`--hostname`) when given; else,
/// when the audited root is not `/`, the first line of its `/etc/hostname` (read under
/// the root: `root_hostname`), so that a host audited from a container or a pod is
/// named by its own file and not by the container's random name; else [`hostname`].
pub fn report_hostname(
    flag: Option<&str>,
    root_is_slash: bool,
    root_hostname: impl FnOnce() -> Option<Vec<u8>>,
) -> anyhow::Result<String> {
    if let Some(name) = flag {
        let trimmed = name.trim();
        if trimmed.is_empty() || trimmed.chars().any(char::is_control) {
            bail!(
                "--hostname {name:?} is not a host name: give a non-empty name without control characters"
            );
        }
        return Ok(trimmed.to_owned());
    }
    if !root_is_slash
        && let Some(name) = root_hostname().and_then(|b| first_name(&String::from_utf8_lossy(&b)))
    {
        return Ok(name);
    }
    Ok(hostname())
}

/// The first line of a hostname file that names something: trimmed, not a comment,
/// without control characters.
fn first_name(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| !l.chars().any(char::is_control))
        .map(str::to_owned)
}

/// The directory `--output FILE` goes into, which must exist: checked before the run so
/// that a typo does not cost a whole audit.
pub fn output_dir(path: &Path) -> anyhow::Result<PathBuf> {
    if path.file_name().is_none() || path.as_os_str().to_string_lossy().ends_with('/') {
        bail!(
            "--output {} names a directory; give a file name",
            path.display()
        );
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        bail!(
            "cannot write --output {}: the directory {} does not exist (create it first)",
            path.display(),
            dir.display()
        );
    }
    if path.is_dir() {
        bail!(
            "--output {} is a directory; give a file name",
            path.display()
        );
    }
    Ok(dir)
}

/// Write `bytes` to `path` atomically (see [`write_atomically_with`]).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomically_with(path, |out| Ok(out.write_all(bytes)?))
}

/// Write what `write` writes to `path` atomically: a new file with mode 0600 (a report
/// lists the host's weaknesses) in the same directory, synced, then renamed over `path`.
/// Readers see the old file or the whole new one, never a part; when `write` fails,
/// `path` is left as it was.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let dir = output_dir(path)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("cannot create a file in {} for --output", dir.display())
                });
            }
        }
    };
    let written = {
        let mut buffered = std::io::BufWriter::new(&mut file);
        write(&mut buffered).and_then(|()| Ok(buffered.flush()?))
    }
    .and_then(|()| Ok(file.sync_all()?))
    .with_context(|| format!("cannot write {}", tmp.display()))
    .and_then(|()| {
        std::fs::rename(&tmp, path)
            .with_context(|| format!("cannot move {} to {}", tmp.display(), path.display()))
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    // Make the rename itself durable; a directory that cannot be synced is no reason
    // to fail a report that is already in place.
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// `t` as an RFC 3339 UTC timestamp with milliseconds, e.g. `2025-01-31T12:00:00.000Z`.
pub fn rfc3339(t: SystemTime) -> String {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Cut `text` to at most `max` bytes on a character boundary, marking the cut with `…`.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    use super::*;

    #[rstest::rstest]
    #[case::epoch(0, "1970-01-01T00:00:00.000Z")]
    #[case::leap_day(951_782_400, "2000-02-29T00:00:00.000Z")]
    #[case::y2038(2_147_483_647, "2038-01-19T03:14:07.000Z")]
    #[case::end_of_year(1_735_689_599, "2024-12-31T23:59:59.000Z")]
    fn timestamps(#[case] secs: u64, #[case] want: &str) {
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(secs)), want);
    }

    #[test]
    fn timestamps_keep_milliseconds() {
        let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20.123Z");
    }

    #[rstest::rstest]
    #[case::short("abc", 10, "abc")]
    #[case::cut("abcdefghij", 6, "abc…")]
    #[case::multibyte("ééééé", 6, "é…")]
    fn truncation(#[case] text: &str, #[case] max: usize, #[case] want: &str) {
        let got = truncate(text, max);
        assert_eq!(got, want);
        assert!(got.len() <= max);
    }

    #[test]
    fn atomic_write_replaces_with_mode_0600_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(
            names.len(),
            1,
            "a temporary file was left behind: {names:?}"
        );
    }

    #[test]
    fn a_report_that_fails_half_written_leaves_the_old_file_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, "old").unwrap();
        let err = write_atomically_with(&path, |out| {
            out.write_all(b"{\"results\": [")?;
            anyhow::bail!("the renderer failed")
        })
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("the renderer failed"),
            "{err:#}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn output_into_a_missing_directory_is_refused_with_its_name() {
        let err = output_dir(Path::new("/nonexistent-bulkhead-dir/r.json")).unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent-bulkhead-dir"),
            "{err}"
        );
        assert!(output_dir(Path::new("/tmp/")).is_err());
        assert_eq!(output_dir(Path::new("r.json")).unwrap(), PathBuf::from("."));
    }

    #[rstest::rstest]
    #[case::flag_wins(Some(" prod-7 "), false, Some("other\n"), "prod-7")]
    #[case::root_file_under_another_root(
        None,
        false,
        Some("# note\n\n  node-3.example \nx\n"),
        "node-3.example"
    )]
    #[case::root_file_ignored_at_slash(None, true, Some("node-3\n"), "@machine")]
    #[case::empty_root_file_falls_back(None, false, Some(" \n# only a comment\n"), "@machine")]
    #[case::missing_root_file_falls_back(None, false, None, "@machine")]
    #[case::control_characters_in_the_file_fall_back(
        None,
        false,
        Some("a\u{1b}[2Jb\n"),
        "@machine"
    )]
    fn the_report_names_the_audited_host(
        #[case] flag: Option<&str>,
        #[case] root_is_slash: bool,
        #[case] file: Option<&str>,
        #[case] want: &str,
    ) {
        let got =
            report_hostname(flag, root_is_slash, || file.map(|f| f.as_bytes().to_vec())).unwrap();
        let want = if want == "@machine" {
            hostname()
        } else {
            want.to_owned()
        };
        assert_eq!(got, want);
    }

    #[rstest::rstest]
    #[case::empty("")]
    #[case::blank("  ")]
    #[case::escape("web\u{1b}[31m")]
    #[case::newline("a\nb")]
    fn a_bad_hostname_flag_is_refused(#[case] flag: &str) {
        let err = report_hostname(Some(flag), true, || None).unwrap_err();
        assert!(err.to_string().contains("--hostname"), "{err}");
    }
}

/// A report with every status, a waived and an expired-waiver result, and markup in
/// its evidence, for the renderers' unit tests.
#[cfg(test)]
pub(crate) mod test_support {

    use crate::report::{ControlEntry, Report, ResultEntry, WaiverNote};
    use crate::sandbox::catalog::Source;

    use super::RenderOptions;

    fn control(id: &str, title: &str) -> ControlEntry {
        ControlEntry {
            id: id.into(),
            title: title.into(),
            version: "0.1.0".into(),
            source: Source::Bundled,
            sha256: "00".repeat(32),
            references: vec![format!(
                "CIS Docker Benchmark v1.6.0 {}",
                if id.starts_with("docker") {
                    "3.14"
                } else {
                    "5.4"
                }
            )],
            items: Vec::new(),
            severity: "high",
            description: format!("{title}."),
            rationale: "An attacker could use it.".into(),
            remediation: "chmod 400 the key".into(),
            status: crate::report::status::Ran::Ok,
            error: None,
            duration_ms: 12,
            denials: Vec::new(),
            log: Vec::new(),
            docker_host: None,
        }
    }

    fn result(
        control: &str,
        target: &str,
        status: &'static str,
        waiver: Option<(bool, &str)>,
    ) -> ResultEntry {
        let evidence = [("mode".to_owned(), "0644 <script>".to_owned())]
            .into_iter()
            .collect();
        ResultEntry {
            control: control.into(),
            target: target.into(),
            status: status.parse().unwrap(),
            message: format!("{target} is {status}"),
            evidence,
            waiver: waiver.map(|(active, why)| {
                Box::new(WaiverNote {
                    justification: why.into(),
                    expires: if active { "2999-12-31" } else { "2000-01-01" }.into(),
                    active,
                })
            }),
            docker_host: None,
        }
    }

    /// Two controls; results: fail, waived fail, warn with an expired waiver, pass,
    /// skip, error.
    pub(crate) fn sample() -> Report {
        const TLS: &str = "docker-tls-key-permissions";
        const RAW: &str = "container-net-raw-dropped";
        let mut r = Report::new("audit", "/".into(), "unix:///var/run/docker.sock".into());
        r.controls = vec![
            control(TLS, "TLS key is mode 400"),
            control(RAW, "Containers run without CAP_NET_RAW"),
        ];
        r.results = vec![
            result(TLS, "file:/etc/docker/key.pem", "fail", None),
            result(RAW, "container:web", "fail", Some((true, "lab machine"))),
            result(RAW, "container:db", "warn", Some((false, "old"))),
            result(RAW, "container:api", "pass", None),
            result(TLS, "host", "skip", None),
            result(RAW, "host", "error", None),
        ];
        r.finish();
        r
    }

    /// Rendering options fixed for tests.
    pub(crate) fn options() -> RenderOptions {
        RenderOptions {
            color: false,
            aws: None,
            now: std::time::UNIX_EPOCH,
            hostname: "web-01".into(),
        }
    }
}
