"""Special regimes (issue 13, Deliver 2): where the law sets other periods for a class of offence, the case's clocks
follow the regime's variant of the rule table, chosen by the offence's classification at the report; data in the
rule table and the rule file, never in code."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from config.rules import read_rule_file
from core.case import ActionCommand, CaseState
from core.clocks import RuleBook, default_rulebook, rulebook_with
from core.transitions import decide_open, new_case
from tests.support.procedure import CHIEF, JUDGE, OFFICER, PROSECUTOR, T0, act, refused


def _opened(classification: str | None, book: RuleBook | None = None) -> CaseState:
    fields = {"offence": "تخابر مع جهة أجنبية", "category": "felony", "place": "طرابلس", "narrative": "…",
              "occurred_at": (T0 - timedelta(days=1)).isoformat(), "parties": [{"role": "suspect", "name": "متهم"}]}
    if classification:
        fields["classification"] = classification
    event = decide_open(ActionCommand("open_case", OFFICER, fields), T0)
    return new_case("c1", "N/1", book or default_rulebook(), event)


def _detained(state: CaseState) -> None:
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    act(state, PROSECUTOR, "order_detention", T0, party_id="p1", grounds="…")


def test_a_state_security_case_runs_on_its_regimes_periods() -> None:
    ordinary, special = _opened(None), _opened("state_security")
    for state in (ordinary, special):
        _detained(state)
    days = {name: (next(c for c in s.open_clocks() if c.name == "prosecution_detention").expires_at - T0).days
            for name, s in (("ordinary", ordinary), ("special", special))}
    assert days == {"ordinary": 6, "special": 15}
    assert special.rules.regime == "state_security" and special.rules.clock("prosecution_detention").verify
    # the judge's limits are the regime's too: 45 days at a time instead of 15
    act(special, PROSECUTOR, "request_detention_extension", T0, party_id="p1", to_agency="court.tripoli",
        grounds="…")
    act(special, JUDGE, "extend_detention", T0, party_id="p1", days=45, grounds="…")
    act(ordinary, PROSECUTOR, "request_detention_extension", T0, party_id="p1", to_agency="court.tripoli",
        grounds="…")
    assert refused(ordinary, JUDGE, "extend_detention", party_id="p1", days=45, grounds="…").code == \
        "extension_too_long"


def test_an_ordinary_classification_keeps_the_general_rules() -> None:
    assert _opened("ordinary").rules == default_rulebook()


def test_a_rule_file_sets_a_regimes_periods(tmp_path: Path) -> None:
    override = tmp_path / "rules.yaml"
    override.write_text("regimes:\n  state_security:\n    article: Law 2026/1 (test)\n    clocks:\n"
                        "      prosecution_detention:\n        length: 10\n", encoding="utf-8")
    book = rulebook_with(read_rule_file(override))
    state = _opened("state_security", book)
    assert state.rules.clock("prosecution_detention").length == 10
    assert state.rules.clock("prosecution_detention").article == "Law 2026/1 (test)"
    bad = tmp_path / "bad.yaml"
    bad.write_text("regimes:\n  state_security:\n    clocks:\n      no_such_clock:\n        length: 1\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match="unknown clock"):
        rulebook_with(read_rule_file(bad))


def test_an_unknown_classification_is_refused_at_the_report() -> None:
    with pytest.raises(Exception) as info:
        _opened("treason")
    assert getattr(info.value, "code", "") == "invalid_choice"
