"""The relational read model (SQLAlchemy 2, typed). A projection of the case event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from store.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, datetime: UTCDateTime()}


class AgencyRow(Base):
    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    name_ar: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    parent: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"), default=None)
    region: Mapped[str | None] = mapped_column(String(64), default=None)
    #: a court's level (core.vocabulary.CourtLevel), and a first-instance court's court of appeal
    level: Mapped[str | None] = mapped_column(String(32), default=None)
    appeals_to: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"), default=None)
    #: the short Arabic code of its registers (core.agencies.Agency.short_code)
    short_code: Mapped[str] = mapped_column(String(32), default="", server_default="")


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    stage: Mapped[str] = mapped_column(String(32), index=True)
    owner_agency: Mapped[str] = mapped_column(String(64), index=True)
    region: Mapped[str | None] = mapped_column(String(64), default=None)
    category: Mapped[str] = mapped_column(String(32))
    sensitivity: Mapped[str] = mapped_column(String(16))
    offence: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(32), default=None)
    stalled: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    in_transit: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    seq: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]]
    #: grants given or taken back so far: orders the search documents of grant changes (search.documents)
    access_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: the station that opened the case (its "opened" figures count there)
    opening_agency: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    #: when the case entered its stage, as the stage's SLA counts it (core.supervision.stage_entered_at)
    stage_entered_at: Mapped[datetime | None] = mapped_column(default=None)
    #: when a closed case closed (core.supervision.closed_at)
    closed_at: Mapped[datetime | None] = mapped_column(default=None, index=True)


class CaseDeadline(Base):
    """A deadline a case has now (core.supervision.case_deadlines), past or not: what the stalled list, the work
    lists and the dashboard filter and page in SQL. Written with the case's row, in the fold's transaction."""

    __tablename__ = "case_deadlines"
    __table_args__ = (Index("ix_case_deadlines_due_at_reason", "due_at", "reason"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[int] = mapped_column(Integer)  # core.supervision.URGENCY_RANK
    subject: Mapped[str | None] = mapped_column(String(16), default=None)
    started_at: Mapped[datetime]
    warn_at: Mapped[datetime | None] = mapped_column(default=None)
    due_at: Mapped[datetime]
    on_record: Mapped[bool] = mapped_column(Boolean)


class CaseEventRow(Base):
    """The permanent record: one row per accepted action or clock event, written exactly once."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    actor_username: Mapped[str | None] = mapped_column(String(128), default=None)
    actor_role: Mapped[str | None] = mapped_column(String(32), default=None)
    actor_agency: Mapped[str | None] = mapped_column(String(64), default=None)
    fields: Mapped[dict[str, Any]]


class CaseAgency(Base):
    """Every agency that has held the case: the 'involvement' part of the access predicate."""

    __tablename__ = "case_agencies"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class Person(Base):
    """One person record across every case and agency: keyed by national ID (a Libyan), or by passport number
    and nationality (a foreigner), or by neither (a record split off by people's decision). A record merged into
    another points to it: its parties are that person's (store.people)."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("passport_number", "nationality"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    national_id: Mapped[str | None] = mapped_column(String(12), unique=True, default=None)
    #: the name first seen: never shown to a searcher (it may be a sealed case's); the cases name the person
    name: Mapped[str] = mapped_column(String(300))
    passport_number: Mapped[str | None] = mapped_column(String(20), default=None)
    nationality: Mapped[str | None] = mapped_column(String(3), default=None)
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None, index=True)
    created_at: Mapped[datetime | None] = mapped_column(default=None)


class PersonLink(Base):
    """A party assigned to a person record by a person's decision (a link, or parties split off into a record of
    their own): the projection keeps it over what the party's identifiers would say."""

    __tablename__ = "person_links"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    party_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("person_decisions.id"))


class PersonDecision(Base):
    """A merge, an undone merge, a link or a split of person records: who decided it, with what role, why.
    Never made by the system itself."""

    __tablename__ = "person_decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # core.vocabulary.PersonDecisionKind
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    other_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None, index=True)
    parties: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"parties": [[case_id, party_id], ...]}
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(128))
    decided_role: Mapped[str] = mapped_column(String(32))
    decided_at: Mapped[datetime]


class PartyRow(Base):
    __tablename__ = "parties"
    __table_args__ = (Index("ix_parties_name_normalized", "name_normalized"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    party_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    role: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300))
    name_normalized: Mapped[str] = mapped_column(String(300))
    national_id: Mapped[str | None] = mapped_column(String(12), default=None, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None, index=True)
    passport_number: Mapped[str | None] = mapped_column(String(20), default=None, index=True)
    nationality: Mapped[str | None] = mapped_column(String(3), default=None)
    birth_date: Mapped[str | None] = mapped_column(String(10), default=None)
    birth_place: Mapped[str | None] = mapped_column(String(300), default=None)
    mother_name: Mapped[str | None] = mapped_column(String(300), default=None)


class CaseNumber(Base):
    """Per agency and year, the last case number given (numbers are never reused)."""

    __tablename__ = "case_numbers"

    agency: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class CaseNumberReservation(Base):
    """The number a case got, by the case's id (decided before its workflow starts): a retried opening or
    severance finds its number here instead of drawing another, so that no number of a register is skipped."""

    __tablename__ = "case_number_reservations"

    case_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)


class CaseGrant(Base):
    """An explicit grant: the agency may see the case (sealed ones too) without having held it."""

    __tablename__ = "case_grants"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), primary_key=True, index=True)
    granted_by: Mapped[str] = mapped_column(String(128))
    granted_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")


class Document(Base):
    """A stored document, by content: the bytes live on disk under `settings.documents_dir`, keyed by sha256."""

    __tablename__ = "documents"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_by: Mapped[str] = mapped_column(String(128))
    uploaded_at: Mapped[datetime]
    first_case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)


class CaseDocumentLink(Base):
    """A document a case may name (store.documents): uploaded to it, or copied to it on purpose by someone
    who may read both cases. A content hash alone is no key to a document: only a link is."""

    __tablename__ = "case_document_links"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("documents.sha256"), primary_key=True)
    how: Mapped[str] = mapped_column(String(16))  # upload | copy | attached (before links existed)
    linked_by: Mapped[str] = mapped_column(String(128))
    linked_at: Mapped[datetime]
    from_case_id: Mapped[str | None] = mapped_column(String(64), default=None)  # a copy's source


class CriminalRecord(Base):
    """One final conviction of one accused in one case (السجل الجنائي), written from the procedure."""

    __tablename__ = "criminal_records"
    __table_args__ = (UniqueConstraint("case_id", "party_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    party_id: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None, index=True)
    national_id: Mapped[str | None] = mapped_column(String(12), default=None, index=True)
    name: Mapped[str] = mapped_column(String(300))
    name_normalized: Mapped[str] = mapped_column(String(300), index=True)
    offence: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    sensitivity: Mapped[str] = mapped_column(String(16))
    sentence: Mapped[str | None] = mapped_column(Text, default=None)
    court: Mapped[str] = mapped_column(String(64))
    verdict_at: Mapped[datetime]
    final_at: Mapped[datetime]
    executed_at: Mapped[datetime | None] = mapped_column(default=None)
    recorded_at: Mapped[datetime]
    #: when and how the sentence ended (served, remitted, prescribed): the lapse runs from it (core.records)
    sentence_ended_at: Mapped[datetime | None] = mapped_column(default=None)
    sentence_end_ground: Mapped[str | None] = mapped_column(String(16), default=None)
    #: under the age of majority on the day of the offence (core.juveniles), as the party's birth date said
    juvenile: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class RecordRemoval(Base):
    """An entry removed from the criminal record for good, with its ground: a judgment quashed after it was
    final, or a general amnesty; the reference is the judgment's or the amnesty law's."""

    __tablename__ = "record_removals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("criminal_records.id"), unique=True)
    ground: Mapped[str] = mapped_column(String(16))  # core.vocabulary.RecordRemovalGround
    reference: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime]
    authority: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime]


class RehabilitationOrder(Base):
    """رد الاعتبار: a court's (or the law's) order that clears one record entry from certificates."""

    __tablename__ = "rehabilitation_orders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("criminal_records.id"), unique=True)
    order_number: Mapped[str] = mapped_column(String(64))
    ordered_at: Mapped[datetime]
    court: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime]


class Certificate(Base):
    """A citizen's request for a criminal-status certificate and, once issued, the certificate.

    The PDF lives under `state_dir/certificates/`, its Ed25519 signature here."""

    __tablename__ = "certificates"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    national_id: Mapped[str] = mapped_column(String(12), index=True)
    holder_name: Mapped[str] = mapped_column(String(300))
    requested_by: Mapped[str] = mapped_column(String(128))
    purpose: Mapped[str] = mapped_column(String(300))
    english: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), index=True)  # computing | in_review | issued | rejected
    result: Mapped[str | None] = mapped_column(String(16), default=None)  # clean | convictions
    finding: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    listed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"entries": [...]} printed on it
    rejection_reason: Mapped[str | None] = mapped_column(Text, default=None)
    requested_at: Mapped[datetime]
    review_due_at: Mapped[datetime | None] = mapped_column(default=None)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by: Mapped[str | None] = mapped_column(String(128), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    verification_code: Mapped[str | None] = mapped_column(String(32), unique=True, default=None)
    issued_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revocation_reason: Mapped[str | None] = mapped_column(Text, default=None)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    signature: Mapped[str | None] = mapped_column(String(128), default=None)  # base64 Ed25519 over the PDF bytes
    key_id: Mapped[str | None] = mapped_column(String(32), default=None)
    #: the holder as the records know them (four-part name, birth date and place, mother's name where recorded)
    holder: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    #: findings of the holder's own record left off, by record id, each with its ground (four eyes)
    omissions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    approved_by: Mapped[str | None] = mapped_column(String(128), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(default=None)


class WebSessionRow(Base):
    """The web's server-side state, by a random key that only a signed cookie carries: a login session
    (its Keycloak tokens never leave the server), a PKCE login in progress, or a form posted after a
    session had ended. Kept in the database so that any API process, or one restarted, serves it."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # session | login | stash
    username: Mapped[str | None] = mapped_column(String(128), default=None, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class IdempotencyKey(Base):
    """A client's idempotency key: the request it was first sent with, and its first answer (store.idempotency)."""

    __tablename__ = "idempotency_keys"

    username: Mapped[str] = mapped_column(String(128), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of the request it was first sent with
    result: Mapped[str | None] = mapped_column(Text, default=None)  # the first answer, once there is one
    created_at: Mapped[datetime]


class DirectoryUser(Base):
    """Who can be told: every user Mizan has seen (loaded from the demo realm at set-up, and kept current
    from each user's own token when they call), with where they work and how they want to be reached."""

    __tablename__ = "directory_users"

    username: Mapped[str] = mapped_column(String(128), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(300), default="")
    agency: Mapped[str] = mapped_column(String(64), index=True, default="")
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    language: Mapped[str] = mapped_column(String(8), default="ar")  # of their emails
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    muted_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # kinds they want no email about
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime]


class Notification(Base):
    """Something someone must act on (core.notifications.Notice): one row per notice, whoever receives it."""

    __tablename__ = "notifications"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # a digest of the notice's key
    key: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(48))
    case_id: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    case_number: Mapped[str | None] = mapped_column(String(64), default=None)
    certificate_id: Mapped[str | None] = mapped_column(String(32), default=None)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime]  # when what it tells of happened
    created_at: Mapped[datetime]


class NotificationDelivery(Base):
    """One notification to one recipient by one channel, and where it stands (core.vocabulary.DeliveryStatus)."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        UniqueConstraint("notification_id", "recipient", "channel"),
        Index("ix_notification_deliveries_inbox", "recipient", "channel", "status", "created_at"),
        Index("ix_notification_deliveries_queue", "channel", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    notification_id: Mapped[str] = mapped_column(ForeignKey("notifications.id"))
    recipient: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(320), default=None)  # the email address it went to
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)  # while `sending`
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
