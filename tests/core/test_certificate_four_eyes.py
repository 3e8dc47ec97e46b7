"""The certificate review's four eyes through the pure functions: a finding of the holder's own record is left off
only with its ground, and only a second records officer approves it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.records import RecordEntry, RecordFinding, check_second_officer, left_off_findings
from core.refusal import Refusal


def entry(record_id: int) -> RecordEntry:
    return RecordEntry(record_id, "c", "1/2026", "أحمد", "119850012345", "سرقة", "misdemeanour", None, "court",
                       "محكمة", "Court", datetime(2026, 1, 1, tzinfo=UTC))


FINDING = RecordFinding(entries=[entry(1), entry(2)], doubtful=[entry(9)])


def test_listing_every_own_finding_needs_no_ground_and_a_doubtful_match_may_be_left_off() -> None:
    assert left_off_findings(FINDING, [1, 2], {}) == {}


def test_an_own_finding_left_off_without_a_ground_is_refused() -> None:
    with pytest.raises(Refusal) as refused:
        left_off_findings(FINDING, [1], {})
    assert refused.value.code == "omission_ground_required" and refused.value.status == 422
    assert refused.value.details["record_ids"] == ["2"]
    with pytest.raises(Refusal):
        left_off_findings(FINDING, [1], {"2": "  "})


def test_an_own_finding_left_off_with_its_ground_is_returned_for_approval() -> None:
    assert left_off_findings(FINDING, [], {"1": "حكم منقوض", "2": "شخص آخر بنفس الرقم"}) == {
        "1": "حكم منقوض", "2": "شخص آخر بنفس الرقم"}


def test_a_ground_for_a_finding_that_is_listed_or_unknown_is_refused() -> None:
    for omissions in ({"1": "سبب كاف", "2": "سبب كاف"}, {"2": "سبب كاف", "7": "سبب كاف"}):
        with pytest.raises(Refusal) as refused:
            left_off_findings(FINDING, [1], omissions)
        assert refused.value.code == "omission_not_left_off"


def test_only_findings_of_this_request_may_be_listed() -> None:
    with pytest.raises(Refusal) as refused:
        left_off_findings(FINDING, [1, 2, 5], {})
    assert refused.value.field == "record_ids"


def test_the_officer_who_left_a_finding_off_cannot_approve_it() -> None:
    with pytest.raises(Refusal) as refused:
        check_second_officer("records", "records")
    assert refused.value.code == "four_eyes" and refused.value.status == 403
    check_second_officer("records", "records2")
