//! A change to a token in words, as every report says it.

use std::fmt;

use influxdb3_permission::Permission;
use influxdb3_token::Timestamp;

/// How a token changes, or differs from what is wanted, in the words every report uses:
/// `widened …; narrowed …; expiry OLD -> NEW; NOTE`, the parts there are, apart by `; `
/// (no name). A [`Drift`](crate::Drift) is said so, and so is a token that changed
/// between two tokens files.
///
/// ```
/// use influxdb3_provision::ChangeWords;
///
/// let widened = ["db:a:write".parse()?];
/// let words = ChangeWords::new(&widened, &[], Some((None, None))).note(Some("secret rotated"));
/// assert_eq!(words.to_string(), "widened db:a:write; expiry never -> never; secret rotated");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct ChangeWords<'a> {
    widened: &'a [Permission],
    narrowed: &'a [Permission],
    expiry: Option<(Option<Timestamp>, Option<Timestamp>)>,
    later: bool,
    note: Option<&'a str>,
}

impl<'a> ChangeWords<'a> {
    /// What it may do now and could not before, what it could do and may not now, and
    /// its old and new expiry when they differ.
    pub fn new(
        widened: &'a [Permission],
        narrowed: &'a [Permission],
        expiry: Option<(Option<Timestamp>, Option<Timestamp>)>,
    ) -> Self {
        ChangeWords {
            widened,
            narrowed,
            expiry,
            later: false,
            note: None,
        }
    }

    /// Says ` (later)` after the expiry when `later` (it moved later, or went away).
    pub fn later(mut self, later: bool) -> Self {
        self.later = later;
        self
    }

    /// What else changed, said last (the secret).
    pub fn note(mut self, note: Option<&'a str>) -> Self {
        self.note = note;
        self
    }
}

impl fmt::Display for ChangeWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |p: &[Permission]| {
            p.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let parts = [
            (!self.widened.is_empty()).then(|| format!("widened {}", list(self.widened))),
            (!self.narrowed.is_empty()).then(|| format!("narrowed {}", list(self.narrowed))),
            self.expiry.map(|(old, new)| {
                let later = if self.later { " (later)" } else { "" };
                format!(
                    "expiry {} -> {}{later}",
                    Timestamp::or_never(old),
                    Timestamp::or_never(new)
                )
            }),
            self.note.map(str::to_owned),
        ];
        let parts: Vec<String> = parts.into_iter().flatten().collect();
        f.write_str(&parts.join("; "))
    }
}
