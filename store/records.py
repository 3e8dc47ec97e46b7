"""The criminal record (السجل الجنائي): written from the case projection when a conviction becomes
final, read when a certificate is computed, cleared by rehabilitation orders and the lapse rules."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from config.rules import record_rules
from core.arabic import normalize_name
from core.case import CaseState, Party, Verdict
from core.juveniles import juvenile_at_offence
from core.records import (
    HolderIdentity,
    RecordedIdentity,
    RecordEntry,
    RecordFacts,
    RecordFinding,
    RecordRules,
    RecordStanding,
    disclosure_of,
    exclusion,
    identity_from_records,
    names_may_match,
    withheld_by_disclosure,
)
from core.vocabulary import ClockStatus, RecordRemovalGround, Sensitivity, VerdictResult
from store.models import AgencyRow, Case, CriminalRecord, PartyRow, Person, RecordRemoval, RehabilitationOrder
from store.people import parties_of_person, records_of, root_of


def _final_at(state: CaseState, party: Party, verdict: Verdict) -> datetime:
    """When the verdict became final: its last challenge window's expiry, or the verdict itself when
    no challenge lay (a cassation ruling)."""
    lapsed = [c.expires_at for c in state.clocks if c.subject == party.party_id and c.status == ClockStatus.expired
              and c.name in ("appeal_window", "objection_window", "cassation_window") and c.started_at >= verdict.at]
    return max(lapsed, default=verdict.at)


def project_criminal_records(session: Session, state: CaseState) -> None:
    """Write one record entry per accused whose latest verdict is a final conviction (idempotent:
    unique per case and party), and note when the execution of that convict's sentence was first
    recorded (record_execution, per convict)."""
    for party in state.accused():
        verdict = state.latest_verdict(party.party_id)
        if verdict is None or not verdict.final or verdict.result != VerdictResult.convicted:
            continue
        existing = session.scalar(select(CriminalRecord).where(CriminalRecord.case_id == state.case_id,
                                                               CriminalRecord.party_id == party.party_id))
        if existing is not None:
            if verdict.executed_at is not None and existing.executed_at is None:
                existing.executed_at = verdict.executed_at
            if verdict.sentence_ended_at is not None and existing.sentence_ended_at is None:
                existing.sentence_ended_at = verdict.sentence_ended_at
                existing.sentence_end_ground = verdict.sentence_end_ground
            continue
        # the party's person record as projected just before (store.readmodel: parties, then records)
        person_id = session.scalar(select(PartyRow.person_id).where(PartyRow.case_id == state.case_id,
                                                                    PartyRow.party_id == party.party_id))
        entry = CriminalRecord(
            case_id=state.case_id, party_id=party.party_id, person_id=person_id, national_id=party.national_id,
            name=party.name, name_normalized=normalize_name(party.name),
            offence="؛ ".join(state.charges) if state.charges else state.offence, category=state.category,
            sensitivity=state.sensitivity, sentence=verdict.sentence, court=verdict.court, verdict_at=verdict.at,
            final_at=_final_at(state, party, verdict), executed_at=verdict.executed_at,
            sentence_ended_at=verdict.sentence_ended_at, sentence_end_ground=verdict.sentence_end_ground,
            recorded_at=datetime.now(UTC), juvenile=bool(juvenile_at_offence(party.birth_date, state.occurred_at)))
        try:
            with session.begin_nested():
                session.add(entry)
                session.flush()
        except IntegrityError:
            pass  # a concurrent projection of the same case wrote it first


def _entry(record: CriminalRecord, number: str, court: AgencyRow | None, disclosure: str) -> RecordEntry:
    return RecordEntry(
        record_id=record.id, case_id=record.case_id, case_number=number, name=record.name,
        national_id=record.national_id, offence=record.offence, category=record.category, sentence=record.sentence,
        court=record.court, court_name_ar=court.name_ar if court else record.court,
        court_name_en=court.name_en if court else record.court, final_at=record.final_at, disclosure=disclosure)


def standing_of(record: CriminalRecord, removal_ground: str | None) -> RecordStanding:
    """What the disclosure rules read of a stored entry."""
    return RecordStanding(juvenile=bool(record.juvenile), sealed=record.sensitivity == Sensitivity.sealed,
                          removed=RecordRemovalGround(removal_ground) if removal_ground else None)


def compute_record(session: Session, national_id: str, holder_name: str, now: datetime,
                   rules: RecordRules | None = None) -> RecordFinding:
    """A citizen's record as a certificate computed at `now` shows it: their final convictions less
    those the rules leave off, plus doubtful matches (convicted people without a national ID whose
    name may be theirs). Their convictions are those of their person record (store.people): under their
    national ID, or under a passport people merged into it, less what people split off as another's."""
    rules = rules or record_rules()
    normalized = normalize_name(holder_name).split()
    first = normalized[0] if normalized else ""
    own = select(CriminalRecord).where(tuple_(CriminalRecord.case_id, CriminalRecord.party_id).in_(
        records_of(session, national_id)))
    # a cheap SQL prefilter on the first name; names_may_match decides
    unidentified = select(CriminalRecord).where(CriminalRecord.national_id.is_(None),
                                                CriminalRecord.name_normalized.like(f"{first}%"))
    entries: list[RecordEntry] = []
    doubtful: list[RecordEntry] = []
    excluded: dict[str, str] = {}
    for target, statement in ((entries, own), (doubtful, unidentified)):
        for record, number, court, rehabilitated_at, removal_ground in session.execute(
                statement.add_columns(Case.number, AgencyRow, RehabilitationOrder.ordered_at, RecordRemoval.ground)
                .join(Case, Case.id == CriminalRecord.case_id)
                .outerjoin(AgencyRow, AgencyRow.code == CriminalRecord.court)
                .outerjoin(RehabilitationOrder, RehabilitationOrder.record_id == CriminalRecord.id)
                .outerjoin(RecordRemoval, RecordRemoval.record_id == CriminalRecord.id)
                .order_by(CriminalRecord.final_at)):
            if target is doubtful and not names_may_match(holder_name, record.name):
                continue
            standing = standing_of(record, removal_ground)
            withheld = withheld_by_disclosure(standing, rules)
            if withheld is not None:
                excluded[str(record.id)] = withheld.value
                continue
            facts = RecordFacts(record.category, record.final_at,
                                record.executed_at if record.executed_at else None,
                                rehabilitated_at if rehabilitated_at else None,
                                record.sentence_ended_at if record.sentence_ended_at else None)
            reason = exclusion(facts, rules, now)
            if reason is not None:
                excluded[str(record.id)] = reason.value
                continue
            target.append(_entry(record, number, court, disclosure_of(standing, rules).value))
    return RecordFinding(entries=entries, doubtful=doubtful, excluded=excluded, rules_version=rules.version)


def holder_identity(session: Session, national_id: str, account_name: str) -> HolderIdentity:
    """The holder of a national ID as the case files of their person record name them (after merges and
    splits); the account's name only when no file names them."""
    person = session.scalar(select(Person.id).where(Person.national_id == national_id))
    parties = parties_of_person(session, root_of(session, person)) if person is not None else []
    return identity_from_records([RecordedIdentity(p.name, p.birth_date, p.birth_place, p.mother_name)
                                  for p in parties], account_name)


class RecordNotFound(Exception):
    pass


class AlreadyRehabilitated(Exception):
    pass


def record_rehabilitation(session: Session, record_id: int, *, order_number: str, ordered_at: datetime,
                          court: str, note: str, recorded_by: str) -> RehabilitationOrder:
    if session.get(CriminalRecord, record_id) is None:
        raise RecordNotFound(record_id)
    if session.scalar(select(RehabilitationOrder.id).where(RehabilitationOrder.record_id == record_id)) is not None:
        raise AlreadyRehabilitated(record_id)
    order = RehabilitationOrder(record_id=record_id, order_number=order_number, ordered_at=ordered_at, court=court,
                                note=note, recorded_by=recorded_by, recorded_at=datetime.now(UTC))
    session.add(order)
    session.flush()
    return order


class AlreadyRemoved(Exception):
    pass


def remove_record_entry(session: Session, record_id: int, *, ground: RecordRemovalGround, reference: str,
                        decided_at: datetime, authority: str, note: str, recorded_by: str) -> RecordRemoval:
    """A quashed judgment or an amnesty: the entry leaves every certificate from now on, its ground kept."""
    if session.get(CriminalRecord, record_id) is None:
        raise RecordNotFound(record_id)
    if session.scalar(select(RecordRemoval.id).where(RecordRemoval.record_id == record_id)) is not None:
        raise AlreadyRemoved(record_id)
    removal = RecordRemoval(record_id=record_id, ground=ground, reference=reference, decided_at=decided_at,
                            authority=authority, note=note, recorded_by=recorded_by, recorded_at=datetime.now(UTC))
    session.add(removal)
    session.flush()
    return removal
