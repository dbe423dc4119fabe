//! `influxdb3 tokens …` as a user runs it, for what the case files cannot pin: file
//! modes, files left untouched, and answers against `*`.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

mod common;

use common::{influxdb3, run, text};

fn tokens(args: &[&str]) -> (Option<i32>, String, String) {
    let out = run(&mut influxdb3(&[&["tokens"], args].concat()));
    assert_ne!(out.status.code(), Some(101), "panicked");
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn create(file: &Path, name: &str, permissions: &[&str]) {
    let mut args = vec![
        "create",
        "token",
        "--offline",
        "--output-file",
        s(file),
        "--name",
        name,
    ];
    for p in permissions {
        args.extend(["--permission", p]);
    }
    let out = run(&mut influxdb3(&args));
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn lint_reports_a_file_others_can_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    create(&file, "t", &["system:health:read"]);
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
    let (code, out, _) = tokens(&["lint", s(&file)]);
    assert_eq!(code, Some(0), "a warning is not an error: {out}");
    assert!(
        out.contains(
            "warning[readable-file]: the file can be read by its group or others (mode 0644)"
        ),
        "{out}"
    );
    assert!(out.contains("warning[no-expiry]"), "{out}");
    let (code, _, _) = tokens(&["lint", "--strict", s(&file)]);
    assert_eq!(code, Some(1));
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    let (_, out, _) = tokens(&["lint", s(&file), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["no-expiry"]);
}

#[test]
fn check_answers_against_wildcards_and_the_admin_permission() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    create(&file, "named", &["db:a,b:read"]);
    create(&file, "every-db", &["db:*:read,write"]);
    // `*:*:*` cannot be created as a permission token; a hand-written file may hold it.
    let mut doc: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    let mut admin = doc["tokens"][0].clone();
    admin["name"] = "all".into();
    admin["token"] = "apiv3_all-of-it".into();
    admin["permissions"] = serde_json::json!(["*:*:*"]);
    doc["tokens"].as_array_mut().unwrap().push(admin);
    fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();

    let check = |name: &str, action: &str, resource: &str| {
        let (code, out, err) = tokens(&[
            "check",
            s(&file),
            name,
            action,
            resource,
            "--format",
            "json",
        ]);
        let json: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{err}"));
        assert_eq!(code, Some(i32::from(json["allowed"] != true)));
        json["granted_by"].as_str().map(str::to_owned)
    };
    assert_eq!(
        check("named", "read", "db:a").as_deref(),
        Some("db:a,b:read")
    );
    assert_eq!(check("named", "read", "db:c"), None);
    // Every database: only a wildcard grants it, not a list of names.
    assert_eq!(check("named", "read", "db:*"), None);
    assert_eq!(
        check("every-db", "write", "db:*").as_deref(),
        Some("db:*:read,write")
    );
    assert_eq!(
        check("every-db", "write", "db:made_tomorrow").as_deref(),
        Some("db:*:read,write")
    );
    assert_eq!(check("every-db", "delete", "db:a"), None);
    assert_eq!(check("every-db", "read", "system:health"), None);
    // `*:*:*` grants everything.
    assert_eq!(check("all", "delete", "db:*").as_deref(), Some("*:*:*"));
    assert_eq!(check("all", "read", "system:*").as_deref(), Some("*:*:*"));
}

#[test]
fn a_second_apply_leaves_the_file_alone_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("tokens.toml");
    fs::write(
        &manifest,
        "create_databases = [\"m\"]\n[[token]]\nname = \"w\"\npermissions = [\"db:m:write\"]\nexpiry = \"30d\"\n[[token]]\nname = \"r\"\npermissions = [\"db:m:read\"]\n",
    )
    .unwrap();
    let file = dir.path().join("tokens.json");
    let (code, out, err) = tokens(&["apply", s(&manifest), "--output-file", s(&file)]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.matches("apiv3_").count(), 2, "{out}");
    let before = fs::read(&file).unwrap();
    let inode = fs::metadata(&file).unwrap().ino();
    let (code, out, err) = tokens(&["apply", s(&manifest), "--output-file", s(&file)]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("Nothing to change:"), "{out}");
    assert!(!out.contains("apiv3_"));
    // Not rewritten: same bytes, same file.
    assert_eq!(fs::read(&file).unwrap(), before);
    assert_eq!(fs::metadata(&file).unwrap().ino(), inode);
    // Nor by a JSON run.
    let (_, out, _) = tokens(&[
        "apply",
        s(&manifest),
        "--output-file",
        s(&file),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["changed"], false);
    assert_eq!(fs::metadata(&file).unwrap().ino(), inode);
}

#[test]
fn apply_prune_removes_only_what_the_manifest_does_not_list() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    create(&file, "keep-me", &["db:m:read"]);
    create(&file, "stray", &["db:m:write"]);
    let manifest = dir.path().join("tokens.toml");
    fs::write(
        &manifest,
        "[[token]]\nname = \"keep-me\"\npermissions = [\"db:m:read\"]\n",
    )
    .unwrap();
    let secret_before = |name: &str| -> String {
        let doc: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
        doc["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .map(|t| t["token"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let kept = secret_before("keep-me");
    // Without --prune, the stray token is reported and left.
    let (code, out, _) = tokens(&["apply", s(&manifest), "--output-file", s(&file)]);
    assert_eq!(code, Some(0));
    assert!(out.contains("? `stray`"), "{out}");
    assert!(!secret_before("stray").is_empty());
    // A dry run says what --prune would do, and does nothing.
    let (_, out, _) = tokens(&[
        "apply",
        s(&manifest),
        "--output-file",
        s(&file),
        "--prune",
        "--dry-run",
    ]);
    assert!(out.contains("- `stray`"), "{out}");
    assert!(!secret_before("stray").is_empty());
    let (code, out, err) = tokens(&["apply", s(&manifest), "--output-file", s(&file), "--prune"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("0 created, 0 updated, 1 removed, 1 kept"),
        "{out}"
    );
    assert!(secret_before("stray").is_empty());
    assert_eq!(
        secret_before("keep-me"),
        kept,
        "the kept token keeps its secret"
    );
}

#[test]
fn a_bad_manifest_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    create(&file, "t", &["db:m:read"]);
    let before = fs::read(&file).unwrap();
    let manifest = dir.path().join("tokens.toml");
    fs::write(
        &manifest,
        "[[token]]\nname = \"a\"\npermissions = [\"db:m:read\"]\nexpires_at = \"2001-01-01T00:00:00Z\"\n",
    )
    .unwrap();
    let (code, _, err) = tokens(&["apply", s(&manifest), "--output-file", s(&file)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("token `a`: the instant has passed"), "{err}");
    assert_eq!(fs::read(&file).unwrap(), before);
}

/// A tokens file on one line with `n` tokens, each with three findings: a short token
/// value (`token-length`), no expiry (`no-expiry`) and a permission that does not parse
/// (`invalid-permission`).
fn one_line_file(n: usize) -> String {
    let tokens: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"token":"apiv3_t{i}","name":"n{i}","permissions":["db:m:reed"]}}"#))
        .collect();
    format!(
        r#"{{"create_databases":["m"],"tokens":[{}]}}"#,
        tokens.join(",")
    )
}

#[test]
fn lint_of_a_one_line_file_shows_a_bounded_snippet_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let n = 2_000;
    fs::write(&file, one_line_file(n)).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    let size = fs::metadata(&file).unwrap().len();
    assert!(size > 100_000, "{size}");

    let (code, out, err) = tokens(&["lint", s(&file)]);
    assert_eq!(code, Some(1), "{err}");
    let findings = 3 * n;
    assert!(
        out.ends_with(&format!("{}: {n} errors, {} warnings\n", s(&file), 2 * n)),
        "{}",
        &out[out.len().saturating_sub(300)..]
    );
    assert_eq!(out.matches("\n --> ").count(), findings);
    // Each finding is a few lines, the source's cut to a window around the span,
    // whatever the length of the line it is on.
    let gutter = |l: &&str| l.starts_with("1 | ") || l.starts_with("  |");
    assert!(out.lines().filter(gutter).all(|l| l.chars().count() < 130));
    assert!(out.lines().all(|l| l.chars().count() < 300));
    assert!(out.len() / findings < 1_000, "{}", out.len() / findings);
    // The places are the source's own: line 1, at the offending character.
    let last = one_line_file(n).rfind("reed").unwrap();
    assert!(
        out.contains(&format!(" --> {}:1:{}\n", s(&file), last + 1)),
        "no place for the last `reed`"
    );

    let (_, out, _) = tokens(&["lint", s(&file), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found = json["findings"].as_array().unwrap();
    assert_eq!(found.len(), findings);
    for f in found {
        assert_eq!(f["line"], 1);
        assert!(f.to_string().len() < 1_000, "{f}");
    }

    // The strict loader stops at the first problem: one bounded snippet.
    let (code, _, err) = tokens(&["list", s(&file)]);
    assert_eq!(code, Some(6));
    assert!(err.starts_with("error[invalid-permission]: "), "{err}");
    assert!(err.len() < 1_000, "{err}");
}

/// The CLI's other diagnostics as `--format json` shows them: a bad `--permission`.
fn diagnostic_keys() -> std::collections::BTreeSet<String> {
    let out = run(&mut influxdb3(&[
        "create",
        "token",
        "--offline",
        "--output-file",
        "unused.json",
        "--name",
        "x",
        "--permission",
        "db:a,*:read",
        "--format",
        "json",
    ]));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    let keys = err["error"]["diagnostic"].as_object().unwrap().keys();
    keys.cloned().collect()
}

#[test]
fn lint_findings_in_json_are_diagnostics_with_their_token() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    fs::write(&file, one_line_file(2)).unwrap();
    // A finding about the file as a whole, without a place, has the same keys.
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
    let (_, out, _) = tokens(&["lint", s(&file), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut expected = diagnostic_keys();
    expected.insert("token".to_owned());
    let found = json["findings"].as_array().unwrap();
    assert_eq!(found.len(), 7);
    for f in found {
        let keys: std::collections::BTreeSet<String> =
            f.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, expected, "{f}");
        assert_eq!(f["origin"], s(&file));
    }
    let readable = &found[0];
    assert_eq!(readable["code"], "readable-file");
    assert!(readable["line"].is_null() && readable["token"].is_null());
    let reed = found
        .iter()
        .find(|f| f["code"] == "invalid-permission")
        .unwrap();
    assert_eq!(reed["token"], "n0");
    assert_eq!(reed["hint"], "did you mean `read`?");
    assert!(
        reed["input"].as_str().unwrap().contains("apiv3_***"),
        "{reed}"
    );
    assert!(!out.contains("apiv3_t"), "{out}");
}

#[test]
fn a_file_that_does_not_load_is_a_diagnostic_in_json_too() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    fs::write(&file, one_line_file(1)).unwrap();
    let (code, out, err) = tokens(&["list", s(&file), "--format", "json"]);
    assert_eq!(code, Some(6));
    assert!(out.is_empty());
    let err: serde_json::Value = serde_json::from_str(&err).unwrap();
    let err = &err["error"];
    assert_eq!(err["kind"], "invalid_file");
    assert!(
        err["hint"]
            .as_str()
            .unwrap()
            .starts_with("`influxdb3 tokens lint "),
        "{err}"
    );
    let d = &err["diagnostic"];
    assert_eq!(d["origin"], s(&file));
    assert_eq!(d["code"], "invalid-permission");
    let column = one_line_file(1).find("reed").unwrap() + 1;
    assert_eq!(
        (d["line"].clone(), d["column"].clone()),
        (1.into(), column.into())
    );
}

#[test]
fn a_prune_of_every_token_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    create(&file, "a", &["db:m:read"]);
    create(&file, "b", &["db:m:write"]);
    let before = fs::read(&file).unwrap();
    let manifest = dir.path().join("tokens.toml");
    fs::write(&manifest, "create_databases = [\"m\"]\n").unwrap();
    let apply = |extra: &[&str]| {
        let mut args = vec!["apply", s(&manifest), "--output-file", s(&file), "--prune"];
        args.extend_from_slice(extra);
        tokens(&args)
    };
    // No terminal to ask: refused, and nothing changed.
    let (code, _, err) = apply(&[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("asks for confirmation"), "{err}");
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(fs::read(&file).unwrap(), before);
    // A dry run says how many would go.
    let (code, out, err) = apply(&["--dry-run"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("remove 2"), "{out}");
    assert_eq!(fs::read(&file).unwrap(), before);
    // --yes goes ahead.
    let (code, out, err) = apply(&["--yes"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("2 removed"), "{out}");
}

#[test]
fn the_expiry_cap_holds_for_apply_on_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let manifest = dir.path().join("tokens.toml");
    fs::write(
        &manifest,
        "[[token]]\nname = \"a\"\npermissions = [\"db:m:read\"]\nexpiry = \"1y\"\n",
    )
    .unwrap();
    let (code, _, err) = tokens(&[
        "apply",
        s(&manifest),
        "--output-file",
        s(&file),
        "--max-expiry",
        "90d",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("allows at most"), "{err}");
    assert!(!file.exists(), "nothing was written");
}

#[test]
fn secrets_out_needs_a_file_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let manifest = dir.path().join("tokens.toml");
    fs::write(
        &manifest,
        "[[token]]\nname = \"a\"\npermissions = [\"db:m:read\"]\n",
    )
    .unwrap();
    let before = fs::read(&manifest).unwrap();
    let dotted = dir.path().join(".").join("tokens.json");
    for out in [&file, &dotted, &manifest] {
        let (code, _, err) = tokens(&[
            "apply",
            s(&manifest),
            "--output-file",
            s(&file),
            "--secrets-out",
            s(out),
        ]);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("a file of their own"), "{err}");
    }
    assert!(!file.exists(), "nothing was written");
    assert_eq!(fs::read(&manifest).unwrap(), before);
}

#[test]
fn a_secret_given_to_the_wrong_flag_is_not_echoed() {
    let secret = format!("apiv3_{}", "S3cr3t".repeat(10));
    for args in [
        vec![
            "create",
            "token",
            "--name",
            "x",
            "--permission",
            "db:a:read",
            "--format",
            &secret,
        ],
        vec!["tokens", "list", "f.json", "--format", &secret],
        vec!["show", "tokens", "--format", &secret],
    ] {
        let out = run(&mut influxdb3(&args));
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains(&secret[6..]), "{args:?}: {err}");
        assert!(err.contains("apiv3_***"), "{args:?}: {err}");
    }
}

#[test]
fn reading_a_hard_linked_file_is_not_writing_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    create(&file, "a", &["db:m:read"]);
    fs::hard_link(&file, dir.path().join("backup.json")).unwrap();
    let manifest = dir.path().join("tokens.toml");
    fs::write(
        &manifest,
        "create_databases = [\"m\"]\n[[token]]\nname = \"a\"\npermissions = [\"db:m:read\"]\n",
    )
    .unwrap();
    fs::hard_link(&manifest, dir.path().join("manifest-backup.toml")).unwrap();
    let out = dir.path().join("out.json");
    // Reading: list, lint, check, diff, and a manifest, all read hard-linked files.
    for args in [
        vec!["list", s(&file)],
        vec!["lint", s(&file)],
        vec!["check", s(&file), "a", "read", "db:m"],
        vec!["diff", s(&file), s(&file)],
        vec!["apply", s(&manifest), "--output-file", s(&out)],
    ] {
        let (code, _, err) = tokens(&args);
        assert!(!err.contains("hard link"), "{args:?}: {err}");
        assert_ne!(code, Some(6), "{args:?}: {err}");
    }
    // Writing: replacing it would leave the other name with the old tokens.
    let before = fs::read(&file).unwrap();
    let (code, _, err) = tokens(&["remove", s(&file), "--name", "a"]);
    assert_eq!(code, Some(6), "{err}");
    assert!(err.contains("hard links"), "{err}");
    assert_eq!(fs::read(&file).unwrap(), before);
}

#[test]
fn reads_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // A tokens file larger than what is read (sparse: no disk is used): refused at
    // once, named, and left alone.
    let big = dir.path().join("big.json");
    fs::File::create(&big)
        .unwrap()
        .set_len(influxdb3_tokenfile::MAX_FILE_BYTES + 1)
        .unwrap();
    for args in [vec!["list", s(&big)], vec!["lint", s(&big)]] {
        let (code, _, err) = tokens(&args);
        assert_eq!(code, Some(6), "{args:?}: {err}");
        assert!(err.contains("and was not read"), "{args:?}: {err}");
    }
    let manifest = dir.path().join("big.toml");
    fs::File::create(&manifest)
        .unwrap()
        .set_len(influxdb3_tokenfile::MAX_FILE_BYTES + 1)
        .unwrap();
    let out = dir.path().join("out.json");
    let (code, _, err) = tokens(&["apply", s(&manifest), "--output-file", s(&out)]);
    assert_ne!(code, Some(0), "{err}");
    assert!(err.contains("and was not read"), "{err}");
    assert!(!out.exists());
    // A token file is one token: a long one is not read.
    let token_file = dir.path().join("token");
    fs::write(&token_file, format!("apiv3_{}", "a".repeat(1000))).unwrap();
    fs::set_permissions(&token_file, fs::Permissions::from_mode(0o600)).unwrap();
    let mut cmd = influxdb3(&[
        "show",
        "tokens",
        "--host",
        "http://127.0.0.1:9",
        "--token-file",
        s(&token_file),
    ]);
    let out = run(&mut cmd);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("256 bytes"), "{err}");
}

#[test]
fn a_ca_file_is_read_up_to_a_limit() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    fs::File::create(&ca)
        .unwrap()
        .set_len(influxdb3_token_client::MAX_CA_BYTES + 1)
        .unwrap();
    let mut cmd = influxdb3(&[
        "show",
        "tokens",
        "--host",
        "https://127.0.0.1:9",
        "--tls-ca",
        s(&ca),
    ]);
    let out = run(&mut cmd);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("and was not read"), "{err}");
}

#[test]
fn apply_lines_up_wide_names_by_terminal_columns() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("tokens.toml");
    fs::write(
        &manifest,
        "create_databases = [\"m\"]\n[[token]]\nname = \"数据\"\npermissions = [\"db:m:write\"]\n[[token]]\nname = \"abcd\"\npermissions = [\"db:m:read\"]\n",
    )
    .unwrap();
    let file = dir.path().join("tokens.json");
    let (code, out, err) = tokens(&["apply", s(&manifest), "--output-file", s(&file)]);
    assert_eq!(code, Some(0), "{err}");
    // `数据` and `abcd` take six columns each: what follows them starts in one column,
    // in the steps and among the new secrets alike.
    for mark in ["  + ", "  "] {
        let columns: Vec<usize> = out
            .lines()
            .filter(|l| l.starts_with(&format!("{mark}`")))
            .map(|l| {
                let rest = &l[mark.len()..];
                let end = rest[1..].find('`').unwrap() + 2;
                let after = &rest[end..];
                influxdb3_text::width(&rest[..end]) + after.len() - after.trim_start().len()
            })
            .collect();
        assert_eq!(columns.len(), 2, "{out}");
        assert_eq!(columns[0], columns[1], "{out}");
    }
}

#[test]
fn apply_update_with_new_grants_and_a_new_secret_file_keeps_both() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("tokens.toml");
    let (one, two) = (
        format!("apiv3_{}", "1".repeat(40)),
        format!("apiv3_{}", "2".repeat(40)),
    );
    fs::write(dir.path().join("s"), format!("{one}\n")).unwrap();
    let write = |permission: &str| {
        fs::write(
            &manifest,
            format!(
                "create_databases = [\"m\"]\n[[token]]\nname = \"a\"\npermissions = [\"{permission}\"]\nsecret_file = \"s\"\n"
            ),
        )
        .unwrap();
    };
    write("db:m:read");
    let file = dir.path().join("tokens.json");
    let (code, _, err) = tokens(&["apply", s(&manifest), "--output-file", s(&file)]);
    assert_eq!(code, Some(0), "{err}");
    // New grants and a new secret, applied together.
    write("db:m:write");
    fs::write(dir.path().join("s"), format!("{two}\n")).unwrap();
    let (code, out, err) = tokens(&["apply", s(&manifest), "--output-file", s(&file), "--update"]);
    assert_eq!(code, Some(0), "{err}");
    let text = fs::read_to_string(&file).unwrap();
    assert!(text.contains(&two) && !text.contains(&one), "{out}\n{text}");
    assert!(
        text.contains("db:m:write") && !text.contains("db:m:read"),
        "{text}"
    );
}
