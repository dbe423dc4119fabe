//! When a token stops working: a lifetime (how long, from creation) and the instant it
//! ends.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An instant, in milliseconds since the Unix epoch (UTC): what a tokens file's
/// `expiry_millis` holds. `Display` writes RFC 3339 with milliseconds
/// (`2025-08-28T16:54:21.529Z`, years past 9999 with a `+`).
///
/// ```
/// use influxdb3_token::Timestamp;
///
/// let t = Timestamp::from_millis(1_756_400_061_529);
/// assert_eq!(t.to_string(), "2025-08-28T16:54:21.529Z");
/// assert!(Timestamp::now() > t);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The instant `millis` milliseconds after the epoch (before it when negative).
    pub const fn from_millis(millis: i64) -> Timestamp {
        Timestamp(millis)
    }

    /// Milliseconds since the epoch.
    pub const fn millis(self) -> i64 {
        self.0
    }

    /// The system clock's now, to the millisecond.
    pub fn now() -> Timestamp {
        Timestamp(match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
        })
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    /// RFC 3339 in UTC (`2027-01-01T00:00:00Z`, fractions of a second allowed).
    fn from_str(text: &str) -> Result<Timestamp, TimestampError> {
        let err = |source| TimestampError {
            input: text.to_owned(),
            source,
        };
        let at = humantime::parse_rfc3339(text).map_err(err)?;
        Ok(Timestamp(match at.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
        }))
    }
}

/// A text that is not an RFC 3339 instant in UTC.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{input}` is not an RFC 3339 instant in UTC such as `2027-01-01T00:00:00Z`")]
pub struct TimestampError {
    input: String,
    #[source]
    source: humantime::TimestampError,
}

impl Timestamp {
    /// An expiry as the crates show it: `at` in RFC 3339, or `never`.
    ///
    /// ```
    /// use influxdb3_token::Timestamp;
    ///
    /// assert_eq!(Timestamp::or_never(None), "never");
    /// assert_eq!(Timestamp::or_never(Some(Timestamp::from_millis(0))), "1970-01-01T00:00:00.000Z");
    /// ```
    pub fn or_never(at: Option<Timestamp>) -> String {
        at.map_or_else(|| "never".to_owned(), |at| at.to_string())
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339, UTC, with milliseconds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0;
        let days = millis.div_euclid(86_400_000);
        let in_day = millis.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        let (h, m, s, ms) = (
            in_day / 3_600_000,
            in_day / 60_000 % 60,
            in_day / 1000 % 60,
            in_day % 1000,
        );
        if !(0..=9999).contains(&year) {
            write!(f, "{year:+05}")?;
            return write!(f, "-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z");
        }
        // The usual years, digit by digit (a list of 100,000 tokens shows as many).
        let mut out = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, width: usize, mut n: i64| {
            for i in (at..at + width).rev() {
                // A digit: 0 to 9, so the cast keeps it whole.
                out[i] = b'0' + u8::try_from(n % 10).unwrap_or(0);
                n /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, month);
        put(8, 2, day);
        put(11, 2, h);
        put(14, 2, m);
        put(17, 2, s);
        put(20, 3, ms);
        f.write_str(std::str::from_utf8(&out).unwrap_or_default())
    }
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

/// Why a text or a duration is not a token lifetime. Each holds the text as it was
/// written, when there was one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LifetimeError {
    /// Not a humantime duration.
    #[error("`{input}` is not a duration such as `1h`, `7d`, `1M` or `1y`")]
    Invalid {
        /// The text given.
        input: String,
        /// humantime's explanation.
        #[source]
        source: humantime::DurationError,
    },
    /// A negative duration (`-1s`): a lifetime counts forward from creation.
    #[error("`{input}` is negative: a lifetime cannot be negative")]
    Negative {
        /// The text given.
        input: String,
    },
    /// Zero: the token would have expired when created.
    #[error("a lifetime of zero would make a token that has expired already")]
    Zero,
    /// Less than one second, which rounds to zero seconds, the server's unit.
    #[error(
        "a lifetime is counted in whole seconds, the server's unit: it must be at least one second"
    )]
    SubSecond,
    /// An instant that is not in the future.
    #[error("the instant has passed: a token cannot expire before it is created")]
    Past,
    /// Ends after the last instant an `i64` of milliseconds can hold
    /// (`+292278994-08-17T07:12:55.807Z`).
    #[error(
        "the lifetime ends after the latest instant a token can hold (+292278994-08-17T07:12:55.807Z)"
    )]
    TooLong,
}

/// How long a token lives from its creation: a whole number of seconds, at least one,
/// short enough that its end fits in an `i64` of milliseconds. Parsed from a humantime
/// duration (`7d`, `1y` = 365.25 days, `1M` = 30.44 days, `1h 30m`); the part of a
/// second beyond the whole seconds is dropped.
///
/// ```
/// use influxdb3_token::{Lifetime, LifetimeError, Timestamp};
///
/// let week: Lifetime = "7d".parse()?;
/// assert_eq!(week.secs(), 604_800); // an HTTP request's `expiry_secs`
/// let now = Timestamp::from_millis(1_756_400_061_529);
/// assert_eq!(week.ends(now)?.to_string(), "2025-09-04T16:54:21.529Z"); // a file's `expiry_millis`
/// assert_eq!("0s".parse::<Lifetime>(), Err(LifetimeError::Zero));
/// # Ok::<(), LifetimeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lifetime(u64);

/// The most seconds whose milliseconds fit in an `i64`.
const MAX_SECS: u64 = i64::MAX.unsigned_abs() / 1000;

impl Lifetime {
    /// A lifetime of `duration`, in whole seconds.
    ///
    /// # Errors
    ///
    /// [`LifetimeError::Zero`], [`SubSecond`](LifetimeError::SubSecond) or
    /// [`TooLong`](LifetimeError::TooLong).
    pub fn from_duration(duration: Duration) -> Result<Lifetime, LifetimeError> {
        if duration.is_zero() {
            return Err(LifetimeError::Zero);
        }
        match duration.as_secs() {
            0 => Err(LifetimeError::SubSecond),
            secs if secs > MAX_SECS => Err(LifetimeError::TooLong),
            secs => Ok(Lifetime(secs)),
        }
    }

    /// The lifetime in whole seconds.
    pub const fn secs(self) -> u64 {
        self.0
    }

    /// When a token created at `now` with this lifetime expires.
    ///
    /// # Errors
    ///
    /// [`LifetimeError::TooLong`] when that is past the last instant an `i64` of
    /// milliseconds holds.
    pub fn ends(self, now: Timestamp) -> Result<Timestamp, LifetimeError> {
        i64::try_from(self.0)
            .ok()
            .and_then(|s| s.checked_mul(1000))
            .and_then(|ms| ms.checked_add(now.0))
            .map(Timestamp)
            .ok_or(LifetimeError::TooLong)
    }
}

impl FromStr for Lifetime {
    type Err = LifetimeError;

    /// A humantime duration.
    fn from_str(text: &str) -> Result<Lifetime, LifetimeError> {
        if text.trim_start().starts_with('-') {
            return Err(LifetimeError::Negative {
                input: text.to_owned(),
            });
        }
        let duration =
            humantime::parse_duration(text).map_err(|source| LifetimeError::Invalid {
                input: text.to_owned(),
                source,
            })?;
        Lifetime::from_duration(duration)
    }
}

impl fmt::Display for Lifetime {
    /// As humantime writes it (`1h 30m`, `30days`, `4years`), except that a whole
    /// number of days that humantime would break into months of 30.44 days stays days
    /// (`90days`, not `2months 29days 2h 52m 48s`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const DAY: u64 = 86_400;
        let shown = humantime::format_duration(Duration::from_secs(self.0)).to_string();
        if self.0.is_multiple_of(DAY) && shown.contains(' ') {
            write!(f, "{}days", self.0 / DAY)
        } else {
            f.write_str(&shown)
        }
    }
}

/// When a new token expires, as its creator asked: never, a lifetime after its creation,
/// or at an instant. A server takes a lifetime (`expiry_secs`); a tokens file an
/// instant (`expiry_millis`); each is worked out from the other with a `now`.
///
/// ```
/// use influxdb3_token::{Expiry, Timestamp};
///
/// let now = Timestamp::from_millis(1_756_400_061_529);
/// let week = Expiry::After("7d".parse()?);
/// assert_eq!(week.ends(now)?.map(|t| t.to_string()).as_deref(), Some("2025-09-04T16:54:21.529Z"));
/// let new_year = Expiry::At("2026-01-01T00:00:00Z".parse()?);
/// assert_eq!(new_year.lifetime(now)?.map(|l| l.secs()), Some(10_825_539));
/// assert_eq!(Expiry::Never.ends(now)?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expiry {
    /// The token never expires.
    Never,
    /// It expires this long after it is created.
    After(Lifetime),
    /// It expires at this instant.
    At(Timestamp),
}

impl Expiry {
    /// The instant a token created at `now` expires; `None` for never.
    ///
    /// # Errors
    ///
    /// [`LifetimeError::TooLong`] for a lifetime that ends past the last instant an
    /// `i64` of milliseconds holds; [`LifetimeError::Past`] for an instant not after
    /// `now`.
    pub fn ends(self, now: Timestamp) -> Result<Option<Timestamp>, LifetimeError> {
        match self {
            Expiry::Never => Ok(None),
            Expiry::After(lifetime) => lifetime.ends(now).map(Some),
            Expiry::At(at) if at <= now => Err(LifetimeError::Past),
            Expiry::At(at) => Ok(Some(at)),
        }
    }

    /// The lifetime of a token created at `now`, in whole seconds (an instant is
    /// reached within the second it falls in); `None` for never.
    ///
    /// # Errors
    ///
    /// [`LifetimeError::Past`] for an instant not after `now`.
    pub fn lifetime(self, now: Timestamp) -> Result<Option<Lifetime>, LifetimeError> {
        match self {
            Expiry::Never => Ok(None),
            Expiry::After(lifetime) => Ok(Some(lifetime)),
            Expiry::At(at) if at <= now => Err(LifetimeError::Past),
            Expiry::At(at) => {
                let millis = at.0.abs_diff(now.0);
                Lifetime::from_duration(Duration::from_secs(millis.div_ceil(1000))).map(Some)
            }
        }
    }
}

impl Expiry {
    /// When a new token expires, from the texts its creator wrote: a lifetime (`7d`,
    /// as [`Lifetime`] parses it), or an instant in RFC 3339 (`2027-01-01T00:00:00Z`)
    /// that is after `now`; neither: it never expires.
    ///
    /// ```
    /// use influxdb3_token::{Expiry, ExpiryError, Timestamp};
    ///
    /// let now = Timestamp::from_millis(1_756_400_061_529);
    /// assert_eq!(Expiry::from_texts(None, None, now)?, Expiry::Never);
    /// assert_eq!(Expiry::from_texts(Some("7d"), None, now)?, Expiry::After("7d".parse()?));
    /// let passed = Expiry::from_texts(None, Some("2020-01-01T00:00:00Z"), now);
    /// assert!(matches!(passed, Err(ExpiryError::Passed { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ExpiryError`]: both texts given, a text that does not parse, an instant that
    /// is not after `now`.
    pub fn from_texts(
        lifetime: Option<&str>,
        at: Option<&str>,
        now: Timestamp,
    ) -> Result<Expiry, ExpiryError> {
        match (lifetime, at) {
            (Some(_), Some(_)) => Err(ExpiryError::Both),
            (Some(text), None) => text
                .parse()
                .map(Expiry::After)
                .map_err(ExpiryError::Lifetime),
            (None, Some(text)) => {
                let at = text.parse().map_err(ExpiryError::Instant)?;
                // The rule of `ends`: an instant not after `now` has passed.
                let expiry = Expiry::At(at);
                expiry.ends(now).map_err(|_| ExpiryError::Passed { at })?;
                Ok(expiry)
            }
            (None, None) => Ok(Expiry::Never),
        }
    }
}

/// Why the texts of a new token's expiry say none, from [`Expiry::from_texts`]: each
/// variant names which text failed, and keeps it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ExpiryError {
    /// A lifetime and an instant were both given.
    #[error("a lifetime and an instant both say when the token expires: give one of them")]
    Both,
    /// The lifetime is not one (its error names the text).
    #[error(transparent)]
    Lifetime(LifetimeError),
    /// The instant is not an RFC 3339 instant in UTC (its error names the text).
    #[error(transparent)]
    Instant(TimestampError),
    /// The instant is not after the token's creation.
    #[error("{at} has passed: a token cannot expire before it is created")]
    Passed {
        /// The instant given.
        at: Timestamp,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expiry_is_one_text_and_an_instant_in_the_future() {
        let now = Timestamp::from_millis(1_756_400_061_529);
        let from = |lifetime, at| Expiry::from_texts(lifetime, at, now);
        let week = "7d".parse().unwrap();
        assert_eq!(from(Some("7d"), None), Ok(Expiry::After(week)));
        assert_eq!(
            from(None, Some("2026-01-01T00:00:00Z")),
            Ok(Expiry::At("2026-01-01T00:00:00Z".parse().unwrap()))
        );
        assert_eq!(
            from(Some("7d"), Some("2026-01-01T00:00:00Z")),
            Err(ExpiryError::Both)
        );
        assert_eq!(
            ExpiryError::Both.to_string(),
            "a lifetime and an instant both say when the token expires: give one of them"
        );
        assert_eq!(
            from(Some("0s"), None),
            Err(ExpiryError::Lifetime(LifetimeError::Zero))
        );
        assert!(matches!(
            from(None, Some("tomorrow")),
            Err(ExpiryError::Instant(_))
        ));
        // Now itself has passed: the token would be expired when created.
        let err = from(None, Some("2025-08-28T16:54:21.529Z")).unwrap_err();
        assert_eq!(err, ExpiryError::Passed { at: now });
        assert_eq!(
            err.to_string(),
            "2025-08-28T16:54:21.529Z has passed: a token cannot expire before it is created"
        );
        // The causes are the parsers' own, with the text that failed.
        let err = from(Some("soon"), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`soon` is not a duration such as `1h`, `7d`, `1M` or `1y`"
        );
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn lifetimes_are_shown_in_the_units_people_give() {
        let shown = |text: &str| text.parse::<Lifetime>().unwrap().to_string();
        assert_eq!(shown("90d"), "90days");
        assert_eq!(shown("1d"), "1day");
        assert_eq!(shown("30d"), "30days");
        assert_eq!(shown("1y"), "1year");
        assert_eq!(shown("1M"), "1month");
        assert_eq!(shown("4y"), "4years");
        assert_eq!(shown("2y"), "2years");
        assert_eq!(shown("36h"), "1day 12h");
        assert_eq!(shown("1h 30m"), "1h 30m");
        assert_eq!(
            shown("90d").parse::<Lifetime>().unwrap(),
            "90d".parse().unwrap()
        );
    }

    #[test]
    fn rfc3339_matches_known_instants() {
        // Checked with `date -u -d @SECONDS +%FT%T`.
        let shown = |ms| Timestamp::from_millis(ms).to_string();
        assert_eq!(shown(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(shown(1_756_400_061_529), "2025-08-28T16:54:21.529Z");
        assert_eq!(shown(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(shown(253_402_300_799_999), "9999-12-31T23:59:59.999Z");
        assert_eq!(shown(253_402_300_800_000), "+10000-01-01T00:00:00.000Z");
        assert_eq!(shown(i64::MAX), "+292278994-08-17T07:12:55.807Z");
        assert_eq!(shown(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn the_system_clock_is_after_2025() {
        assert!(Timestamp::now().millis() > 1_735_689_600_000);
    }
}
