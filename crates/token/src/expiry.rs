//! When a token stops working.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where "now" comes from: the system clock, or a fixed instant in tests.
pub trait Clock {
    /// Milliseconds since the Unix epoch (negative before it).
    fn now_millis(&self) -> i64;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
        }
    }
}

/// A clock that always says the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now_millis(&self) -> i64 {
        self.0
    }
}

/// A duration that cannot make an expiry, or does not parse. The messages say what to
/// do; each holds the duration as the user wrote it (never a secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExpiryError {
    /// Not a humantime duration.
    #[error(
        "invalid expiry `{input}`: {reason}; write a duration such as `1h`, `7d`, `1M` or `1y`"
    )]
    Invalid {
        /// The text given.
        input: String,
        /// humantime's explanation.
        reason: String,
    },
    /// A negative duration (`-1s`): a lifetime counts forward from now.
    #[error(
        "expiry `{input}` is negative: a lifetime cannot be negative; write a duration such as `7d`"
    )]
    Negative {
        /// The text given.
        input: String,
    },
    /// Zero: the token would be expired when created.
    #[error("expiry `{input}` is zero: omit `--expiry` for a token that never expires")]
    Zero {
        /// The text given.
        input: String,
    },
    /// Less than one second, which rounds to zero seconds.
    #[error(
        "expiry `{input}` is shorter than one second, the server's unit: use at least `1s`, or omit `--expiry` for a token that never expires"
    )]
    SubSecond {
        /// The text given.
        input: String,
    },
    /// Ends after the last instant a token file or server can store.
    #[error(
        "expiry `{input}` ends after the latest instant a token can hold (+292278994-08-17T07:12:55.807Z): use a shorter duration, or omit `--expiry` for a token that never expires"
    )]
    TooLong {
        /// The text given.
        input: String,
    },
}

/// When a token expires: never, or at an instant.
///
/// Built from a humantime duration (`7d`, `1y` = 365.25 days, `1M` = 30.44 days,
/// `1h 30m`) counted in whole seconds from a [`Clock`]'s now. It gives the
/// `expiry_millis` of a tokens file, the `expiry_secs` of an HTTP request and an RFC 3339
/// rendering.
///
/// ```
/// use influxdb3_token::{Expiry, FixedClock};
///
/// # fn main() -> Result<(), influxdb3_token::ExpiryError> {
/// let clock = FixedClock(1_756_400_061_529); // 2025-08-28T16:54:21.529Z
/// let week = Expiry::after("7d", &clock)?;
/// assert_eq!(week.expiry_secs(), Some(604_800));
/// assert_eq!(week.expiry_millis(), Some(1_756_400_061_529 + 604_800_000));
/// assert_eq!(week.to_rfc3339().as_deref(), Some("2025-09-04T16:54:21.529Z"));
///
/// assert_eq!(Expiry::NEVER.expiry_millis(), None);
/// assert!(Expiry::after("0s", &clock).is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Expiry(Inner);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Inner {
    Never,
    At {
        millis: i64,
        /// The lifetime asked for, when the expiry was made from a duration.
        secs: Option<u64>,
    },
}

impl Expiry {
    /// The token never expires.
    pub const NEVER: Expiry = Expiry(Inner::Never);

    /// The lifetime `text` (humantime) from now, in whole seconds.
    ///
    /// # Errors
    ///
    /// When `text` does not parse, is zero or shorter than a second, or ends past the
    /// last instant an `i64` of milliseconds can hold.
    pub fn after(text: &str, clock: &impl Clock) -> Result<Expiry, ExpiryError> {
        if text.trim_start().starts_with('-') {
            return Err(ExpiryError::Negative {
                input: text.to_owned(),
            });
        }
        let duration = humantime::parse_duration(text).map_err(|e| ExpiryError::Invalid {
            input: text.to_owned(),
            reason: e.to_string(),
        })?;
        Expiry::from_duration(duration, text, clock)
    }

    /// The lifetime `duration` from now, in whole seconds; `text` is how the user wrote
    /// it, for error messages.
    ///
    /// # Errors
    ///
    /// As [`Expiry::after`], but for parsing.
    pub fn from_duration(
        duration: Duration,
        text: &str,
        clock: &impl Clock,
    ) -> Result<Expiry, ExpiryError> {
        let input = || text.to_owned();
        if duration.is_zero() {
            return Err(ExpiryError::Zero { input: input() });
        }
        let secs = duration.as_secs();
        if secs == 0 {
            return Err(ExpiryError::SubSecond { input: input() });
        }
        let millis = i64::try_from(secs)
            .ok()
            .and_then(|s| s.checked_mul(1000))
            .and_then(|ms| ms.checked_add(clock.now_millis()))
            .ok_or_else(|| ExpiryError::TooLong { input: input() })?;
        Ok(Expiry(Inner::At {
            millis,
            secs: Some(secs),
        }))
    }

    /// The expiry a tokens file holds: `None` for never.
    pub fn from_millis(millis: Option<i64>) -> Expiry {
        match millis {
            None => Expiry::NEVER,
            Some(millis) => Expiry(Inner::At { millis, secs: None }),
        }
    }

    /// Whether the token never expires.
    pub fn is_never(&self) -> bool {
        self.0 == Inner::Never
    }

    /// Milliseconds since the Unix epoch, as in a tokens file's `expiry_millis`.
    pub fn expiry_millis(&self) -> Option<i64> {
        match self.0 {
            Inner::Never => None,
            Inner::At { millis, .. } => Some(millis),
        }
    }

    /// The lifetime in whole seconds, as in an HTTP request's `expiry_secs`; `None` for
    /// never, and for an expiry read from a file (which holds only the instant).
    pub fn expiry_secs(&self) -> Option<u64> {
        match self.0 {
            Inner::Never => None,
            Inner::At { secs, .. } => secs,
        }
    }

    /// The instant in RFC 3339, UTC, with milliseconds (years past 9999 written with a
    /// `+`, as chrono does); `None` for never.
    pub fn to_rfc3339(&self) -> Option<String> {
        self.expiry_millis().map(rfc3339)
    }

    /// Whether the expiry has passed by the clock's now.
    pub fn is_expired(&self, clock: &impl Clock) -> bool {
        self.expiry_millis()
            .is_some_and(|millis| millis <= clock.now_millis())
    }
}

impl fmt::Display for Expiry {
    /// The RFC 3339 instant, or `never`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_rfc3339() {
            Some(s) => f.write_str(&s),
            None => f.write_str("never"),
        }
    }
}

/// Milliseconds since the epoch in RFC 3339 (`2025-08-28T16:54:21.529Z`), for any `i64`.
pub fn rfc3339(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    let in_day = millis.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s, ms) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
    );
    let year = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else {
        format!("{year:+05}")
    };
    format!("{year}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_instants() {
        // Checked with `date -u -d @SECONDS +%FT%T`.
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_756_400_061_529), "2025-08-28T16:54:21.529Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(253_402_300_799_999), "9999-12-31T23:59:59.999Z");
        assert_eq!(rfc3339(253_402_300_800_000), "+10000-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(i64::MAX), "+292278994-08-17T07:12:55.807Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn system_clock_is_after_2025() {
        assert!(SystemClock.now_millis() > 1_735_689_600_000);
    }
}
