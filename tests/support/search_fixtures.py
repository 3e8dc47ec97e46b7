"""Realistic Arabic case files for the search tests, built purely with core.transitions and core.effects (no Temporal),
projected into the slot's read model and indexed the way the `index_case` activity does."""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from opensearchpy import OpenSearch

from api.auth import TokenUser
from api.deps import actor_for
from core.case import ActionCommand, Actor, AgencyRef, CaseState
from core.clocks import default_rulebook
from core.effects import apply
from core.transitions import decide, decide_open, new_case
from infra.demo import AGENCIES, USERS
from search.indexing import document_for, put_document
from search.indices import cases_alias
from store.agencies import load_agency_tree
from store.database import session_scope
from store.models import CaseGrant
from store.readmodel import project_case

RULES = default_rulebook()
STATIONS = {"station.tripoli.central": "pros.tripoli", "station.tripoli.souq_aljuma": "pros.tripoli",
            "station.benghazi.central": "pros.benghazi", "station.benghazi.alberka": "pros.benghazi"}
COURT_OF = {"pros.tripoli": "court.tripoli", "pros.benghazi": "court.benghazi"}
REGION = {a.code: a.region for a in AGENCIES}
KIND = {a.code: a.kind for a in AGENCIES}

GIVEN = ["أحمد", "محمد", "عبد الله", "عبدالرحمن", "خالد", "سالم", "فرج", "مفتاح", "إبراهيم", "يوسف", "عائشة", "فاطمة",
         "مريم", "هدى"]
FAMILY = ["المبروك", "الورفلي", "الترهوني", "العبيدي", "المغربي", "الزوي", "القماطي", "الفاخري", "الشريف",
          "بن عمران", "الككلي", "السنوسي"]
OFFENCES = [("سرقة هاتف محمول", "misdemeanour"), ("سرقة سيارة بالإكراه", "felony"), ("اعتداء بالضرب", "misdemeanour"),
            ("حيازة مخدرات بقصد الاتجار", "felony"), ("مخالفة مرورية جسيمة", "contravention"),
            ("تزوير مستندات رسمية", "felony"), ("احتيال إلكتروني", "misdemeanour")]
NARRATIVES = ["أفاد المشتكي بسرقة هاتفه المحمول من سيارته المركونة أمام المصرف.",
              "تم ضبط المتهم في نقطة تفتيش وبحوزته كمية من المواد المخدرة.",
              "تعرض المجني عليه للضرب أمام المقهى وتم نقله إلى المستشفى.",
              "قدم المشتكي بلاغاً عن تزوير عقد بيع عقار في المحكمة.",
              "اقتحم مجهولون المحل التجاري ليلاً وسرقوا البضائع."]


def actor(username: str, roles: list[str], agency: str) -> Actor:
    return Actor(username=username, roles=roles, agency=agency, agency_kind=KIND.get(agency, ""),
                 region=REGION.get(agency))


def _step(state: CaseState, command: ActionCommand, at: datetime) -> None:
    apply(state, decide(state, command, at))


def _ref(code: str) -> AgencyRef:
    return AgencyRef(code, KIND[code], REGION[code])


def build_case(rng: random.Random, *, station: str | None = None, sensitivity: str | None = None,
               parties: Sequence[Mapping[str, object]] | None = None, depth: int | None = None,
               offence: tuple[str, str] | None = None) -> CaseState:
    """A case opened at a police station and carried `depth` hand-offs along (0 police, 1 prosecution, 2 court)."""
    station = station or rng.choice(sorted(STATIONS))
    offence_text, category = offence or rng.choice(OFFENCES)
    opened = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(0, 300), hours=rng.randrange(24))
    if parties is None:
        parties = []
        for role in ("accused", "complainant")[: rng.randint(1, 2)]:
            name = f"{rng.choice(GIVEN)} {rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            party: dict[str, object] = {"role": role, "name": name}
            if rng.random() < 0.5:
                party["national_id"] = f"1{rng.randrange(10**10, 10**11)}"
            parties.append(party)
    officer = actor("officer.fixture", ["police_officer"], station)
    fields = {"offence": offence_text, "category": category,
              "sensitivity": sensitivity or rng.choice(["normal", "normal", "sealed"]),
              "occurred_at": (opened - timedelta(days=1)).isoformat(), "place": "طرابلس، شارع عمر المختار",
              "narrative": rng.choice(NARRATIVES), "parties": parties}
    event = decide_open(ActionCommand("open_case", officer, fields), opened)
    case_id = uuid.uuid4().hex
    state = new_case(case_id, f"{station}/2026/{case_id[:10]}", RULES, event)
    depth = rng.randint(0, 2) if depth is None else depth
    prosecution = STATIONS[station]
    at = opened + timedelta(hours=1)
    if depth >= 1:
        _step(state, ActionCommand("refer_to_prosecution", actor("chief.fixture", ["station_chief"], station),
                                   {"to_agency": prosecution}, {"to_agency": _ref(prosecution)}), at)
        _step(state, ActionCommand("acknowledge_receipt", actor("pros.fixture", ["prosecutor"], prosecution)), at)
    if depth >= 2:
        court = COURT_OF[prosecution]
        _step(state, ActionCommand("refer_to_court", actor("cp.fixture", ["chief_prosecutor"], prosecution),
                                   {"to_agency": court, "charges": ["السرقة (المادة 444 عقوبات)"]},
                                   {"to_agency": _ref(court)}), at)
    return state


def store(states: list[CaseState], grants: dict[str, list[str]] | None = None) -> None:
    """Project into the read model (as record_events does), with explicit grants."""
    grants = grants or {}
    with session_scope() as session:
        for state in states:
            project_case(session, state)
        session.flush()
        for case_id, agencies in grants.items():
            for agency in agencies:
                if session.get(CaseGrant, (case_id, agency)) is None:
                    session.add(CaseGrant(case_id=case_id, agency_code=agency, granted_by="fixture",
                                          granted_at=datetime.now(UTC), reason="اختبار"))


def index(client: OpenSearch, states: list[CaseState]) -> None:
    """Index from the read model, as the `index_case` activity does, then make it searchable."""
    with session_scope() as session:
        for state in states:
            put_document(client, document_for(session, state))
    client.indices.refresh(index=cases_alias())


@dataclass(frozen=True)
class DemoViewer:
    username: str
    role: str
    actor: Actor


def demo_actors() -> list[DemoViewer]:
    """Every demo user (every role and agency) as the API would establish them from a token."""
    with session_scope() as session:
        tree = load_agency_tree(session)
        found = []
        for user in USERS:
            token_user = TokenUser(username=user.username, roles=(user.role,), agency=user.agency,
                                   national_id=user.national_id, name=user.first_name)
            found.append(DemoViewer(user.username, user.role, actor_for(token_user, tree)))
    return found
