"""The query builder and the name rules, without services."""

from __future__ import annotations

import json

import pytest

from core.access import Viewer, may_see
from core.arabic import normalize_name
from search.query import CaseQuery, Tier, access_filter, build_people_query, build_query, identifier_of, person_query


@pytest.mark.parametrize(("written", "normal"), [
    ("أحمد", "احمد"), ("إبراهيم", "ابراهيم"), ("آمنة", "امنه"), ("مصطفى", "مصطفي"),
    ("مُحَمَّد", "محمد"), ("محمـــد", "محمد"), ("عبد الله", "عبدالله"), ("عبد الرحمن بن علي", "عبدالرحمن بن علي"),
    ("يوسف ابن خالد", "يوسف بن خالد"),
])
def test_normalize_name_per_domain(written: str, normal: str) -> None:
    assert normalize_name(written) == normal


def test_every_query_carries_the_access_filter() -> None:
    viewer = Viewer(national=False, agencies=frozenset({"station.tripoli.central"}))
    for query in (CaseQuery(), CaseQuery(text="محمد", stage="trial", directorate="dir.tripoli", sort="newest")):
        body = build_query(viewer, query)
        assert body["query"]["bool"]["filter"][0] == access_filter(viewer)
    people = build_people_query(viewer, name="محمد")
    assert people["query"]["bool"]["filter"] == [access_filter(viewer)]


def test_a_citizen_filter_matches_nothing() -> None:
    blind = Viewer(national=False, agencies=frozenset())
    assert access_filter(blind) == {"bool": {"must_not": {"match_all": {}}}}
    assert not may_see(blind, "normal", ["station.tripoli.central"])


def test_a_grant_opens_a_sealed_case_to_its_agency_only() -> None:
    cid = Viewer(national=True, agencies=frozenset({"cid"}))
    assert not may_see(cid, "sealed", ["station.tripoli.central"])
    assert may_see(cid, "sealed", ["station.tripoli.central"], granted=["cid"])
    assert "access_agencies" in json.dumps(access_filter(cid))


def test_bad_sort_and_empty_people_query_are_refused() -> None:
    viewer = Viewer(national=True, agencies=frozenset({"cid"}))
    with pytest.raises(ValueError):
        build_query(viewer, CaseQuery(sort="random"))
    with pytest.raises(ValueError):
        build_people_query(viewer)


def test_a_name_query_asks_for_every_part_in_one_party_with_a_bonus() -> None:
    query = person_query("Mustafa Ibrahim Altarhouni")
    assert query is not None
    person = query["bool"]["should"][0]["bool"]
    parts = person["must"][0]["bool"]["should"]
    assert len(parts) == 3  # one dis_max per part: a part scores by its best tier
    bonus = person["should"][0]["constant_score"]
    assert bonus["boost"] == Tier.WHOLE_PERSON and len(bonus["filter"]["bool"]["filter"]) == 3
    text = json.dumps(query, ensure_ascii=False)
    assert "TRHN" in text and "ترهوني" in text  # the phonetic key, and the dictionary's name


def test_the_tiers_are_ordered_and_an_identifier_comes_first() -> None:
    assert (Tier.EXACT > Tier.NORMALIZED > Tier.DICTIONARY > Tier.DICTIONARY_NEAR > Tier.PHONETIC
            > Tier.WITHOUT_PARTICLE > Tier.PARTIAL)
    # the shorter-name tie-break never outweighs one tier step; all parts in one party beat any part spread
    assert Tier.SHORTER_NAME < Tier.EXACT - Tier.NORMALIZED
    assert Tier.WHOLE_PERSON > Tier.EXACT
    assert Tier.IDENTIFIER > 4 * Tier.EXACT + Tier.WHOLE_PERSON
    assert identifier_of("١١٩٨٥٠٠١٢٣٤٥") == ("119850012345", None)
    assert identifier_of("a12-345 67") == (None, "A1234567")
    assert identifier_of("Mohamed") == (None, None)
    assert identifier_of("LY 4A6372") == (None, "LY4A6372")
    # a name with a number in it, or a word that only has digits in it, is not a passport number
    assert identifier_of("Ahmed Abdullah ef9bc9") == (None, None)
    assert identifier_of("ef9bc9") == (None, None)
    body = build_query(Viewer(national=True, agencies=frozenset({"cid"})), CaseQuery(text="119850012345"))
    assert '"parties.national_id": ["119850012345"]' in json.dumps(body)
