"""`allowed_actions` is `decide()` run dry: on every state the walks through the procedure meet, for every
demo user and every action, the action is offered if and only if some submission makes `decide()` accept
it, and its party and agency fields offer exactly the values that some accepted submission names."""

from __future__ import annotations

from typing import Any

from core.case import ActionCommand
from core.procedure import ACTIONS, FieldKind
from core.transitions import action_options, allowed_actions
from core.vocabulary import Stage
from tests.core.conftest import Walked
from tests.support.procedure import AGENCY_REFS, DEMO_ACTORS


def _named(kind: FieldKind, field: str, commands: list[ActionCommand]) -> set[str]:
    """The parties or agencies that accepted submissions name in `field`."""
    found: set[str] = set()
    for command in commands:
        value: Any = command.fields[field]
        if kind is FieldKind.verdicts:
            found |= {verdict["party_id"] for verdict in value}
        else:
            found.add(value)
    return found


def test_the_walks_meet_every_stage_and_every_action(walked: Walked) -> None:
    """Otherwise the parity below would hold vacuously for what the walks never reach."""
    assert {state.stage for state, _, _ in walked} == set(Stage)
    taken = {action for _, _, found in walked for (_, action), commands in found.items() if commands}
    assert taken == {rule.name for rule in ACTIONS if not rule.opens_case}


def test_an_action_is_offered_exactly_when_decide_would_accept_it(walked: Walked) -> None:
    disagreements: list[tuple[object, ...]] = []
    for state, now, found in walked:
        for actor in DEMO_ACTORS:
            options = {option.action: option for option in action_options(state, actor, now, AGENCY_REFS)}
            assert allowed_actions(state, actor, now, AGENCY_REFS) == list(options)
            for rule in ACTIONS:
                if rule.opens_case:
                    continue
                commands = found[(actor.username, rule.name)]
                where = (state.case_id, state.seq, state.stage, actor.username, rule.name)
                if (rule.name in options) != bool(commands):
                    disagreements.append((*where, "offered" if rule.name in options else "not offered"))
                    continue
                if not commands:
                    continue
                for spec in rule.fields:
                    if spec.chooses_parties or spec.kind is FieldKind.agency:
                        offered = set(options[rule.name].choices.get(spec.name, ()))
                        if offered != _named(spec.kind, spec.name, commands):
                            disagreements.append((*where, spec.name, sorted(offered),
                                                  sorted(_named(spec.kind, spec.name, commands))))
    assert not disagreements, disagreements[:10]
