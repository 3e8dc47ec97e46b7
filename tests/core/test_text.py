"""Text at the border (core.text): what a client may send, and the one spelling Mizan keeps."""

from __future__ import annotations

import pytest

from core.refusal import Refusal
from core.text import LINE_MAX, PROSE_MAX, check_national_id, clean_text


def _refused(value: object, *, prose: bool = False) -> str:
    with pytest.raises(Refusal) as info:
        clean_text(value, "name", prose=prose)
    assert info.value.status == 422 and info.value.field == "name" and info.value.message_ar
    return info.value.code


@pytest.mark.parametrize("value", ["x\udc00y", "\ud800", "a\x00b", "a\x1bb", "a\x7fb", "a\u0085b"])
def test_what_no_database_or_page_should_hold_is_refused(value: str) -> None:
    assert _refused(value) == "invalid_text"
    assert _refused(value, prose=True) == "invalid_text"


@pytest.mark.parametrize("control", ["\u202e", "\u202b", "\u2066", "\u2067", "\u2069"])
def test_invisible_direction_controls_are_refused(control: str) -> None:
    assert _refused(f"أحمد{control}Ahmed") == "invalid_text"


def test_a_line_is_one_line_and_prose_keeps_its_breaks() -> None:
    assert _refused("سطر\nسطر آخر") == "invalid_text"
    assert _refused("a\tb") == "invalid_text"
    assert clean_text("سطر\r\nسطر آخر\r\tثالث", "text", prose=True) == "سطر\nسطر آخر\n\tثالث"
    assert clean_text("\u200fمحمد\u200e", "name") == "\u200fمحمد\u200e"  # the direction marks stay


def test_one_spelling_of_each_letter() -> None:
    decomposed = "\u0627\u0654حمد"  # alef + combining hamza above, as some keyboards type أ
    assert clean_text(decomposed, "name") == "أحمد"
    assert clean_text("  أحمد  ", "name") == "أحمد"


def test_lengths() -> None:
    assert clean_text("ن" * LINE_MAX, "name") == "ن" * LINE_MAX
    assert _refused("ن" * (LINE_MAX + 1)) == "text_too_long"
    assert clean_text("ن" * PROSE_MAX, "name", prose=True)
    assert _refused("ن" * (PROSE_MAX + 1), prose=True) == "text_too_long"
    assert _refused(12) == "invalid_field"


@pytest.mark.parametrize("typed", ["119850012345", "١١٩٨٥٠٠١٢٣٤٥", "۱۱۹۸۵۰۰۱۲۳۴۵", "１１９８５００１２３４５",
                                   "119850012345\n", " 119850012345 ", "١١٩٨٥0012345"])
def test_a_national_id_in_any_digits_is_one_id(typed: str) -> None:
    assert check_national_id(typed) == "119850012345"


@pytest.mark.parametrize("typed", ["11985001234", "1198500123456", "11985001234x", "1198-5001-2345", "١١٩٨٥٠٠١٢٣٤",
                                   "119850012345\x00", 119850012345])
def test_anything_but_twelve_digits_is_refused(typed: object) -> None:
    with pytest.raises(Refusal) as info:
        check_national_id(typed)
    assert info.value.code == "invalid_national_id"


def test_no_national_id_is_none() -> None:
    assert check_national_id(None) is None and check_national_id("") is None and check_national_id("  ") is None


def test_the_fields_of_an_action_hold_to_their_bounds() -> None:
    from core.fields import MAX_INTEGER, MAX_ITEMS, check_fields
    from core.procedure import ACTIONS_BY_NAME
    from tests.support.procedure import T0, open_case

    state = open_case()
    extend = ACTIONS_BY_NAME["extend_detention"]
    for days in (0, -1, MAX_INTEGER + 1, 10**30, True, "12a"):
        with pytest.raises(Refusal) as info:
            check_fields(extend, {"party_id": "p1", "days": days, "grounds": "…"}, state, T0, {})
        assert info.value.field == "days"
    assert check_fields(extend, {"party_id": "p1", "days": "15", "grounds": "…"}, state, T0, {})["days"] == 15
    opening = ACTIONS_BY_NAME["open_case"]
    report = {"offence": "سرقة", "category": "felony", "occurred_at": T0.isoformat(), "place": "ط", "narrative": "…"}
    parties = [{"role": "witness", "name": f"ش {i}"} for i in range(MAX_ITEMS + 1)]
    with pytest.raises(Refusal) as info:
        check_fields(opening, {**report, "parties": parties}, None, T0, {})
    assert info.value.code == "too_many_items"
