"""What a guard is: the named preconditions of the procedure table (core.guards, core.competence) judge a
`GuardContext` (the case, the command, the fields, the time, the rule revision), in the parts a `Guard` names, so
that each part can also be asked before anything is submitted (core.transitions.action_options).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.case import ActionCommand, Actor, AgencyRef, CaseState, Party
from core.procedure import LATEST_REVISION, RuleRevision
from core.refusal import Refusal


@dataclass(frozen=True)
class GuardContext:
    """What a guard judges: the case as it stands, the command (the actor, and the agencies and cases its
    fields name, as the API resolved them), the fields as checked (none in a dry run), and the time."""

    state: CaseState
    command: ActionCommand
    now: datetime
    fields: Mapping[str, Any] = field(default_factory=dict)
    #: older only to replay what was accepted under older rules (workflows.case)
    revision: RuleRevision = LATEST_REVISION

    @property
    def actor(self) -> Actor:
        return self.command.actor

    @property
    def enforce_agency_kinds(self) -> bool:
        return self.revision >= RuleRevision.agency_kinds


CaseCheck = Callable[[GuardContext], Refusal | None]
PartyCheck = Callable[[GuardContext, Party], Refusal | None]
AgencyCheck = Callable[[GuardContext, AgencyRef], Refusal | None]


@dataclass(frozen=True)
class Guard:
    """A named rule of the table, in parts that can be asked before anything is submitted.

    `on_case` is a precondition on the case as it stands; `on_party` one on each party the action's party
    field names (the parties it may name are those that pass); `on_agency` one on the agency its agency
    field names (likewise); `on_values` checks the other values submitted, for which a valid value exists
    whenever the other parts pass (the dry run relies on it, tests/core/test_allowed_actions.py checks it).
    """

    on_case: CaseCheck | None = None
    on_party: PartyCheck | None = None
    on_agency: AgencyCheck | None = None
    on_values: CaseCheck | None = None
