"""The procedure applied purely, as the unit tests drive it: demo actors, a case opened at T0, an action
decided and applied, a refusal caught, the common path to trial; and walks through the procedure's paths
with, at each state, every submission `decide()` accepts from every demo user."""

from __future__ import annotations

import copy
import random
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from itertools import combinations, product
from typing import Any

import pytest

from api.auth import TokenUser
from api.deps import actor_for
from core.agencies import AgencyTree
from core.case import ActionCommand, Actor, AgencyRef, CaseRef, CaseState
from core.clock_events import due_clock_events
from core.clocks import default_rulebook
from core.effects import apply
from core.procedure import (
    ACTIONS,
    ACTIONS_BY_NAME,
    ActionRule,
    AddParty,
    Close,
    CloseByVerdicts,
    Dispose,
    FieldKind,
    FieldSpec,
    HandOff,
    IdentifyParty,
    KeepDocument,
    KeepNote,
    Sever,
)
from core.refusal import Refusal
from core.transitions import decide, decide_open, new_case
from core.vocabulary import Category, PartyRole, Stage, VerdictResult
from infra.demo import AGENCIES as DEMO_AGENCIES
from infra.demo import USERS as DEMO_USERS
from infra.demo import DemoUser

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
#: the demo agency tree (infra.demo), as the API resolves agency fields
AGENCIES = {agency.code: agency.ref() for agency in DEMO_AGENCIES}
DEMO_TREE = AgencyTree(DEMO_AGENCIES)
#: the courts a command that names an agency carries (api.cases.service: References.courts)
COURTS = [court.ref() for court in DEMO_TREE.courts()]


def command(action: str, who: Actor, fields: Mapping[str, object]) -> ActionCommand:
    """A command as the API sends it: its agency fields resolved, the agency tree's courts beside them."""
    targets = {k: AGENCIES[v] for k, v in fields.items() if k == "to_agency" and isinstance(v, str)}
    return ActionCommand(action, who, dict(fields), targets, courts=COURTS)


def actor(role: str, agency: str) -> Actor:
    ref = AGENCIES[agency]
    return Actor(username=f"{role}@{agency}", roles=[role], agency=agency, agency_kind=ref.kind, region=ref.region)


OFFICER = actor("police_officer", "station.tripoli.central")
CHIEF = actor("station_chief", "station.tripoli.central")
PROSECUTOR = actor("prosecutor", "pros.tripoli")
CHIEFPROS = actor("chief_prosecutor", "pros.tripoli")
CLERK = actor("court_clerk", "court.tripoli")
JUDGE = actor("judge", "court.tripoli")
APPEAL_CLERK = actor("court_clerk", "court.appeal.tripoli")
APPEAL_JUDGE = actor("judge", "court.appeal.tripoli")
SUPREME_CLERK = actor("court_clerk", "supreme_court")
SUPREME_JUDGE = actor("judge", "supreme_court")
FELONY_CLERK = actor("court_clerk", "court.appeal.tripoli.felony")
FELONY_JUDGE = actor("judge", "court.appeal.tripoli.felony")


def trial_court(category: str) -> tuple[str, Actor, Actor]:
    """The Tripoli court that tries a case of this category, with its clerk and judge: felonies the felony chamber
    of the Court of Appeal, the rest the Court of First Instance."""
    if category == Category.felony:
        return "court.appeal.tripoli.felony", FELONY_CLERK, FELONY_JUDGE
    return "court.tripoli", CLERK, JUDGE


def open_case(category: str = "misdemeanour", parties: int = 1) -> CaseState:
    fields = {"offence": "سرقة", "category": category, "occurred_at": (T0 - timedelta(days=1)).isoformat(),
              "place": "طرابلس", "narrative": "...",
              "parties": [{"role": "accused", "name": f"متهم {i}"} for i in range(parties)]}
    event = decide_open(ActionCommand("open_case", OFFICER, fields), T0)
    return new_case("c1", "N/1", default_rulebook(), event)


def act(state: CaseState, who: Actor, action: str, now: datetime, **fields: object) -> None:
    if action == "record_verdict":
        fields.setdefault("pronounced_at", now.isoformat())  # pronounced as it is entered, unless said otherwise
    apply(state, decide(state, command(action, who, fields), now))


def refused(state: CaseState, who: Actor, action: str, now: datetime = T0, **fields: object) -> Refusal:
    if action == "record_verdict":
        fields.setdefault("pronounced_at", now.isoformat())
    with pytest.raises(Refusal) as info:
        decide(state, command(action, who, fields), now)
    return info.value


def to_trial(state: CaseState) -> datetime:
    """The case to the court that tries its category, with a hearing three days on: the instant after it."""
    court, clerk, _ = trial_court(state.category)
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    act(state, CHIEFPROS, "refer_to_court", T0, to_agency=court, charges=["سرقة"])
    act(state, clerk, "schedule_hearing", T0, hearing_at=(T0 + timedelta(days=3)).isoformat())
    return T0 + timedelta(days=3, hours=1)


# ---------------------------------------------------------------- every demo user, every submission


def demo_actor(user: DemoUser) -> Actor:
    """A demo user as the API makes them from their token (api.deps.actor_for), over the demo agency tree."""
    token = TokenUser(user.username, (user.role,), user.agency, user.national_id, user.first_name)
    return actor_for(token, DEMO_TREE)


DEMO_ACTORS: list[Actor] = [demo_actor(user) for user in DEMO_USERS]


def demo(username: str) -> Actor:
    """A demo user by name, as the API makes them (with their scope)."""
    return next(a for a in DEMO_ACTORS if a.username == username)

AGENCY_REFS: list[AgencyRef] = list(AGENCIES.values())
#: the case another case is joined to (merge_into): one the caller sees, in a stage it may be joined in
OTHER_CASE = CaseRef("other-case", Stage.prosecution, True)
VERDICT_VARIANTS = ((VerdictResult.acquitted, False), (VerdictResult.convicted, False),
                    (VerdictResult.convicted, True))


def _subsets(items: list[str]) -> list[list[str]]:
    return [list(chosen) for size in range(1, len(items) + 1) for chosen in combinations(items, size)]


def _values(spec: FieldSpec, state: CaseState, now: datetime) -> list[Any]:
    """Values to try for one field: each party for a party field, each agency for an agency field, a
    valid sample for the other kinds (None: the field left out)."""
    kind = spec.kind
    if kind is FieldKind.party:
        return [p.party_id for p in state.parties]
    if kind is FieldKind.agency:
        return list(AGENCIES)
    if kind is FieldKind.verdicts:
        defendants = [p.party_id for p in state.accused()]
        return [[{"party_id": pid, "result": result, "in_absentia": absent,
                  "sentence": "الحبس سنة" if result == VerdictResult.convicted else None} for pid in chosen]
                for chosen in _subsets(defendants) for result, absent in VERDICT_VARIANTS]
    if kind is FieldKind.national_id:
        # left out, or one no party of the case carries yet (identify_party takes only a new one)
        held = {p.national_id for p in state.parties}
        return [None, next(f"2198{n:08d}" for n in range(len(held) + 1) if f"2198{n:08d}" not in held)]
    if kind is FieldKind.passport_number:
        held = {p.passport_number for p in state.parties}
        return [None, next(f"P{n:07d}" for n in range(len(held) + 1) if f"P{n:07d}" not in held)]
    if not spec.required and kind in (FieldKind.choice, FieldKind.texts):
        # an optional description (a requalification's category or charges): left out, or each value
        return [None, *(spec.choices or [["تهمة معدلة"]])]
    sample: dict[FieldKind, Any] = {
        FieldKind.text: "نص", FieldKind.line: "سطر", FieldKind.national_id: None,
        FieldKind.past_datetime: now.isoformat(),
        FieldKind.future_datetime: (now + timedelta(hours=1)).isoformat(), FieldKind.parties: None,
        FieldKind.datetime: (now + timedelta(hours=1)).isoformat(),
        FieldKind.choice: spec.choices[0] if spec.choices else None, FieldKind.texts: ["تهمة"],
        FieldKind.integer: 1, FieldKind.document: "sha256-0f1e2d", FieldKind.case: OTHER_CASE.case_id,
        FieldKind.nationality: "EGY", FieldKind.past_date: "1990-05-17", FieldKind.names: None,
    }
    return [sample[kind]]


def submissions(rule: ActionRule, state: CaseState, actor: Actor, now: datetime) -> Iterator[ActionCommand]:
    """Every command `actor` could send for `rule` with the values above."""
    names = [spec.name for spec in rule.fields]
    agency_fields = [spec.name for spec in rule.fields if spec.kind is FieldKind.agency]
    case_fields = [spec.name for spec in rule.fields if spec.kind is FieldKind.case]
    for values in product(*(_values(spec, state, now) for spec in rule.fields)):
        fields = {name: value for name, value in zip(names, values, strict=True) if value is not None}
        targets = {name: AGENCIES[fields[name]] for name in agency_fields}
        cases = {name: OTHER_CASE for name in case_fields}
        yield ActionCommand(rule.name, actor, fields, targets, cases=cases, courts=COURTS)


#: refusals of the caller's standing (role, stage, agency, a closed case, a file in transit): no other value
#: changes them, so the first ends the search (it would otherwise try every agency for every user)
STANDING_REFUSALS = frozenset({"forbidden_role", "wrong_stage", "forbidden_agency", "case_closed", "handoff_pending"})


def accepted(state: CaseState, actor: Actor, rule: ActionRule, now: datetime) -> list[ActionCommand]:
    """The submissions `decide()` accepts: the oracle that the dry run (allowed_actions) must agree with."""
    found = []
    for command in submissions(rule, state, actor, now):
        try:
            decide(state, command, now)
        except Refusal as refusal:
            if refusal.code in STANDING_REFUSALS:
                return []
            continue
        found.append(command)
    return found


# ---------------------------------------------------------------- walking the procedure

Explored = dict[tuple[str, str], list[ActionCommand]]


def explore(state: CaseState, now: datetime) -> Explored:
    """What `decide()` accepts from every demo user, for every action, in this state."""
    return {(actor.username, rule.name): accepted(state, actor, rule, now)
            for actor in DEMO_ACTORS for rule in ACTIONS if not rule.opens_case}


#: the walk prefers the actions that move a case along its paths, and the less the more often they were taken,
#: to those that add to its file, send it sideways (reassign) or close it
MOVES_ALONG = 12.0
CLOSES = 0.3


def _weight(rule: ActionRule, taken: int) -> float:
    closes = any(isinstance(e, Close | CloseByVerdicts | Dispose | Sever) for e in rule.effects)
    sideways = (all(isinstance(e, AddParty | KeepDocument | KeepNote | HandOff) for e in rule.effects)
                and rule.enters is None)
    if closes or all(isinstance(e, IdentifyParty) for e in rule.effects):
        return CLOSES  # identifying a party changes no path: seldom, so that the walks still go everywhere
    return 1.0 if sideways else MOVES_ALONG / (1 + taken)


def walk(seed: int, steps: int) -> Iterator[tuple[CaseState, datetime, Explored]]:
    """A case carried through the procedure at random, by any demo user and any accepted submission, with time
    passing (sometimes weeks, so that windows lapse). Yields each state met, its instant, and what `decide()`
    accepts there per (username, action)."""
    rng = random.Random(seed)
    state = open_case(category=rng.choice(list(Category)), parties=rng.randint(1, 2))
    if rng.random() < 0.5:
        act(state, OFFICER, "add_party", T0, role=PartyRole.witness, name="شاهد")
    now = T0
    taken: Counter[str] = Counter()
    for _ in range(steps):
        found = explore(state, now)
        yield copy.deepcopy(state), now, found
        by_action: dict[str, list[ActionCommand]] = {}
        for (_, rule_name), commands in found.items():
            if commands:
                by_action.setdefault(rule_name, []).extend(commands)
        if not by_action:
            return
        names = sorted(by_action)
        name = rng.choices(names, [_weight(ACTIONS_BY_NAME[n], taken[n]) for n in names])[0]
        taken[name] += 1
        apply(state, decide(state, rng.choice(by_action[name]), now))
        now += rng.choice((timedelta(hours=2), timedelta(hours=2), timedelta(days=2), timedelta(days=70)))
        for event in due_clock_events(state, now):
            apply(state, event)


def _judged(category: str, parties: int, verdict: Mapping[str, object]) -> tuple[CaseState, datetime]:
    state = open_case(category, parties)
    when = to_trial(state)
    act(state, trial_court(category)[2], "record_verdict", when,
        verdicts=[{**verdict, "party_id": p.party_id} for p in state.accused()])
    return state, when


def paths() -> Iterator[tuple[CaseState, datetime]]:
    """The paths a random walk seldom takes to the end, step by step: archive and reopen; a detention put before
    a judge; a person handed over to the prosecution at referral; a convict committed to and admitted by a prison;
    a felony to
    cassation and a remand; an in-absentia verdict served and opposed; two convicts to execution."""
    state = open_case()
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    detained = copy.deepcopy(state)
    act(detained, PROSECUTOR, "order_detention", T0, party_id="p1", grounds="خشية الهرب")
    act(detained, PROSECUTOR, "request_detention_extension", T0, party_id="p1", to_agency="court.tripoli",
        grounds="مقتضيات التحقيق")
    yield copy.deepcopy(detained), T0
    act(state, CHIEFPROS, "archive", T0, ground="عدم كفاية الأدلة")
    yield copy.deepcopy(state), T0
    act(state, CHIEFPROS, "reopen", T0, reason="دليل جديد")
    yield copy.deepcopy(state), T0

    state = open_case()
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    act(state, PROSECUTOR, "order_detention", T0, party_id="p1", grounds="خشية الهرب")
    yield copy.deepcopy(state), T0
    act(state, PROSECUTOR, "request_detention_extension", T0, party_id="p1", to_agency="court.tripoli",
        grounds="مقتضيات التحقيق")
    yield copy.deepcopy(state), T0

    # a person arrested, handed over to the prosecution with the file (custody follows the person)
    state = open_case()
    act(state, OFFICER, "record_arrest", T0, party_id="p1", arrested_at=T0.isoformat())
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    yield copy.deepcopy(state), T0

    conviction = {"result": "convicted", "sentence": "السجن عشر سنوات"}
    state, when = _judged("felony", 1, conviction)
    yield copy.deepcopy(state), when
    act(state, PROSECUTOR, "file_cassation", when, party_id="p1", to_agency="supreme_court")
    yield copy.deepcopy(state), when
    act(state, SUPREME_CLERK, "acknowledge_receipt", when)
    act(state, SUPREME_CLERK, "schedule_hearing", when, hearing_at=(when + timedelta(hours=1)).isoformat())
    yield copy.deepcopy(state), when + timedelta(hours=2)
    act(state, SUPREME_JUDGE, "remand", when + timedelta(hours=2), to_agency="court.appeal.tripoli.felony",
        reasons="قصور")
    yield copy.deepcopy(state), when + timedelta(hours=2)

    state, when = _judged("misdemeanour", 1, {**conviction, "in_absentia": True})
    yield copy.deepcopy(state), when
    act(state, CLERK, "serve_verdict", when, party_id="p1", served_at=when.isoformat())
    yield copy.deepcopy(state), when
    act(state, CLERK, "file_objection", when, party_id="p1")
    yield copy.deepcopy(state), when

    state, when = _judged("misdemeanour", 2, conviction)
    later = when + timedelta(days=70)
    for event in due_clock_events(state, later):
        apply(state, event)
    yield copy.deepcopy(state), later
    act(state, PROSECUTOR, "record_execution", later, party_id="p1", detail="أودع المؤسسة")
    yield copy.deepcopy(state), later
    # the prison: p2 committed, admitted (the warden's part), then transferred to another prison
    act(state, PROSECUTOR, "commit_to_prison", later, party_id="p2", to_agency="prison.aljdaida")
    yield copy.deepcopy(state), later
    act(state, actor("prison_officer", "prison.aljdaida"), "admit_to_prison", later, party_id="p2")
    yield copy.deepcopy(state), later

    # per accused: one appeals, the other's appeal joins the court of appeal; one accused's case lapses; one is
    # severed into a case of their own
    state, when = _judged("misdemeanour", 3, conviction)
    act(state, PROSECUTOR, "file_appeal", when, party_id="p1", to_agency="court.appeal.tripoli")
    act(state, APPEAL_CLERK, "acknowledge_receipt", when)
    yield copy.deepcopy(state), when
    act(state, PROSECUTOR, "file_appeal", when, party_id="p2", to_agency="court.appeal.tripoli")
    yield copy.deepcopy(state), when
    act(state, APPEAL_JUDGE, "declare_lapsed", when, ground="death", party_id="p2")
    yield copy.deepcopy(state), when
    state = open_case(parties=2)
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    act(state, CHIEFPROS, "sever_accused", T0, party_id="p2", reason="تعذر ضبطه")
    yield copy.deepcopy(state), T0
