//! What an event's QR code carries to a visitor's phone, with no server involved: the event's
//! own `link` where staff gave one, otherwise the occurrence as an iCalendar (RFC 5545) entry
//! that the phone's camera offers to add to its calendar.
//!
//! Times are written in UTC (`DTSTART:20261124T040000Z`), not as `TZID=Asia/Shanghai` local
//! times: a `TZID` is only well-defined with a `VTIMEZONE` block (about 200 more bytes, a denser
//! code that is harder to scan off a screen), and the widespread ZXing parser behind many
//! Android scanner apps ignores parameters such as `TZID` and would read the time as floating
//! local time of the phone, wrong for a visitor whose phone is set to another zone. A `Z` time
//! is read correctly by iOS's camera, Google Lens and ZXing alike, and every calendar app shows
//! it in the phone's zone.
//!
//! Written by hand: the few lines of a single `VEVENT` need only RFC 5545's text escaping and
//! line folding; the iCalendar crates model whole calendars and parse, which the kiosk never does.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The longest line RFC 5545 allows, in octets, without its CRLF.
const MAX_LINE_OCTETS: usize = 75;

/// One occurrence of an event, as the visitor reads it, for the phone's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry<'a> {
    /// Unique for the occurrence and stable across reads: the event id and its start.
    pub uid: String,
    /// The title in the visitor's language.
    pub title: &'a str,
    /// Station, room and address in the visitor's language.
    pub location: &'a str,
    /// Local wall times in the district's zone.
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// The district's zone.
    pub tz: Tz,
    /// When the entry was made (`DTSTAMP`, required by RFC 5545).
    pub stamp: DateTime<Utc>,
}

impl CalendarEntry<'_> {
    /// The entry as an iCalendar object: CRLF line ends, escaped text, lines folded at 75
    /// octets without splitting a character.
    pub fn to_ical(&self) -> String {
        let lines = [
            "BEGIN:VCALENDAR".to_string(),
            "VERSION:2.0".to_string(),
            "PRODID:-//lobby-kiosk//event//EN".to_string(),
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", escape(&self.uid)),
            format!("DTSTAMP:{}", utc_stamp(self.stamp)),
            format!("DTSTART:{}", utc_stamp(local_to_utc(self.tz, self.start))),
            format!("DTEND:{}", utc_stamp(local_to_utc(self.tz, self.end))),
            format!("SUMMARY:{}", escape(self.title)),
            format!("LOCATION:{}", escape(self.location)),
            "END:VEVENT".to_string(),
            "END:VCALENDAR".to_string(),
        ];
        let mut out = String::new();
        for line in &lines {
            fold_into(&mut out, line);
        }
        out
    }
}

/// `20261124T040000Z`.
fn utc_stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A local wall time as an instant; ambiguous or skipped times (DST changes) take the earlier
/// reading, the same rule as the kiosk's clock.
fn local_to_utc(tz: Tz, at: NaiveDateTime) -> DateTime<Utc> {
    tz.from_local_datetime(&at)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&at))
}

/// RFC 5545 TEXT escaping: backslash, semicolon, comma and line breaks.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` and its CRLF, folded: a line longer than 75 octets continues on the next
/// after CRLF and one space, and a multi-byte character is never split.
fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            // The leading space counts towards the continuation line's length.
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .expect("valid time")
    }

    fn entry<'a>(title: &'a str, location: &'a str) -> CalendarEntry<'a> {
        CalendarEntry {
            uid: "paper-cutting@2026-11-24T12:00@lobby-kiosk".into(),
            title,
            location,
            start: at(12, 0),
            end: at(13, 30),
            tz: chrono_tz::Asia::Shanghai,
            stamp: Utc.with_ymd_and_hms(2026, 11, 24, 1, 2, 3).unwrap(),
        }
    }

    #[test]
    fn a_vevent_in_utc_with_crlf_lines() {
        let text = entry("午间手工：剪纸入门", "中山区驿站 · 多功能厅").to_ical();
        assert_eq!(
            text,
            "BEGIN:VCALENDAR\r\n\
             VERSION:2.0\r\n\
             PRODID:-//lobby-kiosk//event//EN\r\n\
             BEGIN:VEVENT\r\n\
             UID:paper-cutting@2026-11-24T12:00@lobby-kiosk\r\n\
             DTSTAMP:20261124T010203Z\r\n\
             DTSTART:20261124T040000Z\r\n\
             DTEND:20261124T053000Z\r\n\
             SUMMARY:午间手工：剪纸入门\r\n\
             LOCATION:中山区驿站 · 多功能厅\r\n\
             END:VEVENT\r\n\
             END:VCALENDAR\r\n"
        );
    }

    #[test]
    fn other_zones_convert_with_their_offset_and_summer_time() {
        let mut e = entry("x", "y");
        e.tz = chrono_tz::Europe::Berlin;
        // 24 November: CET, UTC+1.
        assert!(e.to_ical().contains("DTSTART:20261124T110000Z\r\n"));
        e.start = NaiveDate::from_ymd_opt(2026, 7, 1)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap();
        // Summer: CEST, UTC+2.
        assert!(e.to_ical().contains("DTSTART:20260701T100000Z\r\n"));
    }

    #[test]
    fn text_is_escaped() {
        let text = entry("Tea; talk, and \\ more\nnext line", "A, B; C").to_ical();
        assert!(text.contains("SUMMARY:Tea\\; talk\\, and \\\\ more\\nnext line\r\n"));
        assert!(text.contains("LOCATION:A\\, B\\; C\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let title = "企业家论坛：小企业如何在楼宇中抱团发展，外籍人才与跨境合作的经验分享与交流";
        let text = entry(
            title,
            "Harbour View Station · Multi-purpose room, 5th floor",
        )
        .to_ical();
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "line of {} octets: {line}", line.len());
        }
        assert!(text.contains("\r\n "), "folded");
        // Unfolding (RFC 5545 3.1: remove CRLF followed by one space) gives the line back.
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{title}\r\n")));
        assert!(text.is_char_boundary(text.len()));
    }
}
