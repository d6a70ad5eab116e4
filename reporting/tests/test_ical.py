"""The hand-written iCalendar writer (RFC 5545)."""

from datetime import UTC, date, datetime

from reporting.ical import AllDayEvent, escape_text, fold, render_calendar


def test_escape_text_escapes_backslash_semicolon_comma_and_newlines():
    assert escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_fold_keeps_short_lines():
    assert fold("SUMMARY:short") == "SUMMARY:short"


def test_fold_splits_long_lines_between_characters_at_75_octets():
    line = "SUMMARY:" + "工作动态" * 20  # 8 + 240 octets
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0], *(part[1:] for part in parts[1:])]) == line


def test_render_calendar_writes_all_day_events_with_crlf():
    stamp = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    text = render_calendar(
        name="长沙市, 报送",
        events=[AllDayEvent("obligation-1@x", date(2026, 3, 5), "工作动态 2026-02", "状态;草稿")],
        stamp=stamp,
        product="-//test//ZH",
    )
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == ""  # the last line ends with CRLF too
    assert "X-WR-CALNAME:长沙市\\, 报送" in lines
    assert "DTSTAMP:20260301T083000Z" in lines
    assert "DTSTART;VALUE=DATE:20260305" in lines
    assert "DTEND;VALUE=DATE:20260306" in lines
    assert "DESCRIPTION:状态\\;草稿" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1
