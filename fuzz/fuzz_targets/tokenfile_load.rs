//! Arbitrary bytes as a permission tokens file and as an admin token file: loading never
//! panics, and what loads writes out to JSON that loads again to an equal value.
#![no_main]

use influxdb3_tokenfile::{AdminTokenFile, TokenFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(file) = TokenFile::parse(text) {
        let json = file.to_json();
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
