//! A tokens file as a list of its tokens: name, permissions in their canonical form,
//! expiry, and the prefix of the hash that `system.tokens` shows; never a secret, nor
//! a token-shaped name.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use influxdb3_permission::Permission;
use influxdb3_text::{escape, width};
use influxdb3_token::{MAX_QUOTED_CHARS, Quoted, Timestamp, elide, mask_token_shaped};
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::code::Code;
use crate::model::{TokenEntry, TokenFile};

/// The tokens of a file as rows: a table as text ([`Display`](fmt::Display)), an array
/// of objects as JSON ([`Serialize`]). Made by [`TokenFile::listing`].
///
/// ```
/// use influxdb3_token::Timestamp;
/// use influxdb3_tokenfile::TokenFile;
///
/// let secret = format!("apiv3_{}", "A".repeat(43));
/// let text = format!(
///     r#"{{"tokens":[{{"token":"{secret}","name":"reader","permissions":["db:a,b:read"],"expiry":null}}]}}"#
/// );
/// let file = TokenFile::parse(&text)?;
/// let table = file.listing(Timestamp::now()).to_string();
/// assert!(table.starts_with("NAME    PERMISSIONS  EXPIRY  HASH\nreader  db:a,b:read  never   "));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Listing<'f> {
    rows: Vec<Row<'f>>,
    /// Permission texts and expiries, each made once per run of tokens alike (a file
    /// of 100,000 tokens repeats a few); rows point into them.
    permissions: Vec<Vec<String>>,
    expiries: Vec<(Option<Timestamp>, bool)>,
}

#[derive(Debug)]
struct Row<'f> {
    name: &'f str,
    review: Option<Code>,
    permissions: usize,
    expiry: usize,
    hash: String,
}

impl TokenFile<'_> {
    /// The file's tokens as rows, in its order, their expiry judged at `now`; names
    /// to look at twice ([`names_to_review`](TokenFile::names_to_review)) marked.
    pub fn listing(&self, now: Timestamp) -> Listing<'_> {
        let mut review = vec![None; self.tokens().len()];
        for (i, code) in self.names_to_review() {
            review[i] = Some(code);
        }
        let mut canonical: HashMap<&str, String> = HashMap::new();
        let mut permissions: Vec<Vec<String>> = Vec::new();
        let mut last_texts: Option<&TokenEntry<'_>> = None;
        let mut expiries: Vec<(Option<Timestamp>, bool)> = Vec::new();
        let rows = self
            .tokens()
            .iter()
            .zip(review)
            .map(|(t, review)| {
                if !last_texts.is_some_and(|l| l.permission_texts().eq(t.permission_texts())) {
                    permissions.push(
                        t.permission_texts()
                            .map(|text| {
                                canonical
                                    .entry(text)
                                    .or_insert_with(|| {
                                        text.parse::<Permission>()
                                            .map_or_else(|_| text.to_owned(), |p| p.to_string())
                                    })
                                    .clone()
                            })
                            .collect(),
                    );
                    last_texts = Some(t);
                }
                let expiry = (t.expiry(), t.is_expired(now));
                if expiries.last() != Some(&expiry) {
                    expiries.push(expiry);
                }
                Row {
                    name: t.name(),
                    review,
                    permissions: permissions.len() - 1,
                    expiry: expiries.len() - 1,
                    hash: format!("{:.9}", t.token().hash()),
                }
            })
            .collect();
        Listing {
            rows,
            permissions,
            expiries,
        }
    }
}

impl Listing<'_> {
    /// Whether the file has no token.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Whether a name is marked to look at twice (`(!)` in the table).
    pub fn needs_review(&self) -> bool {
        self.rows.iter().any(|r| r.review.is_some())
    }

    /// The listing of the file at `path` as `influxdb3 tokens list` shows it: `No
    /// tokens in PATH.` when it has none; otherwise the table, then, when a name is
    /// marked `(!)`, what the mark means, and that `lint` says why (the command to
    /// paste, as the caller writes it).
    ///
    /// ```
    /// use std::path::Path;
    /// use influxdb3_token::Timestamp;
    /// use influxdb3_tokenfile::TokenFile;
    ///
    /// let file = TokenFile::parse(r#"{"tokens": []}"#)?;
    /// let listing = file.listing(Timestamp::now());
    /// let shown = listing.for_file(Path::new("tokens.json"), "`lint`").to_string();
    /// assert_eq!(shown, "No tokens in `tokens.json`.\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_file<'a>(&'a self, path: &'a Path, lint: &'a str) -> impl fmt::Display + 'a {
        ForFile {
            listing: self,
            path,
            lint,
        }
    }
}

/// [`Listing::for_file`].
struct ForFile<'a, 'f> {
    listing: &'a Listing<'f>,
    path: &'a Path,
    lint: &'a str,
}

impl fmt::Display for ForFile<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.listing.is_empty() {
            return writeln!(f, "No tokens in {}.", Quoted::path(self.path));
        }
        fmt::Display::fmt(self.listing, f)?;
        if self.listing.needs_review() {
            writeln!(
                f,
                "(!) a name to look at twice: hidden characters, scripts mixed, or like another name; {} says why",
                self.lint
            )?;
        }
        Ok(())
    }
}

/// A cell as the table shows it: token-shaped text masked, escaped, and bounded
/// before it is measured (one huge cell cannot pad every row).
fn cell(text: &str) -> (Cow<'_, str>, usize) {
    let escaped = match mask_token_shaped(text) {
        Cow::Borrowed(text) => escape(text),
        Cow::Owned(masked) => Cow::Owned(escape(&masked).into_owned()),
    };
    let shown = if escaped.len() > MAX_QUOTED_CHARS {
        Cow::Owned(elide(&escaped, MAX_QUOTED_CHARS))
    } else {
        escaped
    };
    let width = width(&shown);
    (shown, width)
}

impl fmt::Display for Listing<'_> {
    /// `NAME  PERMISSIONS  EXPIRY  HASH`, then a row per token, in columns two spaces
    /// apart (by terminal width; cells escaped), the last column not padded. An expired
    /// token's expiry says `(expired)`; a name to look at twice ends with `(!)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let permissions: Vec<String> = self.permissions.iter().map(|p| p.join(" ")).collect();
        let expiries: Vec<String> = self
            .expiries
            .iter()
            .map(|expiry| match expiry {
                (Some(at), true) => format!("{at} (expired)"),
                (at, _) => Timestamp::or_never(*at),
            })
            .collect();
        let rows: Vec<[(Cow<'_, str>, usize); 4]> = self
            .rows
            .iter()
            .map(|r| {
                let name = match r.review {
                    Some(_) => cell(&format!("{} (!)", r.name)).0.into_owned(),
                    None => cell(r.name).0.into_owned(),
                };
                let name_width = width(&name);
                [
                    (Cow::Owned(name), name_width),
                    cell(&permissions[r.permissions]),
                    cell(&expiries[r.expiry]),
                    cell(&r.hash),
                ]
            })
            .collect();
        let header = ["NAME", "PERMISSIONS", "EXPIRY", "HASH"];
        let mut widths = header.map(width);
        for row in &rows {
            for (w, (_, cell)) in widths.iter_mut().zip(row) {
                *w = (*w).max(*cell);
            }
        }
        let mut line = |cells: &mut dyn Iterator<Item = (&str, usize)>| -> fmt::Result {
            let mut out = String::with_capacity(widths.iter().sum::<usize>() + 9);
            for (i, (cell, width)) in cells.enumerate() {
                if i > 0 {
                    out.push_str("  ");
                }
                out.push_str(cell);
                if i + 1 < widths.len() {
                    out.extend(std::iter::repeat_n(' ', widths[i].saturating_sub(width)));
                }
            }
            writeln!(f, "{}", out.trim_end())
        };
        line(&mut header.iter().map(|h| (*h, width(h))))?;
        for row in &rows {
            line(&mut row.iter().map(|(cell, width)| (cell.as_ref(), *width)))?;
        }
        Ok(())
    }
}

impl Serialize for Listing<'_> {
    /// `[{"name", "name_finding", "permissions", "expiry", "expired", "hash_prefix"}]`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.rows.len()))?;
        for r in &self.rows {
            seq.serialize_element(&RowJson {
                listing: self,
                row: r,
            })?;
        }
        seq.end()
    }
}

struct RowJson<'l, 'f> {
    listing: &'l Listing<'f>,
    row: &'l Row<'f>,
}

impl Serialize for RowJson<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.row;
        let (expiry, expired) = self.listing.expiries[r.expiry];
        let mut s = serializer.serialize_struct("Row", 6)?;
        // A name that looks like a secret (a paste gone wrong) is not shown as one.
        s.serialize_field("name", &mask_token_shaped(r.name))?;
        s.serialize_field("name_finding", &r.review.map(Code::as_str))?;
        let permissions: Vec<Cow<'_, str>> = self.listing.permissions[r.permissions]
            .iter()
            .map(|p| mask_token_shaped(p))
            .collect();
        s.serialize_field("permissions", &permissions)?;
        s.serialize_field("expiry", &expiry.map(|at| at.to_string()))?;
        s.serialize_field("expired", &expired)?;
        s.serialize_field("hash_prefix", &r.hash)?;
        s.end()
    }
}
