"""Case numbers people can read and say (issue 14): the agency's short code, serial and year, per agency."""

from __future__ import annotations

from core.agencies import Agency, AgencyTree
from core.case_numbers import machine_number, readable_number, searched_text
from core.vocabulary import AgencyKind

TREE = AgencyTree([
    Agency("station.tripoli.central", AgencyKind.police_station, "مركز شرطة طرابلس المركز", "Tripoli Central", None,
           "tripoli", short_code="ش.ط.م"),
    Agency("station.new", AgencyKind.police_station, "مركز جديد", "New station", None, "tripoli"),
])


def test_a_number_reads_as_code_serial_and_year() -> None:
    assert readable_number("station.tripoli.central/2026/00070", TREE) == "ش.ط.م 70/2026"


def test_an_agency_without_a_code_keeps_the_stored_number() -> None:
    assert readable_number("station.new/2026/00003", TREE) == "station.new/2026/00003"
    assert readable_number("not a number", TREE) == "not a number"


def test_a_number_typed_as_it_is_said_finds_the_stored_one() -> None:
    """A clerk types the number off a paper (Western or Arabic-Indic digits, spaces as they come)."""
    for said in ("ش.ط.م 70/2026", "ش.ط.م ٧٠/٢٠٢٦", "  ش.ط.م 70 / 2026 "):
        assert machine_number(said, TREE) == "station.tripoli.central/2026/00070", said
    assert machine_number(readable_number("station.tripoli.central/2026/12345", TREE), TREE) == \
        "station.tripoli.central/2026/12345"  # the two ways round agree
    for other in ("ن.ط 70/2026", "ش.ط.م 70", "محمد 70/2026", "station.tripoli.central/2026/00070", ""):
        assert machine_number(other, TREE) is None, other


def test_a_search_reads_the_tree_only_for_what_may_be_a_number() -> None:
    def no_tree() -> AgencyTree:
        raise AssertionError("the agency tree was read for a text that cannot be a number")

    assert searched_text("محمد عبد الله", no_tree) == "محمد عبد الله"
    assert searched_text("ش.ط.م 70/2026", lambda: TREE) == "station.tripoli.central/2026/00070"
    assert searched_text("1/2 سرقة", lambda: TREE) == "1/2 سرقة"
