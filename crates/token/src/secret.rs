//! The token secret and its hash.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha512};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Every token starts with this.
pub const PREFIX: &str = "apiv3_";
/// Random bytes in a generated token.
pub const SECRET_BYTES: usize = 64;
/// Length of a generated token: the prefix and 86 characters of URL-safe base64.
pub const TOKEN_LEN: usize = PREFIX.len() + 86;
/// Whether `b` is a character of the token alphabet: `A-Z a-z 0-9 - _ . ~ + / =`
/// (URL-safe and standard base64, and what an operator's `--secret-file` may hold).
pub(crate) fn in_alphabet(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'+' | b'/' | b'=')
}

/// The fewest characters after `apiv3_` in a secret an operator chooses
/// ([`Token::parse_chosen`]): 32 of base64 hold 192 bits.
pub const CHOSEN_MIN: usize = 32;
/// The most characters after `apiv3_` in a chosen secret: with the prefix, 256 bytes.
pub const CHOSEN_MAX: usize = 250;
/// Characters of the secret part shown by `Debug` and `Display`, at most.
const SHOWN: usize = 4;

/// What is wrong with a token string, or with the random source. The token itself never
/// appears in the message: only positions and lengths do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The string does not start with `apiv3_`.
    #[error("a token starts with `apiv3_`; this one does not")]
    MissingPrefix,
    /// Not 92 characters (strict check).
    #[error(
        "a token is 92 characters long (`apiv3_` and 86 of URL-safe base64); this one has {len}"
    )]
    Length {
        /// The length found, in characters.
        len: usize,
    },
    /// A character outside `A-Z a-z 0-9 - _` after the prefix (strict check).
    #[error(
        "character {position} of the token is not URL-safe base64 (`A-Z`, `a-z`, `0-9`, `-`, `_`)"
    )]
    Character {
        /// 1-based position in the whole token.
        position: usize,
    },
    /// The last character has bits set that 64 bytes cannot produce (strict check).
    #[error(
        "the token's last character does not encode 64 bytes: it was not generated as `apiv3_` and 64 random bytes"
    )]
    NotCanonical,
    /// Whitespace or a control character, which cannot travel in an HTTP header
    /// (lenient check).
    #[error("character {position} of the token is whitespace or a control character")]
    Unprintable {
        /// 1-based position in the whole token.
        position: usize,
    },
    /// A chosen secret with a character outside the token alphabet
    /// ([`Token::parse_chosen`]).
    #[error(
        "character {position} of the secret is not one of `A-Z a-z 0-9 - _ . ~ + / =` (no whitespace, quotes, backslashes or control characters)"
    )]
    ChosenCharacter {
        /// 1-based position in the whole token.
        position: usize,
    },
    /// A chosen secret that is too short or too long ([`Token::parse_chosen`]).
    #[error(
        "a chosen secret is `apiv3_` and {CHOSEN_MIN} to {CHOSEN_MAX} more characters; this one has {len} after `apiv3_`"
    )]
    ChosenLength {
        /// Its length after the prefix, in characters.
        len: usize,
    },
    /// A hash that is not 128 characters long.
    #[error("a token hash is 128 hexadecimal characters; this one has {len}")]
    HashLength {
        /// Its length in characters.
        len: usize,
    },
    /// A hash with a character that is not a hexadecimal digit.
    #[error("character {position} of the token hash is not a hexadecimal digit")]
    HashCharacter {
        /// 1-based position.
        position: usize,
    },
    /// The operating system's random source failed.
    #[error("the operating system's random source failed")]
    Random(#[source] getrandom::Error),
}

/// A token: `apiv3_` and a secret.
///
/// The secret is read only through [`expose_secret`](Token::expose_secret) and is
/// overwritten with zeros when the token is dropped. `Debug` and `Display` show the
/// prefix and at most four characters of the secret. Equality runs in constant time.
///
/// ```
/// use influxdb3_token::Token;
///
/// # fn main() -> Result<(), influxdb3_token::TokenError> {
/// let token = Token::generate()?;
/// assert_eq!(token.expose_secret().len(), 92);
/// assert!(token.expose_secret().starts_with("apiv3_"));
/// let shown = token.to_string();
/// assert!(shown.starts_with("apiv3_") && shown.ends_with('…') && shown.chars().count() == 11);
/// assert_eq!(token.hash().to_string().len(), 128);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Token {
    value: Zeroizing<String>,
}

impl Token {
    /// A new token: `apiv3_` and 64 bytes from the operating system's random source, in
    /// URL-safe base64 without padding (92 characters in all).
    ///
    /// # Errors
    ///
    /// [`TokenError::Random`] when the random source fails.
    pub fn generate() -> Result<Token, TokenError> {
        let mut bytes = Zeroizing::new([0u8; SECRET_BYTES]);
        getrandom::fill(bytes.as_mut()).map_err(TokenError::Random)?;
        // Exactly the room needed, so that encoding never reallocates and leaves no copy.
        let mut value = Zeroizing::new(String::with_capacity(TOKEN_LEN));
        value.push_str(PREFIX);
        URL_SAFE_NO_PAD.encode_string(bytes.as_ref(), &mut value);
        Ok(Token { value })
    }

    /// `count` new tokens, as [`generate`](Self::generate) makes them, from one read of
    /// the random source per 1,024 tokens (a read per token costs more than the rest of
    /// making it, when thousands are provisioned at once).
    ///
    /// ```
    /// let tokens = influxdb3_token::Token::generate_many(3)?;
    /// assert_eq!(tokens.len(), 3);
    /// assert_ne!(tokens[0], tokens[1]);
    /// # Ok::<(), influxdb3_token::TokenError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`TokenError::Random`] when the random source fails.
    pub fn generate_many(count: usize) -> Result<Vec<Token>, TokenError> {
        const BATCH: usize = 1024;
        let mut tokens = Vec::with_capacity(count);
        let mut bytes = Zeroizing::new(vec![0u8; SECRET_BYTES * BATCH.min(count)]);
        while tokens.len() < count {
            let n = (count - tokens.len()).min(BATCH);
            let chunk = &mut bytes[..n * SECRET_BYTES];
            getrandom::fill(chunk).map_err(TokenError::Random)?;
            for secret in chunk.chunks_exact(SECRET_BYTES) {
                let mut value = Zeroizing::new(String::with_capacity(TOKEN_LEN));
                value.push_str(PREFIX);
                URL_SAFE_NO_PAD.encode_string(secret, &mut value);
                tokens.push(Token { value });
            }
        }
        Ok(tokens)
    }

    /// A token as this library generates it: `apiv3_`, then 86 characters of URL-safe
    /// base64 that decode to 64 bytes.
    ///
    /// # Errors
    ///
    /// [`TokenError::MissingPrefix`], [`Length`](TokenError::Length),
    /// [`Character`](TokenError::Character) or [`NotCanonical`](TokenError::NotCanonical).
    pub fn parse(s: &str) -> Result<Token, TokenError> {
        let secret = s.strip_prefix(PREFIX).ok_or(TokenError::MissingPrefix)?;
        if let Some(i) = secret
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        {
            // Count characters, not bytes, so the position is what a person sees.
            let position = PREFIX.len() + secret[..i].chars().count() + 1;
            return Err(TokenError::Character { position });
        }
        if s.len() != TOKEN_LEN {
            return Err(TokenError::Length { len: s.len() });
        }
        // 86 characters hold 516 bits: the 512 of 64 bytes, and 4 that the last
        // character must leave clear (else another text would decode to the same
        // bytes, and the decoder refuses it). The characters whose low 4 bits are clear:
        if !matches!(secret.as_bytes().last(), Some(b'A' | b'Q' | b'g' | b'w')) {
            return Err(TokenError::NotCanonical);
        }
        Ok(Token {
            value: Zeroizing::new(s.to_owned()),
        })
    }

    /// A secret its operator chose (kept in a secret store, shared with a client
    /// before the server starts): `apiv3_` and [`CHOSEN_MIN`] to [`CHOSEN_MAX`]
    /// characters of the token alphabet `A-Z a-z 0-9 - _ . ~ + / =` (base64 in either
    /// form, hex, …), and nothing else. A server accepts any token that starts with
    /// `apiv3_`; this rule keeps out what a file, a header or a shell would mangle, and
    /// what is too short to be hard to guess. Errors give positions and lengths only,
    /// never the value.
    ///
    /// ```
    /// use influxdb3_token::{Token, TokenError};
    ///
    /// let hex = format!("apiv3_{}", "0123456789abcdef".repeat(4));
    /// assert!(Token::parse_chosen(&hex).is_ok());
    /// assert_eq!(Token::parse_chosen("apiv3_short"), Err(TokenError::ChosenLength { len: 5 }));
    /// assert_eq!(
    ///     Token::parse_chosen(&format!("{hex} x")),
    ///     Err(TokenError::ChosenCharacter { position: 71 })
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// [`TokenError::MissingPrefix`], [`ChosenCharacter`](TokenError::ChosenCharacter)
    /// or [`ChosenLength`](TokenError::ChosenLength).
    pub fn parse_chosen(s: &str) -> Result<Token, TokenError> {
        let secret = s.strip_prefix(PREFIX).ok_or(TokenError::MissingPrefix)?;
        if let Some(i) = secret.bytes().position(|b| !in_alphabet(b)) {
            let position = PREFIX.len() + secret[..i].chars().count() + 1;
            return Err(TokenError::ChosenCharacter { position });
        }
        if !(CHOSEN_MIN..=CHOSEN_MAX).contains(&secret.len()) {
            return Err(TokenError::ChosenLength { len: secret.len() });
        }
        Ok(Token {
            value: Zeroizing::new(s.to_owned()),
        })
    }

    /// Whether the token meets the rule of a chosen secret ([`Token::parse_chosen`]);
    /// every generated token does.
    pub fn is_chosen_shape(&self) -> bool {
        Token::parse_chosen(&self.value).is_ok()
    }

    /// A token as the server accepts it from a file: it starts with `apiv3_`. Whitespace
    /// and control characters are refused too, since the token must travel in an HTTP
    /// header.
    ///
    /// # Errors
    ///
    /// [`TokenError::MissingPrefix`] or [`TokenError::Unprintable`].
    pub fn parse_lenient(s: &str) -> Result<Token, TokenError> {
        if !s.starts_with(PREFIX) {
            return Err(TokenError::MissingPrefix);
        }
        check_printable(s)?;
        Ok(Token {
            value: Zeroizing::new(s.to_owned()),
        })
    }

    /// The whole token, prefix included: the one way to read the secret.
    pub fn expose_secret(&self) -> &str {
        &self.value
    }

    /// Whether the token has the shape [`Token::parse`] requires.
    pub fn is_well_formed(&self) -> bool {
        Token::parse(&self.value).is_ok()
    }

    /// SHA-512 of the whole token string, as the server stores it.
    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.value)
    }
}

/// No whitespace and no control character, with a fast path for printable ASCII (what
/// every token holds).
fn check_printable(s: &str) -> Result<(), TokenError> {
    // Without a branch per byte, so that it runs on whole vectors.
    if s.bytes()
        .fold(true, |ok, b| ok & (b.wrapping_sub(b'!') <= b'~' - b'!'))
    {
        return Ok(());
    }
    match s.chars().position(|c| c.is_whitespace() || c.is_control()) {
        Some(i) => Err(TokenError::Unprintable { position: i + 1 }),
        None => Ok(()),
    }
}

/// Constant time in the contents of two slices of one length: the differences are
/// folded into one byte, which is compared once with `subtle` (a comparison per byte
/// through `subtle` costs ten times more, which a scan of 100,000 tokens feels).
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    diff.ct_eq(&0).into()
}

impl PartialEq for Token {
    /// Constant time in the contents (the lengths may be told apart).
    fn eq(&self, other: &Token) -> bool {
        same_bytes(self.value.as_bytes(), other.value.as_bytes())
    }
}

impl Eq for Token {}

impl fmt::Display for Token {
    /// `apiv3_` and at most four characters of the secret, then `…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = &self.value[PREFIX.len()..];
        // Never more than a quarter of the secret, so short hand-made tokens stay hidden.
        let shown = SHOWN.min(secret.chars().count() / 4);
        let end = secret
            .char_indices()
            .nth(shown)
            .map_or(secret.len(), |(i, _)| i);
        write!(f, "{PREFIX}{}…", &secret[..end])
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token(\"{self}\")")
    }
}

impl FromStr for Token {
    type Err = TokenError;

    /// The strict check, [`Token::parse`].
    fn from_str(s: &str) -> Result<Token, TokenError> {
        Token::parse(s)
    }
}

impl<'de> serde::Deserialize<'de> for Token {
    /// Reads with the lenient check, as the server does.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Token;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a token string")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Token, E> {
                Token::parse_lenient(s).map_err(E::custom)
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Token, E> {
                // Taken over, not copied: the only copy is wiped on drop.
                let value = Zeroizing::new(s);
                if !value.starts_with(PREFIX) {
                    return Err(E::custom(TokenError::MissingPrefix));
                }
                check_printable(&value).map_err(E::custom)?;
                Ok(Token { value })
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// SHA-512 of a token string: what the server stores in place of the token. Shown as
/// 128 lowercase hexadecimal characters; equality runs in constant time.
///
/// ```
/// use influxdb3_token::TokenHash;
///
/// // `printf %s apiv3_test | sha512sum`
/// let hash = TokenHash::of("apiv3_test");
/// assert_eq!(hash.to_string().len(), 128);
/// assert_eq!(TokenHash::from_hex(&hash.to_string()).unwrap(), hash);
/// ```
#[derive(Clone, Copy)]
pub struct TokenHash([u8; 64]);

impl TokenHash {
    /// The hash of `token` (the whole string, prefix included).
    pub fn of(token: &str) -> TokenHash {
        TokenHash(Sha512::digest(token.as_bytes()).into())
    }

    /// A hash from its 128 hex characters (either case).
    ///
    /// # Errors
    ///
    /// [`TokenError::HashLength`] or [`TokenError::HashCharacter`] when `hex` is not
    /// 128 hexadecimal characters.
    pub fn from_hex(hex: &str) -> Result<TokenHash, TokenError> {
        if hex.len() != 128 {
            return Err(TokenError::HashLength {
                len: hex.chars().count(),
            });
        }
        let mut bytes = [0u8; 64];
        for (i, pair) in hex.as_bytes().chunks_exact(2).enumerate() {
            let digit = |b: u8| char::from(b).to_digit(16);
            let (Some(hi), Some(lo)) = (digit(pair[0]), digit(pair[1])) else {
                let position = 2 * i + 1 + usize::from(pair[0].is_ascii_hexdigit());
                return Err(TokenError::HashCharacter { position });
            };
            // Both digits are below 16, so the byte fits.
            bytes[i] = u8::try_from(hi * 16 + lo).unwrap_or(0);
        }
        Ok(TokenHash(bytes))
    }

    /// The 64 bytes.
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl PartialEq for TokenHash {
    fn eq(&self, other: &TokenHash) -> bool {
        same_bytes(&self.0, &other.0)
    }
}

impl Eq for TokenHash {}

impl std::hash::Hash for TokenHash {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl fmt::Display for TokenHash {
    /// 128 lowercase hexadecimal characters; a precision keeps the first ones
    /// (`{:.9}` is the prefix `system.tokens` shows).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 128];
        for (i, b) in self.0.iter().enumerate() {
            out[2 * i] = HEX[usize::from(b >> 4)];
            out[2 * i + 1] = HEX[usize::from(b & 0x0f)];
        }
        // Only ASCII hex digits were written.
        f.pad(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({self})")
    }
}

impl serde::Serialize for TokenHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for TokenHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        TokenHash::from_hex(&text).map_err(serde::de::Error::custom)
    }
}
