"""The one error type: what it says to the caller, and what only the audit learns."""

from __future__ import annotations

from core.refusal import Hidden, Refusal


def test_a_hidden_refusal_says_exactly_what_the_plain_one_says_and_only_the_audit_knows() -> None:
    plain = Refusal("case_not_found", 404, "no such case", "القضية غير موجودة")
    hidden = Hidden("case_not_found", 404, "no such case", "القضية غير موجودة")
    assert hidden.as_dict() == plain.as_dict() and hidden.status == plain.status
    assert (plain.audit_code, hidden.audit_code) == ("case_not_found", "case_not_found:hidden")


def test_the_message_in_the_readers_language() -> None:
    refusal = Refusal("x", 422, "in English", "بالعربية", "field", {"retry_after": 3})
    assert (refusal.message("ar"), refusal.message("en")) == ("بالعربية", "in English")
    assert refusal.as_dict() == {"code": "x", "message": "in English", "message_ar": "بالعربية", "retry_after": 3,
                                 "field": "field"}
