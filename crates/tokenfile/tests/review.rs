//! The review tools' logic: lint findings and their lines, diffs by what is granted,
//! merges and their conflicts, remove and rotate.

use std::fmt::Write as _;

use influxdb3_token::{Timestamp, Token};
use influxdb3_tokenfile::{Code, Conflict, FileDiff, Severity, TokenFile, lint};

const NOW: i64 = 1_756_400_061_529;

fn now() -> Timestamp {
    Timestamp::from_millis(NOW)
}

fn codes(text: &str) -> Vec<(Code, usize)> {
    lint(text, now()).iter().map(|l| (l.code, l.line)).collect()
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
        .find(|l| l.code == Code::InvalidPermission)
        .unwrap();
    let line = text.lines().nth(3).unwrap();
    let col = line.find("db:m:reed").unwrap() + 1 + "db:m:".len();
    assert_eq!(invalid.column, col);
    assert_eq!(invalid.token.as_deref(), Some("a"));
    assert!(
        invalid.message.contains("did you mean `read`"),
        "{}",
        invalid.message
    );
    // Secrets are never in a message.
    for l in lint(&text, now()) {
        assert!(!l.message.contains(&good[6..]), "{}", l.message);
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
    // Without the new token and the wider one, nothing widens.
    let back = FileDiff::between(&new, &old);
    assert!(back.widens(), "`gone` comes back");
    assert!(FileDiff::between(&old, &old).is_empty());
}

#[test]
fn merge_keeps_one_copy_and_names_conflicts() {
    let a = file(&[
        ("x", "apiv3_1", &["db:a:read"], None),
        ("y", "apiv3_2", &["db:a:read"], None),
    ]);
    let b = file(&[
        ("x", "apiv3_1", &["db:a:read"], None),
        ("z", "apiv3_3", &["db:b:read"], None),
    ]);
    let merged =
        TokenFile::merge([TokenFile::parse(&a).unwrap(), TokenFile::parse(&b).unwrap()]).unwrap();
    let names: Vec<&str> = merged.tokens().iter().map(|t| t.name()).collect();
    assert_eq!(names, ["x", "y", "z"]);

    let c = file(&[
        ("x", "apiv3_9", &["db:a:read"], None),
        ("w", "apiv3_2", &["db:a:read"], None),
    ]);
    let err = TokenFile::merge([TokenFile::parse(&a).unwrap(), TokenFile::parse(&c).unwrap()])
        .unwrap_err();
    assert_eq!(
        err.conflicts,
        [
            Conflict::Name {
                name: "x".into(),
                files: (0, 1)
            },
            Conflict::Value {
                first: "y".into(),
                second: "w".into(),
                files: (0, 1)
            },
        ]
    );
    // One name, same value, other grants: a conflict too.
    let d = file(&[("x", "apiv3_1", &["db:a:write"], None)]);
    assert!(
        TokenFile::merge([TokenFile::parse(&a).unwrap(), TokenFile::parse(&d).unwrap()]).is_err()
    );
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
