"""A form's every field error at once (issue 14): decide() refuses a submission with all its field errors, the
first still the refusal's own code, field and messages (what clients already read), `errors` listing them all."""

from __future__ import annotations

import pytest

from core.case import ActionCommand
from core.refusal import Refusal
from core.transitions import decide_open
from tests.support.procedure import JUDGE, OFFICER, T0, open_case, refused, to_trial


def _open_refused(fields: dict[str, object]) -> Refusal:
    with pytest.raises(Refusal) as info:
        decide_open(ActionCommand("open_case", OFFICER, fields), T0)
    return info.value


def test_an_empty_report_names_every_required_field() -> None:
    refusal = _open_refused({})
    fields = [e["field"] for e in refusal.details["errors"]]
    assert fields == ["offence", "category", "occurred_at", "place", "narrative"]
    assert (refusal.code, refusal.field, refusal.status) == ("missing_field", "offence", 422)
    assert all(e["code"] == "missing_field" and e["message_ar"] == "هذا الحقل مطلوب" for e in refusal.details["errors"])
    assert refusal.as_dict()["errors"] == refusal.details["errors"]  # the API's 4xx body carries them


def test_each_party_row_reports_its_own_errors_beside_the_others() -> None:
    refusal = _open_refused({"offence": "سرقة", "category": "misdemeanour", "occurred_at": "2026-11-01T10:00:00",
                             "place": "طرابلس", "narrative": "...",
                             "parties": [{"role": "accused", "name": "", "national_id": "123"},
                                         {"role": "witness?", "name": "سالم"}]})
    assert [e["field"] for e in refusal.details["errors"]] == [
        "parties[0].name", "parties[0].national_id", "parties[1].role"]
    assert refusal.field == "parties[0].name"


def test_a_verdict_form_reports_every_accused_missing_a_result() -> None:
    state = open_case(parties=2)
    when = to_trial(state)
    refusal = refused(state, JUDGE, "record_verdict", when, verdicts=[
        {"party_id": "p1", "result": None}, {"party_id": "p2", "result": "convicted"}])
    assert [e["field"] for e in refusal.details["errors"]] == ["verdicts[0].result", "verdicts[1].sentence"]


def test_one_error_is_still_one_error() -> None:
    refusal = _open_refused({"offence": "سرقة", "category": "misdemeanour", "occurred_at": "2026-11-01T10:00:00",
                             "place": "طرابلس"})
    assert [e["field"] for e in refusal.details["errors"]] == ["narrative"]
    assert refusal.field == "narrative"
