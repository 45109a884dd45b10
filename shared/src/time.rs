//! Families live by local dates and local clock times; the server and the logs live by UTC instants.
//! This module converts between the two, including the awkward hours around daylight-saving changes.

use crate::error::{Problem, ValidationError};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An IANA time zone name ("Europe/London"), checked against the tz database.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZoneName(Tz);

impl TimeZoneName {
    pub fn new(name: &str) -> Result<Self, ValidationError> {
        name.parse::<Tz>().map(Self).map_err(|_| {
            ValidationError::single(
                "",
                Problem::Invalid { reason: format!("'{name}' is not an IANA time zone such as Europe/London") },
            )
        })
    }

    pub fn tz(&self) -> Tz {
        self.0
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The family's calendar date at `instant`.
    pub fn local_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.0).date_naive()
    }

    /// The instant a local wall-clock time happens. A time skipped by a spring-forward change resolves to the
    /// moment the clocks jump (02:30 becomes 03:00), so later times of the day never come before it; a time
    /// repeated by a fall-back change resolves to its first occurrence. Every local date and time therefore
    /// has exactly one instant, and a later local time never has an earlier instant.
    pub fn instant_of(&self, local: NaiveDateTime) -> DateTime<Utc> {
        if let Some(t) = self.0.from_local_datetime(&local).earliest() {
            return t.with_timezone(&Utc);
        }
        // In a gap. Gaps are whole minutes and at most a few hours long: walk to the first minute that exists.
        let start = local.with_second(0).unwrap_or(local).with_nanosecond(0).unwrap_or(local);
        (1..=24 * 60)
            .find_map(|m| self.0.from_local_datetime(&(start + TimeDelta::minutes(m))).earliest())
            .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
    }
}

impl TryFrom<String> for TimeZoneName {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<TimeZoneName> for String {
    fn from(t: TimeZoneName) -> String {
        t.name().to_owned()
    }
}

impl fmt::Debug for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of days of the week, written in JSON as a list: `["mon", "wed", "fri"]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "Vec<DayName>", into = "Vec<DayName>")]
pub struct Weekdays(u8);

impl Weekdays {
    pub const EVERY_DAY: Weekdays = Weekdays(0b111_1111);
    pub const SCHOOL_DAYS: Weekdays = Weekdays(0b001_1111);
    pub const NONE: Weekdays = Weekdays(0);

    pub fn from_days(days: impl IntoIterator<Item = Weekday>) -> Self {
        Self(days.into_iter().fold(0, |acc, d| acc | 1 << d.num_days_from_monday()))
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    pub fn includes_date(self, date: NaiveDate) -> bool {
        self.contains(date.weekday())
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        DAYS.into_iter().filter(move |d| self.contains(*d))
    }
}

const DAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

impl fmt::Debug for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A day's short name in JSON.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayName {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl From<DayName> for Weekday {
    fn from(d: DayName) -> Weekday {
        DAYS[d as usize]
    }
}

impl From<Weekday> for DayName {
    fn from(d: Weekday) -> DayName {
        [DayName::Mon, DayName::Tue, DayName::Wed, DayName::Thu, DayName::Fri, DayName::Sat, DayName::Sun]
            [d.num_days_from_monday() as usize]
    }
}

impl TryFrom<Vec<DayName>> for Weekdays {
    type Error = ValidationError;
    fn try_from(days: Vec<DayName>) -> Result<Self, Self::Error> {
        let set = Weekdays::from_days(days.iter().map(|d| Weekday::from(*d)));
        if set.len() as usize != days.len() {
            return Err(ValidationError::single("", Problem::Invalid { reason: "a day is listed twice".into() }));
        }
        Ok(set)
    }
}

impl From<Weekdays> for Vec<DayName> {
    fn from(w: Weekdays) -> Self {
        w.iter().map(DayName::from).collect()
    }
}

/// The dates a home program can be about: from 2000 to 2100. Every date a client sends is checked against
/// them, so no date arithmetic on a stored date can run off chrono's range (year ±262,143), and no range of
/// dates is ever longer than a century.
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2100, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// Whether `date` is one a program can be about ([`FIRST_DATE`] to [`LAST_DATE`]).
pub fn date_in_bounds(date: NaiveDate) -> bool {
    (FIRST_DATE..=LAST_DATE).contains(&date)
}

/// The problem with a date out of bounds, for a field's error.
pub fn date_problem() -> crate::error::Problem {
    crate::error::Problem::Invalid { reason: format!("must be a date from {FIRST_DATE} to {LAST_DATE}") }
}

/// An inclusive range of local dates.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateRange {
    /// From 2000-01-01 to 2100-12-31.
    pub first: NaiveDate,
    /// From 2000-01-01 to 2100-12-31.
    pub last: NaiveDate,
}

impl DateRange {
    pub fn new(first: NaiveDate, last: NaiveDate) -> Result<Self, ValidationError> {
        for (field, d) in [("first", first), ("last", last)] {
            if !date_in_bounds(d) {
                return Err(ValidationError::single(field, date_problem()));
            }
        }
        if last < first {
            return Err(ValidationError::single(
                "last",
                Problem::Invalid { reason: "must not be before first".into() },
            ));
        }
        Ok(Self { first, last })
    }

    /// The `days` days ending with `last`.
    pub fn ending(last: NaiveDate, days: u32) -> Self {
        let first = last.checked_sub_signed(TimeDelta::days(i64::from(days.max(1)) - 1)).unwrap_or(NaiveDate::MIN);
        Self { first, last }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last
    }

    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let last = self.last;
        self.first.iter_days().take_while(move |d| *d <= last)
    }

    pub fn len_days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }
}

/// Parses "HH:MM" for tests and examples.
pub fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}
