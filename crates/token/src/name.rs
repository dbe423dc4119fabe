//! Token names: what a person types, reads in a listing and pastes into a command.

use std::fmt;

use influxdb3_text::is_hidden;

/// The longest token name, in characters.
pub const MAX_NAME_CHARS: usize = 256;

/// The name the server gives its operator admin token (`_admin`): never a permission
/// token's, and never deleted, pruned, recreated or rotated by a plan.
pub const OPERATOR_TOKEN: &str = "_admin";

/// Why a string is not a token name. Positions are 1-based and count characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenNameError {
    /// The name is empty.
    #[error("a token name cannot be empty")]
    Empty,
    /// The name is only whitespace.
    #[error("a token name cannot be only whitespace")]
    Blank,
    /// The name starts or ends with whitespace, which a listing does not show.
    #[error("a token name cannot start or end with whitespace (character {position})")]
    OuterWhitespace {
        /// Where the whitespace is.
        position: usize,
    },
    /// A control, bidirectional or zero-width character, which a terminal hides or
    /// reorders.
    #[error("character {position} of the token name is {}, which a terminal hides or reorders", describe(*found))]
    Invisible {
        /// Where it is.
        position: usize,
        /// The character.
        found: char,
    },
    /// Longer than [`MAX_NAME_CHARS`].
    #[error("a token name is at most {MAX_NAME_CHARS} characters; this one has {chars}")]
    TooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// Text shaped like a token's secret (`apiv3_` and token characters), which every
    /// output masks as a secret: the name would show as `apiv3_***`.
    #[error(
        "character {position} of the token name starts text shaped like a token's secret (`apiv3_…`), which is masked wherever it is shown"
    )]
    TokenShaped {
        /// Where it starts.
        position: usize,
    },
}

fn describe(c: char) -> String {
    let what = if c.is_control() {
        "a control character"
    } else if is_bidi(c) {
        "a bidirectional control"
    } else {
        "a zero-width character"
    };
    format!("{what} (U+{:04X})", u32::from(c))
}

/// Bidirectional controls: they reorder the text around them on a terminal.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A token's name: 1 to 256 characters, no whitespace at either end, no control,
/// bidirectional or zero-width character (a listing shows it as it is).
///
/// `_admin` is a valid name: it is the operator admin token's. A permission token may
/// not take it ([`is_admin`](Self::is_admin) tells the callers that refuse it).
///
/// ```
/// use influxdb3_token::{TokenName, TokenNameError};
///
/// let name = TokenName::new("Read/write token for my_database")?;
/// assert_eq!(name.as_str(), "Read/write token for my_database");
/// assert_eq!(
///     TokenName::new(" telegraf").unwrap_err(),
///     TokenNameError::OuterWhitespace { position: 1 }
/// );
/// assert!(TokenName::new("_admin")?.is_admin());
/// # Ok::<(), TokenNameError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenName(String);

impl TokenName {
    /// Checks `name`.
    ///
    /// # Errors
    ///
    /// [`TokenNameError`] saying what is wrong, and where.
    pub fn new(name: &str) -> Result<TokenName, TokenNameError> {
        if name.is_empty() {
            return Err(TokenNameError::Empty);
        }
        if let Some((i, found)) = name.chars().enumerate().find(|(_, c)| is_hidden(*c)) {
            return Err(TokenNameError::Invisible {
                position: i + 1,
                found,
            });
        }
        if name.chars().all(char::is_whitespace) {
            return Err(TokenNameError::Blank);
        }
        let chars = name.chars().count();
        if name.starts_with(char::is_whitespace) {
            return Err(TokenNameError::OuterWhitespace { position: 1 });
        }
        if name.ends_with(char::is_whitespace) {
            return Err(TokenNameError::OuterWhitespace { position: chars });
        }
        if chars > MAX_NAME_CHARS {
            return Err(TokenNameError::TooLong { chars });
        }
        if let Some(run) = crate::token_shaped_runs(name).next() {
            return Err(TokenNameError::TokenShaped {
                position: name[..run.start].chars().count() + 1,
            });
        }
        Ok(TokenName(name.to_owned()))
    }

    /// `_admin`, the operator admin token's name.
    pub fn admin() -> TokenName {
        TokenName(OPERATOR_TOKEN.to_owned())
    }

    /// Whether this is `_admin`, which only the operator admin token has.
    pub fn is_admin(&self) -> bool {
        self.0 == OPERATOR_TOKEN
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for TokenName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for TokenName {
    type Err = TokenNameError;

    fn from_str(s: &str) -> Result<TokenName, TokenNameError> {
        TokenName::new(s)
    }
}

impl AsRef<str> for TokenName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for TokenName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for TokenName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        TokenName::new(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_with_positions() {
        let cases: &[(&str, TokenNameError)] = &[
            ("", TokenNameError::Empty),
            ("   ", TokenNameError::Blank),
            (
                "\t",
                TokenNameError::Invisible {
                    position: 1,
                    found: '\t',
                },
            ),
            (" a", TokenNameError::OuterWhitespace { position: 1 }),
            ("ab ", TokenNameError::OuterWhitespace { position: 3 }),
            ("a\u{3000}", TokenNameError::OuterWhitespace { position: 2 }),
            (
                "a\x1b[31mb",
                TokenNameError::Invisible {
                    position: 2,
                    found: '\x1b',
                },
            ),
            (
                "ab\u{202E}c",
                TokenNameError::Invisible {
                    position: 3,
                    found: '\u{202E}',
                },
            ),
            (
                "a\u{200B}",
                TokenNameError::Invisible {
                    position: 2,
                    found: '\u{200B}',
                },
            ),
            (
                "\u{FEFF}a",
                TokenNameError::Invisible {
                    position: 1,
                    found: '\u{FEFF}',
                },
            ),
        ];
        for (name, want) in cases {
            assert_eq!(TokenName::new(name).unwrap_err(), *want, "{name:?}");
        }
        assert_eq!(
            TokenNameError::Invisible {
                position: 3,
                found: '\u{202E}'
            }
            .to_string(),
            "character 3 of the token name is a bidirectional control (U+202E), which a terminal hides or reorders"
        );
        let longest = "名".repeat(MAX_NAME_CHARS);
        assert!(TokenName::new(&longest).is_ok());
        assert_eq!(
            TokenName::new(&format!("{longest}x")).unwrap_err(),
            TokenNameError::TooLong { chars: 257 }
        );
        for ok in [
            "a",
            "Read/write token for my_database",
            "it's",
            "数据 token",
            "_admin",
        ] {
            assert_eq!(TokenName::new(ok).unwrap().as_str(), ok);
        }
    }
}
