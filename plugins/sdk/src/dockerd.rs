//! Reading dockerd options: the daemon's command line and its `daemon.json`.
//!
//! dockerd takes most options either as a flag (`--tlskey /path`) or as a key of its JSON
//! configuration file (`"tlskey": "/path"` in `/etc/docker/daemon.json`, or the file named by
//! `--config-file`). [`CommandLine`] and [`DaemonJson`] answer "what is option X set to" for
//! each source; [`crate::daemon`] loads both for every running daemon.
//!
//! Command-line syntax follows the flag parser dockerd uses (spf13/pflag), widened to what Go's
//! standard `flag` package accepts too:
//!
//! - `--name value`, `--name=value`, and the single-dash `-name value` / `-name=value`;
//! - boolean flags as `--name` (true) or `--name=true|false` (any spelling Go's
//!   `strconv.ParseBool` takes: `1`, `t`, `TRUE`, `0`, `f`, `False`, ...);
//! - dockerd's one-letter shorthands (`-H` for `--host`, `-D` for `--debug`, ...), also in
//!   clusters (`-DH unix:///run/docker.sock`) and attached (`-Htcp://...`);
//! - a bare `--` ends the options; when a flag is repeated, the last value wins for
//!   single-valued options ([`CommandLine::value`]), and all count for lists
//!   ([`CommandLine::values`]).

use serde_json::{Map, Value};
use std::fmt;

/// The configuration file dockerd reads when no `--config-file` is given.
pub const DEFAULT_CONFIG_FILE: &str = "/etc/docker/daemon.json";

/// dockerd's one-letter shorthands: (long name, shorthand, whether it is a boolean flag).
const SHORTHANDS: [(&str, char, bool); 8] = [
    ("host", 'H', false),
    ("debug", 'D', true),
    ("group", 'G', false),
    ("log-level", 'l', false),
    ("bridge", 'b', false),
    ("pidfile", 'p', false),
    ("graph", 'g', false),
    ("storage-driver", 's', false),
];

/// A daemon's command line, parsed lazily per option.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandLine {
    /// The arguments after `argv[0]`.
    args: Vec<String>,
}

/// One occurrence of a flag: its inline value (`--name=value`), if any, and the index of the
/// token that holds it.
struct Occurrence<'a> {
    inline: Option<&'a str>,
    index: usize,
    /// Whether a following token may hold the value (not for `-D` inside a cluster like `-DH`).
    can_take_next: bool,
}

impl CommandLine {
    /// A command line as the process table gives it, `argv[0]` first.
    pub fn new<S: AsRef<str>>(argv: &[S]) -> Self {
        let args = argv.iter().skip(1).map(|a| a.as_ref().to_owned()).collect();
        CommandLine { args }
    }

    /// Every value given to the option `name` (long name, without dashes), in order.
    pub fn values(&self, name: &str) -> Vec<&str> {
        self.occurrences(name)
            .into_iter()
            .filter_map(|occ| match occ.inline {
                Some(value) => Some(value),
                None if occ.can_take_next => self.args.get(occ.index + 1).map(String::as_str),
                None => None,
            })
            .collect()
    }

    /// The value of the single-valued option `name`: the last one given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values(name).pop()
    }

    /// The boolean flag `name`: `Some(true)` for `--name`, the parsed value for
    /// `--name=value`, `None` when absent (or unparsable, which dockerd itself refuses).
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.occurrences(name)
            .into_iter()
            .map(|occ| occ.inline.map_or(Some(true), parse_go_bool))
            .next_back()
            .flatten()
    }

    /// Whether the option `name` appears at all.
    pub fn has(&self, name: &str) -> bool {
        !self.occurrences(name).is_empty()
    }

    /// The configuration file this daemon reads: `--config-file`, or
    /// [`DEFAULT_CONFIG_FILE`].
    pub fn config_file(&self) -> &str {
        self.value("config-file").unwrap_or(DEFAULT_CONFIG_FILE)
    }

    fn occurrences(&self, name: &str) -> Vec<Occurrence<'_>> {
        let short = SHORTHANDS
            .iter()
            .find(|(long, ..)| *long == name)
            .map(|s| s.1);
        let mut found = Vec::new();
        let mut i = 0;
        while i < self.args.len() {
            let token = self.args[i].as_str();
            if token == "--" {
                break;
            }
            let body = token
                .strip_prefix("--")
                .or_else(|| token.strip_prefix('-'))
                .filter(|b| !b.is_empty() && !b.starts_with('-'));
            if let Some(body) = body {
                let (flag, inline) = match body.split_once('=') {
                    Some((flag, value)) => (flag, Some(value)),
                    None => (body, None),
                };
                if flag == name {
                    found.push(Occurrence {
                        inline,
                        index: i,
                        can_take_next: true,
                    });
                } else if !token.starts_with("--")
                    && let Some(occ) = shorthand(body, short, i)
                {
                    found.push(occ);
                }
            }
            i += 1;
        }
        found
    }
}

/// Find shorthand `short` in a single-dash cluster such as `D`, `H`, `DH`, `Htcp://x` or
/// `H=tcp://x`, the way pflag reads it: boolean shorthands may be followed by more
/// shorthands, any other shorthand takes the rest of the token (or the next token) as value.
fn shorthand(cluster: &str, short: Option<char>, index: usize) -> Option<Occurrence<'_>> {
    let short = short?;
    for (at, c) in cluster.char_indices() {
        let rest = &cluster[at + c.len_utf8()..];
        let known = SHORTHANDS.iter().find(|s| s.1 == c)?;
        if c == short && known.2 {
            // `-D`, `-DH ...` or `-D=false`: more shorthands may follow, never a value.
            let inline = rest.strip_prefix('=');
            return Some(Occurrence {
                inline,
                index,
                can_take_next: false,
            });
        }
        if c == short {
            let inline = rest.strip_prefix('=').unwrap_or(rest);
            let inline = (!inline.is_empty()).then_some(inline);
            return Some(Occurrence {
                inline,
                index,
                can_take_next: rest.is_empty(),
            });
        }
        if !known.2 {
            return None; // a value-taking shorthand swallows the rest of the token
        }
    }
    None
}

/// Parse a boolean as Go's `strconv.ParseBool` does.
pub fn parse_go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Strip one pair of matching surrounding quotes, as dockerd does for path flags such as
/// `--tlskey="/etc/docker/key.pem"` written into a unit file without a shell.
pub fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

/// Why a `daemon.json` could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonJsonError(pub String);

impl fmt::Display for DaemonJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DaemonJsonError {}

/// A parsed dockerd configuration file (`daemon.json`): a JSON object of options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DaemonJson(Map<String, Value>);

impl DaemonJson {
    /// Parse the text of a `daemon.json` the way dockerd accepts it: a JSON object, or an
    /// empty (whitespace-only) file meaning no options; a UTF-8 byte-order mark is ignored.
    pub fn parse(text: &str) -> Result<Self, DaemonJsonError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim();
        if text.is_empty() {
            return Ok(DaemonJson::default());
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Ok(DaemonJson(map)),
            Ok(other) => Err(DaemonJsonError(format!(
                "not a JSON object (found {})",
                json_kind(&other)
            ))),
            Err(err) => Err(DaemonJsonError(format!("not valid JSON: {err}"))),
        }
    }

    /// Parse raw file bytes; invalid UTF-8 is an error.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Self, DaemonJsonError> {
        let text = std::str::from_utf8(bytes)
            .map_err(|err| DaemonJsonError(format!("not valid UTF-8: {err}")))?;
        DaemonJson::parse(text)
    }

    /// The raw value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// The value of `key` when it is a string.
    pub fn string(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    /// The value of `key` when it is a boolean.
    pub fn bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(Value::as_bool)
    }

    /// The strings of `key` when it is an array (non-strings skipped) or a single string.
    pub fn strings(&self, key: &str) -> Vec<&str> {
        match self.get(key) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(one)) => vec![one.as_str()],
            _ => Vec::new(),
        }
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn cmd(line: &str) -> CommandLine {
        let argv: Vec<&str> = line.split_whitespace().collect();
        CommandLine::new(&argv)
    }

    #[rstest]
    #[case::separate("dockerd --tlskey /k.pem", Some("/k.pem"))]
    #[case::equals("dockerd --tlskey=/k.pem", Some("/k.pem"))]
    #[case::single_dash("dockerd -tlskey /k.pem", Some("/k.pem"))]
    #[case::single_dash_equals("dockerd -tlskey=/k.pem", Some("/k.pem"))]
    #[case::last_wins("dockerd --tlskey=/a --tlskey /b", Some("/b"))]
    #[case::among_others("dockerd -H fd:// --tlsverify --tlskey /k --debug", Some("/k"))]
    #[case::absent("dockerd --tlscert /c.pem", None)]
    #[case::prefix_is_not_a_match("dockerd --tlskeyfile /x", None)]
    #[case::after_terminator("dockerd -- --tlskey /k", None)]
    #[case::missing_value("dockerd --tlskey", None)]
    #[case::empty_value("dockerd --tlskey=", Some(""))]
    #[case::triple_dash("dockerd ---tlskey /k", None)]
    fn tlskey_value(#[case] line: &str, #[case] expected: Option<&str>) {
        assert_eq!(cmd(line).value("tlskey"), expected);
    }

    #[rstest]
    #[case::bare("dockerd --tlsverify", Some(true))]
    #[case::single_dash("dockerd -tlsverify", Some(true))]
    #[case::explicit_true("dockerd --tlsverify=true", Some(true))]
    #[case::go_one("dockerd --tlsverify=1", Some(true))]
    #[case::explicit_false("dockerd --tlsverify=false", Some(false))]
    #[case::go_capital_f("dockerd --tlsverify=F", Some(false))]
    #[case::last_wins("dockerd --tlsverify --tlsverify=false", Some(false))]
    #[case::absent("dockerd --tls", None)]
    #[case::garbage("dockerd --tlsverify=maybe", None)]
    #[case::after_terminator("dockerd -- --tlsverify", None)]
    fn tlsverify_flag(#[case] line: &str, #[case] expected: Option<bool>) {
        assert_eq!(cmd(line).flag("tlsverify"), expected);
    }

    #[rstest]
    #[case::default("dockerd", "/etc/docker/daemon.json")]
    #[case::separate("dockerd --config-file /srv/d.json", "/srv/d.json")]
    #[case::equals("dockerd --config-file=/srv/d.json", "/srv/d.json")]
    fn config_file(#[case] line: &str, #[case] expected: &str) {
        assert_eq!(cmd(line).config_file(), expected);
    }

    #[rstest]
    #[case::long("dockerd --host unix:///r.sock --host=tcp://0:2376", &["unix:///r.sock", "tcp://0:2376"])]
    #[case::short("dockerd -H fd://", &["fd://"])]
    #[case::attached("dockerd -Htcp://0:2375", &["tcp://0:2375"])]
    #[case::short_equals("dockerd -H=tcp://0:2375", &["tcp://0:2375"])]
    #[case::cluster_after_bool("dockerd -DH tcp://0:2375", &["tcp://0:2375"])]
    #[case::cluster_swallowed("dockerd -GH docker", &[])]
    fn host_values(#[case] line: &str, #[case] expected: &[&str]) {
        assert_eq!(cmd(line).values("host"), expected);
    }

    #[rstest]
    #[case::short("dockerd -D", Some(true))]
    #[case::cluster("dockerd -DH fd://", Some(true))]
    #[case::long("dockerd --debug=false", Some(false))]
    #[case::short_equals("dockerd -D=false", Some(false))]
    #[case::not_in_value_cluster("dockerd -HD", None)]
    fn debug_flag(#[case] line: &str, #[case] expected: Option<bool>) {
        assert_eq!(cmd(line).flag("debug"), expected);
    }

    #[rstest]
    #[case::short("dockerd -s aufs", Some("aufs"))]
    #[case::attached("dockerd -saufs", Some("aufs"))]
    #[case::long("dockerd --storage-driver=overlay2", Some("overlay2"))]
    fn storage_driver_shorthand(#[case] line: &str, #[case] expected: Option<&str>) {
        assert_eq!(cmd(line).value("storage-driver"), expected);
    }

    #[rstest]
    #[case::double("\"/k.pem\"", "/k.pem")]
    #[case::single("'/k.pem'", "/k.pem")]
    #[case::plain("/k.pem", "/k.pem")]
    #[case::unbalanced("\"/k.pem", "\"/k.pem")]
    fn unquotes(#[case] value: &str, #[case] expected: &str) {
        assert_eq!(unquote(value), expected);
    }

    #[test]
    fn daemon_json_lookups() {
        let json = DaemonJson::parse(
            r#"{"tlskey": "/k.pem", "tlsverify": true, "hosts": ["fd://", "tcp://0:2376"], "n": 3}"#,
        )
        .unwrap();
        assert_eq!(json.string("tlskey"), Some("/k.pem"));
        assert_eq!(json.bool("tlsverify"), Some(true));
        assert_eq!(json.bool("tls"), None);
        assert_eq!(json.string("n"), None);
        assert_eq!(json.strings("hosts"), ["fd://", "tcp://0:2376"]);
        assert_eq!(json.strings("tlskey"), ["/k.pem"]);
    }

    #[rstest]
    #[case::empty("")]
    #[case::whitespace(" \n ")]
    #[case::empty_object("{}")]
    #[case::bom("\u{feff}{}")]
    fn daemon_json_accepts(#[case] text: &str) {
        assert_eq!(DaemonJson::parse(text).unwrap(), DaemonJson::default());
    }

    #[rstest]
    #[case::truncated(r#"{"tlskey": "/k.pem""#, "not valid JSON")]
    #[case::trailing_comma(r#"{"tls": true,}"#, "not valid JSON")]
    #[case::array("[]", "not a JSON object (found an array)")]
    #[case::string(r#""x""#, "not a JSON object (found a string)")]
    fn daemon_json_rejects(#[case] text: &str, #[case] expected: &str) {
        let err = DaemonJson::parse(text).unwrap_err();
        assert!(err.0.starts_with(expected), "{err}");
    }

    #[test]
    fn daemon_json_rejects_invalid_utf8() {
        assert!(DaemonJson::parse_bytes(b"{\"a\": \"\xff\"}").is_err());
    }
}
