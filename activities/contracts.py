"""The messages between the case workflow and its activities (one dataclass per message)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.case import CaseEvent, CaseState


@dataclass
class RecordEvents:
    """Append events to the case's permanent log and project them into the read model."""

    case_id: str
    events: list[CaseEvent]
    state: CaseState  # the state after the last of `events`


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
INDEX_CASE = "index_case"
