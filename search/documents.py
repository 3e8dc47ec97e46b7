"""A case's search document, built from its read-model state, its grants and the agency tree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.access import case_holders
from core.arabic import normalize_name
from core.case import CaseState


def case_document(state: CaseState, *, directorate: str | None = None,
                  granted: Iterable[str] = ()) -> dict[str, Any]:
    """`directorate`: the directorate of the opening station; `granted`: agencies with an explicit grant."""
    granted_agencies = sorted(set(granted))
    return {
        "case_id": state.case_id,
        "number": state.number,
        "stage": state.stage,
        "outcome": state.outcome,
        "owner_agency": state.owner_agency,
        "agencies_involved": list(state.agencies_involved),
        "directorate": directorate,
        "region": state.region,
        "category": state.category,
        "sensitivity": state.sensitivity,
        "access_agencies": sorted(case_holders(state.agencies_involved, granted_agencies)),
        "granted_agencies": granted_agencies,
        "stalled": bool(state.stalled),
        "offence": state.offence,
        "narrative": state.narrative,
        "place": state.place,
        "charges": list(state.charges),
        # names as written: the analyzers normalise them the way core.arabic.normalize_name does
        "names": [p.name for p in state.parties],
        "national_ids": sorted({p.national_id for p in state.parties if p.national_id}),
        "parties": [{"party_id": p.party_id, "role": p.role, "name": p.name,
                     "name_normalized": normalize_name(p.name), "national_id": p.national_id}
                    for p in state.parties],
        "opened_at": state.opened_at.isoformat(),
        "occurred_at": state.occurred_at.isoformat(),
        "updated_at": (state.last_activity_at or state.opened_at).isoformat(),
        "seq": state.seq,
    }
