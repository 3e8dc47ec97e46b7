"""The person registry: one record per person across every case and agency (DOMAIN.md, "People").

A party's record is, in order: the one people assigned it to (a link, or a split: `PersonLink`), else the
record of its national ID, else that of its passport number and nationality, else none (a party known only
by name is offered to people as a candidate, never merged by itself). A record merged into another stands
for it: every question is asked of the record at the end of the chain (`root_of`). Merges, links and splits
are people's decisions, kept in `person_decisions` (and in the audit log by the API), never the system's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access import Viewer
from core.arabic import names_agree
from core.case import Party
from core.refusal import Refusal, conflict, invalid, not_found
from core.vocabulary import PersonDecisionKind
from store.access import readable_statement
from store.models import Case, CriminalRecord, PartyRow, Person, PersonDecision, PersonLink

PartyKey = tuple[str, str]  # (case id, party id)
#: a chain of merges is never longer than this (a loop would be a bug: refused at merge time)
MAX_CHAIN = 64


def _find_or_create(session: Session, name: str, **key: str) -> int:
    statement = select(Person.id)
    for column, value in key.items():
        statement = statement.where(getattr(Person, column) == value)
    existing = session.scalar(statement)
    if existing is not None:
        return existing
    try:
        with session.begin_nested():
            person = Person(name=name, created_at=datetime.now(UTC), **key)
            session.add(person)
            session.flush()
            return person.id
    except IntegrityError:
        found = session.scalar(statement)
        assert found is not None
        return found


def person_for(session: Session, national_id: str, name: str) -> int:
    """The record of a national ID, created on first sight."""
    return _find_or_create(session, name, national_id=national_id)


def person_for_party(session: Session, case_id: str, party: Party) -> int | None:
    """The record a party belongs to, as it stands (before following merges): see the module's docstring."""
    link = session.get(PersonLink, (case_id, party.party_id))
    if link is not None:
        return link.person_id
    if party.national_id:
        return person_for(session, party.national_id, party.name)
    if party.passport_number and party.nationality:
        return _find_or_create(session, party.name, passport_number=party.passport_number,
                               nationality=party.nationality)
    return None


def root_of(session: Session, person_id: int) -> int:
    """The record a record stands for: itself, or the one it was merged into (and so on)."""
    current = person_id
    for _ in range(MAX_CHAIN):
        parent = session.scalar(select(Person.merged_into).where(Person.id == current))
        if parent is None:
            return current
        current = parent
    raise RuntimeError(f"person {person_id}: a chain of merges longer than {MAX_CHAIN}")


def members(session: Session, root: int) -> list[int]:
    """Every record that stands for `root` (itself, and those merged into it, however deep)."""
    found = [root]
    frontier = [root]
    while frontier:
        children = list(session.scalars(select(Person.id).where(Person.merged_into.in_(frontier))))
        found += children
        frontier = children
    return found


def parties_of_person(session: Session, root: int) -> list[PartyRow]:
    return list(session.scalars(select(PartyRow).where(PartyRow.person_id.in_(members(session, root)))
                                .order_by(PartyRow.case_id, PartyRow.party_id)))


class Directory:
    """The registry as people search asks it (search.service.PersonDirectory)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def persons_of(self, parties: list[PartyKey]) -> dict[PartyKey, int]:
        found: dict[PartyKey, int] = {}
        wanted = set(parties)
        for case_id in sorted({c for c, _ in parties}):
            rows = self.session.execute(select(PartyRow.party_id, PartyRow.person_id).where(
                PartyRow.case_id == case_id, PartyRow.person_id.is_not(None)))
            for party_id, person_id in rows:
                if (case_id, party_id) in wanted and person_id is not None:
                    found[(case_id, party_id)] = root_of(self.session, person_id)
        return found

    def parties_of(self, persons: list[int]) -> dict[int, list[PartyKey]]:
        return {root: [(row.case_id, row.party_id) for row in parties_of_person(self.session, root)]
                for root in persons}


# ---------------------------------------------------------------- a name that does not fit its identifier


@dataclass
class IdentityWarning:
    """The same identifier already names someone under a name that is not another spelling of this one. A
    warning, not a refusal: people make typing mistakes in names and in IDs alike, and only a person can tell
    which. `known_names`: the names it carries in cases the caller may see (none from other cases)."""

    code: str
    field: str
    message: str
    message_ar: str
    known_names: list[str] = dataclass_field(default_factory=list)


def identity_warnings(session: Session, viewer: Viewer, name: str, *, national_id: str | None = None,
                      passport_number: str | None = None, nationality: str | None = None,
                      field_prefix: str = "", exclude: PartyKey | None = None) -> list[IdentityWarning]:
    warnings: list[IdentityWarning] = []
    checks: list[tuple[str, list[PartyRow]]] = []
    if national_id:
        checks.append(("national_id", list(session.scalars(select(PartyRow).where(
            PartyRow.national_id == national_id)))))
    if passport_number and nationality:
        checks.append(("passport_number", list(session.scalars(select(PartyRow).where(
            PartyRow.passport_number == passport_number, PartyRow.nationality == nationality)))))
    for field_name, rows in checks:
        others = [r for r in rows if (r.case_id, r.party_id) != exclude]
        if not others or any(names_agree(name, r.name) for r in others):
            continue
        visible = set(session.scalars(readable_statement(viewer).with_only_columns(Case.id).where(
            Case.id.in_({r.case_id for r in others}))))
        known = sorted({r.name for r in others if r.case_id in visible})
        what = "national ID" if field_name == "national_id" else "passport number"
        what_ar = "الرقم الوطني" if field_name == "national_id" else "رقم جواز السفر"
        warnings.append(IdentityWarning(
            code="identity_name_differs", field=f"{field_prefix}{field_name}",
            message=f"this {what} is already recorded under another name: check the name and the number",
            message_ar=f"{what_ar} مسجل من قبل باسم مختلف: تحقق من الاسم والرقم", known_names=known))
    return warnings


# ---------------------------------------------------------------- people's decisions


@dataclass(frozen=True)
class Decider:
    username: str
    role: str


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise not_found("person_not_found", "no such person record", "سجل الشخص غير موجود")
    return person


def _decision(session: Session, kind: PersonDecisionKind, person_id: int, other: int | None,
              parties: Sequence[PartyKey], reason: str, who: Decider) -> PersonDecision:
    decision = PersonDecision(kind=kind.value, person_id=person_id, other_person_id=other,
                              parties={"parties": [list(p) for p in parties]}, reason=reason,
                              decided_by=who.username, decided_role=who.role, decided_at=datetime.now(UTC))
    session.add(decision)
    session.flush()
    return decision


def merge(session: Session, person_id: int, other_id: int, reason: str, who: Decider) -> PersonDecision:
    """`other_id`'s record is the same person as `person_id`'s: it is merged into it."""
    target, other = root_of(session, _person(session, person_id).id), root_of(session, _person(session, other_id).id)
    if target == other:
        raise conflict("already_one_person", "these records are already one person", "السجلان لشخص واحد من قبل")
    first, second = session.get(Person, target), session.get(Person, other)
    assert first is not None and second is not None
    if first.national_id and second.national_id and first.national_id != second.national_id:
        raise Refusal("different_national_ids", 409,
                      "two national IDs are two people in the civil registry: correct the mistyped ID in its case",
                      "رقمان وطنيان مختلفان لشخصين مختلفين في السجل المدني: صحح الرقم الخاطئ في قضيته",
                      "other_person_id")
    second.merged_into = target
    session.flush()
    return _decision(session, PersonDecisionKind.merge, target, other, [], reason, who)


def unmerge(session: Session, person_id: int, merged_id: int, reason: str, who: Decider) -> PersonDecision:
    """A merge undone: `merged_id`'s record, merged into `person_id`'s, stands on its own again."""
    merged = _person(session, merged_id)
    if merged.merged_into != person_id:
        raise conflict("not_merged_here", "that record is not merged into this one", "السجل غير مدموج في هذا السجل")
    merged.merged_into = None
    session.flush()
    return _decision(session, PersonDecisionKind.unmerge, person_id, merged_id, [], reason, who)


def _party_row(session: Session, key: PartyKey) -> PartyRow:
    row = session.get(PartyRow, key)
    if row is None:
        raise invalid("parties", "no such party in that case", "لا يوجد هذا الطرف في القضية", "unknown_party")
    return row


def _assign(session: Session, keys: Iterable[PartyKey], person_id: int, decision: PersonDecision) -> None:
    for case_id, party_id in keys:
        link = session.get(PersonLink, (case_id, party_id))
        if link is None:
            session.add(PersonLink(case_id=case_id, party_id=party_id, person_id=person_id, decision_id=decision.id))
        else:
            link.person_id, link.decision_id = person_id, decision.id
        session.execute(update(PartyRow).where(PartyRow.case_id == case_id, PartyRow.party_id == party_id)
                        .values(person_id=person_id))
        session.execute(update(CriminalRecord).where(CriminalRecord.case_id == case_id,
                                                     CriminalRecord.party_id == party_id).values(person_id=person_id))
    session.flush()


def link(session: Session, person_id: int, key: PartyKey, reason: str, who: Decider) -> PersonDecision:
    """The party `key` is this person (it had no record, or another one)."""
    root = root_of(session, _person(session, person_id).id)
    row = _party_row(session, key)
    if row.person_id is not None and root_of(session, row.person_id) == root:
        raise conflict("already_this_person", "this party is already this person", "هذا الطرف لهذا الشخص من قبل")
    decision = _decision(session, PersonDecisionKind.link, root, None, [key], reason, who)
    _assign(session, [key], root, decision)
    return decision


def split(session: Session, person_id: int, keys: Sequence[PartyKey], reason: str, who: Decider
          ) -> tuple[PersonDecision, int]:
    """The parties `keys` of this person are another person: they get a record of their own (without an
    identifier: the one they carry is this record's). The new record's id is returned with the decision."""
    root = root_of(session, _person(session, person_id).id)
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        raise invalid("parties", "name the parties that are another person", "حدد الأطراف التي تخص شخصاً آخر",
                      "parties_required")
    rows = [_party_row(session, key) for key in wanted]
    if any(r.person_id is None or root_of(session, r.person_id) != root for r in rows):
        raise invalid("parties", "every party split off must be this person's", "يجب أن تكون الأطراف لهذا الشخص",
                      "not_this_person")
    if len(parties_of_person(session, root)) <= len(rows):
        raise conflict("nothing_would_remain", "a split leaves this person at least one party",
                       "يجب أن يبقى لهذا الشخص طرف واحد على الأقل")
    new = Person(name=rows[0].name, created_at=datetime.now(UTC))
    session.add(new)
    session.flush()
    decision = _decision(session, PersonDecisionKind.split_off, root, new.id, wanted, reason, who)
    _assign(session, wanted, new.id, decision)
    return decision, new.id


def decisions_about(session: Session, root: int) -> list[PersonDecision]:
    ids = members(session, root)
    return list(session.scalars(select(PersonDecision).where(
        PersonDecision.person_id.in_(ids) | PersonDecision.other_person_id.in_(ids)).order_by(PersonDecision.id)))


def records_of(session: Session, national_id: str) -> list[PartyKey]:
    """The parties whose criminal record is the holder's of this national ID: the parties of the person record
    of that ID, after merges and splits (none: no record carries it)."""
    person = session.scalar(select(Person.id).where(Person.national_id == national_id))
    if person is None:
        return []
    return [(r.case_id, r.party_id) for r in parties_of_person(session, root_of(session, person))]

