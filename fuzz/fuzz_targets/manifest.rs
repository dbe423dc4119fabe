//! Arbitrary text as a `tokens apply` manifest: reading it (by `toml`, then our checks)
//! never panics; an error points into the text, at a line of it, with a one-line
//! message; a manifest that reads reads the same with CRLF line endings; and it plans
//! without panicking, against nothing and against itself (which then changes nothing).
#![no_main]

use influxdb3_permission::PermissionSet;
use influxdb3_provision::{Capabilities, Existing, Manifest, PlanOptions, Policy, Step};
use influxdb3_token::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let manifest = match Manifest::parse(text) {
        Ok(m) => m,
        Err(e) => {
            if let Some(span) = e.span() {
                assert!(
                    span.end <= text.len() && text.is_char_boundary(span.start),
                    "{e:?}"
                );
                let at = e.location().expect("a span has a place");
                assert!(at.line <= text.split('\n').count(), "{e:?}");
                let line = e.line_text().expect("a span has a line");
                assert!(at.column <= line.chars().count() + 2, "{e:?}");
            }
            assert!(
                !e.message().is_empty() && !e.message().contains('\n'),
                "{e:?}"
            );
            let _ = e.to_string();
            return;
        }
    };
    // Saved on Windows: the same manifest.
    if !text.contains('\r') {
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(Manifest::parse(&crlf).as_ref(), Ok(&manifest), "{crlf:?}");
    }
    let now = Timestamp::from_millis(1_756_400_061_529);
    let plan = |current: &[Existing], options| {
        manifest.plan(
            current,
            Capabilities::FILE,
            now,
            options,
            &Policy::default(),
        )
    };
    let Ok(first) = plan(&[], PlanOptions::default()) else {
        return;
    };
    // Carried out: every token as planned; planned again, nothing changes.
    let current: Vec<Existing> = first
        .steps()
        .iter()
        .filter_map(|s| match s {
            Step::Create { token, .. } => Some(Existing::new(
                token.name.as_str(),
                PermissionSet::from(&token.grants),
                token.expiry.ends(token.now).ok().flatten(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(current.len(), manifest.tokens().len());
    let again = plan(&current, PlanOptions::default().prune(true).update(true))
        .expect("planned once, plans again");
    assert!(!again.changes(), "{:?}", again.steps());
});
