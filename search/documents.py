"""A case's search document, built from its read-model state."""

from __future__ import annotations

from typing import Any

from core.arabic import normalize_name
from core.case import CaseState


def case_document(state: CaseState) -> dict[str, Any]:
    names = [p.name for p in state.parties]
    return {
        "case_id": state.case_id,
        "number": state.number,
        "stage": state.stage,
        "outcome": state.outcome,
        "owner_agency": state.owner_agency,
        "agencies_involved": list(state.agencies_involved),
        "region": state.region,
        "category": state.category,
        "sensitivity": state.sensitivity,
        "stalled": bool(state.stalled),
        "offence": state.offence,
        "narrative": state.narrative,
        "place": state.place,
        # indexed normalised the same way queries are, so "عبد الله" finds "عبدالله"
        "names": [normalize_name(n) for n in names],
        "national_ids": [p.national_id for p in state.parties if p.national_id],
        "charges": list(state.charges),
        "opened_at": state.opened_at.isoformat(),
        "occurred_at": state.occurred_at.isoformat(),
        "seq": state.seq,
    }
