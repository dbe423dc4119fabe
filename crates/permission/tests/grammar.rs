//! The grammar as a user meets it: a known-answer table (parse, format and reparse
//! together), every error message pinned, and properties over arbitrary values and
//! strings.

use std::ops::Range;

use influxdb3_permission::{
    Action, Actions, DatabaseName, Grants, Names, ParsePermissionError, Permission, PermissionSet,
    Resource, Scope, SystemResource, completions, parse_joined,
};
use proptest::prelude::*;

/// What a case must give: the canonical form, or an error kind (the `Debug` name of
/// its variant) and span.
enum Expect {
    Canonical(&'static str),
    Error(&'static str, Range<usize>),
}
use Expect::{Canonical, Error};

fn long(n: usize, unit: &str) -> String {
    unit.repeat(n)
}

#[allow(clippy::too_many_lines)]
fn known_answers() -> Vec<(String, Expect)> {
    let mut cases: Vec<(String, Expect)> = [
        // Every permission string of the page.
        (
            "db:my_database:read,write",
            Canonical("db:my_database:read,write"),
        ),
        ("db:my_database:read", Canonical("db:my_database:read")),
        (
            "db:database1,database2:read,write",
            Canonical("db:database1,database2:read,write"),
        ),
        ("db:*:read,write", Canonical("db:*:read,write")),
        ("system:health:read", Canonical("system:health:read")),
        ("system:*:read", Canonical("system:*:read")),
        (
            "db:database1:read,write",
            Canonical("db:database1:read,write"),
        ),
        ("db:db1,db2:read,write", Canonical("db:db1,db2:read,write")),
        ("db:db3:read", Canonical("db:db3:read")),
        ("db:*:read", Canonical("db:*:read")),
        // Canonical form: action order, folding, system names lowercase.
        ("db:db1:write,read", Canonical("db:db1:read,write")),
        (
            "db:a:delete,write,read,describe,create",
            Canonical("db:a:create,describe,read,write,delete"),
        ),
        ("db:a,a:read,read", Canonical("db:a:read")),
        ("db:b,a,b:read", Canonical("db:b,a:read")),
        ("db:*,*:read", Canonical("db:*:read")),
        ("db:x:describe", Canonical("db:x:describe")),
        ("db:my-db:create", Canonical("db:my-db:create")),
        ("db:x:delete", Canonical("db:x:delete")),
        ("system:HEALTH:read", Canonical("system:health:read")),
        ("system:Health,health:read", Canonical("system:health:read")),
        (
            "system:metrics,ping,ready,health:read",
            Canonical("system:metrics,ping,ready,health:read"),
        ),
        ("system:health:read,read", Canonical("system:health:read")),
        ("*:*:*", Canonical("*:*:*")),
        // Names: Unicode letters and digits, `/`, `_`, `-`, case kept.
        ("db:ünïcödé:read", Canonical("db:ünïcödé:read")),
        ("db:数据库:write", Canonical("db:数据库:write")),
        ("db:a/b_c-d:read", Canonical("db:a/b_c-d:read")),
        ("db:ABC,abc:read", Canonical("db:ABC,abc:read")),
        ("db:0:read", Canonical("db:0:read")),
        ("db:٣:read", Canonical("db:٣:read")),
        // Structure.
        ("", Error("Empty", 0..0)),
        ("db", Error("MissingNames", 2..2)),
        ("db:", Error("EmptyResourceName", 3..3)),
        ("db:a", Error("MissingActions", 4..4)),
        ("db:a:", Error("UnknownAction", 5..5)),
        ("db:a:read:write", Error("TooManyParts", 9..15)),
        ("db:a:read:", Error("TooManyParts", 9..10)),
        ("*:*:*:*", Error("TooManyParts", 5..7)),
        ("*:*", Error("MissingActions", 3..3)),
        ("::", Error("UnknownResourceType", 0..0)),
        // Whitespace anywhere.
        (" db:a:read", Error("Whitespace", 0..1)),
        ("db:a:read ", Error("Whitespace", 9..10)),
        ("db: a:read", Error("Whitespace", 3..4)),
        ("db:a:read,\twrite", Error("Whitespace", 10..11)),
        ("db:a:read\n", Error("Whitespace", 9..10)),
        ("db:a\u{3000}b:read", Error("Whitespace", 4..7)),
        ("db:a b:read", Error("Whitespace", 4..5)),
        // Resource types.
        (":a:read", Error("UnknownResourceType", 0..0)),
        ("database:a:read", Error("UnknownResourceType", 0..8)),
        ("DB:a:read", Error("UnknownResourceType", 0..2)),
        ("table:a:read", Error("UnknownResourceType", 0..5)),
        ("Cargo.toml", Error("UnknownResourceType", 0..10)),
        ("*:*:read", Error("WildcardTypeNotAdmin", 4..8)),
        ("*:db1:*", Error("WildcardTypeNotAdmin", 2..5)),
        ("*::*", Error("WildcardTypeNotAdmin", 2..2)),
        // Names.
        ("db::read", Error("EmptyResourceName", 3..3)),
        ("db:a,,b:read", Error("EmptyResourceName", 5..5)),
        ("db:a,:read", Error("EmptyResourceName", 5..5)),
        ("db:,a:read", Error("EmptyResourceName", 3..3)),
        ("system::read", Error("EmptyResourceName", 7..7)),
        ("db:a,*:read", Error("MixedWildcard", 5..6)),
        ("db:*,a:read", Error("MixedWildcard", 5..6)),
        ("system:health,*:read", Error("MixedWildcard", 14..15)),
        ("system:*,ping:read", Error("MixedWildcard", 9..13)),
        ("db:my.db:read", Error("InvalidNameCharacter", 5..6)),
        ("db:my*:read", Error("InvalidNameCharacter", 5..6)),
        ("db:a;b:read", Error("InvalidNameCharacter", 4..5)),
        ("db:é.x:read", Error("InvalidNameCharacter", 5..6)),
        ("db:a\u{200b}:read", Error("InvalidNameCharacter", 4..7)),
        ("db:a\0:read", Error("InvalidNameCharacter", 4..5)),
        ("db:Cargo.toml:read", Error("InvalidNameCharacter", 8..9)),
        ("system:healthz:read", Error("UnknownSystemResource", 7..14)),
        ("system:cpu:read", Error("UnknownSystemResource", 7..10)),
        ("system:my.txt:read", Error("UnknownSystemResource", 7..13)),
        // Actions.
        ("db:a:*", Error("WildcardAction", 5..6)),
        ("db:*:*", Error("WildcardAction", 5..6)),
        ("system:*:*", Error("WildcardAction", 9..10)),
        ("system:health:*", Error("WildcardAction", 14..15)),
        ("db:a:read,*", Error("WildcardAction", 10..11)),
        ("db:a:read,,write", Error("UnknownAction", 10..10)),
        ("db:a:read,", Error("UnknownAction", 10..10)),
        ("db:a:,read", Error("UnknownAction", 5..5)),
        ("db:a:reed", Error("UnknownAction", 5..9)),
        ("db:a:READ", Error("UnknownAction", 5..9)),
        ("db:a:admin", Error("UnknownAction", 5..10)),
        ("db:a:read\0", Error("UnknownAction", 5..10)),
        ("db:a:read,db:b:write", Error("UnknownAction", 10..12)),
        ("system:health:write", Error("UnknownAction", 14..19)),
        ("system:health:describe", Error("UnknownAction", 14..22)),
    ]
    .into_iter()
    .map(|(s, e)| (s.to_owned(), e))
    .collect();

    // The name limit is in bytes: 511 fit, 512 do not, however many characters.
    let fits = format!("db:{}:read", long(511, "a"));
    cases.push((fits.clone(), Canonical(Box::leak(fits.into_boxed_str()))));
    cases.push((
        format!("db:{}:read", long(512, "a")),
        Error("NameTooLong", 3..515),
    ));
    cases.push((
        format!("db:{}:read", long(256, "é")),
        Error("NameTooLong", 3..515),
    ));
    let wide = format!("db:{}a:read", long(255, "é"));
    cases.push((wide.clone(), Canonical(Box::leak(wide.into_boxed_str()))));
    cases
}

fn kind_name(err: &ParsePermissionError) -> String {
    let debug = format!("{:?}", err.kind());
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
#[allow(clippy::print_stdout)] // the count, for `--nocapture`
fn known_answer_table() {
    let cases = known_answers();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut failures = Vec::new();
    for (input, expect) in &cases {
        let got = input.parse::<Permission>();
        match (expect, got) {
            (Canonical(canonical), Ok(p)) => {
                // Format, then reparse: the value and its text are both stable.
                let shown = p.to_string();
                if shown != *canonical {
                    failures.push(format!("{input:?}: shown {shown:?}, want {canonical:?}"));
                }
                match shown.parse::<Permission>() {
                    Ok(again) if again == p && again.to_string() == shown => {}
                    other => failures.push(format!("{input:?}: reparse gave {other:?}")),
                }
            }
            (Error(kind, span), Err(e)) => {
                if kind_name(&e) != *kind || e.span() != *span {
                    failures.push(format!(
                        "{input:?}: got {} {:?}, want {kind} {span:?}",
                        kind_name(&e),
                        e.span()
                    ));
                }
                if e.input() != input {
                    failures.push(format!("{input:?}: error input {:?}", e.input()));
                }
            }
            (Canonical(c), Err(e)) => failures.push(format!("{input:?}: want {c:?}, got\n{e}")),
            (Error(kind, _), Ok(p)) => failures.push(format!("{input:?}: want {kind}, got {p}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("known-answer cases: {}", cases.len());
}

/// Every error message, with its caret line and hint, exactly as a user reads it.
#[test]
#[allow(clippy::too_many_lines)] // one table
fn error_messages_are_pinned() {
    let cases: &[(&str, &str)] = &[
        (
            "",
            "empty permission: expected `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`\n  \n  ^",
        ),
        (
            " db:a:read",
            "whitespace is not allowed in a permission\n   db:a:read\n  ^\nhint: remove it: names and actions are separated by `,` alone",
        ),
        (
            "db",
            "missing `:RESOURCE_NAMES`: expected `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`\n  db\n    ^",
        ),
        (
            "db:a",
            "missing `:ACTIONS`: expected `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`\n  db:a\n      ^",
        ),
        (
            "db:a:read:write",
            "too many `:`: expected `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`\n  db:a:read:write\n           ^^^^^^\nhint: a permission has three parts; to grant several permissions, give each one separately",
        ),
        (
            ":a:read",
            "missing resource type: expected `db` or `system`\n  :a:read\n  ^",
        ),
        (
            "database:a:read",
            "unknown resource type `database`: expected `db` or `system`\n  database:a:read\n  ^^^^^^^^\nhint: did you mean `db`?",
        ),
        (
            "DB:a:read",
            "unknown resource type `DB`: expected `db` or `system`\n  DB:a:read\n  ^^\nhint: resource types are lowercase: `db`",
        ),
        (
            "systm:health:read",
            "unknown resource type `systm`: expected `db` or `system`\n  systm:health:read\n  ^^^^^\nhint: did you mean `system`?",
        ),
        (
            "Cargo.toml",
            "unknown resource type `Cargo.toml`: expected `db` or `system`\n  Cargo.toml\n  ^^^^^^^^^^\nhint: if you typed `*`, the shell may have expanded it into file names: quote the argument, as in 'db:*:read'",
        ),
        (
            "*:*:read",
            "`*` resource type can only be set for admin token\n  *:*:read\n      ^^^^\nhint: `*:*:*` is the admin permission; for every database, write `db:*:ACTIONS`",
        ),
        (
            "db::read",
            "empty resource name: expected a name or `*`\n  db::read\n     ^",
        ),
        (
            "db:my.db:read",
            "invalid character `.` in database name: use letters, digits, `/`, `_` or `-`\n  db:my.db:read\n       ^\nhint: if you typed `*`, the shell may have expanded it into file names: quote the argument, as in 'db:*:read'",
        ),
        (
            "db:my*:read",
            "invalid character `*` in database name: use letters, digits, `/`, `_` or `-`\n  db:my*:read\n       ^\nhint: `*` stands alone and means every database; names cannot hold it",
        ),
        (
            "db:a\u{1}b:read",
            "invalid character `\\x01` in database name: use letters, digits, `/`, `_` or `-`\n  db:a\\x01b:read\n      ^^^^",
        ),
        (
            "db:数据.库:read",
            "invalid character `.` in database name: use letters, digits, `/`, `_` or `-`\n  db:数据.库:read\n         ^\nhint: if you typed `*`, the shell may have expanded it into file names: quote the argument, as in 'db:*:read'",
        ),
        (
            "db:a,*:read",
            "mixed wildcard (*) and resource name\n  db:a,*:read\n       ^",
        ),
        (
            "system:healthz:read",
            "unknown system resource `healthz`: expected `health`, `metrics`, `ping`, `ready` or `*`\n  system:healthz:read\n         ^^^^^^^\nhint: did you mean `health`?",
        ),
        (
            "db:a:",
            "empty action: expected `create`, `describe`, `read`, `write` or `delete`\n  db:a:\n       ^",
        ),
        (
            "system:ping:",
            "empty action: expected `read`\n  system:ping:\n              ^",
        ),
        (
            "db:a:reed",
            "unknown action `reed` for `db`: expected `create`, `describe`, `read`, `write` or `delete`\n  db:a:reed\n       ^^^^\nhint: did you mean `read`?",
        ),
        (
            "db:a:WRITE",
            "unknown action `WRITE` for `db`: expected `create`, `describe`, `read`, `write` or `delete`\n  db:a:WRITE\n       ^^^^^\nhint: actions are lowercase: `write`",
        ),
        (
            "db:a:read,db:b:write",
            "unknown action `db` for `db`: expected `create`, `describe`, `read`, `write` or `delete`\n  db:a:read,db:b:write\n            ^^\nhint: to grant several permissions, give each one separately",
        ),
        (
            "system:health:write",
            "unknown action `write` for `system`: expected `read`\n  system:health:write\n                ^^^^^\nhint: `system` permissions only grant `read`",
        ),
        (
            "db:a:*",
            "action `*` is not allowed for `db`: list the actions, from `create`, `describe`, `read`, `write` or `delete`\n  db:a:*\n       ^",
        ),
        (
            "system:*:*",
            "action `*` is not allowed for `system`: list the actions, from `read`\n  system:*:*\n           ^",
        ),
    ];
    for (input, want) in cases {
        let err = input.parse::<Permission>().unwrap_err();
        assert_eq!(err.to_string(), *want, "for {input:?}");
    }
    let too_long = format!("db:{}:read", "n".repeat(512));
    let err = too_long.parse::<Permission>().unwrap_err();
    assert_eq!(
        err.kind().to_string(),
        "database name is 512 bytes long: at most 511 are allowed"
    );
}

/// The snippet under a message: carets in terminal columns, hidden characters escaped,
/// long input cut around the span.
#[test]
fn snippets_line_up_escape_and_stay_short() {
    let snippet = |input: &str, label: Option<&str>| {
        let err = input.parse::<Permission>().unwrap_err();
        // The two lines under the message: the input and the carets.
        let shown = err.render(label).to_string();
        shown.lines().skip(1).take(2).collect::<Vec<_>>().join("\n")
    };
    // Wide characters take two columns each: the carets follow.
    assert_eq!(
        snippet("db:数据库:reed", Some("--permission")),
        "  --permission db:数据库:reed\n                         ^^^^"
    );
    assert_eq!(
        snippet("db:ＡＢ.x:read", None),
        "  db:ＡＢ.x:read\n         ^"
    );
    // ESC, a bidirectional override and a zero-width space are shown escaped.
    assert_eq!(
        snippet("db:a\u{1b}[31m:read", None),
        "  db:a\\x1b[31m:read\n      ^^^^"
    );
    assert_eq!(
        snippet("db:a\u{202e}b:read", None),
        "  db:a\\u202eb:read\n      ^^^^^^"
    );
    // A missing part: one caret after the input.
    assert_eq!(snippet("db:a", None), "  db:a\n      ^");
    // 1 MB of input: about 80 columns around the span, and the message stays short.
    let huge = format!("db:{}:reed", vec!["a"; 300_000].join(","));
    let err = huge.parse::<Permission>().unwrap_err();
    let shown = err.to_string();
    assert!(shown.len() < 400, "{} bytes", shown.len());
    let lines: Vec<&str> = shown.lines().collect();
    let before = &huge[huge.len() - 4 - 30..huge.len() - 4];
    assert_eq!(lines[1], format!("  …{before}reed"));
    assert_eq!(lines[2], format!("  {}^^^^", " ".repeat(31)));
    let huge_name = format!("db:{}:read", "b".repeat(1 << 20));
    let shown = huge_name.parse::<Permission>().unwrap_err().to_string();
    assert!(shown.len() < 400, "{shown}");
    assert!(shown.lines().nth(1).unwrap().ends_with('…'));
    let huge_action = format!("db:a:{}", "x".repeat(1 << 20));
    let shown = huge_action.parse::<Permission>().unwrap_err().to_string();
    assert!(shown.len() < 400, "{} bytes", shown.len());
    assert!(shown.starts_with(&format!("unknown action `{}…`", "x".repeat(40))));
}

fn db(name: &str) -> DatabaseName {
    DatabaseName::new(name).unwrap()
}

fn actions(list: &[Action]) -> Actions {
    Actions::new(list.iter().copied()).unwrap()
}

#[test]
fn values_built_in_code_are_the_parsed_ones() {
    let rw = actions(&[Action::Read, Action::Write]);
    let p = Permission::Database {
        names: Scope::Only(Names::new([db("b"), db("a"), db("b")]).unwrap()),
        actions: rw,
    };
    assert_eq!(p.to_string(), "db:b,a:read,write");
    assert_eq!(p, "db:b,a,b:write,read".parse().unwrap());
    let err = DatabaseName::new("not ok").unwrap_err();
    assert_eq!((err.input(), err.span()), ("not ok", 3..4));
    assert!(Names::<DatabaseName>::new([]).is_none());
    assert!(Actions::new([]).is_none());
    let system = Permission::System(Scope::Only(
        Names::new([SystemResource::Ping, SystemResource::Health]).unwrap(),
    ));
    assert_eq!(system.to_string(), "system:ping,health:read");
    assert_eq!(Permission::System(Scope::All).to_string(), "system:*:read");
    let all = Permission::Database {
        names: Scope::All,
        actions: rw,
    };
    assert_eq!(all.to_string(), "db:*:read,write");
    assert_eq!(Permission::Admin.to_string(), "*:*:*");
}

#[cfg(feature = "serde")]
#[test]
fn wire_form_matches_the_http_api() {
    let cases = [
        (
            "db:db1,db2:read,write",
            r#"{"resource_type":"db","resource_names":["db1","db2"],"actions":["read","write"]}"#,
        ),
        (
            "db:*:read",
            r#"{"resource_type":"db","resource_names":["*"],"actions":["read"]}"#,
        ),
        (
            "system:health:read",
            r#"{"resource_type":"system","resource_names":["health"],"actions":["read"]}"#,
        ),
        (
            "*:*:*",
            r#"{"resource_type":"*","resource_names":["*"],"actions":["*"]}"#,
        ),
    ];
    for (text, json) in cases {
        let p: Permission = text.parse().unwrap();
        assert_eq!(serde_json::to_string(&p.wire()).unwrap(), json);
        assert_eq!(wire(json).unwrap(), p);
    }
    // The wire form is checked by the parser's checks, in the same order, and its
    // errors are the string form's: the permission string the fields spell, the span
    // in it. A wire name holding a separator is one (invalid) name, not two.
    let db = |names: &str, actions: &str| {
        format!(r#"{{"resource_type":"db","resource_names":{names},"actions":{actions}}}"#)
    };
    let cases = [
        (
            db(r#"["a,b"]"#, r#"["read"]"#),
            "invalid permission `db:a,b:read` at bytes 4..5: invalid character `,` in database name: use letters, digits, `/`, `_` or `-`",
        ),
        (
            db(r#"["a","*"]"#, r#"["read"]"#),
            "invalid permission `db:a,*:read` at bytes 5..6: mixed wildcard (*) and resource name",
        ),
        (
            db("[]", r#"["read"]"#),
            "invalid permission `db::read` at bytes 3..3: empty resource name: expected a name or `*`",
        ),
        (
            db(r#"["a"]"#, "[]"),
            "invalid permission `db:a:` at bytes 5..5: empty action: expected `create`, `describe`, `read`, `write` or `delete`",
        ),
        (
            db(r#"["a"]"#, r#"["*"]"#),
            "invalid permission `db:a:*` at bytes 5..6: action `*` is not allowed for `db`: list the actions, from `create`, `describe`, `read`, `write` or `delete`",
        ),
        (
            db(r#"["a"]"#, r#"["read:write"]"#),
            "invalid permission `db:a:read:write` at bytes 5..15: unknown action `read:write` for `db`: expected `create`, `describe`, `read`, `write` or `delete`",
        ),
        (
            r#"{"resource_type":"system","resource_names":["health"],"actions":["write"]}"#
                .to_owned(),
            "invalid permission `system:health:write` at bytes 14..19: unknown action `write` for `system`: expected `read` (hint: `system` permissions only grant `read`)",
        ),
        (
            r#"{"resource_type":"*","resource_names":["*"],"actions":["read"]}"#.to_owned(),
            "invalid permission `*:*:read` at bytes 4..8: `*` resource type can only be set for admin token (hint: `*:*:*` is the admin permission; for every database, write `db:*:ACTIONS`)",
        ),
        (
            r#"{"resource_type":"table","resource_names":["a"],"actions":["read"]}"#.to_owned(),
            "invalid permission `table:a:read` at bytes 0..5: unknown resource type `table`: expected `db` or `system`",
        ),
    ];
    for (json, message) in cases {
        let err = wire(&json).unwrap_err();
        // serde_json adds where the object ends.
        assert!(err.starts_with(message), "{json}\n{err}");
    }
}

/// The `permissions` column of `system.tokens`: canonical permissions joined by `,`,
/// split back by the grammar.
#[test]
fn joined_permissions_split_by_the_grammar() {
    let shown = |text: &str| -> Vec<String> {
        parse_joined(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(shown("*:*:*"), ["*:*:*"]);
    assert_eq!(shown("db:a,b:read,write"), ["db:a,b:read,write"]);
    assert_eq!(
        shown("db:a,b:read,write,system:health:read,db:c:delete"),
        ["db:a,b:read,write", "system:health:read", "db:c:delete"]
    );
    // A database may be named `db` or `system`: a type and a `:` do not by themselves
    // start a permission, only a piece holding a `:` once the actions have begun.
    assert_eq!(shown("db:x,db:read"), ["db:x,db:read"]);
    assert_eq!(
        shown("db:x,db:read,db:read:write"),
        ["db:x,db:read", "db:read:write"]
    );
    assert_eq!(
        shown("db:system,db:read,system:*:read"),
        ["db:system,db:read", "system:*:read"]
    );
    assert_eq!(shown("*:*:*,db:a:read"), ["*:*:*", "db:a:read"]);
    // Errors point into the whole column.
    for (text, kind, span) in [
        ("", "Empty", 0..0),
        ("db:a:read,db:b:reed", "UnknownAction", 15..19),
        ("db:a:read:write,db:b:read", "TooManyParts", 9..15),
        ("db:a,db:b:read", "UnknownAction", 8..9),
        ("db:a:read,foo", "UnknownAction", 10..13),
        ("db:a:read,db", "UnknownAction", 10..12),
        ("db:a:read,,db:b:read", "UnknownAction", 10..10),
        ("db:a:read, db:b:read", "Whitespace", 10..11),
        ("db:a:read,db:b", "MissingActions", 14..14),
        ("db:a:read,table:b:read", "UnknownResourceType", 10..15),
        ("db:a:read,*:*:read", "WildcardTypeNotAdmin", 14..18),
        ("db:a:read,db:a,*:read", "MixedWildcard", 15..16),
    ] {
        let err = parse_joined(text).unwrap_err();
        assert_eq!(
            (kind_name(&err).as_str(), err.span()),
            (kind, span),
            "{text}"
        );
        assert_eq!(err.input(), text);
    }
    assert_eq!(
        parse_joined("db:a:read,db:b:reed").unwrap_err().to_string(),
        "unknown action `reed` for `db`: expected `create`, `describe`, `read`, `write` or `delete`\n  db:a:read,db:b:reed\n                 ^^^^\nhint: did you mean `read`?"
    );
}

#[cfg(feature = "serde")]
fn wire(json: &str) -> Result<Permission, String> {
    Permission::deserialize_wire(&mut serde_json::Deserializer::from_str(json))
        .map_err(|e| e.to_string())
}

#[cfg(feature = "serde")]
#[test]
fn serde_uses_the_grammar_string() {
    let list: Vec<Permission> =
        serde_json::from_str(r#"["db:db1,db2:read,write","system:HEALTH:read"]"#).unwrap();
    assert_eq!(
        serde_json::to_string(&list).unwrap(),
        r#"["db:db1,db2:read,write","system:health:read"]"#
    );
    let err = serde_json::from_str::<Permission>(r#""db:a:reed""#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid permission `db:a:reed` at bytes 5..9: unknown action `reed` for `db`: expected `create`, `describe`, `read`, `write` or `delete` (hint: did you mean `read`?) at line 1 column 11"
    );
}

#[test]
fn error_is_a_std_error_that_crosses_threads() {
    fn assert_error<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
    let err = "x".parse::<Permission>().unwrap_err();
    assert_error(&err);
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.to_string().starts_with("unknown resource type `x`"));
}

#[test]
fn many_names_fold_in_first_seen_order() {
    let names: Vec<String> = (0..100).map(|i| format!("db{}", i % 40)).collect();
    let p: Permission = format!("db:{}:read", names.join(",")).parse().unwrap();
    let want: Vec<String> = (0..40).map(|i| format!("db{i}")).collect();
    let Permission::Database {
        names: Scope::Only(got),
        ..
    } = p
    else {
        panic!("{p}")
    };
    assert_eq!(
        got.iter().map(ToString::to_string).collect::<Vec<_>>(),
        want
    );
}

#[test]
fn grants_refuse_nothing_and_admin() {
    let p: Permission = "db:a:read".parse().unwrap();
    assert_eq!(Grants::try_from(vec![p.clone()]).unwrap()[0], p);
    assert!(Grants::try_from(vec![]).is_err());
    assert!(Grants::try_from(vec![p, Permission::Admin]).is_err());
}

// ---- properties ----

fn database_name() -> impl Strategy<Value = String> {
    // Exactly the characters `char::is_alphanumeric` accepts, plus `/ _ -`.
    "[\\p{Alphabetic}\\p{N}/_-]{1,12}"
}

fn permission() -> impl Strategy<Value = Permission> {
    let db = (
        prop::option::weighted(0.8, prop::collection::vec(database_name(), 1..6)),
        prop::collection::vec(
            prop::sample::select(vec![
                Action::Create,
                Action::Describe,
                Action::Read,
                Action::Write,
                Action::Delete,
            ]),
            1..4,
        ),
    )
        .prop_map(|(names, actions)| Permission::Database {
            names: match names {
                Some(names) => Scope::Only(Names::new(names.iter().map(|n| db(n))).unwrap()),
                None => Scope::All,
            },
            actions: Actions::new(actions).unwrap(),
        });
    let system = prop::option::weighted(
        0.7,
        prop::collection::vec(
            prop::sample::select(vec![
                SystemResource::Health,
                SystemResource::Metrics,
                SystemResource::Ping,
                SystemResource::Ready,
            ]),
            1..5,
        ),
    )
    .prop_map(|names| match names {
        Some(names) => Permission::System(Scope::Only(Names::new(names).unwrap())),
        None => Permission::System(Scope::All),
    });
    prop_oneof![6 => db, 3 => system, 1 => Just(Permission::Admin)]
}

/// Strings made of the grammar's own pieces, so that many of them parse.
fn grammar_soup() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "db", "system", "*", ":", ",", "read", "write", "create", "describe", "delete", "health",
        "ping", "metrics", "ready", "a", "db1", "é", "数", "/", "_", "-", " ", ".", "READ", "DB",
        "", "\0",
    ]);
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn check_accepted(s: &str) -> Result<(), TestCaseError> {
    if let Ok(p) = s.parse::<Permission>() {
        let shown = p.to_string();
        let again: Permission = shown
            .parse()
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(&again, &p);
        prop_assert_eq!(again.to_string(), shown);
    }
    Ok(())
}

/// Every database the permissions name, and one nobody named.
fn probes(list: &[Permission]) -> Vec<String> {
    let mut names: Vec<String> = list
        .iter()
        .filter_map(|p| match p {
            Permission::Database {
                names: Scope::Only(names),
                ..
            } => Some(names.iter().map(ToString::to_string).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect();
    names.push("a_database_nobody_named".to_owned());
    names
}

const ACTIONS: [Action; 5] = [
    Action::Create,
    Action::Describe,
    Action::Read,
    Action::Write,
    Action::Delete,
];
const SYSTEM: [SystemResource; 4] = [
    SystemResource::Health,
    SystemResource::Metrics,
    SystemResource::Ping,
    SystemResource::Ready,
];

/// Whether two sets answer every probe the same: each named database and one nobody
/// named, each system endpoint, and the wildcards (`db:*`, `system:*` and `*:*:*` also
/// cover what is created later).
fn same_answers(a: &PermissionSet, b: &PermissionSet, names: &[String]) -> bool {
    let wildcards: Vec<Permission> = ["system:*:read", "*:*:*"]
        .iter()
        .map(|p| p.parse().unwrap())
        .chain(ACTIONS.iter().map(|x| Permission::Database {
            names: Scope::All,
            actions: Actions::from(*x),
        }))
        .collect();
    wildcards.iter().all(|w| a.covers(w) == b.covers(w))
        && names.iter().all(|n| {
            ACTIONS
                .iter()
                .all(|x| a.allows(Resource::Database(n), *x) == b.allows(Resource::Database(n), *x))
        })
        && SYSTEM.iter().all(|r| {
            a.allows(Resource::System(*r), Action::Read)
                == b.allows(Resource::System(*r), Action::Read)
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Integration tests have no lib.rs beside them to keep regressions in.
        failure_persistence: None,
        ..ProptestConfig::with_cases(2048)
    })]

    #[test]
    fn display_then_parse_gives_the_value(p in permission()) {
        let shown = p.to_string();
        let parsed: Permission = shown.parse().unwrap();
        prop_assert_eq!(&parsed, &p);
        // A canonical string shows as itself.
        prop_assert_eq!(parsed.to_string(), shown);
        // The wire form and serde agree with the string.
        #[cfg(feature = "serde")]
        {
            let json = serde_json::to_string(&p.wire()).unwrap();
            prop_assert_eq!(wire(&json).unwrap(), p.clone());
            let json = serde_json::to_string(&p).unwrap();
            prop_assert_eq!(serde_json::from_str::<Permission>(&json).unwrap(), p);
        }
    }

    /// A list of permissions joined by `,`, as `system.tokens` shows it, splits back
    /// into the list.
    #[test]
    fn joined_lists_split_back(list in prop::collection::vec(permission(), 1..8)) {
        let joined = list.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
        prop_assert_eq!(parse_joined(&joined).unwrap(), list);
    }

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        let _ = parse_joined(&s);
        check_accepted(&s)?;
    }

    #[test]
    fn grammar_like_strings_reparse_to_the_same_value(s in grammar_soup()) {
        check_accepted(&s)?;
        if let Err(e) = s.parse::<Permission>() {
            // The span always lies on character boundaries of the input.
            prop_assert!(e.span().end <= s.len());
            prop_assert!(s.is_char_boundary(e.span().start) && s.is_char_boundary(e.span().end));
            let _ = e.to_string();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Integration tests have no lib.rs beside them to keep regressions in.
        failure_persistence: None,
        ..ProptestConfig::with_cases(1024)
    })]

    /// Sets are equal exactly when they answer every request the same, whatever the order
    /// and shape of their permissions; `covers` and `beyond` agree with `allows`.
    #[test]
    fn sets_compare_by_what_they_grant(
        a in prop::collection::vec(permission(), 0..6),
        b in prop::collection::vec(permission(), 0..6),
    ) {
        let sa: PermissionSet = a.iter().collect();
        let sb: PermissionSet = b.iter().collect();
        let mut names = probes(&a);
        names.extend(probes(&b));
        prop_assert_eq!(sa == sb, same_answers(&sa, &sb, &names));
        let reversed: PermissionSet = a.iter().rev().collect();
        prop_assert_eq!(&reversed, &sa);
        // A set covers each of its permissions, and what it grants beyond another is
        // exactly what that other does not cover.
        for p in &a {
            prop_assert!(sa.covers(p));
        }
        let beyond = sa.beyond(&sb);
        prop_assert_eq!(beyond.is_empty(), a.iter().all(|p| sb.covers(p)));
        for p in &beyond {
            prop_assert!(sa.covers(p) && !sb.covers(p));
        }
        // The other set with what this one grants beyond it covers this one.
        let joined: PermissionSet = b.iter().chain(beyond.iter()).collect();
        for p in &a {
            prop_assert!(joined.covers(p), "{} not covered", p);
        }
        // The grant that decided grants it.
        for n in &names {
            for x in ACTIONS {
                let decided = sa.granting(Resource::Database(n), x);
                prop_assert_eq!(decided.is_some(), sa.allows(Resource::Database(n), x));
                if let Some(p) = decided {
                    prop_assert!(PermissionSet::from_iter([p.clone()]).allows(Resource::Database(n), x));
                }
            }
        }
    }
}

// ---- behaviours that mutation testing found unpinned ----

#[test]
fn actions_unite_and_uniting_what_is_there_keeps_it() {
    use influxdb3_permission::Actions;
    let read = Actions::from(Action::Read);
    let rw = read | Actions::from(Action::Write);
    assert!(rw.contains(Action::Read) && rw.contains(Action::Write));
    assert!(!rw.contains(Action::Delete));
    assert_eq!(rw | read, rw);
    assert_eq!(rw | Action::Write, rw);
    assert_eq!(read | Action::Write, rw);
    assert_eq!(rw.iter().collect::<Vec<_>>(), [Action::Read, Action::Write]);
}

#[test]
fn a_snippet_shows_80_columns_whole_and_cuts_past_them() {
    // The error at the start, the line exactly as wide as the window: shown whole.
    let fits = format!("DB:{}:read", "a".repeat(72));
    assert_eq!(fits.len(), 80);
    let shown = fits
        .parse::<Permission>()
        .unwrap_err()
        .render(None)
        .to_string();
    assert!(shown.contains(&fits), "{shown}");
    assert!(!shown.contains('…'), "{shown}");
    // One column more: cut, with `…`.
    let wider = format!("DB:{}:read", "a".repeat(73));
    let shown = wider
        .parse::<Permission>()
        .unwrap_err()
        .render(None)
        .to_string();
    assert!(!shown.contains(&wider), "{shown}");
    assert!(shown.contains('…'), "{shown}");
}

#[test]
fn every_permission_error_has_one_stable_code() {
    use influxdb3_text::Kind as _;
    for text in ["db:a:reed", "DB:a:read", "db:a,*:read", ""] {
        let err = text.parse::<Permission>().unwrap_err();
        assert_eq!(err.kind().code(), "invalid-permission", "{text}");
        assert_eq!(
            err.diagnostic("--permission").kind().code(),
            "invalid-permission"
        );
    }
}

#[cfg(feature = "serde")]
#[test]
fn a_value_that_is_not_a_string_says_what_was_expected() {
    let err = serde_json::from_str::<Permission>("1")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("a permission string such as `db:db1:read,write`"),
        "{err}"
    );
    let err = serde_json::from_str::<influxdb3_permission::DatabaseName>("1")
        .unwrap_err()
        .to_string();
    assert!(err.contains("a database name"), "{err}");
}

#[test]
fn a_database_name_is_its_text() {
    use influxdb3_permission::DatabaseName;
    let name: DatabaseName = "sensors/eu".parse().unwrap();
    assert_eq!(AsRef::<str>::as_ref(&name), "sensors/eu");
    assert_eq!(name.to_string(), "sensors/eu");
}

#[test]
fn the_deciding_grant_of_a_system_resource_is_named() {
    use influxdb3_permission::SystemResource;
    let set: PermissionSet = ["system:ping:read", "system:health:read", "db:a:read"]
        .iter()
        .map(|p| p.parse::<Permission>().unwrap())
        .collect();
    let health = Resource::System(SystemResource::Health);
    assert_eq!(
        set.granting(health, Action::Read),
        Some(&"system:health:read".parse().unwrap())
    );
    assert_eq!(set.granting(health, Action::Write), None);
    assert_eq!(
        set.granting(Resource::System(SystemResource::Metrics), Action::Read),
        None
    );
    // A database grant never decides for a system resource, nor the reverse.
    assert_eq!(set.granting(Resource::Database("ping"), Action::Read), None);
}

#[test]
fn an_admin_set_equals_only_an_admin_set() {
    let admin: PermissionSet = std::iter::once(Permission::Admin).collect();
    assert_eq!(
        admin,
        std::iter::once(Permission::Admin).collect::<PermissionSet>()
    );
    assert_ne!(admin, PermissionSet::default());
    assert_ne!(PermissionSet::default(), admin);
}

#[test]
fn a_set_made_from_grants_grants_them() {
    use influxdb3_permission::Grants;
    let grants = Grants::try_from(vec!["db:a:write".parse::<Permission>().unwrap()]).unwrap();
    let set = PermissionSet::from(&grants);
    assert!(set.allows(Resource::Database("a"), Action::Write));
    assert!(!set.allows(Resource::Database("a"), Action::Read));
}

#[test]
fn a_resource_is_shown_as_the_grammar_writes_it() {
    use influxdb3_permission::SystemResource;
    assert_eq!(Resource::Database("sensors").to_string(), "db:sensors");
    assert_eq!(
        Resource::System(SystemResource::Health).to_string(),
        "system:health"
    );
}

#[test]
fn grants_give_back_their_permissions_in_order() {
    use influxdb3_permission::Grants;
    let list: Vec<Permission> = vec![
        "db:a:write".parse().unwrap(),
        "system:health:read".parse().unwrap(),
    ];
    let grants = Grants::try_from(list.clone()).unwrap();
    assert_eq!((&grants).into_iter().cloned().collect::<Vec<_>>(), list);
    assert_eq!(Vec::<Permission>::from(grants), list);
}

#[test]
fn completion_follows_the_grammar_part_by_part() {
    assert_eq!(completions(""), ["db:", "system:"]);
    assert_eq!(completions("s"), ["system:"]);
    assert_eq!(completions("db:"), ["db:*:"]);
    assert_eq!(completions("db:sensors"), ["db:sensors:"]);
    assert_eq!(
        completions("system:"),
        [
            "system:*:",
            "system:health:",
            "system:metrics:",
            "system:ping:",
            "system:ready:"
        ]
    );
    assert_eq!(completions("system:health,p"), ["system:health,ping:"]);
    assert_eq!(completions("db:sensors:r"), ["db:sensors:read"]);
    assert_eq!(
        completions("db:sensors:read,"),
        [
            "db:sensors:read,create",
            "db:sensors:read,describe",
            "db:sensors:read,write",
            "db:sensors:read,delete"
        ]
    );
    assert_eq!(completions("system:*:"), ["system:*:read"]);
    assert!(completions("db:a:read:").is_empty());
    // An item already in the list is not offered again; `*` stands alone.
    assert_eq!(
        completions("system:health,"),
        [
            "system:health,metrics:",
            "system:health,ping:",
            "system:health,ready:"
        ]
    );
    assert!(completions("db:a,").is_empty());
    assert_eq!(completions("db:a,b"), ["db:a,b:"]);
    assert_eq!(completions("db:*"), ["db:*:"]);
    assert!(completions("x:").is_empty());
}

#[test]
fn a_permission_error_is_one_line_as_a_cause_and_keeps_its_snippet_alone() {
    #[derive(Debug)]
    struct Row(influxdb3_permission::ParsePermissionError);
    impl std::fmt::Display for Row {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("row 3: its permissions do not parse")
        }
    }
    impl std::error::Error for Row {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    let err = "db:数据库:reed\u{1b}"
        .parse::<influxdb3_permission::Permission>()
        .unwrap_err();
    // Alone, its Display draws the caret snippet on several lines.
    assert!(err.to_string().lines().count() > 2, "{err}");
    // As a cause, one line (the form a serde error carries), with hidden characters
    // escaped and the hint.
    let shown = influxdb3_text::chain(&Row(err));
    assert!(
        !shown.contains('\n') && !shown.contains('\u{1b}'),
        "{shown}"
    );
    assert_eq!(
        shown,
        "row 3: its permissions do not parse: invalid permission `db:数据库:reed\\x1b` at bytes 13..18: unknown action `reed\\x1b` for `db`: expected `create`, `describe`, `read`, `write` or `delete` (hint: did you mean `read`?)"
    );
}
