"""docs/procedure.md is the procedure table as it is: regenerate it (`python -m infra.procedure_doc`) with any
change to the table, the clocks or the competent courts."""

from __future__ import annotations

from dataclasses import replace

from core.clocks import default_rulebook
from core.procedure import ACTIONS
from core.procedure_doc import VERIFY, procedure_markdown
from infra.procedure_doc import DOC


def test_the_committed_procedure_document_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == procedure_markdown(), (
        "docs/procedure.md is stale: run .venv/bin/python -m infra.procedure_doc")


def test_it_states_every_action_and_clock_with_its_article_or_verify() -> None:
    text = procedure_markdown()
    book = default_rulebook()
    assert all(f"### `{rule.name}`" in text for rule in ACTIONS)
    assert all(f"| `{name}` |" in text for name in book.clocks)
    assert "CCP Art. 369" in text and "CCP Art. 176" in text
    # an unconfirmed figure says so: the cassation window is marked verify in the clock table
    cassation = next(line for line in text.splitlines() if line.startswith("| `cassation_window`"))
    assert VERIFY in cassation


def test_a_change_to_the_rules_shows_in_the_document() -> None:
    book = default_rulebook()
    longer = replace(book, clocks={**book.clocks, "appeal_window": replace(book.clock("appeal_window"), length=15)})
    assert procedure_markdown(longer) != procedure_markdown(book)
    assert "| 15 days |" in procedure_markdown(longer)
