"""A case number as people read and say it: the opening agency's short Arabic code, the serial and the year, in
the order Libyan police and prosecution registers write them ("ش.ط.م 70/2026": case 70 of 2026 of Tripoli
Central Police Station). The stored number (`<agency code>/<year>/<serial>`, store.case_numbers) stays the
machine's: in addresses, the API and the search index."""

from __future__ import annotations

import re

from core.agencies import AgencyTree

MACHINE_NUMBER = re.compile(r"(?P<agency>[^/]+)/(?P<year>\d{4})/(?P<serial>\d+)")


def readable_number(number: str, tree: AgencyTree) -> str:
    """The number people say, when the opening agency has a short code; otherwise the number as stored."""
    match = MACHINE_NUMBER.fullmatch(number)
    if match is None:
        return number
    agency = tree.by_code.get(match["agency"])
    if agency is None or not agency.short_code:
        return number
    return f"{agency.short_code} {int(match['serial'])}/{match['year']}"
