"""Text at the border: every text a person or a client sends is checked and normalised once, here, before
it reaches a case, a workflow or the database.

A text is valid Unicode (no lone surrogate, which no database can store), in NFC (one spelling of each
letter, so that the same name typed on two keyboards is the same name), stripped, without control
characters (a NUL or an escape has no place in a case file; prose keeps its newlines and tabs) and
without the invisible bidirectional controls that can make a name read differently from how it is stored
(the pages isolate names themselves); and within its length. A national ID has its digits in any
script read as ASCII digits (Arabic-Indic, Persian, full-width: one person, one ID).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from core.countries import COUNTRY_CODES
from core.refusal import Refusal, invalid

#: a name, a place, a title: one line
LINE_MAX = 300
#: a narrative, a statement, grounds: prose
PROSE_MAX = 20_000
#: embeddings, overrides and isolates (LRE … RLO, LRI … PDI); the marks LRM and RLM stay
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
PROSE_WHITESPACE = frozenset("\n\t")
NATIONAL_ID_DIGITS = 12
_NATIONAL_ID = re.compile(rf"\A[0-9]{{{NATIONAL_ID_DIGITS}}}\Z")


def clean_text(value: Any, field: str, *, prose: bool = False, max_length: int | None = None) -> str:
    """The text as Mizan keeps it, or a 422 naming `field` and what is wrong. An empty text is returned
    empty: whether it may be empty is the caller's to say."""
    if not isinstance(value, str):
        raise invalid(field, f"{field} must be text", "يجب أن يكون نصاً")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(field, f"{field} is not valid Unicode text", "النص يحتوي على رموز غير صالحة",
                      "invalid_text") from None
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    for character in text:
        if character in BIDI_CONTROLS:
            raise invalid(field, f"{field} contains an invisible direction control (U+{ord(character):04X})",
                          "النص يحتوي على رمز تحكم خفي في اتجاه الكتابة", "invalid_text")
        if unicodedata.category(character) == "Cc" and not (prose and character in PROSE_WHITESPACE):
            what = "a line break" if character == "\n" else f"a control character (U+{ord(character):04X})"
            raise invalid(field, f"{field} may not contain {what}", "النص يحتوي على رمز تحكم غير مسموح",
                          "invalid_text")
    limit = max_length or (PROSE_MAX if prose else LINE_MAX)
    if len(text) > limit:
        raise invalid(field, f"{field} is longer than {limit} characters", f"النص أطول من {limit} حرفاً",
                      "text_too_long")
    return text


def ascii_digits(value: str) -> str:
    """Every decimal digit, of any script, as its ASCII digit."""
    return "".join(str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c for c in value)


def normalize_national_id(value: str) -> str:
    """A national ID as Mizan keeps it: ASCII digits, no surrounding space (the check is the caller's)."""
    return ascii_digits(unicodedata.normalize("NFKC", value)).strip()


def check_national_id(value: Any, field: str = "national_id") -> str | None:
    """The ID normalised, None when there is none; anything but 12 digits is a 422."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    normalized = normalize_national_id(value) if isinstance(value, str) else ""
    if not _NATIONAL_ID.match(normalized):
        raise invalid(field, f"a national ID has exactly {NATIONAL_ID_DIGITS} digits",
                      f"الرقم الوطني يتكون من {NATIONAL_ID_DIGITS} رقماً", "invalid_national_id")
    return normalized


def count_limit(items: list[Any], field: str, limit: int) -> None:
    if len(items) > limit:
        raise Refusal("too_many_items", 422, f"{field} may hold at most {limit} items",
                      f"لا يتجاوز عدد العناصر {limit}", field)


#: a passport number: letters and digits, as the document prints them (ICAO 9303 allows up to 9 in the
#: machine-readable zone; national formats print longer ones with a check letter)
PASSPORT_MIN, PASSPORT_MAX = 5, 20
_PASSPORT = re.compile(rf"\A[A-Z0-9]{{{PASSPORT_MIN},{PASSPORT_MAX}}}\Z")
_PASSPORT_SEPARATORS = re.compile(r"[\s\-./]+")


def normalize_passport_number(value: str) -> str:
    """A passport number as Mizan keeps it: upper case, ASCII digits, without spaces, dashes or dots."""
    return _PASSPORT_SEPARATORS.sub("", ascii_digits(unicodedata.normalize("NFKC", value))).upper()


def check_passport_number(value: Any, field: str = "passport_number") -> str | None:
    """The passport number normalised, None when there is none; anything but 5–20 letters and digits is a 422."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    normalized = normalize_passport_number(value) if isinstance(value, str) else ""
    if not _PASSPORT.match(normalized):
        raise invalid(field, f"a passport number has {PASSPORT_MIN} to {PASSPORT_MAX} letters and digits",
                      f"رقم جواز السفر من {PASSPORT_MIN} إلى {PASSPORT_MAX} حرفاً ورقماً", "invalid_passport_number")
    return normalized


def check_nationality(value: Any, field: str = "nationality") -> str | None:
    """An ISO 3166-1 alpha-3 country code (LBY, EGY, TUN…), upper case; None when there is none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    code = value.strip().upper() if isinstance(value, str) else ""
    if code not in COUNTRY_CODES:
        raise invalid(field, "nationality is a country code of ISO 3166-1 (three letters: LBY, EGY, TUN…)",
                      "الجنسية رمز دولة من ثلاثة أحرف حسب المعيار الدولي (LBY، EGY، TUN…)", "invalid_nationality")
    return code


#: the earliest birth date a party may carry
BIRTH_DATE_MIN = date(1900, 1, 1)


def check_birth_date(value: Any, today: date, field: str = "birth_date") -> str | None:
    """A date of birth (YYYY-MM-DD) from 1900 to today, as its ISO text; None when there is none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        born = date.fromisoformat(ascii_digits(value.strip())) if isinstance(value, str) else None
    except ValueError:
        born = None
    if born is None:
        raise invalid(field, f"{field} is a date (YYYY-MM-DD)", "تاريخ الميلاد غير صالح (سنة-شهر-يوم)", "invalid_date")
    if not BIRTH_DATE_MIN <= born <= today:
        raise invalid(field, f"{field} must be between {BIRTH_DATE_MIN.isoformat()} and today",
                      "تاريخ الميلاد يجب أن يكون بين 1900 واليوم", "birth_date_out_of_range")
    return born.isoformat()


#: a party's other names (a nickname, a name on a foreign document): at most this many
MAX_ALIASES = 10


def check_aliases(value: Any, field: str = "aliases") -> list[str]:
    """Other names of a party: a list of one-line texts, empty ones dropped, duplicates once."""
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        raise invalid(field, f"{field} must be a list of names", "يجب أن تكون الأسماء الأخرى قائمة")
    count_limit(value, field, MAX_ALIASES)
    names: list[str] = []
    for index, item in enumerate(value):
        name = clean_text(item, f"{field}[{index}]")
        if name and name not in names:
            names.append(name)
    return names
