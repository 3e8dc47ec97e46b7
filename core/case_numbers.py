"""A case number as people read and say it: the opening agency's short Arabic code, the serial and the year, in
the order Libyan police and prosecution registers write them ("ش.ط.م 70/2026": case 70 of 2026 of Tripoli
Central Police Station). The stored number (`<agency code>/<year>/<serial>`, store.case_numbers) stays the
machine's: in addresses, the API and the search index."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from core.agencies import AgencyTree
from core.text import ascii_digits

MACHINE_NUMBER = re.compile(r"(?P<agency>[^/]+)/(?P<year>\d{4})/(?P<serial>\d+)")
#: a number as people say it, typed in: the short code, the serial and the year ("ش.ط.م 70/2026", "ش.ط.م ٧٠/٢٠٢٦")
SAID_NUMBER = re.compile(r"(?P<code>\S+)\s+(?P<serial>\d{1,9})\s*/\s*(?P<year>\d{4})")
#: the width of a stored number's serial
SERIAL_WIDTH = 5


def stored_number(agency: str, year: int | str, serial: int) -> str:
    """A number as it is stored and drawn (store.case_numbers): `<agency code>/<year>/<serial>`."""
    return f"{agency}/{year}/{serial:0{SERIAL_WIDTH}d}"


def readable_number(number: str, tree: AgencyTree) -> str:
    """The number people say, when the opening agency has a short code; otherwise the number as stored."""
    match = MACHINE_NUMBER.fullmatch(number)
    if match is None:
        return number
    agency = tree.by_code.get(match["agency"])
    if agency is None or not agency.short_code:
        return number
    return f"{agency.short_code} {int(match['serial'])}/{match['year']}"


def machine_number(said: str, tree: AgencyTree) -> str | None:
    """The stored number a number people say names ("ش.ط.م 70/2026" → station.tripoli.central/2026/00070), for
    a search that is typed as it is read off a paper; None when the text is not one, or no agency has its code."""
    match = SAID_NUMBER.fullmatch(ascii_digits(unicodedata.normalize("NFKC", said)).strip())
    if match is None:
        return None
    agency = next((a for a in tree.by_code.values()
                   if a.short_code and unicodedata.normalize("NFKC", a.short_code) == match["code"]), None)
    if agency is None:
        return None
    return stored_number(agency.code, match["year"], int(match["serial"]))


def searched_text(typed: str, tree: Callable[[], AgencyTree]) -> str:
    """What a search looks for: a number typed as people say it is the stored number it names; any other text
    stays as typed (the agency tree is read only for a text that may be such a number)."""
    if "/" not in typed:
        return typed
    return machine_number(typed, tree()) or typed
