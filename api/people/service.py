"""The person registry's service: what the REST API (api.people.router) and the web (api.web.people_pages) call.

A person record is known to a caller only through the cases they may see: one none of whose parties is in such a
case answers as one that does not exist, and nothing is said of the parties of other cases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.people.schemas import DecisionPublic, DecisionResult, PartyRef, PersonParty, PersonPublic
from core.access import viewer_for
from core.arabic import names_agree
from core.case import Actor
from core.refusal import Refusal, not_found
from core.roles import Capability, may, primary_role
from core.vocabulary import PartyRole, PersonDecisionKind, Stage
from store import people
from store.access import readable_statement
from store.models import Case, PartyRow, Person, PersonDecision


def _visible(session: Session, user: Actor, case_ids: set[str]) -> set[str]:
    if not case_ids:
        return set()
    return set(session.scalars(readable_statement(viewer_for(user)).with_only_columns(Case.id)
                               .where(Case.id.in_(case_ids))))


def _person_not_found() -> Refusal:
    # the same answer for a record that does not exist and one whose cases the caller may not see
    return not_found("person_not_found", "no such person record", "سجل الشخص غير موجود")


def known_root(session: Session, user: Actor, person_id: int) -> tuple[int, list[PartyRow], set[str]]:
    """The record `person_id` stands for, its parties and the cases of them the caller may see; a record none
    of whose cases the caller may see answers as one that does not exist."""
    if session.get(Person, person_id) is None:
        raise _person_not_found()
    root = people.root_of(session, person_id)
    rows = people.parties_of_person(session, root)
    visible = _visible(session, user, {r.case_id for r in rows})
    if not visible:
        raise _person_not_found()
    return root, rows, visible


def person_public(session: Session, user: Actor, person_id: int) -> PersonPublic:
    root, rows, visible = known_root(session, user, person_id)
    # a list of pairs, not the Result: dict() would take a Result's keys() for a mapping's
    cases = session.execute(select(Case.id, Case.number, Case.stage).where(Case.id.in_(visible))).all()
    numbers = {case_id: number for case_id, number, _ in cases}
    stages = {case_id: stage for case_id, _, stage in cases}
    shown = [r for r in rows if r.case_id in visible]
    names = [r.name for r in shown]
    decisions = []
    for d in people.decisions_about(session, root):
        named = [PartyRef(case_id=c, party_id=p) for c, p in d.parties.get("parties", []) if c in visible]
        decisions.append(DecisionPublic(id=d.id, kind=PersonDecisionKind(d.kind), person_id=d.person_id,
                                        other_person_id=d.other_person_id, parties=named, reason=d.reason,
                                        decided_by=d.decided_by, decided_role=d.decided_role,
                                        decided_at=d.decided_at))
    record = session.get(Person, person_id)
    return PersonPublic(
        person_id=root, merged_into=root if record is not None and record.id != root else None,
        merged_records=[m for m in people.members(session, root) if m != root],
        parties=[PersonParty(case_id=r.case_id, number=numbers[r.case_id], stage=Stage(stages[r.case_id]),
                             party_id=r.party_id, role=PartyRole(r.role), name=r.name, national_id=r.national_id,
                             passport_number=r.passport_number, nationality=r.nationality, birth_date=r.birth_date,
                             record_id=r.person_id) for r in shown],
        names_differ=any(not names_agree(a, b) for i, a in enumerate(names) for b in names[i + 1:]),
        decisions=decisions)


def decider(user: Actor) -> people.Decider:
    if not may(user.roles, Capability.decide_identities):
        raise Refusal("forbidden_role", 403, "only an investigator or a records officer decides who is who",
                      "يقرر هوية الأشخاص المحقق أو موظف السجل الجنائي فقط")
    role = primary_role(user.roles)
    return people.Decider(user.username, role.value if role else "")


def visible_party(session: Session, user: Actor, ref: PartyRef) -> tuple[str, str]:
    if session.get(PartyRow, (ref.case_id, ref.party_id)) is None or not _visible(session, user, {ref.case_id}):
        raise Refusal("party_not_found", 404, "no such party in a case you may see",
                      "لا يوجد هذا الطرف في قضية يحق لك الاطلاع عليها", "parties")
    return ref.case_id, ref.party_id


def decision_public(decision: PersonDecision) -> DecisionPublic:
    named = [PartyRef(case_id=c, party_id=p) for c, p in decision.parties.get("parties", [])]
    return DecisionPublic(id=decision.id, kind=PersonDecisionKind(decision.kind), person_id=decision.person_id,
                          other_person_id=decision.other_person_id, parties=named, reason=decision.reason,
                          decided_by=decision.decided_by, decided_role=decision.decided_role,
                          decided_at=decision.decided_at)


def merge(session: Session, user: Actor, person_id: int, other_id: int, reason: str) -> DecisionResult:
    who = decider(user)
    root, _, _ = known_root(session, user, person_id)
    known_root(session, user, other_id)
    decision = people.merge(session, root, other_id, reason, who)
    return DecisionResult(person_id=root, decision=decision_public(decision))


def unmerge(session: Session, user: Actor, person_id: int, merged_id: int, reason: str) -> DecisionResult:
    who = decider(user)
    known_root(session, user, person_id)
    decision = people.unmerge(session, person_id, merged_id, reason, who)
    return DecisionResult(person_id=person_id, decision=decision_public(decision))


def link(session: Session, user: Actor, person_id: int, ref: PartyRef, reason: str) -> DecisionResult:
    who = decider(user)
    root, _, _ = known_root(session, user, person_id)
    decision = people.link(session, root, visible_party(session, user, ref), reason, who)
    return DecisionResult(person_id=root, decision=decision_public(decision))


def split(session: Session, user: Actor, person_id: int, refs: list[PartyRef], reason: str) -> DecisionResult:
    who = decider(user)
    root, _, _ = known_root(session, user, person_id)
    keys = [visible_party(session, user, ref) for ref in refs]
    decision, new_id = people.split(session, root, keys, reason, who)
    return DecisionResult(person_id=root, new_person_id=new_id, decision=decision_public(decision))
