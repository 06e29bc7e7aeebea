//! One line of a rule file, read as auditctl reads it: which rule it adds or deletes.

use super::rules::{Action, Command, List, Origin, Rule, Scope};

/// What one line asks of auditctl, or `None` when it loads or deletes no rule (or auditctl
/// would refuse it).
pub(super) fn command(origin: Origin) -> Option<Command> {
    enum Op {
        Add { front: bool },
        Delete,
        DeleteAll,
    }
    let words: Vec<&str> = origin.text.split_whitespace().collect();
    let mut op = None;
    let mut kind = None;
    let mut watch = None;
    let mut perms = None;
    let mut syscalls = Vec::new();
    let mut fields = Vec::new();
    let mut keys = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let value = words.get(i + 1).copied();
        // How many words this option took, or `None` when auditctl would refuse the line.
        let took = match words[i] {
            "-a" | "-A" | "-d" => {
                let new = match words[i] {
                    "-d" => Op::Delete,
                    front => Op::Add {
                        front: front == "-A",
                    },
                };
                kind = Some(list_action(value?)?);
                op.replace(new).is_none().then_some(2)
            }
            "-w" | "-W" => {
                let new = match words[i] {
                    "-W" => Op::Delete,
                    _ => Op::Add { front: false },
                };
                kind = Some((List::Exit, Action::Always));
                let path = clean(value?);
                // auditctl(8): "You cannot insert a watch to the top level directory".
                let valid = path != "/" && path.starts_with('/');
                (valid && op.replace(new).is_none() && watch.replace(Scope::Watch(path)).is_none())
                    .then_some(2)
            }
            "-D" => op.replace(Op::DeleteAll).is_none().then_some(1),
            "-p" => perms.replace(perm(value?)?).is_none().then_some(2),
            "-k" => {
                keys.push(value?.to_owned());
                Some(2)
            }
            "-S" => {
                syscalls.extend(value?.split(',').map(str::to_owned));
                Some(2)
            }
            "-C" => {
                fields.push(format!("-C {}", value?));
                Some(2)
            }
            "-F" => {
                let (name, relation, field) = field(value?)?;
                let fresh = match name {
                    "path" | "dir" if relation != "=" => false,
                    "path" => watch.replace(Scope::Path(clean(field))).is_none(),
                    "dir" => watch.replace(Scope::Dir(clean(field))).is_none(),
                    "key" => {
                        keys.push(field.to_owned());
                        true
                    }
                    "perm" => perms.replace(perm(field)?).is_none(),
                    _ => {
                        fields.push(format!("{name}{relation}{field}"));
                        true
                    }
                };
                fresh.then_some(2)
            }
            // Not a rule: -b, -e, -f, -r, --backlog_wait_time ...
            word if word.starts_with('-') && op.is_none() => None,
            _ => Some(1),
        };
        i += took?;
    }
    let front = match op? {
        Op::DeleteAll => {
            return Some(Command::DeleteAll {
                key: keys.into_iter().next(),
            });
        }
        Op::Add { front } => Some(front),
        Op::Delete => None,
    };
    let (list, action) = kind?;
    // Paths only exist on the exit list (auditctl(8), `path`, `dir`, `-w`).
    if watch.is_some() && list != List::Exit {
        return None;
    }
    if let Some(Scope::Watch(_)) = watch {
        perms.get_or_insert_with(|| "rwxa".to_owned());
    }
    if let Some(perms) = perms {
        fields.push(format!("perm={perms}"));
    }
    if list == List::Exit && (syscalls.is_empty() || syscalls.iter().any(|s| s == "all")) {
        syscalls = vec!["all".to_owned()];
    }
    syscalls.sort();
    syscalls.dedup();
    fields.sort();
    keys.sort();
    let rule = Rule {
        list,
        action,
        syscalls,
        fields,
        keys,
        watch,
        origin,
    };
    Some(match front {
        Some(front) => Command::Add { rule, front },
        None => Command::Delete(rule),
    })
}

/// `exit,always`, `never,task` ...: either order, one of each.
fn list_action(word: &str) -> Option<(List, Action)> {
    let (a, b) = word.split_once(',')?;
    let action = |w: &str| match w {
        "always" => Some(Action::Always),
        "never" => Some(Action::Never),
        _ => None,
    };
    let list = |w: &str| match w {
        "task" => Some(List::Task),
        "exit" => Some(List::Exit),
        "user" | "exclude" | "filesystem" | "io_uring" => Some(List::Other),
        _ => None,
    };
    match (list(a), action(b)) {
        (Some(l), Some(act)) => Some((l, act)),
        _ => Some((list(b)?, action(a)?)),
    }
}

/// `-F name<op>value`, split; the value without quotes.
fn field(text: &str) -> Option<(&str, &'static str, &str)> {
    const OPS: [&str; 8] = ["!=", "<=", ">=", "&=", "=", "<", ">", "&"];
    let at = text.find(['=', '!', '<', '>', '&'])?;
    let (name, rest) = text.split_at(at);
    let op = OPS.into_iter().find(|op| rest.starts_with(op))?;
    let value = rest[op.len()..].trim_matches(|c| c == '"' || c == '\'');
    (!name.is_empty()).then_some((name, op, value))
}

/// Permissions `r`, `w`, `x`, `a` in any order and repetition, as the kernel's bit set.
fn perm(text: &str) -> Option<String> {
    let text = text.trim_matches(|c| c == '"' || c == '\'');
    if text.is_empty() || !text.chars().all(|c| "rwxa".contains(c)) {
        return None;
    }
    Some("rwxa".chars().filter(|c| text.contains(*c)).collect())
}

/// A watched path without quotes or a trailing slash (but `/` stays `/`).
fn clean(path: &str) -> String {
    let path = path.trim_matches(|c| c == '"' || c == '\'');
    match path.trim_end_matches('/') {
        "" => "/".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}
