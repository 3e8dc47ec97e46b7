"""The criminal record's disclosure rules through the pure functions: juvenile and sealed convictions, entries
removed by a quashed judgment or an amnesty, each rule a row of data with its source."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.juveniles import JUVENILE_RULE, age_at, juvenile_at_offence
from core.records import (
    DisclosureSubject,
    RecordStanding,
    default_record_rules,
    disclosure_of,
    record_rules_with,
    withheld_by_disclosure,
)
from core.vocabulary import Disclosure, Exclusion, RecordRemovalGround


def test_a_juvenile_conviction_is_withheld_from_certificates() -> None:
    rules = default_record_rules()
    assert withheld_by_disclosure(RecordStanding(juvenile=True), rules) is Exclusion.juvenile
    assert withheld_by_disclosure(RecordStanding(juvenile=False), rules) is None


def test_a_sealed_conviction_is_listed_without_its_offence() -> None:
    rules = default_record_rules()
    assert withheld_by_disclosure(RecordStanding(sealed=True), rules) is None
    assert disclosure_of(RecordStanding(sealed=True), rules) is Disclosure.without_offence
    assert disclosure_of(RecordStanding(), rules) is Disclosure.listed


@pytest.mark.parametrize("ground", list(RecordRemovalGround))
def test_a_quashed_judgment_or_an_amnesty_removes_the_entry_with_its_ground(ground: RecordRemovalGround) -> None:
    assert withheld_by_disclosure(RecordStanding(removed=ground), default_record_rules()) == Exclusion(ground.value)


def test_every_disclosure_rule_is_a_row_with_its_source_and_verify_where_unconfirmed() -> None:
    rules = default_record_rules()
    assert set(rules.disclosure) == set(DisclosureSubject)
    for rule in rules.disclosure.values():
        assert rule.source.strip()
        assert rule.verify  # none of them is confirmed from the law's text yet
    assert JUVENILE_RULE.verify and JUVENILE_RULE.source


def test_a_rule_file_can_change_a_disclosure_rule() -> None:
    rules = record_rules_with({"version": "2026.9", "disclosure": {"juvenile": {"disclosure": "listed",
                                                                                  "verify": False}}})
    assert withheld_by_disclosure(RecordStanding(juvenile=True), rules) is None
    assert rules.disclosure[DisclosureSubject.juvenile].verify is False


def test_juvenile_means_under_18_on_the_day_of_the_offence_in_tripoli() -> None:
    # 18th birthday on 2026-03-10: the day before, a juvenile; on the day, not
    assert juvenile_at_offence("2008-03-10", date(2026, 3, 9)) is True
    assert juvenile_at_offence("2008-03-10", date(2026, 3, 10)) is False
    # 23:30 UTC on 9 March is already 10 March in Tripoli (UTC+2)
    assert juvenile_at_offence("2008-03-10", datetime(2026, 3, 9, 23, 30, tzinfo=UTC)) is False
    assert juvenile_at_offence(None, date(2026, 3, 9)) is None
    assert age_at(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_at(date(2008, 2, 29), date(2026, 3, 1)) == 18
