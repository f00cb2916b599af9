"""The page shell's ways of writing times and numbers."""

from datetime import datetime, timezone

from chalicelib.web.layout import html, indian_number, ist, page


def test_numbers_are_grouped_in_lakhs_and_crores():
    assert [indian_number(n) for n in (0, 999, 1000, 123456, 1234567, 123456789, -45000)] == [
        "0", "999", "1,000", "1,23,456", "12,34,567", "12,34,56,789", "-45,000"]


def test_times_are_shown_in_ist():
    assert ist(datetime(2026, 12, 1, 12, 15, tzinfo=timezone.utc)) == "01 Dec 2026, 17:45 IST"
    assert ist(None) == ""


def test_a_page_is_sized_for_phones_escapes_its_title_and_is_never_cached():
    document = page("<Queue>", "<p>x</p>", lang="hi")
    assert 'name="viewport" content="width=device-width' in document and "&lt;Queue&gt;" in document
    assert 'lang="hi"' in document
    response = html(document)
    assert response.headers["Cache-Control"] == "no-store" and response.status_code == 200
