"""A case's search document, built from its read-model state, its grants and the agency tree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.access import case_holders
from core.arabic import name_forms, normalize_name
from core.case import CaseState, Party

#: a document's version orders it by (case sequence, access revision): an action and a grant change at
#: the same sequence are told apart, and the later grant wins over an action document built before it
ACCESS_REVISIONS_PER_SEQ = 1 << 20


def document_version(document: dict[str, Any]) -> int:
    """The external version a case document is indexed at."""
    revision = int(document.get("access_revision", 0))
    if not 0 <= revision < ACCESS_REVISIONS_PER_SEQ:
        raise ValueError(f"case {document['case_id']}: access revision {revision} out of range")
    return int(document["seq"]) * ACCESS_REVISIONS_PER_SEQ + revision


def case_document(state: CaseState, *, directorate: str | None = None, granted: Iterable[str] = (),
                  access_revision: int = 0) -> dict[str, Any]:
    """`directorate`: the directorate of the opening station; `granted`: agencies with an explicit grant,
    as of `access_revision` (the read model's count of grant changes on the case)."""
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
        "names": [name for p in state.parties for name in (p.name, *p.aliases)],
        "national_ids": sorted({p.national_id for p in state.parties if p.national_id}),
        "passport_numbers": sorted({p.passport_number for p in state.parties if p.passport_number}),
        "parties": [party_document(p) for p in state.parties],
        "opened_at": state.opened_at.isoformat(),
        "occurred_at": state.occurred_at.isoformat(),
        "updated_at": (state.last_activity_at or state.opened_at).isoformat(),
        "seq": state.seq,
        "access_revision": access_revision,
    }


def party_document(party: Party) -> dict[str, Any]:
    """A party as the index holds it: as written, and every part of its names (the name and its aliases) in
    the forms core.arabic matches them by, computed here as they are for a query (search.query)."""
    exact: set[str] = set()
    normalized: set[str] = set()
    canon: set[str] = set()
    near: set[str] = set()
    keys: set[str] = set()
    particle_free: set[str] = set()
    for name in (party.name, *party.aliases):
        for part in name_forms(name):
            exact.add(part.exact)
            normalized.add(part.normalized)
            canon |= part.canon
            near |= part.canon_near
            keys |= part.keys
            particle_free |= part.particle_free
    return {"party_id": party.party_id, "role": party.role, "name": party.name,
            "name_normalized": normalize_name(party.name), "national_id": party.national_id,
            "passport_number": party.passport_number, "nationality": party.nationality,
            "birth_date": party.birth_date, "aliases": list(party.aliases),
            "n_exact": sorted(exact), "n_norm": sorted(normalized), "n_canon": sorted(canon), "n_near": sorted(near),
            "n_keys": sorted(keys), "n_free": sorted(particle_free), "n_count": len(name_forms(party.name)) or 1}


def versioned(document: dict[str, Any]) -> dict[str, Any]:
    """A case document's id and version (`document_version`), external, so that an older update never
    overwrites a newer one and a repeated one (or one at the same version) is accepted."""
    return {"id": document["case_id"], "version": document_version(document), "version_type": "external_gte"}
