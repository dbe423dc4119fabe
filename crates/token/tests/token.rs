//! Token secrets and expiry as users meet them: known-answer hashes computed with
//! `sha512sum`, generation, strict and lenient parsing, redaction, and expiry edges.

use std::collections::HashSet;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::time::Duration;

use influxdb3_token::{Lifetime, LifetimeError, Timestamp, Token, TokenError, TokenHash};
use proptest::prelude::*;

/// `apiv3_` and the bytes 0..64 in URL-safe base64 (computed with Python's `base64`).
const COUNTING: &str =
    "apiv3_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-Pw";

/// `printf %s TOKEN | sha512sum`, run outside this code.
const HASH_VECTORS: [(&str, &str); 4] = [
    (
        "apiv3_test",
        "a7de172f4b0dbac38a8d1c43e7613af42e711b887a22ed226bb5e1bd3287a5714582ef9cea8fa29f8a99061d142dfcb0ec393e335c07f1c81732197b1efaa92b",
    ),
    (
        "apiv3_",
        "872ef82872abdafe4293a50a0f6bcd6ed42c8ed75a0ef4ad3d3d70e2500c37367144ec3dae5e2fb2f9b9e3b9649d1439c5803dccb5f606195fb39cb15fed87b6",
    ),
    (
        "apiv3_0XXXX-xxxXxXxxxXX_OxxxX",
        "022f7e5cb069a8a9056a468c356db666e02731e24a5b7e28db42b0f54b9fe6209f3b9caa8f584df61f6acfc26985ace074637fc35846b5b227cbd5d17e28a9db",
    ),
    (
        COUNTING,
        "ec888c2387438dd0f58a566890a0aada951d6e10a932659b9952e9b593ea233ed55e1b05b0d651762372533360861ba38d36b32bed75266006ac36310885750c",
    ),
];

#[test]
fn hashes_match_sha512sum() {
    for (token, want) in HASH_VECTORS {
        assert_eq!(TokenHash::of(token).to_string(), want, "hash of {token}");
        let parsed = Token::parse_lenient(token).unwrap();
        assert_eq!(parsed.hash().to_string(), want);
        // The prefix `system.tokens` shows.
        assert_eq!(format!("{:.9}", parsed.hash()), want[..9]);
        assert_eq!(TokenHash::from_hex(want).unwrap(), parsed.hash());
        assert_eq!(
            TokenHash::from_hex(&want.to_uppercase()).unwrap(),
            parsed.hash()
        );
    }
}

#[test]
fn ten_thousand_generated_tokens_are_distinct_and_well_formed() {
    let mut seen = HashSet::new();
    for _ in 0..10_000 {
        let token = Token::generate().unwrap();
        let text = token.expose_secret();
        assert_eq!(text.len(), 92);
        assert!(text.starts_with("apiv3_"));
        assert!(token.is_well_formed());
        assert_eq!(Token::parse(text).unwrap(), token);
        let bytes = URL_SAFE_NO_PAD.decode(&text[6..]).unwrap();
        assert_eq!(bytes.len(), 64);
        assert!(seen.insert(text.to_owned()), "a token repeated");
    }
    assert_eq!(seen.len(), 10_000);
}

#[test]
fn strict_parse_checks_prefix_alphabet_length_and_bits() {
    assert!(Token::parse(COUNTING).is_ok());
    let cases: [(String, TokenError); 7] = [
        (
            COUNTING.replacen("apiv3_", "apiv2_", 1),
            TokenError::MissingPrefix,
        ),
        (format!("x{COUNTING}"), TokenError::MissingPrefix),
        (COUNTING[..91].to_owned(), TokenError::Length { len: 91 }),
        (format!("{COUNTING}A"), TokenError::Length { len: 93 }),
        (
            COUNTING.replacen('Q', "+", 1),
            TokenError::Character { position: 13 },
        ),
        (
            format!("{COUNTING}="),
            TokenError::Character { position: 93 },
        ),
        // `x` sets bits that the last of 64 bytes leaves clear.
        (format!("{}x", &COUNTING[..91]), TokenError::NotCanonical),
    ];
    for (text, want) in cases {
        let err = Token::parse(&text).unwrap_err();
        assert_eq!(err, want, "for {text}");
        assert!(
            !err.to_string().contains(&text[6..]),
            "message leaks the token"
        );
    }
    assert_eq!(
        Token::parse("apiv3_é").unwrap_err(),
        TokenError::Character { position: 7 }
    );
}

#[test]
fn strict_parse_takes_what_base64_decodes_to_64_bytes() {
    // The last character decides: every one of the alphabet, against the decoder.
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for last in alphabet.chars() {
        let text = format!("{}{last}", &COUNTING[..91]);
        let decodes = URL_SAFE_NO_PAD
            .decode(&text[6..])
            .is_ok_and(|bytes| bytes.len() == 64);
        assert_eq!(Token::parse(&text).is_ok(), decodes, "{text}");
    }
}

#[test]
fn lenient_parse_takes_what_the_server_takes() {
    for text in [
        "apiv3_",
        "apiv3_x",
        "apiv3_hand-made.token+with/any=chars",
        COUNTING,
    ] {
        let token = Token::parse_lenient(text).unwrap();
        assert_eq!(token.expose_secret(), text);
    }
    assert!(!Token::parse_lenient("apiv3_x").unwrap().is_well_formed());
    assert_eq!(
        Token::parse_lenient("Bearer apiv3_x").unwrap_err(),
        TokenError::MissingPrefix
    );
    assert_eq!(
        Token::parse_lenient("apiv3_a b").unwrap_err(),
        TokenError::Unprintable { position: 8 }
    );
    assert_eq!(
        Token::parse_lenient("apiv3_ab\n").unwrap_err(),
        TokenError::Unprintable { position: 9 }
    );
}

#[test]
fn token_error_messages_are_pinned() {
    let cases = [
        (
            TokenError::MissingPrefix,
            "a token starts with `apiv3_`; this one does not",
        ),
        (
            TokenError::Length { len: 91 },
            "a token is 92 characters long (`apiv3_` and 86 of URL-safe base64); this one has 91",
        ),
        (
            TokenError::Character { position: 12 },
            "character 12 of the token is not URL-safe base64 (`A-Z`, `a-z`, `0-9`, `-`, `_`)",
        ),
        (
            TokenError::NotCanonical,
            "the token's last character does not encode 64 bytes: it was not generated as `apiv3_` and 64 random bytes",
        ),
        (
            TokenError::Unprintable { position: 8 },
            "character 8 of the token is whitespace or a control character",
        ),
    ];
    for (err, want) in cases {
        assert_eq!(err.to_string(), want);
    }
    assert_eq!(
        TokenHash::from_hex("abc").unwrap_err().to_string(),
        "a token hash is 128 hexadecimal characters; this one has 3"
    );
    assert_eq!(
        TokenHash::from_hex(&"g".repeat(128)).unwrap_err(),
        TokenError::HashCharacter { position: 1 }
    );
    assert_eq!(
        TokenHash::from_hex(&format!("a{}", "g".repeat(127))).unwrap_err(),
        TokenError::HashCharacter { position: 2 }
    );
    assert_eq!(
        TokenError::HashCharacter { position: 2 }.to_string(),
        "character 2 of the token hash is not a hexadecimal digit"
    );
}

#[test]
fn display_and_debug_redact() {
    #[derive(Debug)]
    #[allow(dead_code)] // read through `Debug` only
    struct Holder {
        token: Token,
    }
    let token = Token::parse(COUNTING).unwrap();
    assert_eq!(token.to_string(), "apiv3_AAEC…");
    assert_eq!(format!("{token:?}"), "Token(\"apiv3_AAEC…\")");
    // Short hand-made tokens show no more than a quarter of their secret.
    assert_eq!(
        Token::parse_lenient("apiv3_abc").unwrap().to_string(),
        "apiv3_…"
    );
    assert_eq!(
        Token::parse_lenient("apiv3_abcdefgh").unwrap().to_string(),
        "apiv3_ab…"
    );
    // Structs holding a token inherit the redaction.
    let holder = format!(
        "{:?}",
        Holder {
            token: token.clone()
        }
    );
    assert!(!holder.contains(&COUNTING[11..]));
}

#[test]
fn equality_and_serde() {
    let a = Token::parse(COUNTING).unwrap();
    let b = Token::parse_lenient(COUNTING).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, Token::generate().unwrap());
    // A token does not serialize (a report that can be serialized never holds a secret
    // in clear: whoever writes one writes `expose_secret()`); reading is lenient, as the
    // server is.
    let json = serde_json::to_string(a.expose_secret()).unwrap();
    let back: Token = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    let err = serde_json::from_str::<Token>("\"nope\"").unwrap_err();
    assert!(err.to_string().starts_with("a token starts with `apiv3_`"));
    let hash = a.hash();
    let json = serde_json::to_string(&hash).unwrap();
    assert_eq!(json.len(), 130);
    assert_eq!(serde_json::from_str::<TokenHash>(&json).unwrap(), hash);
}

// ---- lifetimes and instants ----

const NOW: Timestamp = Timestamp::from_millis(1_756_400_061_529);

fn lifetime(text: &str) -> Result<Lifetime, LifetimeError> {
    text.parse()
}

#[test]
fn lifetimes_at_the_edges() {
    assert_eq!(lifetime("0s").unwrap_err(), LifetimeError::Zero);
    assert_eq!(lifetime("999ms").unwrap_err(), LifetimeError::SubSecond);
    assert_eq!(
        lifetime("-1s").unwrap_err(),
        LifetimeError::Negative {
            input: "-1s".into()
        }
    );
    let one = lifetime("1s").unwrap();
    assert_eq!(one.secs(), 1);
    assert_eq!(one.ends(NOW).unwrap().millis(), NOW.millis() + 1000);
    // Whole seconds: the rest of a second is dropped, as the server's unit requires.
    assert_eq!(lifetime("1500ms").unwrap().secs(), 1);
    assert_eq!(lifetime("1h 30m").unwrap().secs(), 5400);
    assert_eq!(lifetime("7d").unwrap().secs(), 604_800);
    // humantime: a month is 30.44 days, a year 365.25 days.
    assert_eq!(lifetime("1M").unwrap().secs(), 2_630_016);
    assert_eq!(lifetime("1y").unwrap().secs(), 31_557_600);
    assert_eq!(
        lifetime("1y").unwrap().ends(NOW).unwrap().millis(),
        NOW.millis() + 31_557_600_000
    );

    // The largest lifetime that fits i64 milliseconds, and the first that does not.
    let epoch = Timestamp::from_millis(0);
    let at_epoch = lifetime("9223372036854775s").unwrap().ends(epoch).unwrap();
    assert_eq!(at_epoch.millis(), 9_223_372_036_854_775_000);
    assert_eq!(at_epoch.to_string(), "+292278994-08-17T07:12:55.000Z");
    assert_eq!(
        lifetime("9223372036854776s").unwrap_err(),
        LifetimeError::TooLong
    );
    let largest = u64::try_from((i64::MAX - NOW.millis()) / 1000).unwrap();
    let fits = Lifetime::from_duration(Duration::from_secs(largest)).unwrap();
    assert!(fits.ends(NOW).is_ok());
    let past = Lifetime::from_duration(Duration::from_secs(largest + 1)).unwrap();
    assert_eq!(past.ends(NOW), Err(LifetimeError::TooLong));
    // Durations past u64 seconds do not parse at all.
    assert!(matches!(
        lifetime("99999999999999999999999s"),
        Err(LifetimeError::Invalid { .. })
    ));
}

#[test]
fn instants_order_and_render() {
    assert_eq!(NOW.to_string(), "2025-08-28T16:54:21.529Z");
    assert!(Timestamp::from_millis(NOW.millis() - 1) < NOW);
    assert_eq!(lifetime("7d").unwrap().to_string(), "7days");
}

#[test]
fn lifetime_error_messages_are_pinned() {
    let invalid = lifetime("7 dayz").unwrap_err();
    assert_eq!(
        invalid.to_string(),
        "`7 dayz` is not a duration such as `1h`, `7d`, `1M` or `1y`"
    );
    assert_eq!(
        std::error::Error::source(&invalid).unwrap().to_string(),
        "unknown time unit \"dayz\", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)"
    );
    let cases = [
        (
            LifetimeError::Zero,
            "a lifetime of zero would make a token that has expired already",
        ),
        (
            LifetimeError::SubSecond,
            "a lifetime is counted in whole seconds, the server's unit: it must be at least one second",
        ),
        (
            LifetimeError::TooLong,
            "the lifetime ends after the latest instant a token can hold (+292278994-08-17T07:12:55.807Z)",
        ),
        (
            lifetime("-1s").unwrap_err(),
            "`-1s` is negative: a lifetime cannot be negative",
        ),
    ];
    for (err, want) in cases {
        assert_eq!(err.to_string(), want);
        assert!(!err.to_string().contains("--"), "no command-line wording");
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Integration tests have no lib.rs beside them to keep regressions in.
        failure_persistence: None,
        ..ProptestConfig::with_cases(2048)
    })]

    /// Whatever the secret, `Display` and `Debug` show the prefix and at most four of
    /// its characters, never the secret itself.
    #[test]
    fn redaction_never_shows_the_secret(secret in "[^\\s\\p{Cc}]{5,120}") {
        let text = format!("apiv3_{secret}");
        let token = Token::parse_lenient(&text).unwrap();
        for shown in [token.to_string(), format!("{token:?}")] {
            prop_assert!(!shown.contains(&secret), "{shown} holds the secret");
            let visible = shown.trim_start_matches("Token(\"").trim_end_matches("\")");
            let part = visible.strip_prefix("apiv3_").unwrap().strip_suffix('…').unwrap();
            prop_assert!(part.chars().count() <= 4);
            prop_assert!(secret.starts_with(part));
        }
    }

    #[test]
    fn generated_tokens_never_show_their_secret(_n in 0u8..=255) {
        let token = Token::generate().unwrap();
        let secret = &token.expose_secret()[6..];
        prop_assert!(!token.to_string().contains(&secret[4..]));
        let debug = format!("{token:?}");
        prop_assert!(!debug.contains(&secret[4..]));
    }

    #[test]
    fn any_lifetime_in_range_gives_now_plus_whole_seconds(secs in 1u64..=9_223_372_036_854_775, extra_ms in 0u32..1000) {
        let d = Duration::from_secs(secs) + Duration::from_millis(u64::from(extra_ms));
        let lifetime = Lifetime::from_duration(d).unwrap();
        prop_assert_eq!(lifetime.secs(), secs);
        let end = lifetime.ends(Timestamp::from_millis(0)).unwrap();
        prop_assert_eq!(end.millis(), i64::try_from(secs).unwrap() * 1000);
        let _ = end.to_string();
    }
}

#[test]
fn chosen_secrets_follow_one_rule() {
    use influxdb3_token::{CHOSEN_MAX, CHOSEN_MIN, Token, TokenError};
    // Every generated token is a valid chosen secret too.
    assert!(Token::generate().unwrap().is_chosen_shape());
    // Hex, standard base64 with padding, and the bounds.
    for ok in [
        format!("apiv3_{}", "ab12".repeat(16)),
        format!("apiv3_{}==", "Zm9v+/".repeat(6)),
        format!("apiv3_{}", "x".repeat(CHOSEN_MIN)),
        format!("apiv3_{}", "x.~".repeat(CHOSEN_MAX / 3)),
    ] {
        assert!(Token::parse_chosen(&ok).is_ok(), "{ok}");
    }
    assert_eq!(
        Token::parse_chosen(&format!("apiv3_{}", "x".repeat(CHOSEN_MIN - 1))),
        Err(TokenError::ChosenLength {
            len: CHOSEN_MIN - 1
        })
    );
    assert_eq!(
        Token::parse_chosen(&format!("apiv3_{}", "x".repeat(CHOSEN_MAX + 1))),
        Err(TokenError::ChosenLength {
            len: CHOSEN_MAX + 1
        })
    );
    assert_eq!(
        Token::parse_chosen("apiv2_x"),
        Err(TokenError::MissingPrefix)
    );
    let long = "y".repeat(40);
    for (bad, position) in [
        (format!("apiv3_{long} "), 47),
        (format!("apiv3_'{long}"), 7),
        (format!("apiv3_{long}\\"), 47),
        (format!("apiv3_{long}\n"), 47),
        (format!("apiv3_é{long}"), 7),
    ] {
        let err = Token::parse_chosen(&bad).unwrap_err();
        assert_eq!(err, TokenError::ChosenCharacter { position });
        // The message never holds the value.
        assert!(!err.to_string().contains(&long));
    }
}

// ---- behaviours that mutation testing found unpinned ----

#[test]
fn instants_are_shown_in_the_gregorian_calendar_across_centuries() {
    for (text, millis) in [
        ("1970-01-01T00:00:00Z", 0),
        ("2000-02-29T12:00:00Z", 951_825_600_000),
        ("2100-03-01T00:00:00Z", 4_107_542_400_000),
    ] {
        let at: Timestamp = text.parse().unwrap();
        assert_eq!(at.millis(), millis, "{text}");
        assert_eq!(at.to_string(), text.replace('Z', ".000Z"), "{text}");
    }
    // Every 97th day from 1970 to 2400 (centuries, leap years) shows as humantime
    // writes it.
    let day = 86_400_000i64;
    for n in (0i64..157_800).step_by(97) {
        let at = Timestamp::from_millis(n * day + 1);
        let system = std::time::UNIX_EPOCH + Duration::from_millis((n * day + 1).unsigned_abs());
        assert_eq!(
            at.to_string(),
            humantime::format_rfc3339_millis(system).to_string(),
            "day {n}"
        );
    }
}

#[test]
fn an_instant_not_after_now_is_past() {
    use influxdb3_token::Expiry;
    let now = Timestamp::from_millis(1_000_000);
    for at in [999_999, 1_000_000] {
        let at = Expiry::At(Timestamp::from_millis(at));
        assert_eq!(at.ends(now), Err(LifetimeError::Past));
        assert_eq!(at.lifetime(now), Err(LifetimeError::Past));
    }
    let later = Expiry::At(Timestamp::from_millis(1_000_001));
    assert_eq!(later.ends(now), Ok(Some(Timestamp::from_millis(1_000_001))));
    assert_eq!(later.lifetime(now).unwrap().unwrap().secs(), 1);
}

#[test]
fn a_token_name_is_its_text_and_its_refusals_say_which_character() {
    use influxdb3_token::TokenName;
    let name = TokenName::new("grafana").unwrap();
    assert_eq!(name.to_string(), "grafana");
    assert_eq!(AsRef::<str>::as_ref(&name), "grafana");
    assert!(!name.is_admin());
    assert!(TokenName::admin().is_admin());
    assert_eq!(name.into_string(), "grafana");
    let bidi = TokenName::new("\u{202e}x").unwrap_err().to_string();
    assert!(bidi.contains("a bidirectional control (U+202E)"), "{bidi}");
    let zero = TokenName::new("x\u{200b}").unwrap_err().to_string();
    assert!(zero.contains("a zero-width character (U+200B)"), "{zero}");
}

#[test]
fn generate_many_makes_exactly_as_many_as_asked() {
    for count in [0, 1, 3, 1500] {
        let tokens = Token::generate_many(count).unwrap();
        assert_eq!(tokens.len(), count);
        let distinct: HashSet<&str> = tokens.iter().map(Token::expose_secret).collect();
        assert_eq!(distinct.len(), count);
        assert!(tokens.iter().all(Token::is_well_formed));
    }
}

#[test]
fn a_lenient_token_is_not_a_chosen_secret_unless_it_meets_the_rule() {
    assert!(
        !Token::parse_lenient("apiv3_short")
            .unwrap()
            .is_chosen_shape()
    );
    assert!(Token::generate().unwrap().is_chosen_shape());
    // DEL is a control character, refused like the others.
    assert_eq!(
        Token::parse_lenient("apiv3_ab\u{7f}").unwrap_err(),
        TokenError::Unprintable { position: 9 }
    );
}

#[test]
fn hashes_are_equal_only_when_every_byte_is() {
    let zero = "00".repeat(64);
    // Two bytes that differ by the same bits: they must not cancel out.
    let two = format!("0101{}", "00".repeat(62));
    assert_ne!(
        TokenHash::from_hex(&zero).unwrap(),
        TokenHash::from_hex(&two).unwrap()
    );
    assert_ne!(TokenHash::of("a"), TokenHash::of("b"));
    assert_eq!(TokenHash::of("a"), TokenHash::of("a"));
    let hash = TokenHash::of("apiv3_x");
    let hex = hash.as_bytes().iter().fold(String::new(), |mut out, b| {
        use std::fmt::Write as _;
        let _ = write!(out, "{b:02x}");
        out
    });
    assert_eq!(hex, hash.to_string());
}

#[test]
fn a_token_deserializes_leniently_from_borrowed_and_owned_strings() {
    let owned: Token = serde_json::from_value(serde_json::json!("apiv3_abc")).unwrap();
    assert_eq!(owned.expose_secret(), "apiv3_abc");
    assert!(serde_json::from_value::<Token>(serde_json::json!("nope")).is_err());
    assert!(serde_json::from_value::<Token>(serde_json::json!("apiv3_a b")).is_err());
    let err = serde_json::from_str::<Token>("1").unwrap_err().to_string();
    assert!(err.contains("a token string"), "{err}");
}

#[test]
fn a_name_shaped_like_a_secret_is_refused_and_the_error_says_where() {
    use influxdb3_token::{TokenName, TokenNameError};
    for (name, position) in [
        ("apiv3_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 1),
        ("svc-apiv3_x", 5),
        ("数据apiv3_abc", 3),
    ] {
        assert_eq!(
            TokenName::new(name),
            Err(TokenNameError::TokenShaped { position }),
            "{name}"
        );
    }
    // `apiv3_` alone holds no secret, and is shown as it is.
    assert!(TokenName::new("about apiv3_").is_ok());
    assert!(TokenName::new("apiv3").is_ok());
    let e = TokenName::new("apiv3_secretlooking")
        .unwrap_err()
        .to_string();
    assert!(!e.contains("secretlooking"), "{e}");
}

#[test]
fn values_are_shown_between_backticks_escaped_and_masked() {
    use influxdb3_token::Quoted;
    let quote = |v: &str| Quoted(v).to_string();
    assert_eq!(quote("tokens.json"), "`tokens.json`");
    assert_eq!(quote("my dir/it's.json"), "`my dir/it's.json`");
    assert_eq!(quote(""), "``");
    // A value's own backslash and backtick cannot be taken for an escape or its end.
    assert_eq!(quote("a\\x1bb"), "`a\\\\x1bb`");
    assert_eq!(quote("a`b"), "`a\\`b`");
    assert_eq!(quote("a\x1b[31mb"), "`a\\x1b[31mb`");
    assert_eq!(quote("it's\n"), "`it's\\n`");
    assert_eq!(quote("\u{202e}x"), "`\\u202ex`");
    let secret = format!("apiv3_{}", "A".repeat(86));
    assert_eq!(quote(&secret), "`apiv3_***`");
}

#[test]
fn long_values_are_cut_in_the_middle() {
    use influxdb3_token::{MAX_QUOTED_CHARS, Quoted, elide};
    let long = "a".repeat(1000);
    let shown = Quoted(&long).to_string();
    assert_eq!(shown.chars().count(), MAX_QUOTED_CHARS + 2);
    assert!(shown.contains('…'));
    assert_eq!(elide("abcdef", 5), "ab…ef");
    assert_eq!(elide("abc", 5), "abc");
}

#[test]
fn lists_show_a_few_and_count_the_rest() {
    use influxdb3_token::Quoted;
    assert_eq!(Quoted::list(["a"], 3), "`a`");
    assert_eq!(Quoted::list(["a", "b"], 3), "`a` and `b`");
    assert_eq!(Quoted::list(["a", "b", "c"], 3), "`a`, `b` and `c`");
    let many: Vec<String> = (0..20).map(|i| format!("db{i}")).collect();
    assert_eq!(
        Quoted::list(many.iter().map(String::as_str), 3),
        "`db0`, `db1`, `db2` and 17 more"
    );
}

#[test]
fn a_message_line_is_masked_escaped_and_bounded() {
    use influxdb3_token::{MAX_LINE_CHARS, message_line};
    let secret = format!("apiv3_{}", "q".repeat(86));
    assert_eq!(
        message_line(&format!("token {secret} in\t`f`\u{202e}")),
        "token apiv3_*** in\\t`f`\\u202e"
    );
    // Masked before it is cut: no part of a secret is left at either end of the cut.
    let long = format!("{secret} {} {secret}", "x".repeat(3000));
    let shown = message_line(&long);
    assert_eq!(shown.chars().count(), MAX_LINE_CHARS);
    assert!(
        shown.starts_with("apiv3_*** x") && shown.ends_with("x apiv3_***"),
        "{shown}"
    );
    assert!(!shown.contains("qq"), "{shown}");
    assert_eq!(message_line("plain"), "plain");
}

#[test]
#[allow(clippy::single_range_in_vec_init)] // lists of one secret
fn secret_ranges_are_what_follows_the_prefix() {
    use influxdb3_token::secret_ranges;
    let text = "a=apiv3_xy b=apiv3_ c=apiv3_z";
    let ranges = secret_ranges(text, false);
    let shown: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(shown, ["xy", "z"]);
    // A window cut from its line may start inside a token: its first run is secret.
    assert_eq!(secret_ranges("tail-of_it, k", true), [0..10]);
    assert_eq!(secret_ranges(", k", true), []);
    assert_eq!(secret_ranges("tail", false), []);
    // The prefix cut at the window's start leaves its remains secret as well.
    assert_eq!(secret_ranges("v3_abc x", true), [0..6]);
}

/// The arguments `shell` reads from `line` (between backticks, its program word left
/// out), or `None` when the shell is not installed.
fn read_back(shell: &str, line: &str) -> Option<Vec<String>> {
    let inner = line.strip_prefix('`')?.strip_suffix('`')?;
    let (_, rest) = inner.split_once(' ')?;
    let dir = std::env::temp_dir();
    let out = std::process::Command::new(shell)
        .args(["-c", &format!("printf '%s\\n' {rest}")])
        .current_dir(dir)
        .output()
        .ok()?;
    assert!(out.status.success(), "{shell}: {line}");
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect(),
    )
}

#[test]
fn command_lines_read_back_the_same_in_every_shell() {
    use influxdb3_token::command_line;
    use std::ffi::OsStr;
    let nasty = "it's a \\\\ \\' \"dir\" $(touch pwned) `touch pwned2`; #x ~ * !! é";
    for value in [nasty, "", "plain-word_1.json", "a b", "'", "\\", "x:y,z"] {
        let line = command_line("influxdb3 tokens list {}", &[("FILE", OsStr::new(value))]);
        assert!(!line.contains("not written out"), "{line}");
        for shell in ["sh", "bash", "zsh", "fish"] {
            if let Some(args) = read_back(shell, &line) {
                assert_eq!(args, ["tokens", "list", value], "{shell}: {line}");
            }
        }
    }
    assert_eq!(
        command_line("mkdir -p {}", &[("DIR", OsStr::new("a/b"))]),
        "`mkdir -p a/b`"
    );
    // Fewer values than `{}`: the rest of the template is kept, its `{}` as written.
    assert_eq!(
        command_line("cp {} {} --to-end", &[("FROM", OsStr::new("a"))]),
        "`cp a {} --to-end`"
    );
    assert_eq!(command_line("ls {} -l", &[]), "`ls {} -l`");
}

#[test]
fn a_value_that_starts_with_a_dash_is_written_so_that_it_is_no_option() {
    use influxdb3_token::command_line;
    use std::ffi::OsStr;
    let dash = OsStr::new("-x y");
    // After a long flag: `--flag=VALUE`.
    assert_eq!(
        command_line("influxdb3 delete token --token-name {}", &[("NAME", dash)]),
        "`influxdb3 delete token --token-name='-x y'`"
    );
    // A file: `./VALUE`, then the flag after it as written.
    assert_eq!(
        command_line(
            "influxdb3 tokens rotate {} --name {}",
            &[("FILE", OsStr::new("-f.json")), ("NAME", OsStr::new("-n"))]
        ),
        "`influxdb3 tokens rotate ./-f.json --name=-n`"
    );
    // Anything else is not written out, and says why.
    assert_eq!(
        command_line("influxdb3 {}", &[("COMMAND", OsStr::new("-h"))]),
        "`influxdb3 COMMAND` (not written out: COMMAND starts with `-`, which the command would take for an option)"
    );
    // `-` alone is standard input, written as it is.
    assert_eq!(
        command_line("influxdb3 tokens list {}", &[("FILE", OsStr::new("-"))]),
        "`influxdb3 tokens list -`"
    );
    for shell in ["sh", "bash", "zsh", "fish"] {
        let line = command_line("influxdb3 tokens list {}", &[("FILE", OsStr::new("-a b"))]);
        if let Some(args) = read_back(shell, &line) {
            assert_eq!(args, ["tokens", "list", "./-a b"], "{shell}: {line}");
        }
    }
}

#[test]
fn command_lines_leave_out_what_a_shell_would_not_read_back_as_shown() {
    use influxdb3_token::command_line;
    use std::ffi::OsStr;
    let secret = format!("apiv3_{}", "s".repeat(86));
    let long = "l".repeat(121);
    let line = command_line(
        "cp {} {} {}",
        &[
            ("FROM", OsStr::new(&secret)),
            ("TO", OsStr::new(&long)),
            ("MODE", OsStr::new("ok")),
        ],
    );
    assert_eq!(
        line,
        "`cp FROM TO ok` (not written out: FROM looks like a token's secret; TO is too long to show whole)"
    );
    assert!(!line.contains("sss"));
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        assert_eq!(
            command_line("rm {}", &[("FILE", OsStr::from_bytes(b"a\xff"))]),
            "`rm FILE` (not written out: FILE is not UTF-8)"
        );
    }
    // The longest value shown whole is written out.
    assert_eq!(
        command_line("x {}", &[("V", OsStr::new(&long[1..]))]),
        format!("`x {}`", &long[1..])
    );
}
