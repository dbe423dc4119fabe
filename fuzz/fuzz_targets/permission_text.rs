//! Text → value → text: whatever parses shows in canonical form and reparses to the
//! same value; whatever fails has a span inside the input on character boundaries.
#![no_main]

use influxdb3_permission::Permission;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match text.parse::<Permission>() {
        Ok(p) => {
            let shown = p.to_string();
            let again: Permission = shown.parse().expect("a displayed permission parses");
            assert_eq!(again, p);
            assert_eq!(again.to_string(), shown, "display is canonical");
            assert_eq!(Permission::from_wire(&p.to_wire()).expect("wire round trip"), p);
        }
        Err(e) => {
            let span = e.span();
            assert!(span.start <= span.end && span.end <= text.len());
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            assert_eq!(e.input(), text);
            let _ = e.to_string();
        }
    }
});
