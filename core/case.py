"""A case's state and its events: plain dataclasses, carried by the workflow and the read model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.clocks import RuleBook
from core.vocabulary import (
    DEFENDANT_ROLES,
    AgencyKind,
    Category,
    ClockStatus,
    CourtLevel,
    Custody,
    Outcome,
    PartyRole,
    Sensitivity,
    Stage,
    VerdictResult,
)


@dataclass
class AgencyRef:
    """An agency as a decision needs it, resolved by the API from the agency tree."""

    code: str
    kind: AgencyKind
    region: str | None = None
    level: CourtLevel | None = None  # a court's level (core.vocabulary.CourtLevel)
    appeals_to: str | None = None  # a first-instance court: the court of appeal that hears its appeals
    name_ar: str = ""  # for a refusal that names it
    name_en: str = ""

    def name(self, language: str) -> str:
        return (self.name_ar if language == "ar" else self.name_en) or self.code


@dataclass
class CaseRef:
    """Another case named in a field (merge_into), as the API found it for the caller."""

    case_id: str
    stage: Stage
    visible: bool


@dataclass
class Actor:
    """Who acts, as the API established it from a verified token and the agency tree."""

    username: str
    roles: list[str]  # the token's realm roles as sent (Keycloak's own among them): core.roles reads them
    agency: str
    agency_kind: str  # an AgencyKind, or "" for a user of no known agency
    region: str | None = None
    scope: list[str] = field(default_factory=list)  # agencies a supervisor oversees
    national: bool = False  # a supervisor or investigator whose scope is the whole country


@dataclass
class ActorRef:
    username: str
    role: str
    agency: str


@dataclass
class ActionCommand:
    action: str
    actor: Actor
    fields: dict[str, Any] = field(default_factory=dict)
    targets: dict[str, AgencyRef] = field(default_factory=dict)  # agency fields, resolved by the API
    request_id: str = ""
    cases: dict[str, CaseRef] = field(default_factory=dict)  # case fields, resolved by the API
    #: the courts of the agency tree (and the Supreme Court), as the API knew them, for an action that names an
    #: agency: which court is competent, and the one a refusal names (core.competence)
    courts: list[AgencyRef] = field(default_factory=list)


@dataclass
class CaseEvent:
    seq: int
    name: str  # an action name, or a clock event: clock_warning / clock_expired / verdict_final / ...
    at: datetime
    actor: ActorRef | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class Party:
    party_id: str
    role: PartyRole
    name: str
    national_id: str | None = None
    custody: Custody = Custody.free
    #: the days judges added to this person's detention during the investigation (the cap counts them)
    detention_days_extended: int = 0
    #: the days added by extensions of other periods, by clock (the trial court's: `trial_detention`)
    days_extended: dict[str, int] = field(default_factory=dict)
    #: since when the case holds this person without a break (None: free), and the time held before it, in
    #: seconds: the custody and detention a sentence credits (core.sentences)
    held_since: datetime | None = None
    held_seconds: float = 0.0
    #: the prison a convict is committed to or held in (commit_to_prison, transfer_prisoner)
    prison: str | None = None
    #: a foreigner's identifier (with its issuing country, ISO 3166-1 alpha-3); a Libyan's is the national ID
    passport_number: str | None = None
    nationality: str | None = None
    birth_date: str | None = None  # ISO date
    #: where the person was born and their mother's name, as a police report or ID card records them: with the
    #: four-part name and the birth date, what tells a certificate's holder apart from a namesake
    birth_place: str | None = None
    mother_name: str | None = None
    aliases: list[str] = field(default_factory=list)  # other names the person goes by
    #: an accused's own outcome: decided for them alone (archive, lapse, reconciliation, severance) or, when the
    #: case closes, what their final verdict or the case's closing gave them (core.effects, per accused)
    outcome: Outcome | None = None
    #: why, where the decision gives a ground (a lapse's ground, an archive's)
    outcome_ground: str | None = None
    #: the case this accused's proceedings were severed into (sever_accused)
    severed_to: str | None = None


@dataclass
class Clock:
    clock_id: str
    name: str
    started_at: datetime
    expires_at: datetime
    warn_at: datetime
    subject: str | None = None  # a party id, for per-person clocks and per-accused windows
    status: ClockStatus = ClockStatus.open
    warned: bool = False


@dataclass
class Handoff:
    handoff_id: str
    action: str
    from_agency: str
    to_agency: str
    at: datetime
    clock_id: str
    acknowledged_at: datetime | None = None
    escalated: bool = False


@dataclass
class Verdict:
    party_id: str
    result: VerdictResult
    in_absentia: bool
    at: datetime
    court: str
    level: Stage  # the stage it was given in: trial | appeal | cassation
    sentence: str | None = None
    recorded_at: datetime | None = None  # when it was entered; `at` is when it was pronounced
    served_at: datetime | None = None
    final: bool = False
    challenged: bool = False
    executed_at: datetime | None = None  # when the execution of this convict's sentence was first recorded
    #: the sentence as data beside the judge's wording (core.fields: kind, years, months, days, fine), when given
    penalty: dict[str, Any] | None = None
    #: when and how the sentence came to its end (served, remitted, prescribed): the record's lapse runs from it
    sentence_ended_at: datetime | None = None
    sentence_end_ground: str | None = None
    #: the time the case had held the convict when the execution began, in seconds: the custody it credits
    credit_seconds: float | None = None


@dataclass
class Hearing:
    at: datetime
    court: str
    room: str | None = None
    entered_late: bool = False  # entered once it had been held (a past hearing recorded afterwards)


@dataclass
class StalledReason:
    reason: str  # clock name, or "idle"
    since: datetime
    clock_id: str | None = None


@dataclass
class Qualification:
    """The facts' legal description as it stood from `seq` on: the report's, then each requalification by the
    prosecution's referral or a court's verdict (the history is kept; the case carries the latest)."""

    seq: int
    at: datetime
    category: Category
    charges: list[str]
    by_agency: str
    action: str


@dataclass
class SupervisionNote:
    """A supervisor's or a chief's note on a case (add_supervision_note): on the case's record, moving nothing."""

    seq: int
    at: datetime
    by: str
    agency: str
    text: str


@dataclass
class CaseState:
    case_id: str
    number: str
    stage: Stage
    owner_agency: str
    region: str | None
    offence: str
    category: Category
    sensitivity: Sensitivity
    opened_at: datetime
    occurred_at: datetime
    rules: RuleBook
    place: str = ""
    narrative: str = ""
    parties: list[Party] = field(default_factory=list)
    clocks: list[Clock] = field(default_factory=list)
    handoff: Handoff | None = None
    verdicts: list[Verdict] = field(default_factory=list)
    hearings: list[Hearing] = field(default_factory=list)
    charges: list[str] = field(default_factory=list)
    agencies_involved: list[str] = field(default_factory=list)
    opening_station: str = ""
    referring_prosecution: str | None = None
    outcome: Outcome | None = None
    stalled: list[StalledReason] = field(default_factory=list)
    merged_into: str | None = None
    seq: int = 0
    last_activity_at: datetime | None = None
    documents: list[dict[str, Any]] = field(default_factory=list)  # evidence and documents, by reference
    merged_from: list[str] = field(default_factory=list)  # cases joined into this one
    #: the kind of each agency that has held the case, as the hand-off that sent it there resolved it
    #: (empty for a case whose hand-offs predate the kinds: then the stage's owner kinds stand for it)
    agency_kinds: dict[str, AgencyKind] = field(default_factory=dict)
    #: the level of each court that has held the case, as the hand-off that sent it there resolved it (empty for
    #: hand-offs before courts had levels: then the category decides which challenge lies, as it did)
    court_levels: dict[str, CourtLevel] = field(default_factory=dict)
    #: notes by the case's supervisors and chiefs, oldest first
    supervision_notes: list[SupervisionNote] = field(default_factory=list)
    #: the legal description's history: empty until the first requalification (the report's is then first)
    qualifications: list[Qualification] = field(default_factory=list)
    #: a case severed from another (sever_accused there): that case's id and number
    severed_from: str | None = None
    severed_from_number: str | None = None
    #: a merged case: the custody of the people it held, carried to the case it joined (by party id)
    custody_carried: dict[str, dict[str, Any]] = field(default_factory=dict)

    def party(self, party_id: str) -> Party | None:
        return next((p for p in self.parties if p.party_id == party_id), None)

    def open_clocks(self) -> list[Clock]:
        return [c for c in self.clocks if c.status == "open"]

    def accused(self) -> list[Party]:
        return [p for p in self.parties if p.role in DEFENDANT_ROLES]

    def active_accused(self) -> list[Party]:
        """The accused whose proceedings go on in this case: none decided for them alone, none severed."""
        return [p for p in self.accused() if p.outcome is None]

    def latest_verdict(self, party_id: str) -> Verdict | None:
        found = [v for v in self.verdicts if v.party_id == party_id]
        return found[-1] if found else None


@dataclass
class MergeDelivery:
    """A merged case's parties and evidence, handed to the case it was joined into."""

    source_case_id: str
    source_number: str
    target_case_id: str
    parties: list[Party]
    documents: list[dict[str, Any]]
    #: the people held by the merged case when it was joined, by party id (core.custody.custody_to_carry)
    custody: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class CaseStart:
    """The workflow's input: a new case (`command`) or a carried-over state (continue-as-new)."""

    case_id: str
    number: str
    rules: RuleBook
    command: ActionCommand | None = None
    state: CaseState | None = None
    pending_events: list[CaseEvent] = field(default_factory=list)
    recorded_seq: int = 0
    indexed_seq: int = 0
    #: events in history before the case carries its state into a fresh run
    history_limit: int = 5_000
