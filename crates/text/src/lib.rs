//! What the influxdb3-tokens crates need to show text to people safely and alike:
//!
//! - [`is_hidden`] and [`escape`]: the one rule for characters a terminal would hide or
//!   obey (control, bidirectional, zero-width), used for token names, database names
//!   and everything the crates quote back; [`escape_lines`] and [`escape_json`] for
//!   text of several lines and for JSON documents, which keep their line breaks;
//! - [`Diagnostic`]: a problem at a place in a source text (a `--permission` value, a
//!   manifest, a tokens file), with a typed [`Kind`], a message and a hint. Libraries
//!   produce diagnostics; rendering them is the caller's (the CLI uses one renderer for
//!   all of them). What a renderer reads is bounded: [`Diagnostic::locate`] places the
//!   many diagnostics of one text in one pass, and [`Diagnostic::line_window`] reads
//!   a window of the line around the span, however long the line, and
//!   [`LineWindow::excerpt`] the piece of it a renderer shows (the secrets its caller
//!   finds masked, hidden characters escaped, cut to a number of columns);
//!   [`path_origin`] names a file as a diagnostic's origin (`<stdin>` for `-`);
//! - [`chain`]: an error and its causes on one line, as messages show them;
//! - [`width`]: how many terminal columns a text takes, to align columns.
//!
//! ```
//! use influxdb3_text::{Diagnostic, Kind, Severity};
//!
//! #[derive(Debug, Clone, Copy, PartialEq, Eq)]
//! struct BadWord;
//! impl Kind for BadWord {
//!     fn code(&self) -> &'static str { "bad-word" }
//! }
//!
//! let text = "line one\nsay reed here\n";
//! let d = Diagnostic::new("notes.txt", text, 13..17, BadWord, "unknown word `reed`")
//!     .with_hint("did you mean `read`?");
//! let at = d.location().ok_or("a diagnostic with a span has a place")?;
//! assert_eq!((at.line, at.column), (2, 5));
//! assert_eq!(d.line_text(), Some("say reed here"));
//! assert_eq!(d.severity(), Severity::Error);
//! assert_eq!(d.to_string(), "notes.txt:2:5: unknown word `reed`");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod chain;
mod diagnostic;
mod excerpt;
mod hidden;
mod origin;

pub use chain::chain;
pub use diagnostic::{AnyKind, Diagnostic, Kind, LineWindow, Location, Severity};
pub use excerpt::{Excerpt, ExcerptOptions};
pub use hidden::{escape, escape_json, escape_lines, is_hidden, width, write_escaped};
pub use origin::path_origin;
