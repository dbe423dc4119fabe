//! Tokens files as deployments use them: real files in temporary directories, real
//! child processes appending at once, and writers killed with SIGKILL mid-append.

mod common;
use common::grants;

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use influxdb3_permission::DatabaseName;
use influxdb3_text::chain;
use influxdb3_token::{Lifetime, Timestamp, Token, TokenName};
use influxdb3_tokenfile::{
    AddError, AdminTokenFile, Edit, FileKind, Finding, TokenEntry, TokenFile, TokenFileError,
    WriteOptions, Written,
};
use proptest::prelude::*;

const NOW: i64 = 1_756_400_061_529;

/// The page's example file, byte for byte.
const PAGE_EXAMPLE: &str = r#"{
  "create_databases": [
    "db1",
    "db2",
    "db3"
  ],
  "tokens": [
    {
      "token": "apiv3_0XXXX-xxxXxXxxxXX_OxxxX",
      "name": "example-token",
      "expiry_millis": 1756400061529,
      "permissions": [
        "db:db1,db2:read,write",
        "db:db3:read"
      ]
    }
  ]
}
"#;

fn dbs(names: &[&str]) -> Vec<DatabaseName> {
    names
        .iter()
        .map(|n| DatabaseName::new(n).unwrap())
        .collect()
}

/// Runs `f` on the file at `path`, loaded.
fn loaded<T>(path: &Path, f: impl FnOnce(&TokenFile<'_>) -> T) -> T {
    let mut text = String::new();
    f(&TokenFile::load(path, &mut text).unwrap())
}

fn entry(name: &str, permissions: &[&str]) -> TokenEntry<'static> {
    TokenEntry::new(
        Token::generate().unwrap(),
        TokenName::new(name).unwrap(),
        None,
        &grants(permissions),
    )
    .unwrap()
}

fn append(path: &Path, name: &str, databases: &[&str]) -> Result<Written, TokenFileError> {
    TokenFile::append(
        path,
        entry(name, &["db:db1:read"]),
        &dbs(databases),
        &WriteOptions::default(),
    )
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The names of the files in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_page_example_round_trips() {
    let file = TokenFile::parse(PAGE_EXAMPLE).unwrap();
    assert_eq!(file.to_json(), PAGE_EXAMPLE);
    let token = &file.tokens()[0];
    assert_eq!(token.name(), "example-token");
    assert_eq!(
        token.expiry(),
        Some(Timestamp::from_millis(1_756_400_061_529))
    );
    assert_eq!(
        token.token().expose_secret(),
        "apiv3_0XXXX-xxxXxXxxxXX_OxxxX"
    );
    assert_eq!(token.permissions().count(), 2);
    assert_eq!(
        file.create_databases().unwrap(),
        dbs(&["db1", "db2", "db3"])
    );
}

#[test]
fn entries_made_alike_are_entries_made_anew() {
    let g = grants(&["db:db1,db2:read,write", "system:health:read"]);
    let expiry = Some(Timestamp::from_millis(NOW));
    let first = TokenEntry::new(Token::generate().unwrap(), name("a"), expiry, &g).unwrap();
    let token = Token::generate().unwrap();
    let alike = first.alike(token.clone(), name("b"), None).unwrap();
    assert_eq!(alike, TokenEntry::new(token, name("b"), None, &g).unwrap());
    // Alike an entry read from a file: its texts as the file wrote them.
    let file = TokenFile::parse(PAGE_EXAMPLE).unwrap();
    let read = &file.tokens()[0];
    let copy = read
        .alike(Token::generate().unwrap(), name("c"), None)
        .unwrap();
    assert!(copy.permission_texts().eq(read.permission_texts()));
    assert!(matches!(
        first.alike(Token::generate().unwrap(), name("_admin"), None),
        Err(AddError::ReservedName)
    ));
    // Alike a token of a file that a permission token cannot be: refused.
    for permissions in ["[\"*:*:*\"]", "[]"] {
        let text = format!(
            r#"{{"tokens": [{{"token": "apiv3_x", "name": "x", "permissions": {permissions}}}]}}"#
        );
        let file = TokenFile::parse(&text).unwrap();
        let refused = file.tokens()[0].alike(Token::generate().unwrap(), name("y"), None);
        assert!(
            matches!(refused, Err(AddError::NotGrants(_))),
            "{refused:?}"
        );
    }
    // Written alike.
    let mut a = TokenFile::new();
    let mut b = TokenFile::new();
    let token = Token::generate().unwrap();
    a.add_many(
        vec![first.alike(token.clone(), name("d"), expiry).unwrap()],
        &[],
    )
    .unwrap();
    b.add_many(
        vec![TokenEntry::new(token, name("d"), expiry, &g).unwrap()],
        &[],
    )
    .unwrap();
    assert_eq!(a.to_json(), b.to_json());
}

#[test]
fn batches_replace_and_remove_as_single_edits_do() {
    let text = r#"{"tokens": [
        {"token": "apiv3_a", "name": "a", "permissions": ["db:db1:read"], "x-owner": "ops"},
        {"token": "apiv3_b", "name": "b", "permissions": ["db:db1:read"]},
        {"token": "apiv3_c", "name": "c", "permissions": ["db:db1:read"]}
    ]}"#;
    let same = |n: &str, value: &str, permissions: &[&str]| {
        TokenEntry::new(
            Token::parse_lenient(value).unwrap(),
            name(n),
            None,
            &grants(permissions),
        )
        .unwrap()
    };
    // Each in its place, unknown fields kept; a name not in the file goes at the end.
    let mut batch = TokenFile::parse(text).unwrap();
    batch
        .replace_many(vec![
            same("c", "apiv3_c", &["db:db2:write"]),
            same("a", "apiv3_a", &["db:db2:write"]),
            same("d", "apiv3_d", &["db:db2:write"]),
        ])
        .unwrap();
    let mut one_by_one = TokenFile::parse(text).unwrap();
    for (n, value) in [("c", "apiv3_c"), ("a", "apiv3_a"), ("d", "apiv3_d")] {
        one_by_one
            .replace(same(n, value, &["db:db2:write"]), &[])
            .unwrap();
    }
    assert_eq!(batch.to_json(), one_by_one.to_json());
    assert!(batch.to_json().contains("\"x-owner\": \"ops\""));
    // Another token's value, or a name twice: refused, nothing changed.
    let before = batch.to_json();
    let taken = batch.replace_many(vec![
        same("a", "apiv3_new", &["db:db1:read"]),
        same("b", "apiv3_c", &["db:db1:read"]),
    ]);
    assert!(
        matches!(taken, Err(AddError::TokenTaken { ref name }) if name == "c"),
        "{taken:?}"
    );
    let twice = batch.replace_many(vec![
        same("a", "apiv3_a", &["db:db1:read"]),
        same("a", "apiv3_a", &["db:db1:read"]),
    ]);
    assert!(
        matches!(twice, Err(AddError::NameTaken { .. })),
        "{twice:?}"
    );
    assert_eq!(batch.to_json(), before);
    // Removed in one pass, given back in file order.
    let gone = batch.remove_many(&["d", "a", "nobody"].into_iter().collect());
    let names: Vec<&str> = gone.iter().map(|t| t.name()).collect();
    assert_eq!(names, ["a", "d"]);
    let left: Vec<&str> = batch.tokens().iter().map(|t| t.name()).collect();
    assert_eq!(left, ["b", "c"]);
}

fn name(n: &str) -> TokenName {
    TokenName::new(n).unwrap()
}

#[test]
fn append_adds_in_upstream_key_order_and_unions_databases() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    fs::write(&path, PAGE_EXAMPLE).unwrap();
    let token = Token::generate().unwrap();
    let secret = token.expose_secret().to_owned();
    let week = "7d".parse::<Lifetime>().unwrap();
    let new = TokenEntry::new(
        token,
        TokenName::new("reader").unwrap(),
        Some(week.ends(Timestamp::from_millis(NOW)).unwrap()),
        &grants(&["db:db4:read", "db:db2:write,read"]),
    )
    .unwrap();
    let (expired, done) = TokenFile::update(&path, &WriteOptions::default(), |file| {
        file.add(new, &dbs(&["db4", "db1"]))?;
        Ok(Edit::Changed(
            file.findings("reader", Timestamp::from_millis(NOW)),
        ))
    })
    .unwrap();
    assert!(!done.created);
    assert_eq!(done.tokens, 2);
    // The page's token expires exactly now, and `fs::write` made the file 0644.
    assert_eq!(
        expired,
        [Finding::Expired {
            token: "example-token".into(),
            at: Timestamp::from_millis(NOW)
        }]
    );
    assert_eq!(
        done.findings,
        [Finding::Readable {
            path: path.clone(),
            mode: 0o644
        }]
    );
    let text = fs::read_to_string(&path).unwrap();
    let want_tail = format!(
        r#"    }},
    {{
      "token": "{secret}",
      "name": "reader",
      "expiry_millis": {},
      "permissions": [
        "db:db4:read",
        "db:db2:read,write"
      ]
    }}
  ]
}}
"#,
        NOW + 604_800_000
    );
    assert!(text.ends_with(&want_tail), "{text}");
    assert!(text.starts_with(
        "{\n  \"create_databases\": [\n    \"db1\",\n    \"db2\",\n    \"db3\",\n    \"db4\"\n  ],"
    ));
    // The first token is untouched.
    let first = &PAGE_EXAMPLE
        [PAGE_EXAMPLE.find("    {\n").unwrap()..PAGE_EXAMPLE.find("    }\n  ]").unwrap()];
    assert!(text.contains(first), "{text}");
}

#[test]
fn unknown_fields_survive_an_append_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let original = r#"{
  "zeta": {"b": 1, "a": [1.50, 123456789012345678901234567890]},
  "tokens": [
    {
      "name": "old",
      "x-owner": "team-a",
      "token": "apiv3_old",
      "permissions": ["system:health:read"],
      "z": null
    }
  ],
  "alpha": true
}"#;
    fs::write(&path, original).unwrap();
    append(&path, "new", &["db1"]).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    let want_start = r#"{
  "create_databases": [
    "db1"
  ],
  "tokens": [
    {
      "token": "apiv3_old",
      "name": "old",
      "permissions": [
        "system:health:read"
      ],
      "x-owner": "team-a",
      "z": null
    },"#;
    assert!(text.starts_with(want_start), "{text}");
    // Unknown values are kept byte for byte: order, spacing and exact numbers.
    let want_end = r#"  ],
  "zeta": {"b": 1, "a": [1.50, 123456789012345678901234567890]},
  "alpha": true
}
"#;
    assert!(text.ends_with(want_end), "{text}");
    assert_eq!(loaded(&path, |f| f.tokens().len()), 2);
}

/// Each bad file, and the error it gives (with the line and column of the offending
/// character), and it stays unchanged.
#[test]
fn a_file_that_does_not_load_is_never_written() {
    let cases: &[(&str, &str)] = &[
        (
            "not json",
            "is not a valid tokens file: line 1, column 2: not valid JSON: expected ident",
        ),
        (
            "[]",
            "is not a valid tokens file: line 1, column 1: the file is a list, not a tokens file (an object with a `tokens` list)",
        ),
        (
            "{\"tokens\": {}}",
            "is not a valid tokens file: line 1, column 12: `tokens` is an object, not a list",
        ),
        (
            "{\"create_databases\": []}",
            "is not a valid tokens file: line 1, column 1: the file has no `tokens` list",
        ),
        (
            "{\"tokens\": [{\"token\": \"secret123\", \"name\": \"a\", \"permissions\": []}]}",
            "is not a valid tokens file: line 1, column 24: token `a` has a token value the server will not accept: a token starts with `apiv3_`; this one does not",
        ),
        (
            "{\"tokens\": [\n  {\"token\": \"apiv3_a\", \"name\": \"a\", \"permissions\": [\"db:a:reed\"]}\n]}",
            "is not a valid tokens file: line 2, column 59: token `a` has an invalid permission `db:a:reed`: unknown action `reed` for `db`: expected `create`, `describe`, `read`, `write` or `delete` (hint: did you mean `read`?)",
        ),
        (
            "{\"tokens\": [\n  {\"token\": \"apiv3_a\", \"name\": \"a\", \"permissions\": []},\n  {\"token\": \"apiv3_b\", \"name\": \"a\", \"permissions\": []}\n]}",
            "is not a valid tokens file: line 3, column 33: token 2 is named `a` like token 1: token names are unique in a file",
        ),
        (
            "{\"tokens\": [\n  {\"token\": \"apiv3_a\", \"name\": \"a\", \"permissions\": []},\n  {\"token\": \"apiv3_a\", \"name\": \"b\", \"permissions\": []}\n]}",
            "is not a valid tokens file: line 3, column 14: token `b` has the same token value as token 1 (`a`): token values are unique in a file",
        ),
        (
            "{\"tokens\": [{\"token\": \"apiv3_a\", \"permissions\": []}]}",
            "is not a valid tokens file: line 1, column 13: token 1 has no `name`",
        ),
        (
            "{\"create_databases\": [\"my db\"], \"tokens\": []}",
            "is not a valid tokens file: line 1, column 26: invalid database name `my db` in `create_databases`: invalid character ` ` in database name: use letters, digits, `/`, `_` or `-`",
        ),
        (
            "{\"tokens\": [], \"tokens\": []}",
            "is not a valid tokens file: line 1, column 16: `tokens` appears twice in one object; the server may read either",
        ),
        // An admin token file given where a permission tokens file belongs.
        (
            "{\"token\": \"apiv3_x\", \"name\": \"_admin\"}",
            "is not a valid tokens file: line 1, column 1: the file has no `tokens` list",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    for (content, want) in cases {
        fs::write(&path, content).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let err = append(&path, "new", &["db9"]).unwrap_err();
        assert!(matches!(err, TokenFileError::Invalid { .. }), "{err:?}");
        let shown = chain(&err);
        assert_eq!(
            shown,
            format!("`{}` {want}", path.display()),
            "for {content:?}"
        );
        assert!(!shown.contains("secret123"), "the error shows a secret");
        assert_eq!(fs::read(&path).unwrap(), content.as_bytes(), "file changed");
        assert_eq!(mode(&path), 0o640, "mode changed");
        assert_eq!(listing(dir.path()), [".tokens.json.lock", "tokens.json"]);
    }
}

#[test]
fn a_name_already_in_the_file_is_a_conflict_that_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    fs::write(&path, PAGE_EXAMPLE).unwrap();
    let err = append(&path, "example-token", &["db7"]).unwrap_err();
    assert!(matches!(
        &err,
        TokenFileError::Conflict { error: AddError::NameTaken { name }, .. } if name == "example-token"
    ));
    assert_eq!(
        chain(&err),
        format!(
            "cannot add the token to `{}`: a token named `example-token` is already in the file: token names are unique in a file",
            path.display()
        )
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), PAGE_EXAMPLE);

    // A database name is checked when it is made, before any file is touched.
    assert!(DatabaseName::new("not a name").is_err());
    assert_eq!(fs::read_to_string(&path).unwrap(), PAGE_EXAMPLE);
}

#[test]
fn new_files_are_private_and_existing_modes_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let done = append(&path, "a", &["db1"]).unwrap();
    assert!(done.created);
    assert_eq!(mode(&path), 0o600);
    // The lock holds nothing; every user who may write the file may take it.
    assert_eq!(mode(&dir.path().join(".tokens.json.lock")), 0o644);

    // An operator's 0640 (group `influxdb` reads it) is kept, with a warning.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let done = append(&path, "b", &["db1"]).unwrap();
    assert_eq!(mode(&path), 0o640);
    assert_eq!(
        done.findings,
        [Finding::Readable {
            path: path.clone(),
            mode: 0o640
        }]
    );
    assert_eq!(
        done.findings[0].to_string(),
        format!(
            "`{}` can be read by its group or others (mode 0640) and holds secrets: `chmod 600` it",
            path.display()
        )
    );
}

#[test]
fn a_change_that_changes_nothing_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    // Not even the file is created.
    let (found, written) = TokenFile::update(&path, &WriteOptions::default(), |file| {
        Ok(Edit::Unchanged(file.get("x").is_some()))
    })
    .unwrap();
    assert!(!found && !written.changed && !written.created);
    assert!(!path.exists());
    // A file as a person left it (not in our layout) stays byte for byte.
    let hand_made = PAGE_EXAMPLE.replace("  ", "\t");
    fs::write(&path, &hand_made).unwrap();
    let (found, written) = TokenFile::update(&path, &WriteOptions::default(), |file| {
        Ok(Edit::Unchanged(file.get("example-token").is_some()))
    })
    .unwrap();
    assert!(found && !written.changed);
    assert_eq!(fs::read_to_string(&path).unwrap(), hand_made);
}

#[test]
fn a_replaced_token_keeps_its_place_and_unknown_fields() {
    let text = r#"{
  "tokens": [
    {"token": "apiv3_a", "name": "a", "permissions": ["db:x:read"], "x-owner": "team-a"},
    {"token": "apiv3_b", "name": "b", "permissions": ["db:x:read"]}
  ]
}"#;
    let mut file = TokenFile::parse(text).unwrap();
    let new = entry("a", &["db:y:write"]);
    let secret = new.token().expose_secret().to_owned();
    let old = file.replace(new, &dbs(&["y"])).unwrap().unwrap();
    assert_eq!(old.token().expose_secret(), "apiv3_a");
    let names: Vec<&str> = file.tokens().iter().map(|t| t.name()).collect();
    assert_eq!(names, ["a", "b"]);
    let a = file.get("a").unwrap();
    assert_eq!(a.token().expose_secret(), secret);
    assert_eq!(a.permission_texts().collect::<Vec<_>>(), ["db:y:write"]);
    assert_eq!(a.extra_fields().collect::<Vec<_>>(), ["x-owner"]);
    assert_eq!(file.create_databases().unwrap(), dbs(&["y"]));
    // Without a token of that name, it is added; a value another token has is refused.
    assert!(
        file.replace(entry("c", &["db:x:read"]), &[])
            .unwrap()
            .is_none()
    );
    assert_eq!(file.tokens().len(), 3);
    let b_again = TokenEntry::new(
        Token::parse_lenient("apiv3_b").unwrap(),
        TokenName::new("a").unwrap(),
        None,
        &grants(&["db:x:read"]),
    )
    .unwrap();
    assert_eq!(
        file.replace(b_again, &[]).unwrap_err(),
        AddError::TokenTaken { name: "b".into() }
    );
}

#[test]
fn an_empty_file_is_a_new_file() {
    // As `mktemp` leaves it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    fs::write(&path, "").unwrap();
    let done = append(&path, "a", &[]).unwrap();
    assert!(done.created);
    assert_eq!(loaded(&path, |f| f.tokens().len()), 1);
    assert!(loaded(&path, |f| f.create_databases().is_none()));
}

#[test]
fn a_symlinked_target_is_written_through_and_the_link_kept() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("real")).unwrap();
    let real = dir.path().join("real/tokens.json");
    let link = dir.path().join("tokens.json");
    symlink("real/tokens.json", &link).unwrap();
    // A link to nothing: nothing is created where it points.
    let err = append(&link, "a", &["db1"]).unwrap_err();
    assert!(
        matches!(err, TokenFileError::DanglingLink { .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "`{}` is a symbolic link to `real/tokens.json`, which does not exist",
            link.display()
        )
    );
    assert_eq!(listing(&dir.path().join("real")), Vec::<String>::new());
    // Once the file is there, it is written through the link.
    fs::write(&real, "").unwrap();
    let done = append(&link, "a", &["db1"]).unwrap();
    assert_eq!(done.path, real);
    append(&link, "b", &["db1"]).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_link(&link).unwrap(),
        PathBuf::from("real/tokens.json")
    );
    assert_eq!(loaded(&real, |f| f.tokens().len()), 2);
    assert_eq!(
        listing(&dir.path().join("real")),
        [".tokens.json.lock", "tokens.json"]
    );
}

/// Runs a command, for the special files these tests make themselves.
fn run(program: &str, args: &[&std::ffi::OsStr]) -> bool {
    Command::new(program)
        .args(args)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn only_regular_files_are_read_or_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(run("mkfifo", &[fifo.as_os_str()]));
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    let socket_path = dir.path().join("sock");
    let _socket = std::os::unix::net::UnixListener::bind(&socket_path).unwrap();
    let mut cases = vec![
        (fifo.clone(), FileKind::Fifo),
        (sub.clone(), FileKind::Directory),
        (socket_path.clone(), FileKind::Socket),
    ];
    // A device node of our own (as root only): never a real `/dev` entry.
    let device = dir.path().join("null-device");
    if run(
        "mknod",
        &[device.as_os_str(), "c".as_ref(), "1".as_ref(), "3".as_ref()],
    ) {
        cases.push((device.clone(), FileKind::CharDevice));
    } else {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("not root: the device case of this test did not run");
        }
    }
    let link_to_fifo = dir.path().join("link-to-fifo");
    symlink(&fifo, &link_to_fifo).unwrap();
    cases.push((link_to_fifo, FileKind::Fifo));
    for (path, kind) in cases {
        let before = fs::symlink_metadata(&path).unwrap();
        let err = append(&path, "a", &[]).unwrap_err();
        assert!(
            matches!(&err, TokenFileError::NotRegular { kind: k, .. } if *k == kind),
            "{}: {err:?}",
            path.display()
        );
        assert_eq!(
            err.to_string(),
            format!("`{}` is {kind}, not a regular file", path.display())
        );
        let admin = AdminTokenFile::new(Token::generate().unwrap(), TokenName::admin(), None)
            .write(&path, &WriteOptions::default())
            .unwrap_err();
        assert!(matches!(admin, TokenFileError::NotRegular { .. }));
        let load = TokenFile::load(&path, &mut String::new()).unwrap_err();
        assert!(matches!(load, TokenFileError::NotRegular { .. }));
        let after = fs::symlink_metadata(&path).unwrap();
        assert_eq!(
            (before.file_type(), before.ino()),
            (after.file_type(), after.ino())
        );
    }
    // Nothing was created beside them: no lock, no temporary file.
    assert_eq!(
        listing(dir.path()),
        ["fifo", "link-to-fifo", "null-device", "sock", "sub"]
            .into_iter()
            .filter(|n| *n != "null-device" || device.exists())
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_file_with_other_hard_links_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    append(&path, "a", &[]).unwrap();
    fs::hard_link(&path, dir.path().join("backup.json")).unwrap();
    let before = fs::read(&path).unwrap();
    let err = append(&path, "b", &[]).unwrap_err();
    assert!(
        matches!(err, TokenFileError::HardLinked { links: 2, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "`{}` has 2 hard links: replacing it would leave the other names with the old content",
            path.display()
        )
    );
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn the_lock_file_is_never_followed_and_waits_are_told_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    // A lock file that is a link elsewhere: refused, and nothing created there.
    let elsewhere = dir.path().join("elsewhere");
    symlink(&elsewhere, dir.path().join(".tokens.json.lock")).unwrap();
    let err = append(&path, "a", &[]).unwrap_err();
    assert!(matches!(err, TokenFileError::Lock { .. }), "{err:?}");
    assert!(chain(&err).contains("never followed"), "{}", chain(&err));
    assert!(!elsewhere.exists() && !path.exists());
    fs::remove_file(dir.path().join(".tokens.json.lock")).unwrap();

    // Another holder: told once after about a second, given up on after the timeout.
    append(&path, "a", &[]).unwrap();
    let held = fs::File::open(dir.path().join(".tokens.json.lock")).unwrap();
    held.lock().unwrap();
    let told = std::cell::Cell::new(0);
    let told_after = std::cell::Cell::new(Duration::ZERO);
    let start = Instant::now();
    let tell = |p: &Path| {
        assert_eq!(p, path);
        told.set(told.get() + 1);
        told_after.set(start.elapsed());
    };
    let options = WriteOptions::default()
        .lock_timeout(Duration::from_millis(1500))
        .on_lock_wait(&tell);
    let err = TokenFile::append(&path, entry("b", &["db:db1:read"]), &[], &options).unwrap_err();
    let waited = start.elapsed();
    assert!(matches!(err, TokenFileError::LockTimeout { .. }), "{err:?}");
    assert_eq!(told.get(), 1);
    // Not at once: a short wait is not worth a word.
    assert!(
        told_after.get() >= Duration::from_millis(900),
        "{:?}",
        told_after.get()
    );
    assert!(waited >= Duration::from_millis(1500), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    drop(held);
    assert_eq!(loaded(&path, |f| f.tokens().len()), 1);
}

#[test]
fn any_name_touch_accepts_works() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "x".repeat(255),
        "é".repeat(127),
        format!("{}.json", "a".repeat(250)),
    ] {
        let path = dir.path().join(&name);
        assert!(run("touch", &[path.as_os_str()]), "touch {name}");
        append(&path, "a", &["db1"]).unwrap();
        append(&path, "b", &["db1"]).unwrap();
        assert_eq!(loaded(&path, |f| f.tokens().len()), 2);
        fs::remove_file(&path).unwrap();
    }
    // Only the lock files are left, one per name, each within the limit.
    for lock in listing(dir.path()) {
        assert!(
            Path::new(&lock).extension().is_some_and(|e| e == "lock") && lock.len() <= 255,
            "{lock}"
        );
    }
}

#[test]
fn stale_temporary_files_are_removed_by_the_next_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    append(&path, "a", &[]).unwrap();
    // A writer that was killed: its process is gone.
    let mut gone = Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let dead = format!(".tokens.json.tmp-{}-dead-0", gone.id());
    fs::write(dir.path().join(&dead), "{half").unwrap();
    // Not ours to remove: a writer still running (this process), a name of the user's.
    let running = format!(".tokens.json.tmp-{}-1f-0", std::process::id());
    fs::write(dir.path().join(&running), "{being written").unwrap();
    fs::write(dir.path().join(".tokens.json.tmp-notes"), "mine").unwrap();
    fs::write(dir.path().join("other.txt"), "keep me").unwrap();
    // Another process still running: its file stays too.
    let mut sleeper = Command::new("sleep").arg("30").spawn().unwrap();
    let other = format!(".tokens.json.tmp-{}-2a-0", sleeper.id());
    fs::write(dir.path().join(&other), "{being written").unwrap();
    // Names only like ours (with the dead writer's id): one part short, one too many,
    // parts of the wrong digits. Not ours, so they stay.
    let pid = gone.id();
    let alike = [
        format!(".tokens.json.tmp-{pid}-1f"),
        format!(".tokens.json.tmp-{pid}-1f-0-0"),
        format!(".tokens.json.tmp-{pid}-zz-0"),
        format!(".tokens.json.tmp-{pid}-1f-x"),
        format!(".tokens.json.tmp-x{pid}-1f-0"),
        format!(".tokens.json.tmp-{pid}--0"),
    ];
    for name in &alike {
        fs::write(dir.path().join(name), "mine").unwrap();
    }
    append(&path, "b", &[]).unwrap();
    let _ = sleeper.kill();
    let _ = sleeper.wait();
    let mut kept = vec![
        ".tokens.json.lock".to_owned(),
        running,
        other,
        ".tokens.json.tmp-notes".to_owned(),
        "other.txt".to_owned(),
        "tokens.json".to_owned(),
    ];
    kept.extend(alike);
    kept.sort();
    assert_eq!(listing(dir.path()), kept);
}

#[test]
fn findings_warn_about_what_the_server_will_trip_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let expired = TokenEntry::new(
        Token::generate().unwrap(),
        TokenName::new("old").unwrap(),
        Some(Timestamp::from_millis(NOW - 1)),
        &grants(&["system:*:read"]),
    )
    .unwrap();
    TokenFile::append(&path, expired, &[], &WriteOptions::default()).unwrap();
    let new = entry("new", &["db:db1,db2:read", "db:*:write"]);
    let (findings, _) = TokenFile::update(&path, &WriteOptions::default(), |file| {
        file.add(new, &dbs(&["db1"]))?;
        Ok(Edit::Changed(
            file.findings("new", Timestamp::from_millis(NOW)),
        ))
    })
    .unwrap();
    assert_eq!(
        findings,
        [
            Finding::UnknownDatabase {
                token: "new".into(),
                database: DatabaseName::new("db2").unwrap()
            },
            Finding::WildcardDatabase {
                token: "new".into()
            },
            Finding::Expired {
                token: "old".into(),
                at: Timestamp::from_millis(NOW - 1)
            },
        ]
    );
    let shown: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "token `new` has a permission on database `db2`, which the file does not create: the server will not load it unless `db2` exists",
            "token `new` has a `db:*` permission: some server versions look for a database named `*` when they load a tokens file",
            "token `old` expired at 2025-08-28T16:54:21.528Z",
        ]
    );
}

#[test]
fn the_admin_token_file_is_replaced_not_appended() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("admin.json");
    let first = AdminTokenFile::new(Token::generate().unwrap(), TokenName::admin(), None);
    let done = first.write(&path, &WriteOptions::default()).unwrap();
    assert!(done.created);
    assert_eq!(mode(&path), 0o600);
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        format!(
            "{{\n  \"token\": \"{}\",\n  \"name\": \"_admin\"\n}}\n",
            first.token().expose_secret()
        )
    );
    let second = AdminTokenFile::new(
        Token::generate().unwrap(),
        TokenName::new("ops-admin").unwrap(),
        Some(Timestamp::from_millis(NOW)),
    );
    assert!(
        !second
            .write(&path, &WriteOptions::default())
            .unwrap()
            .created
    );
    let mut text = String::new();
    let loaded = AdminTokenFile::load(&path, &mut text).unwrap();
    assert_eq!(loaded, second);
    assert_eq!(loaded.expiry(), Some(Timestamp::from_millis(NOW)));
    assert!(
        fs::read_to_string(&path)
            .unwrap()
            .contains("\"expiry_millis\": 1756400061529")
    );

    // A permission tokens file given by mistake is left alone.
    let tokens = dir.path().join("tokens.json");
    fs::write(&tokens, PAGE_EXAMPLE).unwrap();
    let err = second.write(&tokens, &WriteOptions::default()).unwrap_err();
    assert!(matches!(err, TokenFileError::Invalid { .. }), "{err}");
    assert_eq!(fs::read_to_string(&tokens).unwrap(), PAGE_EXAMPLE);
}

#[test]
fn a_missing_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/tokens.json");
    let err = append(&path, "a", &[]).unwrap_err();
    assert!(matches!(err, TokenFileError::NoDirectory { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "cannot write `{}`: the directory `{}` does not exist",
            path.display(),
            dir.path().join("no/such").display()
        )
    );
    assert_eq!(listing(dir.path()), Vec::<String>::new());
}

#[test]
fn a_missing_file_does_not_load() {
    let dir = tempfile::tempdir().unwrap();
    let err = TokenFile::load(dir.path().join("nope.json"), &mut String::new()).unwrap_err();
    assert!(matches!(err, TokenFileError::Read { .. }));
    assert!(chain(&err).starts_with("cannot read `"));
    assert!(chain(&err).ends_with("No such file or directory (os error 2)"));
}

// ---- processes ----

/// Not a test: the child process of the tests below. It appends `COUNT` tokens named
/// `PREFIX-N` to `PATH` and prints `appended NAME` after each append has returned.
#[test]
#[ignore = "run by other tests as a child process"]
fn child_appender() {
    #![allow(clippy::print_stdout)]
    use std::io::Write;
    let path = PathBuf::from(std::env::var("TOKENFILE_CHILD_PATH").unwrap());
    let prefix = std::env::var("TOKENFILE_CHILD_PREFIX").unwrap();
    let count: usize = std::env::var("TOKENFILE_CHILD_COUNT")
        .unwrap()
        .parse()
        .unwrap();
    let mut out = std::io::stdout().lock();
    for i in 0..count {
        let name = format!("{prefix}-{i}");
        append(&path, &name, &["db1"]).unwrap();
        writeln!(out, "appended {name}").unwrap();
        out.flush().unwrap();
    }
}

/// The name in a child's `appended NAME` line (libtest may print its own words in front
/// of the first one).
fn appended_name(line: &str) -> Option<String> {
    line.split_once("appended ")
        .map(|(_, name)| name.trim().to_owned())
}

/// This test binary as a child that appends `count` tokens to `path`.
fn appender(path: &Path, prefix: &str, count: usize) -> Command {
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args([
            "child_appender",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("TOKENFILE_CHILD_PATH", path)
        .env("TOKENFILE_CHILD_PREFIX", prefix)
        .env("TOKENFILE_CHILD_COUNT", count.to_string());
    child
}

fn spawn_appender(path: &Path, prefix: &str, count: usize) -> std::process::Child {
    appender(path, prefix, count)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn eight_processes_appending_25_tokens_each_leave_200() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let children: Vec<_> = (0..8)
        .map(|p| spawn_appender(&path, &format!("p{p}"), 25))
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        let lines = String::from_utf8(out.stdout).unwrap();
        assert_eq!(lines.lines().filter_map(appended_name).count(), 25);
    }
    let mut text = String::new();
    let file = TokenFile::load(&path, &mut text).unwrap();
    assert_eq!(file.tokens().len(), 200);
    for p in 0..8 {
        // Each writer's tokens are in the order it appended them.
        let mine: Vec<&str> = file
            .tokens()
            .iter()
            .map(|t| t.name())
            .filter(|n| n.starts_with(&format!("p{p}-")))
            .collect();
        let want: Vec<String> = (0..25).map(|i| format!("p{p}-{i}")).collect();
        assert_eq!(mine, want);
    }
    assert_eq!(listing(dir.path()), [".tokens.json.lock", "tokens.json"]);
}

/// A cheap xorshift seeded from the clock: the kill moments differ from run to run.
fn kill_delays(n: usize) -> Vec<Duration> {
    let mut state = u64::from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos(),
    ) | 1;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            Duration::from_micros(2_000 + state % 60_000)
        })
        .collect()
}

#[test]
fn writers_killed_at_random_moments_never_lose_a_returned_token() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let mut returned: Vec<String> = Vec::new();
    let mut killed_mid_write = 0;
    for (round, delay) in kill_delays(50).into_iter().enumerate() {
        let mut child = spawn_appender(&path, &format!("k{round}"), 1_000_000);
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| appended_name(&l))
                .collect::<Vec<String>>()
        });
        let start = Instant::now();
        while start.elapsed() < delay {
            std::thread::sleep(Duration::from_millis(1));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        returned.extend(reader.join().unwrap());
        if listing(dir.path()).iter().any(|n| n.contains(".tmp-")) {
            killed_mid_write += 1;
        }
        // After every kill: the file loads and holds every token whose append returned.
        if path.exists() {
            let mut text = String::new();
            let file = TokenFile::load(&path, &mut text).unwrap();
            let names: std::collections::HashSet<&str> =
                file.tokens().iter().map(|t| t.name()).collect();
            for name in &returned {
                assert!(names.contains(name.as_str()), "round {round}: {name} lost");
            }
        } else {
            assert!(returned.is_empty());
        }
        // The next append removes what the killed writer left.
        append(&path, &format!("after-{round}"), &["db1"]).unwrap();
        returned.push(format!("after-{round}"));
        assert_eq!(listing(dir.path()), [".tokens.json.lock", "tokens.json"]);
    }
    let mut text = String::new();
    let file = TokenFile::load(&path, &mut text).unwrap();
    assert!(file.tokens().len() >= returned.len());
    assert!(returned.len() >= 50);
    // Not an assertion (it depends on timing), but worth seeing with --nocapture.
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "kill test: 50 kills, {} appends returned, {killed_mid_write} kills left a temporary file",
            returned.len()
        );
    }
}

// ---- properties ----

fn db_name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,6}"
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Integration tests have no lib.rs beside them to keep regressions in.
        failure_persistence: None,
        ..ProptestConfig::with_cases(256)
    })]

    /// Appending any sequence of distinct tokens keeps all of them in order, and
    /// `create_databases` is the ordered union of what each append asked for.
    #[test]
    fn appends_keep_every_token_and_the_union_of_databases(
        batches in prop::collection::vec(prop::collection::vec(db_name(), 0..4), 1..12)
    ) {
        let mut file = TokenFile::new();
        let mut names = Vec::new();
        let mut union: Vec<String> = Vec::new();
        for (i, dbs) in batches.iter().enumerate() {
            let name = format!("t{i}");
            let refs: Vec<&str> = dbs.iter().map(String::as_str).collect();
            file.add(entry(&name, &["db:x:read"]), &crate::dbs(&refs)).unwrap();
            names.push(name);
            for db in dbs {
                if !union.contains(db) {
                    union.push(db.clone());
                }
            }
            // Each state survives its own JSON.
            let json = file.to_json();
            let again = TokenFile::parse(&json).unwrap();
            prop_assert_eq!(&again, &file);
        }
        let got: Vec<&str> = file.tokens().iter().map(|t| t.name()).collect();
        prop_assert_eq!(got, names.iter().map(String::as_str).collect::<Vec<_>>());
        let want = if union.is_empty() { None } else { Some(union.as_slice()) };
        let got = file.create_databases().map(|l| l.iter().map(ToString::to_string).collect::<Vec<_>>());
        prop_assert_eq!(got.as_deref(), want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Integration tests have no lib.rs beside them to keep regressions in.
        failure_persistence: None,
        ..ProptestConfig::with_cases(24)
    })]

    /// The same through real files.
    #[test]
    fn appends_to_a_real_file_keep_every_token(
        batches in prop::collection::vec(prop::collection::vec(db_name(), 0..3), 1..6)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        let mut union: Vec<String> = Vec::new();
        for (i, dbs) in batches.iter().enumerate() {
            let refs: Vec<&str> = dbs.iter().map(String::as_str).collect();
            append(&path, &format!("t{i}"), &refs).unwrap();
            for db in dbs {
                if !union.contains(db) {
                    union.push(db.clone());
                }
            }
        }
        let mut text = String::new();
    let file = TokenFile::load(&path, &mut text).unwrap();
        let got: Vec<String> = file.tokens().iter().map(|t| t.name().to_owned()).collect();
        let want: Vec<String> = (0..batches.len()).map(|i| format!("t{i}")).collect();
        prop_assert_eq!(got, want);
        let want_dbs = if union.is_empty() { None } else { Some(union.as_slice()) };
        let got = file.create_databases().map(|l| l.iter().map(ToString::to_string).collect::<Vec<_>>());
        prop_assert_eq!(got.as_deref(), want_dbs);
    }
}

#[test]
fn a_write_in_place_by_another_program_is_kept_not_renamed_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.json");
    append(&path, "a", &[]).unwrap();
    let before = fs::read_to_string(&path).unwrap();
    // Another program, which takes no lock, rewrites the file in place while this one
    // holds what it read: same inode, same size, and (within one clock tick) perhaps
    // the same times. Then with another size.
    let same_size = before.replacen("\"a\"", "\"b\"", 1);
    let longer = format!("{before} ");
    for theirs in [same_size, longer] {
        fs::write(&path, &before).unwrap();
        let inode = fs::metadata(&path).unwrap().ino();
        let err = TokenFile::update(&path, &WriteOptions::default(), |file| {
            fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .and_then(|mut f| std::io::Write::write_all(&mut f, theirs.as_bytes()))
                .unwrap();
            file.add(entry("c", &["db:db1:read"]), &[])
                .map(Edit::Changed)
        })
        .unwrap_err();
        assert!(matches!(err, TokenFileError::Changed { .. }), "{err}");
        // Nothing of theirs is lost, and no temporary file is left.
        assert_eq!(fs::read_to_string(&path).unwrap(), theirs);
        assert_eq!(fs::metadata(&path).unwrap().ino(), inode);
        assert_eq!(listing(dir.path()), [".t.json.lock", "t.json"]);
    }
    // The same bytes put back as a new file (`sed -i`), or the file only touched: it is
    // no longer what was read either.
    let replaced = |path: &Path| {
        let fresh = dir.path().join("fresh");
        fs::write(&fresh, fs::read(path).unwrap()).unwrap();
        fs::rename(&fresh, path).unwrap();
    };
    let touched = |path: &Path| {
        let file = fs::OpenOptions::new().write(true).open(path).unwrap();
        file.set_modified(std::time::SystemTime::UNIX_EPOCH)
            .unwrap();
    };
    for theirs in [&replaced as &dyn Fn(&Path), &touched] {
        fs::write(&path, &before).unwrap();
        let err = TokenFile::update(&path, &WriteOptions::default(), |file| {
            theirs(&path);
            file.add(entry("c", &["db:db1:read"]), &[])
                .map(Edit::Changed)
        })
        .unwrap_err();
        assert!(matches!(err, TokenFileError::Changed { .. }), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), before);
    }
}

#[test]
fn secrets_are_written_in_the_form_their_reader_takes() {
    use influxdb3_tokenfile::{SecretsFile, SecretsFormat, SecretsFormatError};
    let dir = tempfile::tempdir().unwrap();
    let tokens: Vec<(&str, Token)> = vec![
        ("grafana", Token::generate().unwrap()),
        ("ci-deploy.v2", Token::generate().unwrap()),
    ];
    let write = |name: &str, format: SecretsFormat| {
        let path = dir.path().join(name);
        let mut out = SecretsFile::with_format(&path, format).unwrap();
        for (name, token) in &tokens {
            out.add(name, token).unwrap();
        }
        out.finish().unwrap();
        path
    };
    // env: what `sh` reads back.
    let env = write("tokens.env", SecretsFormat::Env);
    assert_eq!(mode(&env), 0o600);
    let out = Command::new("sh")
        .args(["-c", "set -a; . \"$1\"; printf '%s\\n' \"$INFLUXDB3_TOKEN_GRAFANA\" \"$INFLUXDB3_TOKEN_CI_DEPLOY_V2\"", "sh"])
        .arg(&env)
        .output()
        .unwrap();
    let read = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        read.lines().collect::<Vec<_>>(),
        [tokens[0].1.expose_secret(), tokens[1].1.expose_secret()]
    );
    // dir: one file per token, exactly its value, private.
    let secrets = write("secrets", SecretsFormat::Dir);
    assert_eq!(mode(&secrets), 0o700);
    for (name, token) in &tokens {
        assert_eq!(
            fs::read_to_string(secrets.join(name)).unwrap(),
            token.expose_secret()
        );
        assert_eq!(mode(&secrets.join(name)), 0o600);
    }
    // kubernetes: a v1 Secret.
    let k8s = write(
        "secret.json",
        SecretsFormat::kubernetes("influxdb3-tokens").unwrap(),
    );
    let doc: serde_json::Value = serde_json::from_str(&fs::read_to_string(&k8s).unwrap()).unwrap();
    assert_eq!(doc["apiVersion"], "v1");
    assert_eq!(doc["kind"], "Secret");
    assert_eq!(doc["type"], "Opaque");
    assert_eq!(doc["metadata"]["name"], "influxdb3-tokens");
    assert_eq!(
        doc["stringData"]["ci-deploy.v2"],
        tokens[1].1.expose_secret()
    );
    // json: as before.
    let json = write("secrets.json", SecretsFormat::Json);
    let doc: serde_json::Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["grafana"], tokens[0].1.expose_secret());
    // What a form cannot hold is said before anything is written.
    assert!(matches!(
        SecretsFormat::Env.check(["a-b", "a_b"]),
        Err(SecretsFormatError::SameVariable { .. })
    ));
    assert!(SecretsFormat::Env.check(["a", "a"]).is_ok());
    for bad in ["../x", ".hidden", "a b", "数据"] {
        assert!(SecretsFormat::Dir.check([bad]).is_err(), "{bad}");
    }
    let k = SecretsFormat::kubernetes("s").unwrap();
    assert!(matches!(
        k.check(["a/b"]),
        Err(SecretsFormatError::Key { .. })
    ));
    // Names of letters, digits, `.`, `_` and `-` are taken; no name is none.
    for format in [SecretsFormat::Dir, k.clone()] {
        assert!(format.check(["a", "B.c", "d_e-f9"]).is_ok(), "{format:?}");
        assert!(format.check([""]).is_err(), "{format:?}");
    }
    // A leading dot hides a file, not a key.
    assert!(k.check([".x"]).is_ok());
    for bad in ["", "Upper", "-x", "x-", "a_b", &"a".repeat(254)] {
        assert!(SecretsFormat::kubernetes(bad).is_err(), "{bad}");
    }
    // Whatever is at the path is refused and left alone.
    assert!(SecretsFile::with_format(&secrets, SecretsFormat::Dir).is_err());
}

#[test]
fn secrets_files_go_when_discarded_and_refuse_what_appeared_meanwhile() {
    use influxdb3_tokenfile::{SecretsFile, SecretsFormat};
    let dir = tempfile::tempdir().unwrap();
    let tokens: Vec<(&str, Token)> = vec![
        ("a", Token::generate().unwrap()),
        ("b", Token::generate().unwrap()),
    ];
    // A discarded directory goes.
    let gone = dir.path().join("gone");
    let mut out = SecretsFile::with_format(&gone, SecretsFormat::Dir).unwrap();
    out.add("a", &tokens[0].1).unwrap();
    out.discard();
    assert!(!gone.exists());
    // A directory counts its files, and is closed where it is; one that appeared
    // meanwhile is refused, not written into.
    let kept = dir.path().join("kept");
    let mut out = SecretsFile::with_format(&kept, SecretsFormat::Dir).unwrap();
    assert!(out.is_empty());
    out.add("a", &tokens[0].1).unwrap();
    out.add("b", &tokens[1].1).unwrap();
    assert_eq!((out.len(), out.is_empty()), (2, false));
    assert_eq!(out.close().unwrap().as_deref(), Some(kept.as_path()));
    // A file of secrets that appeared meanwhile is refused too, and left as it was.
    let json = dir.path().join("late.json");
    let mut out = SecretsFile::new(&json).unwrap();
    fs::write(&json, "theirs").unwrap();
    assert!(matches!(
        out.add("a", &tokens[0].1),
        Err(TokenFileError::Exists { .. })
    ));
    assert_eq!(fs::read(&json).unwrap(), b"theirs");
    let late = dir.path().join("late");
    let mut out = SecretsFile::with_format(&late, SecretsFormat::Dir).unwrap();
    fs::create_dir(&late).unwrap();
    assert!(matches!(
        out.add("a", &tokens[0].1),
        Err(TokenFileError::Exists { .. })
    ));
    assert_eq!(fs::read_dir(&late).unwrap().count(), 0);
}

#[test]
fn an_admin_token_file_that_holds_the_token_already_is_left_alone() {
    use influxdb3_provision::{Action, ExecuteOptions, IfExists, NewAdmin, Plan, Policy, execute};
    use influxdb3_token::Expiry;
    use influxdb3_tokenfile::AdminFileStore;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("admin.json");
    let token = Token::generate().unwrap();
    // A plan that writes `name` with the chosen `secret` and `expiry`: what it did, and
    // whether the file changed.
    let apply = |name: &str, secret: &Token, expiry: Expiry, dry_run: bool| {
        let new = NewAdmin::new(TokenName::new(name).unwrap(), expiry, Timestamp::now())
            .with_secret(secret.clone());
        let plan = Plan::create_admin(new, IfExists::Replace, &Policy::default()).unwrap();
        let options = WriteOptions::default().dry_run(dry_run);
        let (executed, written) = AdminFileStore::open(&path, &options, |store| {
            execute(&plan, store, ExecuteOptions::default(), &mut |_| Ok(()))
        })
        .unwrap();
        assert!(executed.report.failed.is_none());
        (
            executed.report.done[0].action,
            executed.secrets.len(),
            written.changed,
        )
    };
    assert_eq!(
        apply("_admin", &token, Expiry::Never, false),
        (Action::Created, 1, true)
    );
    let before = fs::read(&path).unwrap();
    // The same secret, name and expiry: unchanged, nothing minted, in a dry run too.
    for dry_run in [true, false] {
        assert_eq!(
            apply("_admin", &token, Expiry::Never, dry_run),
            (Action::Exists, 0, false)
        );
    }
    assert_eq!(fs::read(&path).unwrap(), before);
    // Another expiry: the file is written whole again, with it.
    let later = Timestamp::from_millis(NOW + 86_400_000_000);
    assert_eq!(
        apply("_admin", &token, Expiry::At(later), false),
        (Action::Replaced, 1, true)
    );
    let mut text = String::new();
    assert_eq!(
        AdminTokenFile::load(&path, &mut text).unwrap().expiry(),
        Some(later)
    );
    // Another name or another secret: replaced.
    assert_eq!(
        apply("ops", &token, Expiry::Never, false),
        (Action::Replaced, 1, true)
    );
    let other = Token::generate().unwrap();
    assert_eq!(
        apply("ops", &other, Expiry::Never, false),
        (Action::Replaced, 1, true)
    );
    // AdminTokenFile::write writes whatever is there.
    let file = AdminTokenFile::new(other, TokenName::new("ops").unwrap(), None);
    assert!(file.write(&path, &WriteOptions::default()).unwrap().changed);
}

#[test]
fn the_small_readers_give_the_text_and_mode_of_the_very_file() {
    use influxdb3_tokenfile::{
        Code, chosen_secret_from, create_private_file, lint_file, read_chosen_secret,
        read_private_token, read_token_file, read_with_mode, same_file,
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.json");
    fs::write(&file, "hello").unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(read_with_mode(&file).unwrap(), ("hello".to_owned(), 0o640));
    assert_eq!(read_token_file(&file).unwrap(), ("hello".to_owned(), 0o640));
    // One file by two names; two files; a missing one by its path.
    let link = dir.path().join("link.json");
    symlink(&file, &link).unwrap();
    let other = dir.path().join("other.json");
    fs::write(&other, "hello").unwrap();
    assert!(same_file(&file, &link));
    assert!(!same_file(&file, &other));
    assert!(same_file(
        dir.path().join("missing"),
        dir.path().join("./missing")
    ));
    assert!(!same_file(dir.path().join("missing"), &file));
    // A chosen secret of the longest size, with its line end, fits; one byte more does not.
    let longest = format!("apiv3_{}", "k".repeat(250));
    assert!(chosen_secret_from(format!("{longest}\r\n").as_bytes(), Path::new("<stdin>")).is_ok());
    assert!(matches!(
        chosen_secret_from(format!("{longest}kk\n").as_bytes(), Path::new("<stdin>")),
        Err(TokenFileError::TooLarge { limit: 256, .. })
    ));
    let secret = dir.path().join("secret");
    fs::write(&secret, format!("{longest}\n")).unwrap();
    assert_eq!(
        read_chosen_secret(&secret).unwrap().expose_secret(),
        longest
    );
    // A private file is created with its content, mode 0600, and never twice.
    let private = dir.path().join("private");
    create_private_file(&private, b"secret", false).unwrap();
    assert_eq!(fs::read(&private).unwrap(), b"secret");
    assert_eq!(mode(&private), 0o600);
    assert!(matches!(
        create_private_file(&private, b"x", false),
        Err(TokenFileError::Exists { .. })
    ));
    // A tokens file its group may read is a lint finding; a private one is not.
    let tokens = dir.path().join("tokens.json");
    append(&tokens, "a", &["db1"]).unwrap();
    let codes = |path: &Path| -> Vec<Code> {
        lint_file(path, Timestamp::from_millis(NOW))
            .unwrap()
            .iter()
            .map(influxdb3_tokenfile::Lint::code)
            .collect()
    };
    assert!(!codes(&tokens).contains(&Code::ReadableFile));
    fs::set_permissions(&tokens, fs::Permissions::from_mode(0o640)).unwrap();
    assert!(codes(&tokens).contains(&Code::ReadableFile));
    // A write that leaves the file readable by others says so; a private one does not.
    let written = append(&tokens, "b", &["db1"]).unwrap();
    assert!(matches!(
        written.findings[..],
        [Finding::Readable { mode: 0o640, .. }]
    ));
    fs::set_permissions(&tokens, fs::Permissions::from_mode(0o600)).unwrap();
    assert!(append(&tokens, "c", &["db1"]).unwrap().findings.is_empty());
    // A file of one token is read up to the longest token and a line end, no further.
    let edge = dir.path().join("edge");
    let most = usize::try_from(influxdb3_tokenfile::MAX_TOKEN_FILE_BYTES).unwrap() + 2;
    fs::write(&edge, "a".repeat(most)).unwrap();
    assert_eq!(read_token_file(&edge).unwrap().0.len(), most);
    fs::write(&edge, "a".repeat(most + 1)).unwrap();
    assert!(matches!(
        read_token_file(&edge),
        Err(TokenFileError::TooLarge { limit: 256, .. })
    ));
    // The admin token of a private file: its first line; refused when others may read
    // it, or when that line is no token.
    let admin = dir.path().join("admin-token");
    let token = Token::generate().unwrap();
    fs::write(&admin, format!("{}\nsecond line\n", token.expose_secret())).unwrap();
    fs::set_permissions(&admin, fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(read_private_token(&admin).unwrap(), token);
    fs::set_permissions(&admin, fs::Permissions::from_mode(0o604)).unwrap();
    assert!(matches!(
        read_private_token(&admin),
        Err(TokenFileError::Readable { mode: 0o604, .. })
    ));
    fs::set_permissions(&admin, fs::Permissions::from_mode(0o640)).unwrap();
    assert!(matches!(
        read_private_token(&admin),
        Err(TokenFileError::Readable { mode: 0o640, .. })
    ));
    fs::write(&admin, "not a token\n").unwrap();
    fs::set_permissions(&admin, fs::Permissions::from_mode(0o400)).unwrap();
    assert!(matches!(
        read_private_token(&admin),
        Err(TokenFileError::InvalidSecret { .. })
    ));
    // What stands at a path is named.
    assert!(
        FileKind::Fifo.to_string().contains("FIFO"),
        "{}",
        FileKind::Fifo
    );
}

#[cfg(feature = "manifest")]
#[test]
fn a_manifest_is_read_with_the_secrets_of_its_secret_files() {
    use influxdb3_provision::Capabilities;
    use influxdb3_tokenfile::{ManifestFileError, read_manifest};
    let read_manifest = |p: &Path| read_manifest(p, Capabilities::FILE);
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("tokens.toml");
    let secret = format!("apiv3_{}", "s".repeat(40));
    fs::create_dir(dir.path().join("secrets")).unwrap();
    fs::write(dir.path().join("secrets/ingest"), format!("{secret}\n")).unwrap();
    let text = "[[token]]\nname = \"ingest\"\npermissions = [\"db:a:write\"]\nsecret_file = \"secrets/ingest\"\n\n[[token]]\nname = \"reader\"\npermissions = [\"db:a:read\"]\n";
    fs::write(&manifest, text).unwrap();
    // Relative to the manifest's directory, not to the working directory.
    let read = read_manifest(&manifest).unwrap();
    let secrets: Vec<(&str, Option<String>)> = read
        .tokens()
        .iter()
        .map(|d| {
            (
                d.name().as_str(),
                d.secret().map(|t| t.expose_secret().to_owned()),
            )
        })
        .collect();
    assert_eq!(secrets, [("ingest", Some(secret)), ("reader", None)]);
    // A secret file that holds no chosen secret names its token.
    fs::write(dir.path().join("secrets/ingest"), "short\n").unwrap();
    let e = read_manifest(&manifest).unwrap_err();
    assert!(
        matches!(&e, ManifestFileError::SecretFile { name, source: TokenFileError::InvalidSecret { .. } } if name == "ingest"),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("token ingest of the manifest: its secret_file: "),
        "{e}"
    );
    // A missing one too.
    fs::remove_file(dir.path().join("secrets/ingest")).unwrap();
    assert!(matches!(
        read_manifest(&manifest).unwrap_err(),
        ManifestFileError::SecretFile {
            source: TokenFileError::Read { .. },
            ..
        }
    ));
    // For a server, refused before any secret file is read (the missing one is not
    // the error).
    assert!(matches!(
        influxdb3_tokenfile::read_manifest(&manifest, Capabilities::SERVER).unwrap_err(),
        ManifestFileError::Refused(influxdb3_provision::PlanError::Unsupported { ref name, .. })
            if name == "ingest"
    ));
    // A bad manifest points at the bad character, in the file as it was named.
    fs::write(
        &manifest,
        "[[token]]\nname = \"x\"\npermissions = [\"db:a,*:read\"]\n",
    )
    .unwrap();
    let ManifestFileError::Invalid(d) = read_manifest(&manifest).unwrap_err() else {
        panic!("not a manifest diagnostic");
    };
    let at = d.location().unwrap();
    assert_eq!((at.line, at.column), (3, 22));
    assert_eq!(d.origin(), manifest.to_string_lossy());
    // A manifest that is not a regular file is not read.
    assert!(matches!(
        read_manifest(dir.path()).unwrap_err(),
        ManifestFileError::Read(TokenFileError::NotRegular { .. })
    ));
}

#[test]
fn a_secrets_file_keeps_what_the_executor_makes_and_drops_what_it_discards() {
    use influxdb3_provision::{Action, Done, Event};
    use influxdb3_tokenfile::SecretsFile;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secrets.json");
    let (a, b) = (Token::generate().unwrap(), Token::generate().unwrap());
    let (made_a, made_b) = (
        Done::new(Action::Created, "a"),
        Done::new(Action::Created, "b"),
    );
    // Nothing made: nothing created, and closing says so.
    let mut file = SecretsFile::new(&path).unwrap();
    file.observe(&Event::Done {
        done: &Done::new(Action::Kept, "k"),
        secret: None,
    })
    .unwrap();
    assert_eq!(file.close().unwrap(), None);
    assert!(!path.exists());
    // Two made, then discarded: the file is gone, and the next one starts afresh.
    let mut file = SecretsFile::new(&path).unwrap();
    file.observe(&Event::Done {
        done: &made_a,
        secret: Some(&a),
    })
    .unwrap();
    assert!(path.exists() && file.len() == 1);
    file.observe(&Event::Discarded).unwrap();
    assert!(!path.exists() && file.is_empty());
    file.observe(&Event::Done {
        done: &made_b,
        secret: Some(&b),
    })
    .unwrap();
    assert_eq!(file.close().unwrap().as_deref(), Some(path.as_path()));
    let kept: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(kept, serde_json::json!({ "b": b.expose_secret() }));
}

#[test]
fn a_secrets_file_ends_a_run_kept_or_removed_as_the_run_and_its_store_say() {
    use influxdb3_provision::{
        Capabilities, Event, ExecuteOptions, Executed, Plan, PlanOptions, Policy, Wanted, execute,
    };
    use influxdb3_token::Expiry;
    use influxdb3_tokenfile::{FileStore, FileStoreError, SecretsFile};
    let dir = tempfile::tempdir().unwrap();
    let want: Vec<Wanted> = ["a", "b"]
        .iter()
        .map(|n| {
            Wanted::new(
                TokenName::new(n).unwrap(),
                grants(&["db:x:read"]),
                Expiry::Never,
            )
        })
        .collect();
    let plan = Plan::reconcile(
        &want,
        &[],
        Capabilities::FILE,
        Timestamp::now(),
        PlanOptions::default(),
        &Policy::default(),
    )
    .unwrap();
    // The plan on a new tokens file, each secret kept in `secrets`; the caller's
    // observer fails at `b` (after the secrets file kept it) when `fail`.
    let run = |name: &str, fail: bool| -> (SecretsFile, Executed<FileStoreError>, PathBuf) {
        let secrets = dir.path().join(format!("{name}.json"));
        let mut file = SecretsFile::new(&secrets).unwrap();
        let tokens = dir.path().join(format!("{name}-tokens.json"));
        let (executed, _) = FileStore::open(&tokens, &WriteOptions::default(), |store| {
            execute(&plan, store, ExecuteOptions::default(), &mut |event| {
                file.observe(event)?;
                match event {
                    Event::Done { done, .. } if fail && done.name == "b" => Err("full".into()),
                    _ => Ok(()),
                }
            })
        })
        .unwrap();
        assert_eq!(tokens.exists(), !fail);
        (file, executed, secrets)
    };
    let names = |path: &Path| -> Vec<String> {
        let kept: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
        kept.keys().cloned().collect()
    };
    // A run that succeeded: the file is closed, and holds both secrets.
    let (file, executed, secrets) = run("done", false);
    let ended = file.end_run(&executed.report).unwrap();
    assert_eq!(ended.as_deref(), Some(secrets.as_path()));
    assert_eq!(names(&secrets), ["a", "b"]);
    // A tokens file's run that failed wrote no token: their secrets go too.
    let (file, executed, secrets) = run("failed", true);
    assert!(executed.report.failed.is_some() && secrets.exists());
    assert_eq!(file.end_run(&executed.report).unwrap(), None);
    assert!(!secrets.exists());
    // On a server (a store whose changes take effect one by one, as its report says)
    // the tokens made before the failure exist: their secrets are kept.
    let (file, mut executed, secrets) = run("server", true);
    executed.report.atomic = false;
    let ended = file.end_run(&executed.report).unwrap();
    assert_eq!(ended.as_deref(), Some(secrets.as_path()));
    assert_eq!(names(&secrets), ["a", "b"]);
}

#[test]
fn a_file_named_without_a_directory_is_written_in_the_working_one() {
    let dir = tempfile::tempdir().unwrap();
    // The child appends to `tokens.json`, a name without a directory, from `dir`.
    let out = appender(Path::new("tokens.json"), "here", 2)
        .current_dir(dir.path())
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    let names = loaded(&dir.path().join("tokens.json"), |f| {
        f.tokens()
            .iter()
            .map(|t| t.name().to_owned())
            .collect::<Vec<_>>()
    });
    assert_eq!(names, ["here-0", "here-1"]);
}

#[test]
fn a_path_through_a_file_is_an_error_of_reading_not_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain");
    fs::write(&file, "x").unwrap();
    let err = append(&file.join("tokens.json"), "a", &["db1"]).unwrap_err();
    assert!(
        matches!(&err, TokenFileError::Read { source, .. } if source.raw_os_error() == Some(libc::ENOTDIR)),
        "{err:?}"
    );
}

/// Says on stderr that a test could not run here, and why.
#[allow(clippy::print_stderr)]
fn not_run(why: &str) {
    eprintln!("not run: {why}");
}

/// Whether this process runs as root (the owner of its `/proc` entry).
fn is_root() -> bool {
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[test]
fn files_of_other_users_in_shared_directories_are_not_written_through() {
    if !is_root() {
        not_run("giving a file to another user needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let other = 12_345;
    // A world-writable sticky directory (as /tmp): another user's file there is
    // refused, this user's is written.
    let sticky = dir.path().join("sticky");
    fs::create_dir(&sticky).unwrap();
    fs::set_permissions(&sticky, fs::Permissions::from_mode(0o1777)).unwrap();
    let theirs = sticky.join("theirs.json");
    append(&theirs, "a", &["db1"]).unwrap();
    std::os::unix::fs::chown(&theirs, Some(other), Some(other)).unwrap();
    let before = fs::read(&theirs).unwrap();
    let err = append(&theirs, "b", &["db1"]).unwrap_err();
    assert!(
        matches!(err, TokenFileError::SharedDirectory { uid, .. } if uid == other),
        "{err:?}"
    );
    assert_eq!(fs::read(&theirs).unwrap(), before);
    append(&sticky.join("mine.json"), "a", &["db1"]).unwrap();
    append(&sticky.join("mine.json"), "b", &["db1"]).unwrap();
    // Without the sticky bit, or in a directory only its owner writes: written.
    for mode in [0o777, 0o755] {
        let open = dir.path().join(format!("open-{mode:o}"));
        fs::create_dir(&open).unwrap();
        fs::set_permissions(&open, fs::Permissions::from_mode(mode)).unwrap();
        let file = open.join("theirs.json");
        append(&file, "a", &["db1"]).unwrap();
        std::os::unix::fs::chown(&file, Some(other), Some(other)).unwrap();
        append(&file, "b", &["db1"]).unwrap();
        // The new file is theirs, as the old one was.
        let meta = fs::metadata(&file).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (other, other));
    }
}

#[test]
fn an_unprivileged_writer_cannot_replace_a_file_it_may_not_write() {
    if !is_root() || Command::new("setpriv").arg("--version").output().is_err() {
        not_run("running as another user needs root and setpriv");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    // Root's file, readable by all, in a directory everyone may write to (no sticky
    // bit): renaming a new file over it would work, writing it may not.
    let open = dir.path().join("open");
    fs::create_dir(&open).unwrap();
    fs::set_permissions(&open, fs::Permissions::from_mode(0o777)).unwrap();
    let path = open.join("tokens.json");
    append(&path, "a", &["db1"]).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let before = fs::read(&path).unwrap();
    // The appending child, run as `nobody`.
    let child = appender(&path, "nobody", 1);
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(child.get_program())
        .args(child.get_args())
        .envs(child.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .output()
        .unwrap();
    // The child's append failed, saying why (its panic, on stderr), and left the file.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("NotWritable"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn standard_input_is_read_as_a_file_is() {
    // Its text, and no more than a file may hold.
    let origin = Path::new("<stdin>");
    assert_eq!(
        influxdb3_tokenfile::read_from("{}".as_bytes(), origin).unwrap(),
        "{}"
    );
    let endless = std::io::Read::take(std::io::repeat(b' '), u64::MAX);
    assert!(matches!(
        influxdb3_tokenfile::read_from(endless, origin),
        Err(TokenFileError::TooLarge { limit, .. }) if limit == influxdb3_tokenfile::MAX_FILE_BYTES
    ));
}

#[test]
fn an_empty_path_is_no_file_to_write_and_nothing_is_created_for_it() {
    let err = append(Path::new(""), "a", &[]).unwrap_err();
    assert!(
        matches!(&err, TokenFileError::Write { source, .. } if source.kind() == std::io::ErrorKind::InvalidInput),
        "{err:?}"
    );
    assert!(!Path::new("..lock").exists());
    let err = influxdb3_tokenfile::write_file("", b"x", 0o644).unwrap_err();
    assert!(matches!(err, TokenFileError::Write { .. }), "{err:?}");
}

#[test]
fn an_error_hints_what_its_rule_asks_and_nothing_where_the_caller_knows_better() {
    let path = PathBuf::from("tokens.json");
    let fifo = TokenFileError::NotRegular {
        path: path.clone(),
        kind: FileKind::Fifo,
    };
    assert!(
        fifo.hint()
            .unwrap()
            .starts_with("a tokens file must be a regular file")
    );
    let write = TokenFileError::Write {
        path: path.clone(),
        source: std::io::Error::other("disk full"),
    };
    assert_eq!(write.hint(), Some("the file was left as it was"));
    let read = TokenFileError::Read {
        path,
        source: std::io::Error::other("gone"),
    };
    assert_eq!(read.hint(), None);
}

#[test]
fn a_file_of_secrets_is_a_file_of_its_own() {
    use influxdb3_tokenfile::SecretsFile;
    let dir = tempfile::tempdir().unwrap();
    let (tokens, manifest) = (dir.path().join("tokens.json"), dir.path().join("m.toml"));
    fs::write(&manifest, "").unwrap();
    let others = [tokens.as_path(), manifest.as_path()];
    // The same file under another name, existing or not.
    for (out, named) in [
        (dir.path().join(".").join("tokens.json"), &tokens),
        (dir.path().join("m.toml"), &manifest),
    ] {
        match SecretsFile::check_apart(&out, &others) {
            Err(TokenFileError::SameFile { path, other }) => {
                assert_eq!(
                    (path.as_path(), other.as_path()),
                    (out.as_path(), named.as_path())
                );
            }
            other => panic!("{other:?}"),
        }
    }
    SecretsFile::check_apart(dir.path().join("secrets.json"), &others).unwrap();
}

#[cfg(feature = "manifest")]
#[test]
fn a_manifest_run_keeps_its_secrets_where_asked_and_says_what_it_came_to() {
    use influxdb3_provision::{ApplyOptions, Manifest};
    use influxdb3_tokenfile::{FileStore, ManifestRun, SecretsFile, SecretsFormat};
    use std::convert::Infallible;
    let dir = tempfile::tempdir().unwrap();
    let manifest: Manifest =
        "create_databases = [\"_x\"]\n[[token]]\nname = \"a b\"\npermissions = [\"db:m:read\"]\n"
            .parse()
            .unwrap();
    let named = Path::new("m.toml");
    let (file, secrets) = (dir.path().join("tokens.json"), dir.path().join("secrets"));
    let yes = |_: &_| Ok::<_, Infallible>(());
    // A name the form cannot hold: refused before anything is made.
    let run = ManifestRun::new(&manifest, named, ApplyOptions::default());
    let dir_form = SecretsFile::with_format(&secrets, SecretsFormat::Dir).unwrap();
    assert!(run.keep_secrets(dir_form).is_err());
    // Kept in a file of secrets: none to show, the file named in the words.
    let run = ManifestRun::new(&manifest, named, ApplyOptions::default())
        .keep_secrets(SecretsFile::new(&secrets).unwrap())
        .unwrap();
    let mut seen = 0;
    let applied = run
        .on_file(&file, &WriteOptions::default(), yes, &mut |event| {
            // The file of secrets keeps each secret: the observer never sees one.
            if let influxdb3_provision::Event::Done { secret, .. } = event {
                assert!(secret.is_none(), "a kept secret reached the observer");
                seen += 1;
            }
            Ok(())
        })
        .unwrap();
    assert!(seen > 0 && applied.executed.report.failed.is_none());
    assert!(applied.shown().is_empty());
    assert_eq!(
        applied.secrets_out.as_ref().unwrap().as_deref(),
        Some(secrets.as_path())
    );
    let kept: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&secrets).unwrap()).unwrap();
    assert_eq!(
        kept["a b"].as_str(),
        Some(applied.executed.secrets[0].1.expose_secret())
    );
    let words = applied.with_secrets().to_string();
    assert!(
        words.contains("1 created") && words.contains("secrets` (mode 0600)"),
        "{words}"
    );
    let warnings = applied.warnings();
    assert!(
        warnings[0].contains("`_x` (in the manifest's create_databases)"),
        "{warnings:?}"
    );
    assert!(applied.written.as_ref().is_some_and(|w| w.changed));
    // Again, on a store: nothing to change, nothing to show, no file of secrets.
    let ((), _) = FileStore::open(&file, &WriteOptions::default(), |store| {
        let run = ManifestRun::new(&manifest, named, ApplyOptions::default());
        let applied = run.on_store(store, yes, &mut |_| Ok(())).unwrap();
        assert!(applied.written.is_none() && applied.shown().is_empty());
        assert_eq!(applied.secrets_out.as_ref().unwrap(), &None);
        assert!(applied.words().to_string().starts_with("Nothing to change"));
    })
    .unwrap();
}

#[test]
fn a_dash_is_standard_input_read_once_and_named_stdin() {
    use influxdb3_tokenfile::{MergeInput, read_input};
    let text = r#"{"tokens": []}"#;
    // A file is not read from standard input (which would give an empty text here).
    assert_eq!(
        MergeInput::read(Path::new("a.json"), std::io::empty()).unwrap(),
        MergeInput::File(PathBuf::from("a.json"))
    );
    assert_eq!(
        MergeInput::read(Path::new("-"), text.as_bytes()).unwrap(),
        MergeInput::Text {
            origin: PathBuf::from("<stdin>"),
            text: text.to_owned()
        }
    );
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    assert!(matches!(
        read_input(&missing, std::io::empty()),
        Err(TokenFileError::NotRegular { .. } | TokenFileError::Read { .. })
    ));
    // Loaded and linted alike; a text that does not load names `-`, as it was given.
    let mut read = String::new();
    let file = TokenFile::load_input("-", text.as_bytes(), &mut read).unwrap();
    assert!(file.tokens().is_empty());
    let mut bad = String::new();
    match TokenFile::load_input("-", &b"{"[..], &mut bad) {
        Err(TokenFileError::Invalid { path, .. }) => assert_eq!(path, Path::new("-")),
        other => panic!("{other:?}"),
    }
    let found = influxdb3_tokenfile::lint_input("-", &b"{"[..], Timestamp::now()).unwrap();
    assert!(!found.is_empty());
    assert!(influxdb3_tokenfile::lint_input(&missing, std::io::empty(), Timestamp::now()).is_err());
}
