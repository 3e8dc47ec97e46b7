"""The messages between the case workflow and its activities (one dataclass per message)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.case import CaseEvent
from core.clocks import RuleBook


@dataclass
class RecordEvents:
    """Append events to the case's permanent log and fold them into the read model's state.

    Only the events travel: the projection is the fold of the log (core.transitions.apply), so the
    read model can always be rebuilt from the log. `number` and `rules` start the fold of a new case.
    """

    case_id: str
    number: str
    rules: RuleBook
    events: list[CaseEvent]


@dataclass
class Recorded:
    """What `record_and_index` did: how many events it wrote, and whether the case reached the index."""

    written: int
    indexed: bool


@dataclass
class IndexCase:
    case_id: str
    seq: int


@dataclass
class ActionResult:
    case_id: str
    seq: int
    stage: str
    owner_agency: str
    event: CaseEvent
    notices: list[str] = field(default_factory=list)


RECORD_EVENTS = "record_events"
RECORD_AND_INDEX = "record_and_index"
INDEX_CASE = "index_case"
DELIVER_MERGE = "deliver_merge"
