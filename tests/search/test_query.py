"""The query builder and the name rules, without services."""

from __future__ import annotations

import json

import pytest

from core.access import Viewer, may_see
from core.arabic import normalize_name
from search.names import synonym_rules
from search.query import CaseQuery, access_filter, build_people_query, build_query


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


def test_synonym_rules_map_latin_to_arabic() -> None:
    rules = synonym_rules()
    assert "mohamed, mohammed, muhammad" in rules[0] and rules[0].endswith("=> محمد")
    assert any(r.startswith("abdallah, abdullah") for r in rules)
