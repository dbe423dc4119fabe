//! Arbitrary bytes as a permission tokens file and as an admin token file: loading never
//! panics, and what loads writes out to JSON that loads again to an equal value. The
//! one loader, run by `tokens lint` to the end, never panics either, and agrees with
//! the strict load: a file with no finding that stops a load does load, and what stops a
//! load is one of lint's findings. What `tokens list` and `tokens diff` show of a file
//! that loads holds no secret, and their text no raw hidden character.
#![no_main]

use influxdb3_text::is_hidden;
use influxdb3_token::{Timestamp, token_shaped_runs};
use influxdb3_tokenfile::{AdminTokenFile, FileDiff, TokenFile, lint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let found = lint(text, Timestamp::from_millis(1_756_400_061_529));
    let blocking = found.iter().any(|l| l.code().stops_load());
    for l in &found {
        let line = l.location().map_or(0, |at| at.line);
        assert!(line <= text.lines().count() + 1, "{l:?}");
        assert_eq!(l.location(), l.diagnostic().location(), "{l:?}");
    }
    if !blocking {
        assert!(
            TokenFile::parse(text).is_ok(),
            "lint found nothing that stops a load: {found:?}"
        );
    }
    // The one loader: what stops a strict load is one of lint's findings, word for word.
    if let Err(e) = TokenFile::parse(text) {
        let d = e.diagnostic();
        assert!(
            found.iter().any(|l| l.code() == e.code()
                && l.diagnostic().span() == d.span()
                && l.diagnostic().message() == d.message()),
            "{e} not in {found:?}"
        );
    }
    if let Ok(file) = TokenFile::parse(text) {
        let json = file.to_json();
        // The hand-written writer writes what serde_json's pretty printer does.
        let mut reference = serde_json::to_string_pretty(&file).expect("serializes");
        reference.push('\n');
        assert_eq!(json, reference, "write_json and serde_json differ");
        let again = TokenFile::parse(&json).expect("written JSON loads");
        assert_eq!(again, file);
        assert_eq!(again.to_json(), json, "writing is stable");
        // What `tokens list` and `tokens diff` show of it: no secret, no raw hidden
        // character, in text and JSON alike.
        let listing = file.listing(Timestamp::from_millis(1_756_400_061_529));
        let diff = FileDiff::between(&TokenFile::parse(r#"{"tokens":[]}"#).expect("empty"), &file);
        let texts = [listing.to_string(), diff.to_string()];
        for shown in &texts {
            assert!(
                !shown.chars().any(|c| c != '\n' && is_hidden(c)),
                "a raw hidden character: {shown:?}"
            );
        }
        // JSON escapes its own (the CLI escapes every hidden character when it prints).
        let json = [
            serde_json::to_string(&listing).expect("serializes"),
            serde_json::to_string(&diff).expect("serializes"),
        ];
        for shown in texts.iter().chain(&json) {
            assert!(
                token_shaped_runs(shown).next().is_none(),
                "a secret shown: {shown}"
            );
        }
    }
    if let Ok(admin) = AdminTokenFile::parse(text) {
        let json = admin.to_json();
        let again = AdminTokenFile::parse(&json).expect("written JSON loads");
        assert_eq!(again, admin);
    }
});
