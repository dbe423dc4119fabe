//! Shell completion: the registration scripts (`clap_complete`'s dynamic engine, which asks
//! this binary for candidates as the user types) and the completer of `--permission`,
//! which knows the grammar.

use std::ffi::OsStr;
use std::io::Write;

use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
use influxdb3_permission::{Action, Permission, SystemResource};

/// The shells `completions` writes for.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

/// The environment variable that asks the binary for completions.
pub(crate) const VAR: &str = "COMPLETE";

/// Writes the script that registers completion for `shell`.
pub(crate) fn registration(shell: Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Powershell => &Powershell,
        Shell::Elvish => &Elvish,
    };
    if shell != Shell::Bash {
        return completer.write_registration(VAR, "influxdb3", "influxdb3", "influxdb3", out);
    }
    let mut script = Vec::new();
    completer.write_registration(VAR, "influxdb3", "influxdb3", "influxdb3", &mut script)?;
    out.write_all(escaping_bash(&String::from_utf8_lossy(&script)).as_bytes())
}

/// The lines of `clap_complete`'s bash function that [`escaping_bash`] rewrites.
const BASH_FILL: &str = "    COMPREPLY=( $( \\\n";
const BASH_CHECK: &str = "    if [[ $? != 0 ]]; then\n";

/// `clap_complete`'s bash script, made safe for any file name: bash inserts what
/// `COMPREPLY` holds as it is, so a candidate `my file.json` would become two words and
/// `$(id).json` a command; and the unquoted `$( … )` that fills it would expand a
/// candidate's `*` against the current directory. The candidates are read with
/// globbing off and each is quoted with `printf %q`. A script whose shape is not the
/// expected one is returned unchanged (a unit test pins the shape).
fn escaping_bash(script: &str) -> String {
    if !script.contains(BASH_FILL) || !script.contains(BASH_CHECK) {
        return script.to_owned();
    }
    script
        .replacen(
            BASH_FILL,
            &format!(
                "    local _influxdb3_glob=1\n    [[ $- == *f* ]] && _influxdb3_glob=0\n    set -f\n{BASH_FILL}"
            ),
            1,
        )
        .replacen(
            BASH_CHECK,
            "    local _influxdb3_status=$? _influxdb3_i\n    (( _influxdb3_glob )) && set +f\n    for _influxdb3_i in \"${!COMPREPLY[@]}\"; do\n        printf -v \"COMPREPLY[$_influxdb3_i]\" %q \"${COMPREPLY[$_influxdb3_i]}\"\n    done\n    if [[ $_influxdb3_status != 0 ]]; then\n",
            1,
        )
}

/// Candidates for a `--permission` value being typed: the resource type, then `*` or
/// (for `system`) the endpoints, then the actions the type has, each completing the
/// last item of a `,` list.
pub(crate) fn permission(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(current) = current.to_str() else {
        return Vec::new();
    };
    let parts: Vec<&str> = current.split(':').collect();
    let words: Vec<String> = match parts.as_slice() {
        [ty] => ["db:", "system:"]
            .iter()
            .filter(|w| w.starts_with(ty))
            .map(|w| (*w).to_owned())
            .collect(),
        [ty, names] => {
            let choices: Vec<String> = match *ty {
                "db" if names.is_empty() => vec!["*".to_owned()],
                "system" => std::iter::once("*".to_owned())
                    .chain(SystemResource::all().iter().map(ToString::to_string))
                    .collect(),
                // Database names are the user's: nothing to offer.
                _ => vec![],
            };
            let choices: Vec<&str> = choices.iter().map(String::as_str).collect();
            let mut words = last_item(&format!("{ty}:"), names, &choices, ":");
            // A database name the user typed: move on to the actions.
            if *ty == "db" && !names.is_empty() && !names.ends_with(',') {
                words.push(format!("{current}:"));
            }
            words
        }
        [ty, names, actions] => {
            // The actions the grammar takes for this type, as it words them.
            let choices: Vec<String> = Action::all()
                .iter()
                .map(ToString::to_string)
                .filter(|a| format!("{ty}:*:{a}").parse::<Permission>().is_ok())
                .collect();
            let choices: Vec<&str> = choices.iter().map(String::as_str).collect();
            last_item(&format!("{ty}:{names}:"), actions, &choices, "")
        }
        _ => Vec::new(),
    };
    words.into_iter().map(CompletionCandidate::new).collect()
}

/// `prefix` + the list `typed` with its last item completed from `choices` (items
/// already in the list left out), each followed by `then`.
fn last_item(prefix: &str, typed: &str, choices: &[&str], then: &str) -> Vec<String> {
    let (done, last) = typed.rsplit_once(',').map_or(("", typed), |(d, l)| (d, l));
    let done_items: Vec<&str> = done.split(',').filter(|i| !i.is_empty()).collect();
    let head = if done.is_empty() {
        prefix.to_owned()
    } else {
        format!("{prefix}{done},")
    };
    choices
        .iter()
        .filter(|c| c.starts_with(last) && !done_items.contains(c))
        // `*` stands alone.
        .filter(|c| **c != "*" || done.is_empty())
        .map(|c| format!("{head}{c}{then}"))
        .collect()
}
