"""A refusal crosses Temporal whole: the validator's details (the competent courts a not_competent_court names)
reach the API, not only its code and messages."""

from __future__ import annotations

from core.refusal import Refusal
from workflows.client import refusal_from
from workflows.common import refusal_error


def test_a_refusal_keeps_its_details_across_temporal() -> None:
    sent = Refusal("not_competent_court", 422, "an appeal is heard by: X", "يستأنف أمام: X", "to_agency",
                   {"competent": ["court.appeal.tripoli"]})
    received = refusal_from(refusal_error(sent))
    assert received is not None
    assert received.as_dict() == sent.as_dict() and received.status == 422
