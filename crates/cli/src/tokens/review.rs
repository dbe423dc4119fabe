//! The commands that only read: `list`, `lint`, `check`, `diff`.

use std::fmt::Write as _;
use std::path::Path;

use influxdb3_permission::Permission;
use influxdb3_token::Timestamp;
use influxdb3_tokenfile::{AskError, Check, FileDiff, LintCount, lint_input};
use serde_json::{Value, json};

use super::input::{input_error, is_stdin, load};
use crate::args::Format;
use crate::diagnostic;
use crate::error::{CliError, Kind};
use crate::output::Outcome;
use crate::output::json_doc as json;
use crate::paint::Paint;
use crate::quote::escape;

/// `tokens list FILE`.
pub(super) fn list(path: &Path, format: Format) -> Result<Outcome, CliError> {
    let mut text = String::new();
    let file = load(path, &mut text)?;
    let listing = file.listing(Timestamp::now());
    if format == Format::Json {
        return Ok(Outcome::ok(json(&listing)));
    }
    let lint = crate::quote::command("influxdb3 tokens lint {}", &[("FILE", path.as_os_str())]);
    Ok(Outcome::ok(listing.for_file(path, &lint).to_string()))
}

/// `tokens lint FILE`: each finding drawn as every diagnostic is (text), or as its
/// object with the token it is about (JSON), then the count.
pub(super) fn lint(path: &Path, strict: bool, format: Format) -> Result<Outcome, CliError> {
    let found = lint_input(path, std::io::stdin().lock(), Timestamp::now())
        .map_err(|e| input_error(path, &e))?;
    let count = LintCount::of(&found);
    // As compilers name the file, so that editors and CI annotations find it.
    let origin = crate::quote::origin(path);
    let diagnostics = found.iter().map(|l| {
        (
            l.diagnostic().clone().with_origin(origin.as_str()),
            l.token(),
        )
    });
    let stdout = if format == Format::Json {
        let findings: Vec<Value> = diagnostics
            .map(|(d, token)| {
                let mut finding = diagnostic::json(&d);
                finding["token"] = json!(token);
                finding
            })
            .collect();
        json(&json!({
            "file": path.display().to_string(),
            "findings": findings,
            "errors": count.errors,
            "warnings": count.warnings,
        }))
    } else {
        let mut out = String::new();
        for (d, _) in diagnostics {
            out.push_str(&diagnostic::render(&d, Paint::On));
            out.push('\n');
        }
        let _ = writeln!(out, "{}: {count}", escape(&origin));
        out
    };
    Ok(Outcome {
        code: u8::from(count.fails(strict)),
        ..Outcome::ok(stdout)
    })
}

/// What `check` asks about (the tokens-file crate's [`Check::asked`]), its error with
/// the shapes that are asked.
fn asked(action: &str, resource: &str) -> Result<Permission, CliError> {
    let shape = "RESOURCE is `db:NAME`, `db:*`, `system:NAME` or `system:*`";
    Check::asked(action, resource).map_err(|e| match &e {
        AskError::Action { source, .. } => CliError::usage(e.to_string())
            .kind(Kind::InvalidAction)
            .hint(
                source
                    .hint()
                    .unwrap_or("create, describe, read, write or delete"),
            ),
        AskError::Permission(source) => {
            let err = CliError::permission("RESOURCE:ACTION", source);
            if source.hint().is_some() {
                err
            } else {
                err.hint(shape)
            }
        }
        _ => CliError::usage(e.to_string())
            .kind(Kind::InvalidResource)
            .hint(shape),
    })
}

/// `tokens check FILE NAME ACTION RESOURCE`.
pub(super) fn check(
    path: &Path,
    name: &str,
    action: &str,
    resource: &str,
    format: Format,
) -> Result<Outcome, CliError> {
    let asked = asked(action, resource)?;
    let mut text = String::new();
    let file = load(path, &mut text)?;
    let entry = file
        .get(name)
        .ok_or_else(|| CliError::no_token(path, name))?;
    let check = entry.check(&asked, Timestamp::now());
    Ok(Outcome {
        code: u8::from(!check.allowed()),
        ..Outcome::ok(crate::output::report(format, &check))
    })
}

/// `tokens diff OLD NEW`.
pub(super) fn diff(
    old_path: &Path,
    new_path: &Path,
    fail_on_widen: bool,
    format: Format,
) -> Result<Outcome, CliError> {
    if is_stdin(old_path) && is_stdin(new_path) {
        return Err(CliError::usage(
            "OLD and NEW cannot both be `-` (standard input)",
        ));
    }
    let (mut old_text, mut new_text) = (String::new(), String::new());
    let old = load(old_path, &mut old_text)?;
    let new = load(new_path, &mut new_text)?;
    let diff = FileDiff::between(&old, &new);
    Ok(Outcome {
        code: u8::from(fail_on_widen && diff.widens()),
        ..Outcome::ok(crate::output::report(format, &diff))
    })
}
