"""Health and the published procedure table."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from config.rules import rulebook
from core.procedure import ACTIONS, PROCEDURE_VERSION
from core.vocabulary import STAGE_LABELS, STAGE_OWNER_KIND

router = APIRouter(tags=["system"])


@router.get("/healthz", operation_id="health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/api/v1/procedure", operation_id="get_procedure")
def procedure() -> dict[str, Any]:
    book = rulebook()
    return {
        "version": PROCEDURE_VERSION,
        "rules_version": book.version,
        "stages": [{"name": s, "label_ar": ar, "label_en": en, "owner_kinds": sorted(STAGE_OWNER_KIND[s])}
                   for s, (ar, en) in STAGE_LABELS.items()],
        "actions": [{**asdict(a), "stages": sorted(a.stages), "roles": sorted(a.roles)} for a in ACTIONS],
        "clocks": [asdict(c) for c in book.clocks.values()],
        "stage_sla_days": book.stage_sla_days,
        "idle_days": book.idle_days,
    }
