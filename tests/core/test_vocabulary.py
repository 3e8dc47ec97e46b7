"""One system of labels for the domain's vocabulary: every member of every vocabulary has its Arabic and
English label in core.vocabulary, and the table's actions and the clock rules carry their own."""

from __future__ import annotations

import inspect
from enum import StrEnum

import core.vocabulary as vocabulary
from core.clocks import default_rulebook
from core.procedure import ACTIONS_BY_NAME
from core.vocabulary import LABELS, Outcome, Stage, VerdictResult, label, label_of


def _arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def test_every_vocabulary_has_a_label_per_member_in_both_languages() -> None:
    enums = {kind for _, kind in inspect.getmembers(vocabulary, inspect.isclass)
             if issubclass(kind, StrEnum) and kind is not StrEnum and kind.__module__ == vocabulary.__name__}
    assert enums == set(LABELS)
    for kind in enums:
        assert set(LABELS[kind]) == {member.value for member in kind}, kind
        for member in kind:
            assert _arabic(label(member, "ar")) and not _arabic(label(member, "en")), member


def test_members_of_two_vocabularies_with_one_value_keep_their_own_label() -> None:
    assert Outcome.acquitted == VerdictResult.acquitted
    assert label(Outcome.merged, "en") == "Merged" and label(Stage.closed, "ar") == "مغلقة"
    assert label_of(Stage, "trial", "en") == "Trial" and label_of(Stage, "not-a-stage", "en") == "not-a-stage"


def test_actions_and_clocks_label_themselves() -> None:
    assert label(ACTIONS_BY_NAME["file_appeal"], "ar") == "استئناف"
    assert label(default_rulebook().clock("appeal_window"), "en") == "Appeal window"
