//! What a client is configured from besides the builder's calls: the admin token read
//! from a stream, and the warnings a configuration implies.

use std::fmt;
use std::io::BufRead;

use influxdb3_token::{Token, TokenError};

/// The most bytes [`read_token_line`] takes, line break included: a minted token is 92,
/// so a line of this many is room for any token and its line break; a longer line (an
/// endless stream) is refused as soon as the bound is passed.
pub const MAX_TOKEN_LINE_BYTES: u64 = 256;

/// Why no token was read from a stream.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenInputError {
    /// The stream could not be read: shown as the system's words, for the caller to
    /// say which stream (as [`ConnectError::Stdin`](crate::ConnectError::Stdin) does).
    #[error(transparent)]
    Read(std::io::Error),
    /// The first line is not UTF-8, so not a token (it is never shown).
    #[error("the line read is not UTF-8, so not a token")]
    NotUtf8,
    /// The line read is not a token (it is never shown).
    #[error("the line read is not a token")]
    NotAToken(#[source] TokenError),
    /// The first line is longer than [`MAX_TOKEN_LINE_BYTES`], line break included: no
    /// token is that long, and a part of it is not taken for one.
    #[error("the line read is longer than {MAX_TOKEN_LINE_BYTES} bytes")]
    TooLong,
}

/// The token on the first line of `reader` (standard input, a pipe), as a client sends
/// it: at most [`MAX_TOKEN_LINE_BYTES`] are taken, line break included (a longer line
/// is an error, read no further than one byte past the bound), the line break (`\n` or
/// `\r\n`) is left out, and the rest must be a token as the server takes it
/// ([`Token::parse_lenient`]).
///
/// ```
/// use influxdb3_token_client::read_token_line;
///
/// let input = format!("apiv3_{}\nnext line\n", "x".repeat(20));
/// let token = read_token_line(input.as_bytes())?;
/// assert_eq!(token.expose_secret().len(), 26);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`TokenInputError::Read`] when the stream fails, [`TokenInputError::NotUtf8`] when its
/// line is not UTF-8, [`TokenInputError::TooLong`] when the line passes
/// [`MAX_TOKEN_LINE_BYTES`], [`TokenInputError::NotAToken`] when what it holds (nothing,
/// or another text) is no token.
pub fn read_token_line(reader: impl BufRead) -> Result<Token, TokenInputError> {
    let mut line = Vec::new();
    reader
        .take(MAX_TOKEN_LINE_BYTES + 1)
        .read_until(b'\n', &mut line)
        .map_err(TokenInputError::Read)?;
    if line.len() as u64 > MAX_TOKEN_LINE_BYTES {
        return Err(TokenInputError::TooLong);
    }
    let line = String::from_utf8(line).map_err(|_| TokenInputError::NotUtf8)?;
    Token::parse_lenient(line.trim_end_matches(['\n', '\r'])).map_err(TokenInputError::NotAToken)
}

/// A risk that a client's configuration takes ([`ClientBuilder::warnings`]), for its
/// caller to show before anything is sent.
///
/// [`ClientBuilder::warnings`]: crate::ClientBuilder::warnings
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientWarning {
    /// The server's certificate is not verified ([`ClientBuilder::no_verify`]) on an
    /// `https://` host, so TLS hides nothing from whoever sits on the network path.
    ///
    /// [`ClientBuilder::no_verify`]: crate::ClientBuilder::no_verify
    Unverified,
    /// The admin token was given on the command line
    /// ([`ServerOptions::token`](crate::ServerOptions::token) with
    /// [`Origin::CommandLine`](crate::Origin::CommandLine)), where every user of the
    /// machine can read it.
    TokenOnCommandLine,
}

impl fmt::Display for ClientWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ClientWarning::Unverified => {
                "the server's certificate is not checked, so anyone on the network path can read the admin token"
            }
            ClientWarning::TokenOnCommandLine => {
                "the admin token was given on the command line, where every user of this machine can read it (`ps`): pass it with --token-file FILE, --token - (standard input) or INFLUXDB3_AUTH_TOKEN_FILE"
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bounded_line_is_read() {
        use std::io::Read as _;
        let token = format!("apiv3_{}", "a".repeat(86));
        for input in [
            token.clone(),
            format!("{token}\n"),
            format!("{token}\r\nsecond line"),
        ] {
            let read = read_token_line(input.as_bytes()).unwrap();
            assert_eq!(read.expose_secret(), token);
        }
        // A line of the bound, break included, is taken; an endless line is refused, not
        // cut into a token.
        let max = usize::try_from(MAX_TOKEN_LINE_BYTES).unwrap();
        let longest = format!("apiv3_{}\n", "b".repeat(max - 7));
        let read = read_token_line(longest.as_bytes()).unwrap();
        assert_eq!(read.expose_secret().len(), max - 1);
        let longer = format!("apiv3_{}\n", "b".repeat(max - 6));
        assert!(matches!(
            read_token_line(longer.as_bytes()),
            Err(TokenInputError::TooLong)
        ));
        let endless = std::io::BufReader::new(std::io::repeat(b'b'));
        let err = read_token_line(std::io::Cursor::new(b"apiv3_").chain(endless)).unwrap_err();
        assert!(matches!(err, TokenInputError::TooLong));
        assert_eq!(err.to_string(), "the line read is longer than 256 bytes");
        // Cut in the middle of a character, a long line is still too long, not bad UTF-8.
        let wide = "é".repeat(200);
        assert!(matches!(
            read_token_line(wide.as_bytes()),
            Err(TokenInputError::TooLong)
        ));
        // A line that is not UTF-8 is no token (not a failure to read).
        assert!(matches!(
            read_token_line(&b"apiv3_\xff\xfe\n"[..]),
            Err(TokenInputError::NotUtf8)
        ));
        assert!(matches!(
            read_token_line(&b""[..]),
            Err(TokenInputError::NotAToken(_))
        ));
        assert!(matches!(
            read_token_line(&b"not a token\n"[..]),
            Err(TokenInputError::NotAToken(_))
        ));
        assert!(matches!(
            read_token_line(&b"apiv3_\xff\n"[..]),
            Err(TokenInputError::NotUtf8)
        ));
    }
}
