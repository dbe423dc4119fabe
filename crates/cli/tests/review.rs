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
    assert!(out.contains("? 'stray'"), "{out}");
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
    assert!(out.contains("- 'stray'"), "{out}");
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
