//! How the `tokens` commands word counts and JSON.

/// `one` or `many`, as `n` asks.
pub(super) fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

pub(super) use crate::output::json_doc as json;
