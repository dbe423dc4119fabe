//! Shell completion: the registration scripts (`clap_complete`'s dynamic engine, which asks
//! this binary for candidates as the user types) and the completer of `--permission`,
//! which knows the grammar.

use std::ffi::OsStr;
use std::io::Write;

use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

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

/// Candidates for a `--permission` value being typed, as the grammar offers them
/// ([`influxdb3_permission::completions`]).
pub(crate) fn permission(current: &OsStr) -> Vec<CompletionCandidate> {
    current
        .to_str()
        .map(influxdb3_permission::completions)
        .unwrap_or_default()
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}
