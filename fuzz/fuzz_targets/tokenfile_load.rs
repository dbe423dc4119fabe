//! Arbitrary bytes as a permission tokens file and as an admin token file: loading never
//! panics, and what loads writes out to JSON that loads again to an equal value. The
//! lenient loader of `tokens lint` never panics either, and agrees with the strict one:
//! a file with no finding that stops a load does load.
#![no_main]

use influxdb3_tokenfile::{AdminTokenFile, Code, TokenFile, lint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let found = lint(text, influxdb3_token::Timestamp::from_millis(1_756_400_061_529));
    let blocking = found.iter().any(|l| {
        matches!(
            l.code,
            Code::NotJson
                | Code::WrongShape
                | Code::DuplicateField
                | Code::InvalidName
                | Code::DuplicateName
                | Code::TokenPrefix
                | Code::DuplicateToken
                | Code::InvalidPermission
                | Code::InvalidDatabaseName
        )
    });
    for l in &found {
        assert!(l.line <= text.lines().count() + 1, "{l:?}");
    }
    if !blocking {
        assert!(TokenFile::parse(text).is_ok(), "lint found nothing that stops a load: {found:?}");
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
    }
    if let Ok(admin) = AdminTokenFile::parse(text) {
        let json = admin.to_json();
        let again = AdminTokenFile::parse(&json).expect("written JSON loads");
        assert_eq!(again, admin);
    }
});
