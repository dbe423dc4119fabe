//! Text → value → text: whatever parses shows in canonical form and reparses to the
//! same value (also through the wire form); whatever fails has a span inside the input
//! on character boundaries, and renders. The same for the text as a joined list
//! (`parse_joined`): a permission alone is a list of one, and a list reparses to itself.
#![no_main]

use influxdb3_permission::{Permission, parse_joined};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let single = text.parse::<Permission>();
    match parse_joined(text) {
        Ok(list) => {
            if let Ok(p) = &single {
                assert_eq!(list, [p.clone()], "a permission alone is a list of one");
            }
            let joined = list
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",");
            assert_eq!(parse_joined(&joined).expect("a joined list parses"), list);
        }
        Err(e) => {
            assert!(single.is_err(), "a permission alone is a list of one");
            let span = e.span();
            assert!(span.start <= span.end && span.end <= text.len());
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            let _ = e.to_string();
        }
    }
    match single {
        Ok(p) => {
            let shown = p.to_string();
            let again: Permission = shown.parse().expect("a displayed permission parses");
            assert_eq!(again, p);
            assert_eq!(again.to_string(), shown, "display is canonical");
            let wire = serde_json::to_string(&p.wire()).expect("wire form");
            let back = Permission::deserialize_wire(&mut serde_json::Deserializer::from_str(&wire))
                .expect("wire round trip");
            assert_eq!(back, p);
        }
        Err(e) => {
            let span = e.span();
            assert!(span.start <= span.end && span.end <= text.len());
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            assert_eq!(e.input(), text);
            let _ = e.render(Some("--permission")).to_string();
        }
    }
});
