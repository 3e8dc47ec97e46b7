"""The person registry on both databases: records keyed by national ID or by passport and nationality, people's
merges, links and splits (never the system's), the criminal record that follows the person record, and the
warning when an identifier arrives under another name."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.access import Viewer
from core.case import ActionCommand, Actor, CaseEvent, CaseState
from core.clock_events import due_clock_events
from core.clocks import default_rulebook
from core.effects import apply
from core.refusal import Refusal
from core.transitions import decide, decide_open, new_case
from store import people
from store.codec import state_from_json
from store.models import Case, PartyRow, Person, PersonDecision
from store.readmodel import fold_events, project_case
from store.records import compute_record
from tests.support.procedure import AGENCIES, CHIEF, CHIEFPROS, CLERK, JUDGE, OFFICER, PROSECUTOR, T0

LIBYAN = "119850012345"
WHO = people.Decider("investigator", "investigator")
INVESTIGATOR = Viewer(national=True, agencies=frozenset({"cid"}))


def _step(state: CaseState, events: list[CaseEvent], who: Actor, action: str, at: datetime, **fields: object) -> None:
    targets = {"to_agency": AGENCIES[str(fields["to_agency"])]} if "to_agency" in fields else {}
    event = decide(state, ActionCommand(action, who, dict(fields), targets), at)
    apply(state, event)
    events.append(event)


def _file(session: Session, case_id: str, parties: list[dict[str, object]], *, convict: bool = False) -> None:
    report = {"offence": "سرقة", "category": "misdemeanour", "occurred_at": (T0 - timedelta(days=1)).isoformat(),
              "place": "طرابلس", "narrative": "…", "parties": parties}
    first = decide_open(ActionCommand("open_case", OFFICER, report), T0)
    state = new_case(case_id, f"N/{case_id}", default_rulebook(), first)
    events = [first]
    if convict:
        _step(state, events, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
        _step(state, events, PROSECUTOR, "acknowledge_receipt", T0)
        _step(state, events, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli", charges=["سرقة"])
        _step(state, events, CLERK, "schedule_hearing", T0, hearing_at=(T0 + timedelta(days=1)).isoformat())
        _step(state, events, JUDGE, "record_verdict", T0 + timedelta(days=2),
              pronounced_at=(T0 + timedelta(days=1, hours=1)).isoformat(),
              verdicts=[{"party_id": "p1", "result": "convicted", "sentence": "حبس"}])
        for event in due_clock_events(state, T0 + timedelta(days=30)):
            apply(state, event)
            events.append(event)
    fold_events(session, case_id, f"N/{case_id}", default_rulebook(), events)


def _person(session: Session, case_id: str, party_id: str = "p1") -> int:
    row = session.get(PartyRow, (case_id, party_id))
    assert row is not None and row.person_id is not None
    return people.root_of(session, row.person_id)


def test_records_by_national_id_or_passport_and_merges_decided_by_people(db_engine: Engine) -> None:
    with Session(db_engine) as session, session.begin():
        _file(session, "c-libyan", [{"role": "accused", "name": "محمد سالم الورفلي", "national_id": LIBYAN}])
        # the same man, filed from his foreign passport: a record of its own until people say otherwise
        _file(session, "c-passport", [{"role": "accused", "name": "Mohamed Salem Warfalli",
                                       "passport_number": "eg 123-4567", "nationality": "egy"}], convict=True)
        _file(session, "c-unknown", [{"role": "witness", "name": "محمد سالم"}])
    with Session(db_engine) as session, session.begin():
        libyan, foreign = _person(session, "c-libyan"), _person(session, "c-passport")
        assert libyan != foreign
        record = session.get(Person, foreign)
        assert record is not None and (record.passport_number, record.nationality) == ("EG1234567", "EGY")
        unknown = session.get(PartyRow, ("c-unknown", "p1"))
        assert unknown is not None and unknown.person_id is None  # a name alone makes no record
        assert compute_record(session, LIBYAN, "محمد سالم الورفلي", T0 + timedelta(days=40)).entries == []

        decision = people.merge(session, libyan, foreign, "نفس الشخص حسب ملف الجوازات", WHO)
        assert (decision.kind, decision.decided_by) == ("merge", "investigator")
        assert _person(session, "c-passport") == libyan
        # the criminal record follows the person record: his conviction under the passport is his
        found = compute_record(session, LIBYAN, "محمد سالم الورفلي", T0 + timedelta(days=40))
        assert [e.case_id for e in found.entries] == ["c-passport"]
        with pytest.raises(Refusal) as again:
            people.merge(session, foreign, libyan, "…", WHO)
        assert again.value.code == "already_one_person"

        people.link(session, libyan, ("c-unknown", "p1"), "تعرف عليه الشاهد", WHO)
        assert _person(session, "c-unknown") == libyan
        assert {(r.case_id, r.party_id) for r in people.parties_of_person(session, libyan)} == {
            ("c-libyan", "p1"), ("c-passport", "p1"), ("c-unknown", "p1")}

        # people were wrong about the passport: split it off, and the conviction leaves his record
        _, new_id = people.split(session, libyan, [("c-passport", "p1")], "تشابه أسماء فقط", WHO)
        assert _person(session, "c-passport") == new_id != libyan
        assert compute_record(session, LIBYAN, "محمد سالم الورفلي", T0 + timedelta(days=40)).entries == []
        with pytest.raises(Refusal) as everything:
            people.split(session, libyan, [("c-libyan", "p1"), ("c-unknown", "p1")], "…", WHO)
        assert everything.value.code == "nothing_would_remain"
        kinds = [d.kind for d in session.scalars(select(PersonDecision).order_by(PersonDecision.id))]
        assert kinds == ["merge", "link", "split"]


def test_a_split_survives_the_next_projection_of_its_case(db_engine: Engine) -> None:
    """A decision is kept over what the identifiers would say: folding the case again does not undo it."""
    with Session(db_engine) as session, session.begin():
        _file(session, "c-a", [{"role": "accused", "name": "علي فرج", "national_id": LIBYAN}])
        _file(session, "c-b", [{"role": "accused", "name": "علي فرج", "national_id": LIBYAN},
                               {"role": "victim", "name": "سالم"}])
        root = _person(session, "c-a")
        _, other = people.split(session, root, [("c-b", "p1")], "رقم وطني مكرر خطأ", WHO)
        case = session.get(Case, "c-b")
        assert case is not None
        state = state_from_json(case.snapshot)
        state.seq += 1
        project_case(session, state)  # the parties rewritten, as any later action of the case would
        assert _person(session, "c-b") == other


def test_the_same_identifier_under_another_name_is_a_warning(db_engine: Engine) -> None:
    with Session(db_engine) as session, session.begin():
        _file(session, "c-first", [{"role": "accused", "name": "خالد مفتاح الطاهر", "national_id": LIBYAN}])
        # another spelling of the same name, in either script: nothing to say
        assert people.identity_warnings(session, INVESTIGATOR, "Khaled Muftah Altaher", national_id=LIBYAN) == []
        (warning,) = people.identity_warnings(session, INVESTIGATOR, "سالم عمر بوخمادة", national_id=LIBYAN)
        assert (warning.code, warning.field, warning.known_names) == (
            "identity_name_differs", "national_id", ["خالد مفتاح الطاهر"])
        # one who may not see the case is warned without its names
        (blind,) = people.identity_warnings(session, Viewer(national=False, agencies=frozenset({"court.benghazi"})),
                                            "سالم عمر بوخمادة", national_id=LIBYAN)
        assert blind.known_names == []
