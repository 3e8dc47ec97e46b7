"""Health and the published procedure table."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from api.deps import SessionDep
from config.rules import rulebook
from core.agencies import AgencyTree
from core.competence import trial_level
from core.effects import WINDOWS_AFTER, per_accused_rules
from core.procedure import ACTIONS, LATEST_REVISION, PROCEDURE_VERSION, ActionRule, effect_name
from core.vocabulary import LABELS, STAGE_OWNER_KIND, Category, Stage, label
from store.agencies import load_agency_tree

router = APIRouter(tags=["system"])


@router.get("/healthz", operation_id="health")
def health() -> dict[str, str]:
    return {"status": "ok"}


def _action(rule: ActionRule) -> dict[str, Any]:
    handoff = rule.handoff
    return {
        "name": rule.name, "label_ar": rule.label_ar, "label_en": rule.label_en,
        "stages": sorted(rule.stages), "roles": sorted(rule.roles), "who": rule.who,
        "fields": [{"name": f.name, "kind": f.kind, "required": f.required, "choices": [c.value for c in f.choices],
                    "label_ar": f.label_ar, "label_en": f.label_en} for f in rule.fields],
        "guard": rule.guard,
        "effects": [{"effect": effect_name(e), **asdict(e)} for e in rule.effects],
        "enters": rule.enters,
        "handoff": asdict(handoff) if handoff is not None else None,
        "opens_case": rule.opens_case,
    }


def _courts(tree: AgencyTree) -> list[dict[str, Any]]:
    """The courts of the agency tree with what makes them competent: level, region, and the court of appeal each
    first-instance court names."""
    return [{"code": c.code, "kind": c.kind, "level": c.level, "region": c.region, "parent": c.parent,
             "appeals_to": c.appeals_to, "name_ar": c.name_ar, "name_en": c.name_en} for c in tree.courts()]


@router.get("/api/v1/procedure", operation_id="get_procedure")
def procedure(session: SessionDep) -> dict[str, Any]:
    book = rulebook()
    return {
        "version": PROCEDURE_VERSION,
        "rule_revision": int(LATEST_REVISION),
        "rules_version": book.version,
        # competent courts: who tries each category, which challenge each level's judgment opens, and the courts
        "competence": {
            "trial_level": {category: trial_level(category) for category in Category},
            "windows_after": {level: list(windows) for level, windows in WINDOWS_AFTER.items()},
            "courts": _courts(load_agency_tree(session)),
        },
        # per accused: the decisions for one accused, the challenges that join the case where it is, severance,
        # requalification, and the precedence the case's outcome is derived by
        "per_accused": per_accused_rules(),
        "stages": [{"name": s, "label_ar": label(s, "ar"), "label_en": label(s, "en"),
                    "owner_kinds": sorted(STAGE_OWNER_KIND[s])} for s in Stage],
        "actions": [_action(a) for a in ACTIONS],
        "clocks": [asdict(c) for c in book.clocks.values()],
        # the special regimes (issue 13): per offence classification, the clocks its law changes
        "regimes": [asdict(r) for r in book.regimes.values()],
        # the court calendar (MIZAN_RULES): the days the courts do not sit; a clock with next_sitting_day moves a
        # deadline that falls on one of them to the next day they sit
        "calendar": book.calendar.describe(),
        "stage_sla_days": book.stage_sla_days,
        "idle_days": book.idle_days,
        # every name of the domain's vocabulary, with its labels: one system for the API, the web and this table
        "vocabulary": {kind.__name__: [{"name": name, "label_ar": ar, "label_en": en}
                                       for name, (ar, en) in labels.items()] for kind, labels in LABELS.items()},
    }
