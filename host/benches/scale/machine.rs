//! The machine the numbers come from: CPUs, memory, kernel, Docker, rustc, the commit,
//! the date and the load, as the report states them.

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use bollard::Docker;

/// The machine the numbers come from.
pub struct Machine {
    pub cpus: usize,
    pub cpu_model: String,
    pub memory: String,
    pub kernel: String,
    pub docker: String,
    pub rustc: String,
    pub date: String,
    pub commit: String,
    /// The size of the bulkhead binary measured; 0 when it cannot be read.
    pub binary_bytes: u64,
}

impl Machine {
    /// Describe this machine; what cannot be read says `unknown`.
    pub async fn describe(docker: &Docker) -> Machine {
        let unknown = || "unknown".to_owned();
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let field = |text: &str, key: &str| {
            text.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        };
        let memory = field(&read("/proc/meminfo"), "MemTotal")
            .and_then(|v| v.trim_end_matches(" kB").trim().parse::<f64>().ok())
            .map(|kib| format!("{:.1} GiB", kib / (1024.0 * 1024.0)))
            .unwrap_or_else(unknown);
        let docker = match docker.version().await {
            Ok(v) => format!(
                "{} (API {})",
                v.version.unwrap_or_else(unknown),
                v.api_version.unwrap_or_else(unknown)
            ),
            Err(_) => unknown(),
        };
        let dirty = tool(&["git", "status", "--porcelain"]).is_some_and(|s| !s.is_empty());
        let commit = tool(&["git", "rev-parse", "--short", "HEAD"])
            .map(|c| {
                if dirty {
                    format!("{c} with uncommitted changes")
                } else {
                    c
                }
            })
            .unwrap_or_else(unknown);
        Machine {
            cpus: std::thread::available_parallelism().map_or(0, |n| n.get()),
            cpu_model: field(&cpuinfo, "model name").unwrap_or_else(unknown),
            memory,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
            docker,
            rustc: tool(&["rustc", "--version"]).unwrap_or_else(unknown),
            date: utc_now(),
            commit,
            binary_bytes: std::fs::metadata(env!("CARGO_BIN_EXE_bulkhead")).map_or(0, |m| m.len()),
        }
    }
}

/// The trimmed stdout of a command run in the workspace, if it succeeds.
fn tool(argv: &[&str]) -> Option<String> {
    let out = Command::new(argv[0])
        .args(&argv[1..])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Now, as `YYYY-MM-DD HH:MM UTC` (civil-from-days, proleptic Gregorian).
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64 + 719_468;
    let (era, doe) = (days.div_euclid(146_097), days.rem_euclid(146_097));
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let rem = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// The 1-minute load average, from `/proc/loadavg`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}
