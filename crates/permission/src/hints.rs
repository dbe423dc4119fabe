//! Hints: the closest known word, and advice for common slips. A leaf: the modules
//! that know the words (actions, system names) pass them in.

/// The hint for a `*` the shell may have replaced by file names.
pub(crate) const SHELL_GLOB: &str = "if you typed `*`, the shell may have expanded it into file names: quote the argument, as in 'db:*:read'";

/// Hint for the `*` resource type outside `*:*:*`.
pub(crate) const ADMIN_ONLY: &str =
    "`*:*:*` is the admin permission; for every database, write `db:*:ACTIONS`";

/// Hint for whitespace in a permission.
pub(crate) const WHITESPACE: &str = "remove it: names and actions are separated by `,` alone";

/// Hint for more than three parts.
pub(crate) const TOO_MANY_PARTS: &str =
    "a permission has three parts; to grant several permissions, give each one separately";

/// `did you mean `x`?` for the candidate closest to `found`, if it is close.
pub(crate) fn did_you_mean<'a>(
    found: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let lower = found.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (distance(&lower, c), c))
        .filter(|(d, c)| *d <= 2 && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

/// Hint for a resource type that is not `db`, `system` or `*`.
pub(crate) fn resource_type(found: &str) -> Option<String> {
    let lower = found.to_lowercase();
    if matches!(lower.as_str(), "db" | "system") {
        return Some(format!("resource types are lowercase: `{lower}`"));
    }
    if matches!(lower.as_str(), "database" | "databases" | "dbs") {
        return Some("did you mean `db`?".to_owned());
    }
    if found.contains('.') {
        return Some(SHELL_GLOB.to_owned());
    }
    did_you_mean(found, ["db", "system"])
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent swaps).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 {
        return usize::MAX;
    }
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits_and_swaps() {
        assert_eq!(distance("read", "read"), 0);
        assert_eq!(distance("reed", "read"), 1);
        assert_eq!(distance("wirte", "write"), 1);
        assert_eq!(distance("rd", "read"), 2);
        assert_eq!(distance("r", "describe"), usize::MAX);
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("wrte", ["read", "write"]).as_deref(),
            Some("did you mean `write`?")
        );
        assert_eq!(did_you_mean("xyz", ["read", "write"]), None);
        // Two letters away from a two-letter word is not "close".
        assert_eq!(did_you_mean("xy", ["db"]), None);
    }
}
