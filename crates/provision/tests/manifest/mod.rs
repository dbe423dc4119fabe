//! The manifest's errors: each kind of problem at its line and column, the column of
//! the offending character (through escapes, in every kind of string, in CRLF files and
//! around comments); the manifests of the README read.

use std::fmt::Write as _;

use influxdb3_provision::{Manifest, ManifestError, ManifestKind};
use influxdb3_text::Kind as _;

/// An error as the tests pin it: its code, line, column and the text it points at.
#[derive(Debug, PartialEq, Eq)]
struct Pinned<'t> {
    code: &'static str,
    line: usize,
    column: usize,
    at: &'t str,
}

fn error(text: &str) -> ManifestError {
    match Manifest::parse(text) {
        Ok(m) => panic!("read: {m:?}\n{text}"),
        Err(e) => e,
    }
}

fn pinned(text: &str) -> Pinned<'_> {
    let e = error(text);
    let at = e.location().expect("a place");
    let span = e.span().expect("a span");
    Pinned {
        code: e.kind().code(),
        line: at.line,
        column: at.column,
        at: &text[span],
    }
}

/// A token of `lines` after a good first one: the line of the first is 1.
fn token(lines: &str) -> String {
    format!("[[token]]\n{lines}")
}

#[test]
#[allow(clippy::too_many_lines)] // one table: a case per kind of problem
fn each_kind_of_problem_at_its_character() {
    let p = "permissions = [\"db:a:read\"]\n";
    let cases: Vec<(String, &str, usize, usize, &str)> = vec![
        // TOML itself: toml's place.
        ("[[token]\nname = \"a\"\n".into(), "invalid-toml", 1, 9, ""),
        ("[[token]]\nname = \"a\n".into(), "invalid-toml", 2, 10, ""),
        // Keys: the key itself, its quotes left out.
        ("zone = 1\n".into(), "unknown-key", 1, 1, "zone"),
        ("\"zone\" = 1\n".into(), "unknown-key", 1, 2, "zone"),
        (
            token(&format!("name = \"a\"\n{p}permission = [\"db:a:read\"]\n")),
            "unknown-key",
            4,
            1,
            "permission",
        ),
        // A missing key: the `[[token]]` that lacks it.
        (
            "\n[[token]]\nname = \"a\"\n".into(),
            "missing-key",
            2,
            1,
            "[[token]]",
        ),
        (token(p), "missing-key", 1, 1, "[[token]]"),
        // Types: the value.
        (token(&format!("name = 1\n{p}")), "wrong-type", 2, 8, "1"),
        (
            token("name = \"a\"\npermissions = \"db:a:read\"\n"),
            "wrong-type",
            3,
            15,
            "\"db:a:read\"",
        ),
        (
            token("name = \"a\"\npermissions = [\"db:a:read\", 2]\n"),
            "wrong-type",
            3,
            29,
            "2",
        ),
        (
            "create_databases = \"a\"\n".into(),
            "wrong-type",
            1,
            20,
            "\"a\"",
        ),
        ("token = 1\n".into(), "wrong-type", 1, 9, "1"),
        // Names: the character at fault; an empty name, its quotes.
        (
            token(&format!("name = \" a\"\n{p}")),
            "invalid-name",
            2,
            9,
            " ",
        ),
        (
            token(&format!("name = \"a \"\n{p}")),
            "invalid-name",
            2,
            10,
            " ",
        ),
        (
            token(&format!("name = \"a\\u0007b\"\n{p}")),
            "invalid-name",
            2,
            10,
            "\\u0007",
        ),
        (
            token(&format!("name = \"\"\n{p}")),
            "invalid-name",
            2,
            8,
            "\"\"",
        ),
        (
            token(&format!("name = \"   \"\n{p}")),
            "invalid-name",
            2,
            9,
            "   ",
        ),
        (
            token(&format!("name = \"{}\"\n{p}", "x".repeat(300))),
            "invalid-name",
            2,
            9 + 256,
            "x",
        ),
        (
            token(&format!("name = \"_admin\"\n{p}")),
            "reserved-name",
            2,
            9,
            "_admin",
        ),
        (
            format!(
                "{}{}",
                token(&format!("name = \"a\"\n{p}")),
                token(&format!("name = 'a'\n{p}"))
            ),
            "duplicate-name",
            5,
            9,
            "a",
        ),
        // Permissions: the grammar's span within the string.
        (
            token("name = \"a\"\npermissions = [\"db:a:read\", \"db:b:wrte\"]\n"),
            "invalid-permission",
            3,
            35,
            "wrte",
        ),
        (
            token("name = \"a\"\npermissions = [\"db:a:read\", \"*:*:*\"]\n"),
            "admin-permission",
            3,
            30,
            "*:*:*",
        ),
        (
            token("name = \"a\"\npermissions = []\n"),
            "no-permissions",
            3,
            15,
            "[]",
        ),
        // Expiry: the value; both: the second key.
        (
            token(&format!("name = \"a\"\n{p}expiry = \"soon\"\n")),
            "invalid-expiry",
            4,
            11,
            "soon",
        ),
        (
            token(&format!("name = \"a\"\n{p}expires_at = \"tomorrow\"\n")),
            "invalid-expiry",
            4,
            15,
            "tomorrow",
        ),
        (
            token(&format!(
                "name = \"a\"\n{p}expires_at = 2027-01-01T00:00:00\n"
            )),
            "invalid-expiry",
            4,
            14,
            "2027-01-01T00:00:00",
        ),
        (
            token(&format!("name = \"a\"\n{p}expires_at = 1\n")),
            "wrong-type",
            4,
            14,
            "1",
        ),
        (
            token(&format!(
                "name = \"a\"\n{p}expiry = \"1d\"\nexpires_at = \"2027-01-01T00:00:00Z\"\n"
            )),
            "conflicting-expiry",
            5,
            1,
            "expires_at",
        ),
        (
            token(&format!(
                "name = \"a\"\n{p}expires_at = \"2027-01-01T00:00:00Z\"\nexpiry = \"1d\"\n"
            )),
            "conflicting-expiry",
            5,
            1,
            "expiry",
        ),
        // Databases: the grammar's span within the name.
        (
            "create_databases = [\"ok\", \"bad name\"]\n".into(),
            "invalid-database-name",
            1,
            31,
            " ",
        ),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(text, code, line, column, at)| {
            let expected = Pinned {
                code,
                line: *line,
                column: *column,
                at,
            };
            let found = pinned(text);
            (found != expected)
                .then(|| format!("{text:?}\n  found {found:?}\n  expected {expected:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_permission_points_at_its_bad_character_in_every_kind_of_string() {
    // The case of the issue: `*` as a database in a list, on line 4.
    let head = "create_databases = [\"a\"]\n[[token]]\nname = \"x\"\n";
    for (value, line, column) in [
        // Basic, literal.
        ("\"db:a,*:read\"", 4, 22),
        ("'db:a,*:read'", 4, 22),
        // Escapes before the `*`: `\u0061` is `a`, `\\` and `\"` are one byte each.
        ("\"db:\\u0061,*:read\"", 4, 27),
        ("\"d\\u0062:\\U00000061,*:read\"", 4, 36),
        // Multi-line: the newline after the opening quotes is not part of the value.
        ("\"\"\"\ndb:a,*:read\"\"\"", 5, 6),
        ("'''\ndb:a,*:read'''", 5, 6),
        ("\"\"\"db:\\\n     a,*:read\"\"\"", 5, 8),
    ] {
        let text = format!("{head}permissions = [{value}]\n");
        let e = error(&text);
        let at = e.location().unwrap();
        assert_eq!((at.line, at.column), (line, column), "{text}");
        assert_eq!(&text[e.span().unwrap()], "*", "{text}");
        assert_eq!(*e.kind(), ManifestKind::InvalidPermission);
    }
    // An escape that makes the bad character: the whole escape.
    let text = format!("{head}permissions = [\"db:a,\\u002A:read\"]\n");
    let e = error(&text);
    assert_eq!(&text[e.span().unwrap()], "\\u002A");
    assert_eq!(e.location().unwrap().column, 22);
}

#[test]
fn messages_and_hints() {
    let text =
        "create_databases = [\"a\"]\n[[token]]\nname = \"x\"\npermissions = [\"db:a,*:read\"]\n";
    let e = error(text).with_origin("m.toml");
    assert_eq!(e.origin(), "m.toml");
    assert_eq!(e.line_text(), Some("permissions = [\"db:a,*:read\"]"));
    assert!(
        e.to_string()
            .starts_with("m.toml:4:22: invalid permission `db:a,*:read`: "),
        "{e}"
    );
    // The grammar's hint is the diagnostic's, not in the message.
    let e = error("[[token]]\nname = \"x\"\npermissions = [\"db:m:reed\"]\n");
    assert_eq!(e.hint(), Some("did you mean `read`?"));
    assert!(!e.message().contains("hint"), "{}", e.message());
    assert_eq!(
        e.to_string(),
        "<manifest>:3:22: invalid permission `db:m:reed`: unknown action `reed` for `db`: expected `create`, `describe`, `read`, `write` or `delete`"
    );
    // Every message is one line; hidden characters in a value are escaped.
    let e = error("[[token]]\nname = \"a\\u202Eb\"\npermissions = [\"db:a:read\"]\nname2 = 1\n");
    assert!(
        e.message().contains("unknown key `name2`"),
        "{}",
        e.message()
    );
    let e = error("[[token]]\nname = \"a\"\npermissions = [\"db:\\u202E:read\"]\n");
    assert!(!e.message().contains('\u{202E}'), "{}", e.message());
    for text in [
        "[[token]\n",
        "a = \"\n",
        "x = [1,,]\n",
        "[[token]]\n[token]\n",
    ] {
        let e = error(text);
        assert_eq!(e.kind().code(), "invalid-toml");
        assert!(!e.message().contains('\n'), "{e:?}");
    }
}

#[test]
fn crlf_files_and_comments() {
    let text = "# tokens\r\ncreate_databases = [\"a\"] # the databases\r\n\r\n[[token]] # one\r\nname = \"x\"\r\npermissions = [ # list\r\n  \"db:a:read\", # fine\r\n  \"db:a:wrte\", # not\r\n]\r\n";
    let p = pinned(text);
    assert_eq!(
        (p.code, p.line, p.column, p.at),
        ("invalid-permission", 8, 9, "wrte")
    );
    let e = error(text);
    assert_eq!(e.line_text(), Some("  \"db:a:wrte\", # not"));
    // Good, it reads.
    let good = text.replace("wrte", "write");
    assert_eq!(good.parse::<Manifest>().unwrap().tokens().len(), 1);
    // Saved with CRLF, a manifest reads the same (the fuzz target `manifest` checks it).
    let lf = "create_databases = [\n  \"a\", # one\n]\n[[token]]\nname = '''\nx'''\npermissions = [\"db:a:read\"]\nexpiry = \"\"\"\n1d\n2h\"\"\"\n";
    assert_eq!(
        lf.replace('\n', "\r\n").parse::<Manifest>().unwrap(),
        lf.parse::<Manifest>().unwrap()
    );
    // A multi-line string written with CRLF: the value has the CRLF.
    let text = "[[token]]\r\nname = \"\"\"\r\nx\r\ny\"\"\"\r\npermissions = [\"db:a:read\"]\r\n";
    let p = pinned(text);
    assert_eq!((p.code, p.line, p.column), ("invalid-name", 3, 2));
}

#[test]
fn an_error_far_into_a_big_manifest_has_its_place() {
    let mut big = String::from("create_databases = [\"a\"]\n");
    for i in 0..3_000 {
        let _ = write!(
            big,
            "\n[[token]]\nname = \"t{i}\"\npermissions = [\"db:a:read\", \"system:health:read\"]\nexpiry = \"90d\"\n"
        );
    }
    let m = big.parse::<Manifest>().unwrap();
    assert_eq!(m.tokens().len(), 3_000);
    // The tokens share one list of grants.
    assert!(std::ptr::eq(
        &raw const m.tokens()[0].grants()[0],
        &raw const m.tokens()[2_999].grants()[0]
    ));
    let bad = big.replace(
        "name = \"t2999\"\npermissions = [\"db:a:read\"",
        "name = \"t2999\"\npermissions = [\"db:a:reed\"",
    );
    let p = pinned(&bad);
    assert_eq!((p.line, p.column, p.at), (2 + 5 * 2_999 + 3, 22, "reed"));
}

#[test]
fn other_shapes_of_toml_read_alike() {
    let expected: Manifest =
        "create_databases = [\"a\"]\n[[token]]\nname = \"x\"\npermissions = [\"db:a:read\"]\n"
            .parse()
            .unwrap();
    for text in [
        "create_databases = ['a']\ntoken = [{ name = 'x', permissions = ['db:a:read'] }]\n",
        "\"create_databases\" = [\"\\u0061\"]\n[[token]]\n\"name\" = \"\"\"x\"\"\"\npermissions = [\n  '''db:a:read''', # the one\n]\n",
        "create_databases = [\"a\", \"a\"]\n\n[[token]]\r\nname = \"x\"\r\npermissions = [\"db:a:read\"]",
    ] {
        assert_eq!(text.parse::<Manifest>().unwrap(), expected, "{text}");
    }
}

#[test]
fn the_readme_manifests_read() {
    let readme = include_str!("../../../../README.md");
    let mut read = 0;
    for block in readme.split("```toml\n").skip(1) {
        let text = block.split("```").next().unwrap();
        if text.contains("[[token]]") {
            let m = Manifest::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert!(!m.tokens().is_empty());
            read += 1;
        }
    }
    assert!(read >= 1, "no manifest in the README");
}
