//! The review tools' logic: lint findings and their lines, diffs by what is granted,
//! merges and their conflicts, remove and rotate.

use std::fmt::Write as _;

use influxdb3_provision::{Conflict, Policy};
use influxdb3_token::{Timestamp, Token};
use influxdb3_tokenfile::{
    Code, FileDiff, LintCount, MergeError, Severity, TokenEntry, TokenFile, WriteOptions, lint,
    merge_files,
};

const NOW: i64 = 1_756_400_061_529;

fn now() -> Timestamp {
    Timestamp::from_millis(NOW)
}

fn codes(text: &str) -> Vec<(Code, usize)> {
    lint(text, now())
        .iter()
        .map(|l| (l.code(), l.location().map_or(0, |at| at.line)))
        .collect()
}

fn token() -> String {
    Token::generate().unwrap().expose_secret().to_owned()
}

#[test]
fn a_clean_file_has_no_findings() {
    let text = format!(
        r#"{{
  "create_databases": ["m"],
  "tokens": [
    {{"token": "{}", "name": "a", "expiry_millis": {}, "permissions": ["db:m:read", "system:health:read"]}}
  ]
}}"#,
        token(),
        NOW + 1000
    );
    assert_eq!(lint(&text, now()), []);
}

#[test]
fn every_finding_has_its_line() {
    let good = token();
    let text = format!(
        r#"{{
  "create_databases": ["m", "bad name"],
  "tokens": [
    {{"token": "{good}", "name": "a", "expiry_millis": {later}, "permissions": ["db:m:reed"]}},
    {{"token": "{good}", "name": "a", "expiry_millis": {later}, "permissions": ["*:*:*"]}},
    {{"token": "nope", "name": "_admin", "expiry_millis": {later}, "permissions": []}},
    {{"token": "apiv3_short", "name": "b", "permissions": ["db:*:read", "db:other:write"]}},
    {{"token": "{t3}", "name": "c", "expiry_millis": {NOW}, "permissions": ["db:m:read"], "name": "d"}},
    {{"token": "{t4}", "name": "", "expiry_millis": "soon", "permissions": "db:m:read"}},
    3,
    {{"name": "e", "permissions": [1]}}
  ]
}}"#,
        later = NOW + 1000,
        t3 = token(),
        t4 = token(),
    );
    let found = codes(&text);
    let expect = [
        (Code::InvalidDatabaseName, 2),
        (Code::InvalidPermission, 4),
        (Code::DuplicateName, 5),
        (Code::DuplicateToken, 5),
        (Code::AdminPermission, 5),
        (Code::ReservedName, 6),
        (Code::TokenPrefix, 6),
        (Code::NoPermissions, 6),
        (Code::TokenLength, 7),
        (Code::NoExpiry, 7),
        (Code::WildcardDatabase, 7),
        (Code::UnknownDatabase, 7),
        (Code::DuplicateField, 8),
        (Code::Expired, 8),
        (Code::InvalidName, 9),
        (Code::WrongShape, 9),
        (Code::WrongShape, 10),
        (Code::WrongShape, 11),
    ];
    for e in expect {
        assert!(found.contains(&e), "{e:?} not in {found:?}");
    }
    // The permission's column is that of its bad part.
    let invalid = lint(&text, now())
        .into_iter()
        .find(|l| l.code() == Code::InvalidPermission)
        .unwrap();
    let line = text.lines().nth(3).unwrap();
    let col = line.find("db:m:reed").unwrap() + 1 + "db:m:".len();
    assert_eq!(invalid.location().unwrap().column, col);
    assert_eq!(invalid.token(), Some("a"));
    assert!(
        invalid.diagnostic().hint() == Some("did you mean `read`?"),
        "{:?}",
        invalid.diagnostic()
    );
    // Secrets are never in a message.
    for l in lint(&text, now()) {
        let message = l.diagnostic().message();
        assert!(!message.contains(&good[6..]), "{message}");
    }
}

#[test]
fn not_json_and_wrong_shapes_are_findings_not_failures() {
    assert_eq!(codes("{\n  \"tokens\": [\n  }"), [(Code::NotJson, 3)]);
    assert_eq!(codes("[]"), [(Code::WrongShape, 1)]);
    assert_eq!(codes("{\"x\": 1}"), [(Code::WrongShape, 1)]);
    assert_eq!(codes("{\n\"tokens\": {}}"), [(Code::WrongShape, 2)]);
    assert_eq!(codes(""), [(Code::NotJson, 1)]);
}

#[test]
fn repeated_keys_are_found_in_objects_of_any_size() {
    // Few keys are compared in place, many through a set: the same findings.
    for extra in [0, 40] {
        let mut keys = String::new();
        for i in 0..extra {
            let _ = writeln!(keys, "\"x{i}\": 1,");
        }
        let text = format!("{{\n{keys}\"tokens\": [],\n\"x1\": 2,\n\"tokens\": []\n}}");
        let found = codes(&text);
        let repeated: Vec<usize> = found
            .iter()
            .filter(|(c, _)| *c == Code::DuplicateField)
            .map(|(_, line)| *line)
            .collect();
        let want = if extra == 0 {
            vec![extra + 4]
        } else {
            vec![extra + 3, extra + 4]
        };
        assert_eq!(repeated, want, "{text}");
    }
}

#[test]
fn severities_are_stable() {
    assert_eq!(Code::DuplicateName.severity(), Severity::Error);
    assert_eq!(Code::AdminPermission.severity(), Severity::Error);
    assert_eq!(Code::NoExpiry.severity(), Severity::Warning);
    assert_eq!(Code::UnknownDatabase.as_str(), "unknown-database");
}

fn file(tokens: &[(&str, &str, &[&str], Option<i64>)]) -> String {
    let list: Vec<String> = tokens
        .iter()
        .map(|(name, value, perms, expiry)| {
            let expiry = expiry.map_or(String::new(), |e| format!(r#""expiry_millis": {e}, "#));
            format!(
                r#"{{"token": "{value}", "name": "{name}", {expiry}"permissions": {}}}"#,
                serde_json::to_string(perms).unwrap()
            )
        })
        .collect();
    format!(r#"{{"tokens": [{}]}}"#, list.join(", "))
}

#[test]
fn diff_compares_what_is_granted_not_the_text() {
    let old = file(&[
        ("same", "apiv3_1", &["db:a,b:read"], None),
        ("wider", "apiv3_2", &["db:a:read"], Some(NOW)),
        (
            "narrower",
            "apiv3_3",
            &["db:a:read,write", "system:*:read"],
            None,
        ),
        ("gone", "apiv3_4", &["db:a:read"], None),
    ]);
    let new = file(&[
        ("same", "apiv3_1", &["db:b:read", "db:a:read"], None),
        ("wider", "apiv3_2", &["db:a:read", "db:*:write"], None),
        (
            "narrower",
            "apiv3_9",
            &["db:a:read", "system:health:read"],
            None,
        ),
        ("new", "apiv3_5", &["db:c:read"], None),
    ]);
    let (old, new) = (
        TokenFile::parse(&old).unwrap(),
        TokenFile::parse(&new).unwrap(),
    );
    let diff = FileDiff::between(&old, &new);
    assert_eq!(diff.added.len(), 1);
    assert_eq!(diff.added[0].name, "new");
    assert_eq!(diff.removed, ["gone"]);
    let names: Vec<&str> = diff.changed.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["wider", "narrower"], "`same` is no change");
    let wider = &diff.changed[0];
    assert_eq!(
        wider
            .widened
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["db:*:write"]
    );
    assert!(wider.expiry_extended());
    assert!(!wider.secret_rotated);
    let narrower = &diff.changed[1];
    assert!(narrower.widened.is_empty());
    assert_eq!(
        narrower
            .narrowed
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["db:a:write", "system:*:read"]
    );
    assert!(narrower.secret_rotated);
    assert!(diff.widens());
    // In words, as `tokens diff` shows them.
    assert_eq!(
        wider.to_string(),
        format!(
            "widened db:*:write; expiry {} -> never (later)",
            Timestamp::from_millis(NOW)
        )
    );
    assert_eq!(
        narrower.to_string(),
        "narrowed db:a:write, system:*:read; secret rotated"
    );
    // As JSON: the shape of `tokens diff --format json`, no secret in it.
    let json = serde_json::to_value(&diff).unwrap();
    let at = Timestamp::from_millis(NOW).to_string();
    assert_eq!(
        json,
        serde_json::json!({
            "added": [{"name": "new", "permissions": ["db:c:read"], "expiry": null}],
            "removed": ["gone"],
            "changed": [
                {"name": "wider", "widened": ["db:*:write"], "narrowed": [],
                 "expiry": {"old": at, "new": null}, "expiry_extended": true,
                 "secret_rotated": false},
                {"name": "narrower", "widened": [],
                 "narrowed": ["db:a:write", "system:*:read"], "expiry": null,
                 "expiry_extended": false, "secret_rotated": true},
            ],
            "databases_added": [],
            "databases_removed": [],
            "widens": true,
        })
    );
    assert!(!serde_json::to_string(&diff).unwrap().contains("apiv3_"));
    // Without the new token and the wider one, nothing widens.
    let back = FileDiff::between(&new, &old);
    assert!(back.widens(), "`gone` comes back");
    assert!(FileDiff::between(&old, &old).is_empty());
}

#[test]
fn merge_keeps_one_copy_and_names_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let put = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let a = put(
        "a.json",
        file(&[
            ("x", "apiv3_1", &["db:a:read"], None),
            ("y", "apiv3_2", &["db:a:read"], None),
        ]),
    );
    let b = put(
        "b.json",
        file(&[
            ("x", "apiv3_1", &["db:a:read"], None),
            ("z", "apiv3_3", &["db:b:read"], None),
        ]),
    );
    let out = dir.path().join("out.json");
    let policy = Policy::default();
    let options = WriteOptions::default();
    let merged = merge_files(&[a.clone(), b], &out, &options, &policy).unwrap();
    assert!(merged.executed.report.failed.is_none());
    let mut text = String::new();
    let names: Vec<String> = TokenFile::load(&out, &mut text)
        .unwrap()
        .tokens()
        .iter()
        .map(|t| t.name().to_owned())
        .collect();
    assert_eq!(names, ["x", "y", "z"]);

    let c = put(
        "c.json",
        file(&[
            ("x", "apiv3_9", &["db:a:read"], None),
            ("w", "apiv3_2", &["db:a:read"], None),
        ]),
    );
    let fresh = dir.path().join("fresh.json");
    let err = merge_files(&[a.clone(), c.clone()], &fresh, &options, &policy).unwrap_err();
    let MergeError::Conflicts { conflicts, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        conflicts,
        &[
            Conflict::Name {
                name: "x".into(),
                sources: (1, 2)
            },
            Conflict::Secret {
                first: "y".into(),
                second: "w".into(),
                sources: (1, 2)
            },
        ]
    );
    assert_eq!(err.source_path(1), Some(a.as_path()));
    assert_eq!(err.source_path(2), Some(c.as_path()));
    assert_eq!(
        err.to_string(),
        format!(
            "cannot merge: 2 conflicts: token `x` differs between `{}` and `{}`; one token value is `y` in `{0}` and `w` in `{1}`",
            a.display(),
            c.display()
        )
    );
    assert!(!fresh.exists(), "nothing written");
    // One name, same value, other grants: a conflict too.
    let d = put("d.json", file(&[("x", "apiv3_1", &["db:a:write"], None)]));
    assert!(merge_files(&[a, d], &fresh, &options, &policy).is_err());
}

#[test]
fn remove_and_rotate_keep_the_rest() {
    let text = r#"{"tokens": [
  {"token": "apiv3_1", "name": "a", "permissions": ["db:x:read"], "x-owner": "ops"},
  {"token": "apiv3_2", "name": "b", "permissions": ["db:y:read"]}
]}"#;
    let mut f = TokenFile::parse(text).unwrap();
    let fresh = Token::generate().unwrap();
    let old = f.rotate("a", fresh.clone()).unwrap().unwrap();
    assert_eq!(old.expose_secret(), "apiv3_1");
    assert_eq!(f.get("a").unwrap().token(), &fresh);
    assert_eq!(
        f.get("a").unwrap().extra_fields().collect::<Vec<_>>(),
        ["x-owner"]
    );
    assert!(
        f.rotate("nobody", Token::generate().unwrap())
            .unwrap()
            .is_none()
    );
    // The value of another token is refused.
    let b = f.get("b").unwrap().token().clone();
    assert!(f.rotate("a", b).is_err());
    assert_eq!(f.remove("b").unwrap().name(), "b");
    assert!(f.remove("b").is_none());
    assert_eq!(f.tokens().len(), 1);
}

#[test]
fn permissions_are_written_back_as_they_were() {
    // Valid but not canonical: kept byte for byte when another token is added.
    let text = "{\n  \"tokens\": [\n    {\n      \"token\": \"apiv3_1\",\n      \"name\": \"a\",\n      \"permissions\": [\n        \"db:b,a,b:write,read\"\n      ]\n    }\n  ]\n}\n";
    let f = TokenFile::parse(text).unwrap();
    assert_eq!(f.to_json(), text);
    assert_eq!(
        f.tokens()[0]
            .permissions()
            .map(|p| p.to_string())
            .collect::<Vec<_>>(),
        ["db:b,a:read,write"]
    );
}

#[test]
fn the_writer_writes_what_serde_json_pretty_prints() {
    for text in [
        r#"{"tokens": []}"#,
        r#"{"create_databases": [], "tokens": [], "x": {"a": [1, 2]}}"#,
        r#"{"x-first": null, "tokens": [{"token": "apiv3_a", "name": "quote \" and \\ and \u00e9 and é", "permissions": [], "y": "z"}], "create_databases": ["db"]}"#,
        r#"{"tokens": [{"name": "n", "token": "apiv3_b", "expiry_millis": -5, "permissions": ["db:a,b:read", "system:*:read"]}, {"token": "apiv3_c", "name": "m", "permissions": ["*:*:*"]}]}"#,
    ] {
        let file = TokenFile::parse(text).unwrap();
        let mut reference = serde_json::to_string_pretty(&file).unwrap();
        reference.push('\n');
        assert_eq!(file.to_json(), reference, "{text}");
    }
}

/// A file of one token, pretty or on one line; the arguments are raw JSON string
/// contents (escapes as written).
fn one_token_file(
    one_line: bool,
    create: &str,
    token: &str,
    name: &str,
    permission: &str,
) -> String {
    let (nl, i) = if one_line { ("", "") } else { ("\n", "  ") };
    let later = NOW + 1000;
    format!(
        "{{{nl}{i}\"create_databases\": [\"{create}\"],{nl}{i}\"tokens\": [{nl}{i}{i}{{\"token\": \"{token}\", \"name\": \"{name}\", \"expiry_millis\": {later},{nl}{i}{i}{i}\"permissions\": [\"{permission}\"]}}{nl}{i}]{nl}}}{nl}"
    )
}

/// The line and column (in characters) of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[start..].chars().count() + 1,
    )
}

#[test]
#[allow(clippy::too_many_lines)] // a table of cases
fn strict_load_and_lint_point_at_the_offending_character() {
    let good = token();
    // (what, create_databases, token, name, permission, the raw text around the
    // offending character, and its byte in that text)
    let cases: &[(Code, &str, &str, &str, &str, &str, usize)] = &[
        (
            Code::InvalidPermission,
            "a",
            &good,
            "t",
            "db:a,*:read",
            "a,*:read",
            2,
        ),
        (
            Code::InvalidPermission,
            "a",
            &good,
            "t",
            "db:a:reed",
            ":reed",
            1,
        ),
        (
            Code::InvalidName,
            "a",
            &good,
            "t\\u0007x",
            "db:a:read",
            "\\u0007x",
            0,
        ),
        (
            Code::InvalidName,
            "a",
            &good,
            "",
            "db:a:read",
            "\"\", \"expiry",
            1,
        ),
        (
            Code::TokenPrefix,
            "a",
            "apiv3_a b",
            "t",
            "db:a:read",
            "a b\"",
            1,
        ),
        (
            Code::TokenPrefix,
            "a",
            "apiv4_ab",
            "t",
            "db:a:read",
            "apiv4_ab",
            4,
        ),
        (
            Code::InvalidDatabaseName,
            "my db",
            &good,
            "t",
            "db:a:read",
            "my db",
            2,
        ),
        // Escapes before the offending character: it is found in the raw text.
        (
            Code::InvalidPermission,
            "a",
            &good,
            "t",
            "db:\\u0061,*:read",
            "0061,*:",
            5,
        ),
        (
            Code::InvalidPermission,
            "a",
            &good,
            "t",
            "db:\\u00e9t\\u00e9,*:read",
            "9,*:",
            2,
        ),
        (
            Code::InvalidPermission,
            "a",
            &good,
            "t",
            "db:é\\u00e9,*:read",
            "9,*:",
            2,
        ),
        (
            Code::InvalidPermission,
            "a",
            &good,
            "t",
            "db:\\n:read",
            "\\n:read",
            0,
        ),
        (
            Code::InvalidPermission,
            "a",
            &good,
            "t",
            "d\\u0062:x:\\ud83d\\ude00",
            "\\ud83d",
            0,
        ),
        (
            Code::InvalidDatabaseName,
            "a\\/\\u00e9 b",
            &good,
            "t",
            "db:a:read",
            " b\"",
            0,
        ),
        (
            Code::TokenPrefix,
            "a",
            "apiv3_\\tx",
            "t",
            "db:a:read",
            "\\tx",
            0,
        ),
    ];
    for &(code, create, token, name, permission, around, at) in cases {
        for one_line in [false, true] {
            let text = one_token_file(one_line, create, token, name, permission);
            let want = line_column(&text, text.find(around).unwrap() + at);
            assert_points_at(&text, code, want, token);
        }
    }
}

/// Strict load and lint report `code` at `want` in `text`, in the same words, and
/// without `secret`.
fn assert_points_at(text: &str, code: Code, want: (usize, usize), secret: &str) {
    let err = TokenFile::parse(text).expect_err(text);
    assert_eq!(err.code(), code, "{text}");
    let got = err.diagnostic().location().unwrap();
    assert_eq!((got.line, got.column), want, "strict, {err}: {text}");
    let shown = err.to_string();
    assert!(shown.starts_with(&format!("line {}, column {}: ", want.0, want.1)));
    assert!(!shown.contains("at bytes"), "{shown}");
    let found = lint(text, now());
    let l = found
        .iter()
        .find(|l| l.code() == code)
        .unwrap_or_else(|| panic!("no {code} in {found:?}"));
    let got = l.location().unwrap();
    assert_eq!((got.line, got.column), want, "lint, {l}: {text}");
    assert_eq!(l.diagnostic().location(), l.location());
    assert_eq!(l.diagnostic().message(), err.diagnostic().message());
    assert_eq!(l.diagnostic().span(), err.diagnostic().span());
    assert!(!l.diagnostic().message().contains(secret), "{l}");
}

/// What a finding says, and where.
type Summary = (Code, Option<String>, String, Option<std::ops::Range<usize>>);

#[test]
fn one_line_and_pretty_files_give_the_same_findings() {
    let good = token();
    let body = |nl: &str| {
        format!(
            r#"{{{nl}"create_databases": ["m", "bad name"],{nl}"tokens": [{nl}{{"token": "{good}", "name": "a", "permissions": ["db:m:reed", "db:x:read", "db:*:read"]}},{nl}{{"token": "{good}", "name": "a", "permissions": ["*:*:*"]}},{nl}{{"token": "nope", "name": "_admin", "expiry_millis": 1, "permissions": []}},{nl}{{"token": "apiv3_short", "name": "b\u0007", "name": 2, "permissions": [1]}},{nl}3,{nl}{{"name": "e"}}{nl}]{nl}}}"#
        )
    };
    let summary = |text: &str| -> Vec<Summary> {
        lint(text, now())
            .into_iter()
            .map(|l| {
                let d = l.diagnostic();
                (
                    l.code(),
                    l.token().map(str::to_owned),
                    d.message().to_owned(),
                    d.span(),
                )
            })
            .collect()
    };
    let pretty = body("\n");
    let one_line = body("");
    let (a, b) = (summary(&pretty), summary(&one_line));
    assert!(a.len() > 12, "{a:?}");
    // The same findings, in the same order; each span moved by the line breaks
    // before it.
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((&x.0, &x.1, &x.2), (&y.0, &y.1, &y.2));
        let (Some(sx), Some(sy)) = (&x.3, &y.3) else {
            assert_eq!(x.3, y.3);
            continue;
        };
        let breaks = pretty[..sx.start].matches('\n').count();
        assert_eq!(sx.start - breaks, sy.start, "{x:?}");
        assert_eq!(&pretty[sx.clone()], &one_line[sy.clone()]);
    }
}

#[test]
fn lint_of_a_one_line_file_with_many_findings_is_linear() {
    // 20,000 findings on one line of about a megabyte: a column worked out from the
    // start of the line for each would read 20 GB.
    let n = 20_000;
    let mut text = String::from("{\"tokens\": [");
    for i in 0..n {
        if i > 0 {
            text.push(',');
        }
        let _ = write!(
            text,
            "{{\"token\": \"apiv3_{i:040}\", \"name\": \"t{i}\", \"expiry_millis\": {}, \"permissions\": [\"db:*:reed\"]}}",
            NOW + 1000
        );
    }
    text.push_str("]}");
    let found = lint(&text, now());
    let invalid: Vec<_> = found
        .iter()
        .filter(|l| l.code() == Code::InvalidPermission)
        .collect();
    assert_eq!(invalid.len(), n);
    let last = invalid[n - 1];
    let want = line_column(&text, text.rfind("reed").unwrap());
    let got = last.location().unwrap();
    assert_eq!((got.line, got.column), want);
    // One text for all the findings.
    let shared = found[0].diagnostic().text().as_ptr();
    assert!(
        found
            .iter()
            .all(|l| l.diagnostic().text().as_ptr() == shared)
    );
}

#[test]
fn the_origin_is_the_path_when_the_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    std::fs::write(&path, "{\"tokens\": [3]}").unwrap();
    let found = influxdb3_tokenfile::lint_file(&path, now()).unwrap();
    assert_eq!(found[0].diagnostic().origin(), path.to_str().unwrap());
    let mut text = String::new();
    let err = TokenFile::load(&path, &mut text).unwrap_err();
    let influxdb3_tokenfile::TokenFileError::Invalid { error, .. } = err else {
        panic!("{err:?}");
    };
    assert_eq!(error.diagnostic().origin(), path.to_str().unwrap());
    assert_eq!(
        error.diagnostic().to_string(),
        format!(
            "{}:1:13: token 1 is a number, not an object",
            path.display()
        )
    );
    // A text parsed has a placeholder origin, for the caller to replace.
    let err = TokenFile::parse("[]").unwrap_err().with_origin("<stdin>");
    assert_eq!(err.diagnostic().origin(), "<stdin>");
}

#[test]
fn databases_created_after_the_tokens_are_known() {
    let text = format!(
        r#"{{"tokens": [{{"token": "{}", "name": "a", "expiry_millis": {}, "permissions": ["db:m,x:read"]}}], "create_databases": ["m"]}}"#,
        token(),
        NOW + 1000
    );
    let found = lint(&text, now());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code(), Code::UnknownDatabase);
    let at = found[0].location().unwrap();
    assert_eq!(at.column, text.find("x:read").unwrap() + 1);
}

#[test]
fn suspicious_names_are_found_and_still_load() {
    let names = [
        "telegraf",
        "tel\u{435}graf",  // Cyrillic е: mixes scripts, and looks like `telegraf`
        "\u{200b}grafana", // zero width: create token refuses it
        "reader ",         // trailing space
        "\u{202e}fdp.exe", // bidirectional override
        &"x".repeat(300),  // over 256 characters
        "数据-reader",     // Han with Latin: a mix that languages use
        "adrnin",          // `rn` looks like `m`…
        "admin",           // …of this one
    ];
    let tokens: Vec<(&str, String, &[&str], Option<i64>)> = names
        .iter()
        .map(|n| (*n, token(), &["db:m:read"][..], Some(NOW + 1000)))
        .collect();
    let tokens: Vec<(&str, &str, &[&str], Option<i64>)> = tokens
        .iter()
        .map(|(n, t, p, e)| (*n, t.as_str(), *p, *e))
        .collect();
    let text = file(&tokens).replace(r#"{"tokens""#, r#"{"create_databases": ["m"], "tokens""#);
    // The file loads: nothing here stops a server. A program asks which names to show
    // with a mark.
    assert_eq!(
        TokenFile::parse(&text).unwrap().names_to_review(),
        [
            (1, Code::ConfusableName),
            (2, Code::UnsafeName),
            (3, Code::UnsafeName),
            (4, Code::UnsafeName),
            (5, Code::UnsafeName),
            (8, Code::ConfusableName)
        ]
    );
    let found: Vec<(Code, Option<String>)> = lint(&text, now())
        .iter()
        .map(|l| (l.code(), l.token().map(str::to_owned)))
        .collect();
    let about = |code: Code| -> Vec<String> {
        found
            .iter()
            .filter(|(c, _)| *c == code)
            .filter_map(|(_, t)| t.clone())
            .collect()
    };
    assert_eq!(
        about(Code::UnsafeName),
        [
            "\u{200b}grafana",
            "reader ",
            "\u{202e}fdp.exe",
            &"x".repeat(300)
        ],
        "{found:?}"
    );
    assert_eq!(
        about(Code::ConfusableName),
        ["tel\u{435}graf", "tel\u{435}graf", "admin"],
        "{found:?}"
    );
    assert_eq!(Code::UnsafeName.severity(), Severity::Error);
    assert_eq!(Code::ConfusableName.severity(), Severity::Warning);
    // Each points at the offending character: the Cyrillic `е`.
    let mixed = lint(&text, now())
        .into_iter()
        .find(|l| l.code() == Code::ConfusableName && l.to_string().contains("mixes scripts"))
        .unwrap();
    let at = mixed.location().unwrap();
    let line = text.lines().nth(at.line - 1).unwrap();
    assert!(
        line.chars()
            .skip(at.column - 1)
            .collect::<String>()
            .starts_with('\u{435}'),
        "{mixed}"
    );
}

// ---- behaviours that mutation testing found unpinned ----

/// A token of [`file`]: name, value, permissions, expiry.
type Spec<'a> = (&'a str, &'a str, &'a [&'a str], Option<i64>);

#[test]
fn a_diff_names_each_kind_of_change_and_only_gains_widen() {
    let base = [
        ("a", "apiv3_1", &["db:a:read,write"][..], Some(NOW)),
        ("b", "apiv3_2", &["db:a:read"][..], None),
    ];
    let one = |tokens: &[Spec<'_>], dbs: &str| {
        file(tokens).replace(
            r#"{"tokens""#,
            &format!(r#"{{"create_databases": [{dbs}], "tokens""#),
        )
    };
    let old = one(&base, r#""m", "n""#);
    let old = TokenFile::parse(&old).unwrap();
    // Each change alone is a change, and only a gain widens.
    let cases: [(&[Spec<'_>], &str, bool); 6] = [
        (
            &[("a", "apiv3_1", &["db:a:read"], Some(NOW)), base[1]],
            "narrowed",
            false,
        ),
        (
            &[
                ("a", "apiv3_1", &["db:a:read,write"], Some(NOW - 1)),
                base[1],
            ],
            "expiry earlier",
            false,
        ),
        (
            &[
                ("a", "apiv3_1", &["db:a:read,write"], Some(NOW + 1)),
                base[1],
            ],
            "expiry later",
            true,
        ),
        (
            &[("a", "apiv3_1", &["db:a:read,write"], None), base[1]],
            "expiry gone",
            true,
        ),
        (
            &[("a", "apiv3_9", &["db:a:read,write"], Some(NOW)), base[1]],
            "secret rotated",
            false,
        ),
        (
            &[base[0], ("b", "apiv3_2", &["db:a:read"], Some(NOW))],
            "expiry set",
            false,
        ),
    ];
    for (tokens, what, widens) in cases {
        let new = one(tokens, r#""m", "n""#);
        let new = TokenFile::parse(&new).unwrap();
        let diff = FileDiff::between(&old, &new);
        assert_eq!(diff.changed.len(), 1, "{what}: {diff:?}");
        assert!(!diff.is_empty(), "{what}");
        assert_eq!(diff.widens(), widens, "{what}");
        assert_eq!(
            diff.changed[0].expiry_extended(),
            widens && what.starts_with("expiry"),
            "{what}"
        );
    }
    // A removed token, or databases alone: not empty, and no widening.
    let fewer = one(&base[..1], r#""m", "n""#);
    let diff = FileDiff::between(&old, &TokenFile::parse(&fewer).unwrap());
    assert_eq!(diff.removed, ["b"]);
    assert!(!diff.is_empty() && !diff.widens());
    let other_dbs = one(&base, r#""n", "o""#);
    let diff = FileDiff::between(&old, &TokenFile::parse(&other_dbs).unwrap());
    assert_eq!(
        diff.databases_added
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["o"]
    );
    assert_eq!(
        diff.databases_removed
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["m"]
    );
    assert!(diff.changed.is_empty() && diff.added.is_empty() && diff.removed.is_empty());
    assert!(!diff.is_empty() && !diff.widens());
    // Only databases added, or only removed, is still a change.
    let more_dbs = one(&base, r#""m", "n", "o""#);
    assert!(!FileDiff::between(&old, &TokenFile::parse(&more_dbs).unwrap()).is_empty());
    let fewer_dbs = one(&base, r#""m""#);
    assert!(!FileDiff::between(&old, &TokenFile::parse(&fewer_dbs).unwrap()).is_empty());
    // An added token widens.
    let added = one(
        &[base[0], base[1], ("c", "apiv3_3", &["db:a:read"], None)],
        r#""m", "n""#,
    );
    let diff = FileDiff::between(&old, &TokenFile::parse(&added).unwrap());
    assert!(!diff.is_empty() && diff.widens());
}

#[test]
fn a_code_is_shown_by_its_stable_name() {
    use influxdb3_text::Kind as _;
    for code in [
        Code::NoExpiry,
        Code::UnsafeName,
        Code::ConfusableName,
        Code::InvalidPermission,
    ] {
        assert_eq!(code.to_string(), code.as_str());
        assert_eq!(code.code(), code.as_str());
    }
    assert_eq!(Code::ConfusableName.as_str(), "confusable-name");
}

#[test]
fn a_permission_is_checked_in_every_token_whatever_the_token_before_had() {
    // Token 2 has, at the place of token 1's valid permission, another one: checked.
    let text = file(&[
        ("a", "apiv3_1", &["db:a:read", "db:b:read"], Some(NOW + 1)),
        ("b", "apiv3_2", &["db:a:reed", "db:b:read"], Some(NOW + 1)),
    ]);
    let found: Vec<(Code, Option<String>)> = lint(&text, now())
        .iter()
        .map(|l| (l.code(), l.token().map(str::to_owned)))
        .collect();
    assert!(
        found.contains(&(Code::InvalidPermission, Some("b".to_owned()))),
        "{found:?}"
    );
    assert!(TokenFile::parse(&text).is_err());
}

#[test]
fn a_value_of_the_wrong_type_is_named_by_its_type() {
    for (value, kind) in [
        ("{}", "an object"),
        ("[]", "a list"),
        ("true", "a boolean"),
        ("false", "a boolean"),
        ("null", "null"),
        ("7", "a number"),
    ] {
        let text = format!(
            r#"{{"tokens": [{{"token": "apiv3_x", "name": {value}, "permissions": ["db:a:read"]}}]}}"#
        );
        let err = TokenFile::parse(&text).unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("a `name` that is {kind}, not a string")),
            "{value}: {err}"
        );
    }
    let text = r#"{"tokens": [{"token": "apiv3_x", "name": "a", "expiry_millis": "soon", "permissions": ["db:a:read"]}]}"#;
    let err = TokenFile::parse(text).unwrap_err().to_string();
    assert!(err.contains("a string"), "{err}");
}

#[test]
fn a_place_inside_an_escaped_string_is_where_it_is_written() {
    // Before the offending `*`: a two-unit escape (😀), a one-byte escape, a plain é.
    let text = r#"{"tokens": [{"token": "apiv3_x", "name": "a", "permissions": ["db:\ud835\udc9c\u00e9\u0041é,*:read"]}]}"#;
    let err = TokenFile::parse(text).unwrap_err();
    let at = err.diagnostic().span().unwrap();
    assert_eq!(&text[at.clone()], "*", "{at:?}");
    // A database name with a newline, written as `\n`: the escape.
    let text =
        r#"{"tokens": [{"token": "apiv3_x", "name": "a", "permissions": ["db:\u00e9\nx:read"]}]}"#;
    let err = TokenFile::parse(text).unwrap_err();
    let at = err.diagnostic().span().unwrap();
    assert_eq!(&text[at], r"\n");
    // A name with a control character, written as an escape: the escape.
    let text =
        r#"{"tokens": [{"token": "apiv3_x", "name": "ab\u0007c", "permissions": ["db:a:read"]}]}"#;
    let err = TokenFile::parse(text).unwrap_err();
    let at = err.diagnostic().span().unwrap();
    assert_eq!(&text[at], r"\u0007");
}

#[test]
fn structural_problems_point_at_what_is_wrong() {
    let point = |text: &str| -> (Code, String) {
        let err = TokenFile::parse(text).unwrap_err();
        let at = err.diagnostic().span().unwrap();
        (err.code(), text[at].to_owned())
    };
    let valid = r#"{"token": "apiv3_x", "name": "a", "permissions": ["db:a:read"]}"#;
    // A key twice in a token: the second.
    let twice = r#"{"tokens": [{"token": "apiv3_x", "name": "a", "name": "b", "permissions": ["db:a:read"]}]}"#;
    let err = TokenFile::parse(twice).unwrap_err();
    assert_eq!(err.code(), Code::DuplicateField);
    let second = twice.rfind(r#""name""#).unwrap();
    assert_eq!(err.diagnostic().span(), Some(second..second + 1));
    // A top-level key twice: the second.
    let text = r#"{"tokens": [], "tokens": []}"#;
    let err = TokenFile::parse(text).unwrap_err();
    assert_eq!(err.code(), Code::DuplicateField);
    assert_eq!(
        err.diagnostic().span().unwrap().start,
        text.rfind(r#""tokens""#).unwrap()
    );
    // Not an object at the top: the value.
    let (code, at) = point("[1, 2]");
    assert_eq!(code, Code::WrongShape);
    assert!(at.starts_with('['), "{at}");
    // The second token is not an object: it.
    let (code, at) = point(&format!(r#"{{"tokens": [{valid}, 7]}}"#));
    assert_eq!(code, Code::WrongShape);
    assert_eq!(at, "7");
    // Not JSON: where it stops being JSON.
    let text = r#"{"tokens": [}"#;
    let err = TokenFile::parse(text).unwrap_err();
    assert_eq!(err.code(), Code::NotJson);
    assert_eq!(&text[err.diagnostic().span().unwrap().start..][..1], "}");
    // A `tokens` that is not a list: the value.
    let text = r#"{"create_databases": [], "tokens": {"a": 1}}"#;
    let (code, at) = point(text);
    assert_eq!(code, Code::WrongShape);
    assert!(at.starts_with('{'), "{at}");
    let err = TokenFile::parse(text).unwrap_err();
    assert_eq!(
        err.diagnostic().span().unwrap().start,
        text.find(r#"{"a""#).unwrap()
    );
}

#[test]
fn places_are_whole_spans_not_just_starts() {
    let at = |text: &str| -> (Code, String) {
        let err = TokenFile::parse(text).unwrap_err();
        let at = err.diagnostic().span().unwrap();
        (err.code(), text[at].to_owned())
    };
    // A bad character of a permission written without escapes: that character.
    let text = r#"{"tokens": [{"token": "apiv3_x", "name": "a", "permissions": ["db:a,*:read"]}]}"#;
    assert_eq!(at(text).1, "*");
    // A bad character of a token value (a lint's finding): that character, however
    // wide.
    for bad in ["!", "é"] {
        let text = format!(
            r#"{{"tokens": [{{"token": "apiv3_ab{bad}cd", "name": "a", "permissions": ["db:a:read"]}}]}}"#
        );
        let spans: Vec<String> = influxdb3_tokenfile::lint(&text, Timestamp::from_millis(0))
            .iter()
            .filter_map(|l| l.diagnostic().span())
            .map(|at| text[at].to_owned())
            .collect();
        assert!(spans.contains(&bad.to_owned()), "{spans:?}");
    }
    // A key twice: the opening quote of the second.
    let text = r#"{"tokens": [], "tokens": []}"#;
    assert_eq!(at(text), (Code::DuplicateField, "\"".to_owned()));
    // Not JSON: the one byte where it stops.
    assert_eq!(at(r#"{"tokens": [}"#), (Code::NotJson, "}".to_owned()));
    // An object of many keys (looked up another way) with one twice, and without.
    let mut keys = String::new();
    for i in 0..20 {
        let _ = write!(keys, r#""k{i}": {i}, "#);
    }
    let text = format!(
        r#"{{"tokens": [{{{keys}"k3": 0, "token": "apiv3_x", "name": "a", "permissions": ["db:a:read"]}}]}}"#
    );
    let err = TokenFile::parse(&text).unwrap_err();
    assert_eq!(err.code(), Code::DuplicateField);
    assert_eq!(
        err.diagnostic().span().unwrap().start,
        text.rfind(r#""k3""#).unwrap()
    );
    let text = format!(
        r#"{{"tokens": [{{{keys}"token": "apiv3_x", "name": "a", "permissions": ["db:a:read"]}}]}}"#
    );
    assert!(TokenFile::parse(&text).is_ok());
    // An admin token file: JSON that is not an object is the wrong shape; text that is
    // not JSON is not JSON.
    let err = influxdb3_tokenfile::AdminTokenFile::parse("[1]").unwrap_err();
    assert_eq!(err.code(), Code::WrongShape);
    let err = influxdb3_tokenfile::AdminTokenFile::parse("{").unwrap_err();
    assert_eq!(err.code(), Code::NotJson);
}

#[test]
fn repeats_truncations_and_missing_parts_are_placed_and_never_read_twice() {
    let codes = |text: &str| -> Vec<Code> {
        influxdb3_tokenfile::lint(text, Timestamp::from_millis(0))
            .iter()
            .map(influxdb3_tokenfile::Lint::code)
            .collect()
    };
    // A file cut after its `tokens` key: not JSON, and no panic looking for the value.
    for text in [r#"{"tokens":"#, r#"{"tokens": "#, "{\"tokens\"\n:\t"] {
        assert_eq!(
            TokenFile::parse(text).unwrap_err().code(),
            Code::NotJson,
            "{text}"
        );
    }
    // No `tokens` at all: the file's first character.
    let text = r#"  {"create_databases": []}"#;
    let err = TokenFile::parse(text).unwrap_err();
    assert_eq!(err.code(), Code::WrongShape);
    assert_eq!(err.diagnostic().span(), Some(2..3));
    // A repeated `tokens` or `create_databases` is reported, and the repeat is not read:
    // its tokens are not linted, its databases do not count.
    let bad = r#"[{"token": "apiv3_x", "name": "a", "permissions": ["db:a:reed"]}]"#;
    assert_eq!(
        codes(&format!(r#"{{"tokens": [], "tokens": {bad}}}"#)),
        [Code::DuplicateField]
    );
    let uses_a = r#"[{"token": "apiv3_x", "name": "a", "permissions": ["db:a:read"]}]"#;
    let found = codes(&format!(
        r#"{{"create_databases": ["a"], "create_databases": ["b"], "tokens": {uses_a}}}"#
    ));
    assert!(!found.contains(&Code::UnknownDatabase), "{found:?}");
    // A repeated top-level key written with an escape is placed at the file's start.
    let text = r#"{"tokens": [], "tok\u0065ns": []}"#;
    let err = TokenFile::parse(text).unwrap_err();
    assert_eq!(
        (err.code(), err.diagnostic().span()),
        (Code::DuplicateField, Some(0..1))
    );
    // A long token value with a character outside the alphabet: that character.
    let value = format!("apiv3_{}!{}", "a".repeat(30), "b".repeat(30));
    let text = format!(
        r#"{{"tokens": [{{"token": "{value}", "name": "a", "permissions": ["db:a:read"]}}]}}"#
    );
    let spans: Vec<&str> = influxdb3_tokenfile::lint(&text, Timestamp::from_millis(0))
        .iter()
        .filter_map(|l| l.diagnostic().span())
        .map(|at| &text[at])
        .collect();
    assert!(spans.contains(&"!"), "{spans:?}");
    // An admin token file keeps what it does not know, `permissions` included.
    let admin = influxdb3_tokenfile::AdminTokenFile::parse(
        r#"{"token": "apiv3_x", "name": "_admin", "permissions": ["*:*:*"], "x": 1}"#,
    )
    .unwrap();
    let json = admin.to_json();
    assert!(
        json.contains("\"permissions\"") && json.contains("\"x\""),
        "{json}"
    );
}

#[test]
fn broken_tokens_keep_their_places_and_findings_their_spans() {
    let lint = |text: &str| influxdb3_tokenfile::lint(text, Timestamp::from_millis(0));
    // The message of the first finding of `code`.
    let first = |text: &str, code: Code| {
        lint(text)
            .iter()
            .find(|l| l.code() == code)
            .map_or_else(|| panic!("no {code:?} in {text}"), ToString::to_string)
    };
    // A token that does not load still counts: a later one of its name is a repeat of
    // it.
    let text = r#"{"tokens": [
        {"token": "apiv3_y", "name": "b", "permissions": ["db:x:read"]},
        {"name": "a", "permissions": ["db:x:read"]},
        {"token": "apiv3_z", "name": "a", "permissions": ["db:x:read"]}
    ], "create_databases": ["x"]}"#;
    let repeat = first(text, Code::DuplicateName);
    assert!(repeat.contains("like token 2"), "{repeat}");
    // So does its value: a later token with it is a copy of it.
    let text = r#"{"tokens": [
        {"token": "apiv3_y", "name": "b", "permissions": ["db:x:read"]},
        {"token": "apiv3_x", "name": "a", "permissions": ["db:x:reed"]},
        {"token": "apiv3_x", "name": "c", "permissions": ["db:x:read"]}
    ], "create_databases": ["x"]}"#;
    let copy = first(text, Code::DuplicateToken);
    assert!(copy.contains("token 2 (`a`)"), "{copy}");
    // A token without a name: its opening brace.
    let text = r#"{"tokens": [ {"token": "apiv3_x", "permissions": ["db:a:read"]}]}"#;
    let err = TokenFile::parse(text).unwrap_err();
    assert_eq!(err.diagnostic().span(), Some(13..14), "{err}");
    // The same bad permission in two tokens: found in both.
    let text = r#"{"create_databases": ["a"], "tokens": [
        {"token": "apiv3_x", "name": "a", "permissions": ["db:a:reed", "db:zz:read"]},
        {"token": "apiv3_y", "name": "b", "permissions": ["db:a:reed", "db:zz:read"]}
    ]}"#;
    let found: Vec<Code> = lint(text)
        .iter()
        .map(influxdb3_tokenfile::Lint::code)
        .collect();
    assert_eq!(
        found
            .iter()
            .filter(|c| **c == Code::InvalidPermission)
            .count(),
        2,
        "{found:?}"
    );
    assert_eq!(
        found
            .iter()
            .filter(|c| **c == Code::UnknownDatabase)
            .count(),
        2,
        "{found:?}"
    );
    // A database the file does not create: its name, in the permission.
    let text = r#"{"tokens": [{"token": "apiv3_x", "name": "a", "permissions": ["db:known,unknown:read"]}], "create_databases": ["known"]}"#;
    let spans: Vec<&str> = lint(text)
        .iter()
        .filter(|l| l.code() == Code::UnknownDatabase)
        .filter_map(|l| l.diagnostic().span())
        .map(|at| &text[at])
        .collect();
    assert_eq!(spans, ["unknown"]);
    // An admin token file without a token: its first character, after any blank.
    let text = "  \n{\"name\": \"_admin\"}";
    let err = influxdb3_tokenfile::AdminTokenFile::parse(text).unwrap_err();
    assert_eq!(err.diagnostic().span(), Some(3..4), "{err}");
}

#[test]
fn a_tokens_list_or_a_token_of_another_type_is_named_by_its_type() {
    for (value, kind) in [
        ("true", "a boolean"),
        ("-1", "a number"),
        ("1", "a number"),
        ("1.5", "a number"),
        ("\"x\"", "a string"),
        ("null", "null"),
        ("[1]", "a list"),
        ("{\"a\": 1}", "an object"),
    ] {
        if !value.starts_with('[') {
            let text = format!(r#"{{"tokens": {value}}}"#);
            let err = TokenFile::parse(&text).unwrap_err();
            assert_eq!(err.code(), Code::WrongShape, "{value}");
            assert!(
                err.to_string()
                    .contains(&format!("`tokens` is {kind}, not a list")),
                "{value}: {err}"
            );
        }
        let text = format!(r#"{{"tokens": [{value}]}}"#);
        let err = TokenFile::parse(&text).unwrap_err();
        if value.starts_with('{') {
            continue;
        }
        assert!(
            err.to_string()
                .contains(&format!("token 1 is {kind}, not an object")),
            "{value}: {err}"
        );
    }
}

#[test]
fn written_json_escapes_what_it_must_and_numbers_as_json_writes_them() {
    // Keys and names with a quote, a backslash and a control character (as escapes):
    // written back, the file reads the same; plain ones are written as they are.
    let text = r#"{"tokens": [{"token": "apiv3_1", "name": "q\"uo\\te", "expiry_millis": 0, "permissions": ["db:a:read"], "odd\"key": 1, "back\\slash": 2, "bell\u0007": 3, "plain": 4, "\u0007\u0001": 5, "\"\"": 6, "\\\\": 7}, {"token": "apiv3_2", "name": "past", "expiry_millis": -5, "permissions": ["db:a:read"]}], "create_databases": ["a"], "tab\tkey": true}"#;
    let file = TokenFile::parse(text).unwrap();
    let json = file.to_json();
    let again = TokenFile::parse(&json).unwrap();
    assert_eq!(again, file, "{json}");
    assert!(json.contains("\"expiry_millis\": 0,"), "{json}");
    assert!(json.contains("\"expiry_millis\": -5,"), "{json}");
    assert!(json.contains("\"plain\": 4"), "{json}");
    assert!(!json.chars().any(|c| c.is_control() && c != '\n'), "{json}");
    // Owning a file keeps what it does not know, at both levels.
    let owned = TokenFile::parse(text).unwrap().into_owned();
    assert_eq!(owned.to_json(), json);
    let entry = TokenFile::parse(text).unwrap().tokens()[0]
        .clone()
        .into_owned();
    assert_eq!(&entry, &file.tokens()[0]);
}

#[test]
fn entries_differ_by_what_they_do_not_know_too() {
    let with = |extra: &str| {
        format!(
            r#"{{"tokens": [{{"token": "apiv3_1", "name": "a", "permissions": ["db:a:read"]{extra}}}]}}"#
        )
    };
    let texts = [
        with(""),
        with(r#", "x": 1"#),
        with(r#", "x": 2"#),
        with(r#", "y": 1"#),
        with(r#", "x": 1, "y": 1"#),
        with(r#", "y": 1, "x": 1"#),
    ];
    let files: Vec<TokenFile<'_>> = texts.iter().map(|t| TokenFile::parse(t).unwrap()).collect();
    for (i, a) in files.iter().enumerate() {
        for (j, b) in files.iter().enumerate() {
            assert_eq!(
                a.tokens()[0] == b.tokens()[0],
                i == j,
                "{} / {}",
                texts[i],
                texts[j]
            );
        }
    }
}

#[test]
fn a_merge_creates_every_database_once_and_never_writes_over_a_file_it_was_not_given() {
    let dir = tempfile::tempdir().unwrap();
    let put = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let a = put(
        "a.json",
        r#"{"create_databases": ["a", "b"], "tokens": [{"token": "apiv3_1", "name": "x", "permissions": ["db:a:read"]}]}"#,
    );
    let b = put(
        "b.json",
        r#"{"create_databases": ["b", "c"], "tokens": [{"token": "apiv3_2", "name": "y", "permissions": ["db:c:read"]}]}"#,
    );
    let (options, policy) = (WriteOptions::default(), Policy::default());
    let out = dir.path().join("out.json");
    let merged = merge_files(&[a.clone(), b.clone()], &out, &options, &policy).unwrap();
    let names: Vec<String> = merged
        .create_databases
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
    // A file with tokens that is not among the inputs is not written over.
    let before = std::fs::read(&out).unwrap();
    let c = put(
        "c.json",
        r#"{"tokens": [{"token": "apiv3_3", "name": "z", "permissions": ["db:a:read"]}]}"#,
    );
    let err = merge_files(&[a.clone(), c.clone()], &out, &options, &policy).unwrap_err();
    assert!(
        matches!(err, MergeError::OutputNotAnInput { .. }),
        "{err:?}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), before);
    // Named among the inputs, it is merged into: its tokens once, the others added.
    merge_files(&[out.clone(), c], &out, &options, &policy).unwrap();
    let mut text = String::new();
    let names: Vec<String> = TokenFile::load(&out, &mut text)
        .unwrap()
        .tokens()
        .iter()
        .map(|t| t.name().to_owned())
        .collect();
    assert_eq!(names, ["x", "y", "z"]);
}

#[test]
fn names_to_look_at_twice_are_placed_at_the_character() {
    let lint_at = |name: &str| -> Vec<(Code, String)> {
        let text = format!(
            r#"{{"create_databases": ["a"], "tokens": [{{"token": "apiv3_x", "name": {}, "permissions": ["db:a:read"]}}]}}"#,
            serde_json::to_string(name).unwrap()
        );
        lint(&text, now())
            .iter()
            .filter(|l| {
                matches!(
                    l.code(),
                    Code::UnsafeName | Code::InvalidName | Code::ConfusableName
                )
            })
            .map(|l| (l.code(), text[l.diagnostic().span().unwrap()].to_owned()))
            .collect()
    };
    // Whitespace around it: the space; a hidden character: its escape.
    assert_eq!(lint_at("ab "), [(Code::UnsafeName, " ".to_owned())]);
    assert_eq!(
        lint_at("a\u{200b}b"),
        [(Code::UnsafeName, "\u{200b}".to_owned())]
    );
    // The list of names to review says which, by place.
    let text = r#"{"tokens": [{"token": "apiv3_x", "name": "ok", "permissions": ["db:a:read"]}, {"token": "apiv3_z", "name": "ab ", "permissions": ["db:a:read"]}]}"#;
    let file = TokenFile::parse(text).unwrap();
    assert_eq!(file.names_to_review(), [(1, Code::UnsafeName)]);
}

#[test]
fn entries_with_other_permissions_differ_and_many_are_added_at_once() {
    let text = |p: &str| {
        format!(r#"{{"tokens": [{{"token": "apiv3_1", "name": "a", "permissions": ["{p}"]}}]}}"#)
    };
    let (read, write) = (text("db:a:read"), text("db:a:write"));
    let (a, b) = (
        TokenFile::parse(&read).unwrap(),
        TokenFile::parse(&write).unwrap(),
    );
    assert_ne!(a.tokens()[0], b.tokens()[0]);
    assert_eq!(a.tokens()[0], TokenFile::parse(&read).unwrap().tokens()[0]);
    // Many entries in one call, with databases; a name twice refuses them all.
    let mut file = TokenFile::new();
    let grants =
        influxdb3_permission::Grants::try_from(vec!["db:a:read".parse().unwrap()]).unwrap();
    let entry = |name: &str| {
        influxdb3_tokenfile::TokenEntry::new(
            Token::generate().unwrap(),
            name.parse().unwrap(),
            None,
            &grants,
        )
        .unwrap()
    };
    let a_db = "a".parse::<influxdb3_permission::DatabaseName>().unwrap();
    file.add_many(vec![entry("x"), entry("y")], std::slice::from_ref(&a_db))
        .unwrap();
    let names: Vec<&str> = file.tokens().iter().map(|t| t.name()).collect();
    assert_eq!(names, ["x", "y"]);
    assert_eq!(file.create_databases().unwrap(), [a_db]);
    assert!(file.add_many(vec![entry("z"), entry("x")], &[]).is_err());
    assert_eq!(file.tokens().len(), 2);
}

#[test]
fn a_merge_names_the_first_five_conflicts_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = |value: &str| -> Vec<(String, String)> {
        (0..8)
            .map(|i| (format!("t{i}"), format!("apiv3_{value}{i}")))
            .collect()
    };
    let write = |name: &str, value: &str| {
        let list = tokens(value);
        let entries: Vec<(&str, &str, &[&str], Option<i64>)> = list
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str(), &["db:a:read"][..], None))
            .collect();
        let path = dir.path().join(name);
        std::fs::write(&path, file(&entries)).unwrap();
        path
    };
    let (a, b) = (write("a.json", "a"), write("b.json", "b"));
    let out = dir.path().join("out.json");
    let err = merge_files(&[a, b], &out, &WriteOptions::default(), &Policy::default()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("cannot merge: 8 conflicts: token `t0` differs"),
        "{message}"
    );
    assert!(message.ends_with("; and 3 more"), "{message}");
    assert_eq!(message.matches("differs between").count(), 5, "{message}");
}

#[test]
fn a_listing_never_shows_a_name_that_looks_like_a_secret() {
    let pasted = format!("apiv3_{}", "s".repeat(40));
    let text = file(&[
        (pasted.as_str(), "apiv3_1", &["db:a:read"], None),
        ("reader", "apiv3_2", &["db:a:read"], None),
    ]);
    let tokens = TokenFile::parse(&text).unwrap();
    let listing = tokens.listing(now());
    let table = listing.to_string();
    let json = serde_json::to_string(&listing).unwrap();
    for shown in [&table, &json] {
        assert!(!shown.contains(&pasted), "{shown}");
        assert!(shown.contains("apiv3_***"), "{shown}");
        assert!(shown.contains("reader"), "{shown}");
    }
    assert!(
        listing.needs_review(),
        "the pasted name is one to look at twice"
    );
}

#[test]
fn a_listing_for_a_file_says_it_has_no_tokens_or_what_its_marks_mean() {
    use std::path::Path;
    let path = Path::new("tokens.json");
    let empty = TokenFile::parse(r#"{"tokens": []}"#).unwrap();
    let shown = empty.listing(now()).for_file(path, "`lint`").to_string();
    assert_eq!(shown, "No tokens in `tokens.json`.\n");
    // Clean names: the table alone.
    let text = file(&[("reader", "apiv3_1", &["db:a:read"], None)]);
    let clean = TokenFile::parse(&text).unwrap();
    let listing = clean.listing(now());
    assert_eq!(
        listing.for_file(path, "`lint`").to_string(),
        listing.to_string()
    );
    // A name marked `(!)`: the table, then what the mark means and what says why.
    let text = file(&[("tel\u{435}graf", "apiv3_1", &["db:a:read"], None)]);
    let marked = TokenFile::parse(&text).unwrap();
    let listing = marked.listing(now());
    assert_eq!(
        listing.for_file(path, "`lint`").to_string(),
        format!(
            "{listing}(!) a name to look at twice: hidden characters, scripts mixed, or like another name; `lint` says why\n"
        )
    );
}

#[test]
fn merged_says_what_it_did_in_words_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    std::fs::write(&a, file(&[("x", "apiv3_1", &["db:a:read"], None)])).unwrap();
    let out = dir.path().join("out.json");
    let merged = merge_files(&[a], &out, &WriteOptions::default(), &Policy::default()).unwrap();
    assert_eq!(
        merged.to_string(),
        format!(
            "Merged 1 file into `{}`: 1 token, 0 databases to create.\n",
            out.display()
        )
    );
    let json = serde_json::to_value(&merged).unwrap();
    assert_eq!(json["files"], 1);
    assert_eq!(json["tokens"], 1);
    assert_eq!(json["dry_run"], false);
    assert!(json.get("failed").is_none());
}

#[test]
fn a_diff_never_shows_a_name_that_looks_like_a_secret() {
    let db = format!("apiv3_{}", "d".repeat(30));
    let old = file(&[]);
    let permission = format!("db:{db}:read");
    let new = file(&[("x", "apiv3_1", &[permission.as_str()], None)]);
    let (old, new) = (
        TokenFile::parse(&old).unwrap(),
        TokenFile::parse(&new).unwrap(),
    );
    let diff = FileDiff::between(&old, &new);
    let text = diff.to_string();
    let json = serde_json::to_string(&diff).unwrap();
    for shown in [&text, &json] {
        assert!(!shown.contains(&db), "{shown}");
        assert!(shown.contains("apiv3_***"), "{shown}");
    }
}

#[test]
fn a_check_says_its_answer_in_words_and_as_json() {
    let text = file(&[
        ("t", "apiv3_1", &["db:*:read", "system:health:read"], None),
        ("old", "apiv3_2", &["db:m:read"], Some(946_684_800_000)),
    ]);
    let tokens = TokenFile::parse(&text).unwrap();
    let (t, old) = (tokens.get("t").unwrap(), tokens.get("old").unwrap());
    let words = |entry: &TokenEntry<'_>, asked: &str| {
        let check = entry.check(&asked.parse().unwrap(), now());
        (check.to_string(), serde_json::to_value(&check).unwrap())
    };
    let (allowed, json) = words(t, "db:metrics:read");
    assert_eq!(
        allowed,
        "allowed: db:*:read grants `t` read on db:metrics\n"
    );
    assert_eq!(
        json,
        serde_json::json!({
            "allowed": true,
            "granted_by": "db:*:read",
            "expired": false,
            "token": "t",
            "action": "read",
            "resource": "db:metrics",
        })
    );
    let (denied, json) = words(t, "db:metrics:write");
    assert_eq!(
        denied,
        "denied: no permission of `t` grants write on db:metrics\n"
    );
    assert_eq!(
        (&json["allowed"], &json["granted_by"]),
        (&false.into(), &serde_json::Value::Null)
    );
    let (expired, json) = words(old, "db:m:read");
    assert_eq!(
        expired,
        "denied: `old` expired at 2000-01-01T00:00:00.000Z (db:m:read would grant read on db:m)\n"
    );
    assert_eq!(
        (&json["allowed"], &json["expired"]),
        (&false.into(), &true.into())
    );
    let (system, json) = words(t, "system:health:read");
    assert_eq!(
        system,
        "allowed: system:health:read grants `t` read on system:health\n"
    );
    assert_eq!(json["resource"], "system:health");
}

#[test]
fn a_lint_count_sums_errors_and_warnings_up() {
    const FAR: i64 = 4_102_444_800_000;
    assert_eq!(LintCount::of(&[]).to_string(), "no problems found");
    assert!(!LintCount::of(&[]).fails(true));
    // One error (a value that is no token), one warning (a database not created).
    let found = lint(&file(&[("t", "nope", &["db:a:read"], Some(FAR))]), now());
    let count = LintCount::of(&found);
    assert_eq!((count.errors, count.warnings), (1, 1), "{found:?}");
    assert_eq!(count.to_string(), "1 error, 1 warning");
    assert!(count.fails(false));
    // Warnings alone (no expiry, a database not created) fail only a strict lint.
    let found = lint(
        &file(&[(
            "t",
            &format!("apiv3_{}", "A".repeat(86)),
            &["db:a:read"],
            None,
        )]),
        now(),
    );
    let count = LintCount::of(&found);
    assert_eq!((count.errors, count.warnings), (0, 2), "{found:?}");
    assert_eq!(count.to_string(), "0 errors, 2 warnings");
    assert!(!count.fails(false) && count.fails(true));
}

#[test]
fn a_check_of_several_resources_is_allowed_by_several_permissions_together() {
    let text = file(&[("t", "apiv3_1", &["db:a:read", "db:b:read"], None)]);
    let tokens = TokenFile::parse(&text).unwrap();
    let entry = tokens.get("t").unwrap();
    let both = entry.check(&"db:a,b:read".parse().unwrap(), now());
    assert!(both.allowed());
    assert_eq!(both.granted_by, None, "no one permission grants both");
    let one = entry.check(&"db:b:read".parse().unwrap(), now());
    assert_eq!(
        one.granted_by.map(|p| p.to_string()).as_deref(),
        Some("db:b:read")
    );
    assert!(!entry.check(&"db:a:write".parse().unwrap(), now()).allowed());
}
