"""A verification code as people type it from paper comes back in its printed form, or is refused."""

from __future__ import annotations

import pytest

from certificates.paper import canonical_code, new_verification_code


def test_a_new_code_is_its_own_canonical_form() -> None:
    code = new_verification_code()
    assert canonical_code(code) == code


@pytest.mark.parametrize("typed", [
    "MZN-ABCDE-FGHJK-LMNPQ", "mzn-abcde-fghjk-lmnpq", "  MZN ABCDE FGHJK LMNPQ ", "ABCDEFGHJKLMNPQ",
    "MZN–ABCDE–FGHJK–LMNPQ",  # en dashes, as a word processor writes them
])
def test_case_separators_and_prefix_do_not_matter(typed: str) -> None:
    assert canonical_code(typed) == "MZN-ABCDE-FGHJK-LMNPQ"


def test_arabic_indic_digits_are_read_as_digits() -> None:
    assert canonical_code("MZN-ABCDE-FGHJK-٢٣٤٥٦") == "MZN-ABCDE-FGHJK-23456"


def test_a_random_part_that_begins_like_the_prefix_is_kept() -> None:
    assert canonical_code("MZNABFGHJKLMNPQ") == "MZN-MZNAB-FGHJK-LMNPQ"


@pytest.mark.parametrize("typed", [
    "", "MZN", "MZN-ABCDE-FGHJK", "MZN-ABCDE-FGHJK-LMNPQR", "XYZ-ABCDE-FGHJK-LMNPQ",
    "MZN-ABCDE-FGHJK-LMNP0",  # no 0, O, 1 or I in the alphabet
    "<script>", "../../etc/passwd",
])
def test_what_cannot_be_a_code_is_none(typed: str) -> None:
    assert canonical_code(typed) is None
