"""The procedure as one data table: every action of DOMAIN.md, who may take it, where, with what, and
what it changes.

Validators, the API's `allowed_actions`, the web forms and `GET /api/v1/procedure` all read this
table; no other module hard-codes a stage rule or tests an action's name. A row names its guard (a
precondition implemented, pure, in `core.guards.GUARDS`) and declares its effects as data (the
dataclasses below, applied by `core.effects.apply`): where a hand-off goes, which clock starts from
which field, which party a retrial concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from core.vocabulary import (
    OPEN_STAGES,
    Category,
    Custody,
    LapseGround,
    OffenceClass,
    Outcome,
    PartyRole,
    ReleaseTerms,
    Role,
    Sensitivity,
    SentenceEnd,
    Stage,
)

PROCEDURE_VERSION = "2026.1"


class RuleRevision(IntEnum):
    """The rules the procedure gained while cases were running. A workflow decides an Update it replays by
    the revision in force when it was accepted (workflows.case, one `workflow.patched` per revision), so
    what was accepted then stays accepted."""

    original = 1
    #: a hand-off's receiver is of a kind that owns the stage; a reassignment keeps the kind of the holder
    agency_kinds = 2
    #: a judge extends detention only in a case their court holds or was asked to rule on
    courts_asked = 3
    #: a case is reassigned only within the branch that holds it: police stations by the Ministry's supervisors,
    #: prosecution offices within the prosecution's hierarchy, courts by the holding court's president
    separation_of_powers = 4
    #: competent courts are data in the agency tree: a felony to the felony chamber, a misdemeanour to a
    #: first-instance court of the case's region, an appeal to the court of appeal that the judging court names,
    #: a detention before a first-instance court, a court's case reassigned to a court of its level
    competent_courts = 5
    #: legal dates: a verdict states when it was pronounced, not before a hearing of the court giving it
    legal_dates = 6
    #: a remand returns the case to the court whose judgment was quashed (or another court of its level), in the
    #: stage that judgment was given in: a cassation remand of an appeal judgment goes back to appeal
    remand_to_quashed_court = 7
    #: everything per accused: a court rules on the accused whose verdict is before it (none judged twice, none
    #: dragged before an appeal they did not bring); a remand retries only the accused whose judgment it quashes
    per_accused = 8
    #: custody and detention follow the person: a detention order only for a suspect or an accused not already
    #: detained; an extension only before the period ends, capped per stage; police custody handed over to the
    #: prosecution at referral; a person held carried across a merge; no case closes while it holds someone
    custody_follows_person = 9
    #: sentences as data and the prison: a death sentence is executed only once the Supreme Court has confirmed it;
    #: a convict is committed to a prison, which admits, transfers and releases them; the case closes once every
    #: convict's execution is recorded; only the prison releases a prisoner
    sentences_and_prison = 10
    #: an accused under 18 at the offence is tried by the juvenile court of the case's region (core.juveniles)
    juvenile_route = 11
    #: a prisoner's term runs as a clock from their admission (the sentence's term less the credit): near its end
    #: the prison and the prosecution are told, and past it with no release recorded the case is flagged and
    #: escalated, a person held beyond their sentence being the gravest of delays
    sentence_term = 12
    #: a judgment that acquits, or sentences to no imprisonment (a fine, a suspended sentence, community service,
    #: confiscation), releases the accused it holds in custody or detention at once: the verdict records the
    #: release, the custody clocks stop (they ran on until their own expiry before)
    released_by_judgment = 13


#: the rules of this table; an older revision only replays what was accepted under it
LATEST_REVISION = max(RuleRevision)


class Who(StrEnum):
    """Which agency may act, beside the role check."""

    owner = "owner"  # the agency that owns the case now
    receiver = "receiver"  # the agency a pending hand-off is addressed to
    competent_court = "competent_court"  # a court of the case's region (or the one holding it)
    referring_prosecution = "referring_prosecution"  # the office that referred the case to court
    owner_or_referring_prosecution = "owner_or_referring_prosecution"
    own_station = "own_station"  # open_case: the caller's own police station
    holding_prison = "holding_prison"  # a prison a convict of the case is committed to or held in
    scope = "scope"  # a supervisor within their scope (their agency's subtree), of the branch that holds the case
    # (core.roles); a chief within their own agency


class FieldKind(StrEnum):
    line = "line"  # one line: a name, a place, a title (core.text.LINE_MAX)
    text = "text"  # prose: a narrative, a statement, grounds; keeps its line breaks (core.text.PROSE_MAX)
    national_id = "national_id"
    passport_number = "passport_number"  # letters and digits (core.text.check_passport_number)
    nationality = "nationality"  # an ISO 3166-1 alpha-3 code (core.countries)
    past_date = "past_date"  # a date, not after today: a date of birth
    names = "names"  # a list of other names (aliases)
    past_datetime = "past_datetime"
    future_datetime = "future_datetime"
    datetime = "datetime"  # past or future: a hearing scheduled, or one already held and entered late
    agency = "agency"
    party = "party"  # a party id of this case
    parties = "parties"  # new parties: list of {role, name, national_id?} and the other identity fields, if known
    choice = "choice"
    texts = "texts"  # a non-empty list of strings
    verdicts = "verdicts"  # list of {party_id, result, sentence?, in_absentia}
    integer = "integer"
    document = "document"  # a stored document's content address
    case = "case"  # another case's id


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    required: bool = True
    choices: tuple[StrEnum, ...] = ()  # a choice field's values: the members of one vocabulary enum
    label_ar: str = ""
    label_en: str = ""
    #: a required field the law asks for since this revision: an Update replayed from before it may lack it
    required_since: RuleRevision | None = None
    #: an optional choice's value when none is given, which a form shows chosen (a report's sensitivity); without
    #: one, leaving the field out means "as it stands" (a requalification's category)
    default: StrEnum | None = None

    def required_under(self, revision: RuleRevision) -> bool:
        return self.required and (self.required_since is None or revision >= self.required_since)

    @property
    def chooses_parties(self) -> bool:
        """A field whose values name parties of the case: one (party) or each one ruled on (verdicts)."""
        return self.kind in (FieldKind.party, FieldKind.verdicts)


# ---------------------------------------------------------------- effects: what an accepted action changes
# Each is data: its arguments say which fields it reads, so no effect needs to know the action's name.


@dataclass(frozen=True)
class AddParties:
    """The parties listed in a `parties` field join the case."""

    field: str


@dataclass(frozen=True)
class AddParty:
    """One party joins the case, from the fields `role`, `name` and, when known, `national_id`,
    `passport_number` with `nationality`, `birth_date` and `aliases`."""


@dataclass(frozen=True)
class IdentifyParty:
    """The chosen party is identified: the identifiers given (national ID; passport number and nationality)
    and date of birth are added to what the party already carries."""

    party_field: str = "party_id"


@dataclass(frozen=True)
class EnterStage:
    """The case enters `stage` (the stage's own clock starts again), or the stage its event names in `stage_field`
    (a remand: the stage the quashed judgment was given in; decided with the action, so the log says it)."""

    stage: Stage
    stage_field: str | None = None


@dataclass(frozen=True)
class ClearOutcome:
    """A closed case is open again: it carries no outcome."""


@dataclass(frozen=True)
class KeepDocument:
    """The case keeps a reference to a document or to seized evidence, titled by `title_field`."""

    title_field: str
    document_field: str = "document"


@dataclass(frozen=True)
class Hold:
    """The chosen party is held from now on, and `clock` runs on their custody."""

    clock: str
    custody: Custody
    party_field: str = "party_id"
    since_field: str | None = None  # the field that gives the instant the clock starts from; None: the action's


@dataclass(frozen=True)
class Release:
    """The chosen party is no longer held by this case: every custody clock on them stops."""

    party_field: str = "party_id"


@dataclass(frozen=True)
class ExtendDetention:
    """A judge extends the chosen party's detention: `clock` runs again, for the days asked; before the trial
    court, `trial_clock` (decided with the action, in `clock_field`, so the log says which period runs)."""

    clock: str
    days_field: str = "days"
    party_field: str = "party_id"
    trial_clock: str | None = None
    clock_field: str = "detention_clock"


@dataclass(frozen=True)
class HandOverCustody:
    """The people in `from_custody` are handed over with the file: their clocks stop, and `clock` runs on them in
    `to_custody`. Who is handed over is decided with the action (in `field`), so the log says it."""

    from_custody: Custody
    to_custody: Custody
    clock: str
    field: str = "custody_handed_over"


@dataclass(frozen=True)
class Acknowledge:
    """The receiving agency confirms it has the file: the hand-off's clock stops."""


@dataclass(frozen=True)
class RecordCharges:
    """The charges go on the case, and its suspects become accused."""

    field: str


@dataclass(frozen=True)
class RememberReferringProsecution:
    """The agency holding the case now is the prosecution that referred it (it files challenges, and takes
    the case back when the judgment is final)."""


@dataclass(frozen=True)
class ScheduleHearing:
    """A hearing, dated by `field`, before the court holding the case: one already held is marked entered late."""

    field: str
    room_field: str | None = None


@dataclass(frozen=True)
class RecordVerdicts:
    """A verdict per accused ruled on: final at once, or with its challenge windows, which run from the date it
    was pronounced (`pronounced_field`; a verdict recorded before it existed was pronounced as it was entered)."""

    field: str
    pronounced_field: str | None = None


@dataclass(frozen=True)
class ServeVerdict:
    """An in-absentia verdict is served on the chosen accused: their windows start from `served_field`."""

    party_field: str = "party_id"
    served_field: str = "served_at"


@dataclass(frozen=True)
class Challenge:
    """The chosen accused's verdict is challenged: its windows close (a stage entry says where it goes)."""

    party_field: str = "party_id"


@dataclass(frozen=True)
class Retrial:
    """Verdicts not yet final are set aside, to be heard again: the chosen party's, or with no field every
    accused's (a remand quashes the whole judgment)."""

    party_field: str | None = None


@dataclass(frozen=True)
class RecordExecution:
    """The chosen convict's sentence is being executed: their verdict carries the instant, for the record."""

    party_field: str = "party_id"


@dataclass(frozen=True)
class CommitToPrison:
    """The chosen convict is committed to the prison in `to_field`: a hand-off of the person, which that prison
    acknowledges by admitting them (`clock` runs until then); the prison takes a part in the case from now on."""

    clock: str = "committal_ack"
    party_field: str = "party_id"
    to_field: str = "to_agency"


@dataclass(frozen=True)
class AdmitToPrison:
    """The prison admits the convict committed to it: their committal's clock stops, and the execution of their
    sentence starts (the first admission is its instant, for the record)."""

    party_field: str = "party_id"


@dataclass(frozen=True)
class EndSentence:
    """The chosen convict's sentence has ended (served, remitted, prescribed), at the instant `at_field` gives or the
    action's: the criminal record's lapse runs from it; a prisoner leaves the prison, free."""

    ground_field: str = "ground"
    party_field: str = "party_id"
    at_field: str | None = None


@dataclass(frozen=True)
class JoinCase:
    """The case is joined to the case named in `field` (which receives its parties and evidence)."""

    field: str


@dataclass(frozen=True)
class KeepNote:
    """The note in `field` stays on the case, signed by whoever wrote it (a supervision note)."""

    field: str


@dataclass(frozen=True)
class Close:
    """The case closes with `outcome`: its clocks stop, nobody is held by it any more."""

    outcome: Outcome


@dataclass(frozen=True)
class Dispose:
    """`outcome` for the accused chosen in `party_field` alone (their clocks stop, they are held no more by this
    case; the case closes once no accused is left), or, with none chosen, for the whole case (as `Close`).
    `ground_field` names the field whose value is the ground recorded with it."""

    outcome: Outcome
    party_field: str = "party_id"
    ground_field: str | None = None


@dataclass(frozen=True)
class Requalify:
    """The facts' legal description changes: the category in `category_field` and the charges in
    `charges_field`, where given and different; the earlier description stays in the history."""

    category_field: str = "category"
    charges_field: str = "charges"


@dataclass(frozen=True)
class Sever:
    """The chosen accused's proceedings leave this case for a case of their own, whose id the event names in
    `case_field` and whose first event (`severed_in`) carries the accused's file as it stood (`file_field`)."""

    party_field: str = "party_id"
    case_field: str = "severed_case_id"
    file_field: str = "severed_file"


@dataclass(frozen=True)
class CloseByVerdicts:
    """The case closes with the outcome its final verdicts give: convicted if any accused is."""


@dataclass(frozen=True)
class Involve:
    """The agency named in `field` takes a part in the case without holding it (a court asked to rule on a
    detention): it sees the case from now on, as every agency that has held it does (core.access)."""

    field: str


@dataclass(frozen=True)
class HandOff:
    """The case moves to another agency, which must acknowledge it: the agency in `to_field`, or the station
    that opened the case."""

    to_field: str | None = None
    to_opening_station: bool = False

    def __post_init__(self) -> None:
        if (self.to_field is None) == (not self.to_opening_station):
            raise ValueError("a hand-off goes either to a field's agency or back to the opening station")


Effect = (AddParties | AddParty | IdentifyParty | EnterStage | ClearOutcome | KeepDocument | Hold | Release
          | ExtendDetention | HandOverCustody | Acknowledge | RecordCharges | RememberReferringProsecution
          | ScheduleHearing | RecordVerdicts | ServeVerdict | Challenge | Retrial | RecordExecution | JoinCase | Close
          | CloseByVerdicts | Involve | HandOff | KeepNote | CommitToPrison | AdmitToPrison | EndSentence | Dispose
          | Requalify | Sever)


def effect_name(effect: Effect) -> str:
    """An effect's name as `GET /api/v1/procedure` publishes it: `EnterStage` is `enter_stage`."""
    name = type(effect).__name__
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


@dataclass(frozen=True)
class ActionRule:
    name: str
    label_ar: str
    label_en: str
    stages: frozenset[Stage]
    roles: frozenset[Role]
    who: Who
    fields: tuple[FieldSpec, ...] = ()
    guard: str | None = None  # a named precondition in core.guards.GUARDS
    effects: tuple[Effect, ...] = ()  # applied in order by core.effects.apply
    opens_case: bool = False  # the action that creates a case (it has no state to act on)
    #: the provision of the Code of Criminal Procedure behind it, where confirmed (docs/procedure.md: "verify")
    article: str = ""
    #: the action moves the case on: the idle period starts again from it (a supervisor's note moves nothing)
    activity: bool = True

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def handoff(self) -> HandOff | None:
        return next((e for e in self.effects if isinstance(e, HandOff)), None)

    @property
    def enters(self) -> Stage | None:
        """The stage the case enters, if the action moves it."""
        return next((e.stage for e in self.effects if isinstance(e, EnterStage)), None)

    @property
    def party_field(self) -> FieldSpec | None:
        """The field that chooses the parties the action concerns (at most one per action)."""
        return next((f for f in self.fields if f.chooses_parties), None)

    @property
    def agency_field(self) -> FieldSpec | None:
        """The field that names an agency: a hand-off's receiver (at most one per action)."""
        return next((f for f in self.fields if f.kind is FieldKind.agency), None)


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


def _stages(*stages: Stage) -> frozenset[Stage]:
    return frozenset(stages)


F = FieldSpec
K = FieldKind
POLICE = _roles(Role.police_officer, Role.station_chief)
OWNER_ANY = frozenset(Role) - {Role.citizen, Role.auditor, Role.investigator, Role.records_officer}
CHALLENGERS = _roles(Role.court_clerk, Role.prosecutor)
#: who watches over the cases of their scope: supervisors, and the chiefs over their own agency's
SUPERVISORS = _roles(Role.supervisor, Role.station_chief, Role.chief_prosecutor)
TO_AGENCY = HandOff(to_field="to_agency")
#: a foreigner's identifier and a date of birth, beside the national ID (add_party, identify_party)
IDENTITY_FIELDS = (
    F("passport_number", K.passport_number, required=False, label_ar="رقم جواز السفر", label_en="Passport number"),
    F("nationality", K.nationality, required=False, label_ar="الجنسية", label_en="Nationality"),
    F("birth_date", K.past_date, required=False, label_ar="تاريخ الميلاد", label_en="Date of birth"),
    F("birth_place", K.line, required=False, label_ar="مكان الميلاد", label_en="Place of birth"),
    F("mother_name", K.line, required=False, label_ar="اسم الأم", label_en="Mother's name"),
)

#: the accused a decision is for, where it may be taken for one accused alone (archive, lapse, reconciliation)
ONE_ACCUSED = F("party_id", K.party, required=False, label_ar="المتهم (عند قصر القرار عليه)",
                label_en="Accused (when for this one alone)")
#: a requalification of the facts: the new category (the charges are their own field)
REQUALIFIED_CATEGORY = F("category", K.choice, required=False, choices=tuple(Category),
                         label_ar="الوصف القانوني الجديد", label_en="New legal description")

ACTIONS: tuple[ActionRule, ...] = (
    ActionRule(
        "open_case", "فتح محضر", "Open a case", frozenset(), POLICE, Who.own_station,
        (
            F("offence", K.line, label_ar="الجريمة", label_en="Offence"),
            F("category", K.choice, choices=tuple(Category),
              label_ar="الوصف", label_en="Category"),
            F("sensitivity", K.choice, required=False, choices=tuple(Sensitivity),
              label_ar="السرية", label_en="Sensitivity", default=Sensitivity.normal),
            F("classification", K.choice, required=False, choices=tuple(OffenceClass),
              label_ar="طبيعة الجريمة", label_en="Classification", default=OffenceClass.ordinary),
            F("occurred_at", K.past_datetime, label_ar="تاريخ الواقعة", label_en="Occurred at"),
            F("place", K.line, label_ar="المكان", label_en="Place"),
            F("narrative", K.text, label_ar="ملخص الواقعة", label_en="Narrative"),
            F("parties", K.parties, required=False, label_ar="الأطراف", label_en="Parties"),
        ),
        effects=(AddParties("parties"), EnterStage(Stage.police_inquiry)), opens_case=True,
    ),
    ActionRule(
        "add_party", "إضافة طرف", "Add a party", OPEN_STAGES, OWNER_ANY, Who.owner,
        (
            F("role", K.choice, choices=tuple(PartyRole), label_ar="الصفة", label_en="Role"),
            F("name", K.line, label_ar="الاسم", label_en="Name"),
            F("national_id", K.national_id, required=False, label_ar="الرقم الوطني", label_en="National ID"),
            *IDENTITY_FIELDS,
            F("aliases", K.names, required=False, label_ar="أسماء أخرى", label_en="Other names"),
        ),
        effects=(AddParty(),),
    ),
    ActionRule(
        "identify_party", "إثبات هوية طرف", "Identify a party", OPEN_STAGES, OWNER_ANY, Who.owner,
        (
            F("party_id", K.party, label_ar="الطرف", label_en="Party"),
            F("national_id", K.national_id, required=False, label_ar="الرقم الوطني", label_en="National ID"),
            *IDENTITY_FIELDS,
        ),
        guard="identity_to_add", effects=(IdentifyParty(),),
    ),
    ActionRule(
        "record_statement", "تسجيل أقوال", "Record a statement",
        _stages(Stage.police_inquiry, Stage.prosecution), OWNER_ANY, Who.owner,
        (F("party_id", K.party, label_ar="الطرف", label_en="Party"),
         F("text", K.text, label_ar="الأقوال", label_en="Statement")),
    ),
    ActionRule(
        "add_evidence", "إضافة مضبوطات", "Add evidence",
        _stages(Stage.police_inquiry, Stage.prosecution), OWNER_ANY, Who.owner,
        (F("description", K.text, label_ar="الوصف", label_en="Description"),
         F("document", K.document, required=False, label_ar="مستند", label_en="Document")),
        effects=(KeepDocument(title_field="description"),),
    ),
    ActionRule(
        "attach_document", "إرفاق مستند", "Attach a document", OPEN_STAGES, OWNER_ANY, Who.owner,
        (F("document", K.document, label_ar="المستند", label_en="Document"),
         F("title", K.line, label_ar="العنوان", label_en="Title")),
        effects=(KeepDocument(title_field="title"),),
    ),
    ActionRule(
        "record_arrest", "تسجيل القبض", "Record an arrest", _stages(Stage.police_inquiry), POLICE, Who.owner,
        (F("party_id", K.party, label_ar="المقبوض عليه", label_en="Person"),
         F("arrested_at", K.past_datetime, label_ar="وقت القبض", label_en="Arrested at")),
        guard="arrest_after_report",
        effects=(Hold("police_custody", Custody.police_custody, since_field="arrested_at"),),
    ),
    ActionRule(
        "release_person", "إخلاء سبيل", "Release a person", OPEN_STAGES, OWNER_ANY, Who.owner,
        (F("party_id", K.party, label_ar="الشخص", label_en="Person"),
         F("reason", K.text, label_ar="السبب", label_en="Reason"),
         F("terms", K.choice, required=False, choices=tuple(ReleaseTerms), label_ar="نوع الإفراج",
           label_en="Terms of release", default=ReleaseTerms.unconditional)),
        guard="person_held",
        effects=(Release(),),
    ),
    ActionRule(
        "refer_to_prosecution", "إحالة إلى النيابة", "Refer to the prosecution",
        _stages(Stage.police_inquiry), _roles(Role.station_chief), Who.owner,
        (F("to_agency", K.agency, label_ar="النيابة المختصة", label_en="Prosecution office"),
         F("summary", K.text, required=False, label_ar="ملاحظات الإحالة", label_en="Referral note")),
        effects=(EnterStage(Stage.prosecution), TO_AGENCY,
                 HandOverCustody(Custody.police_custody, Custody.before_prosecution, "prosecution_custody")),
    ),
    ActionRule(
        "acknowledge_receipt", "تأكيد الاستلام", "Acknowledge receipt", OPEN_STAGES, OWNER_ANY, Who.receiver,
        guard="handoff_pending", effects=(Acknowledge(),),
    ),
    ActionRule(
        "request_further_inquiry", "طلب استيفاء", "Request further inquiry",
        _stages(Stage.prosecution), _roles(Role.prosecutor), Who.owner,
        (F("instructions", K.text, label_ar="المطلوب استيفاؤه", label_en="Instructions"),),
        effects=(EnterStage(Stage.police_inquiry), HandOff(to_opening_station=True)),
    ),
    ActionRule(
        "order_detention", "أمر حبس احتياطي", "Order pre-trial detention",
        _stages(Stage.prosecution), _roles(Role.prosecutor), Who.owner,
        (F("party_id", K.party, label_ar="المتهم", label_en="Accused"),
         F("grounds", K.text, label_ar="الأسباب", label_en="Grounds")),
        guard="may_be_detained",
        effects=(Release(), Hold("prosecution_detention", Custody.detained)), article="CCP Art. 176",
    ),
    ActionRule(
        "request_detention_extension", "طلب مد الحبس الاحتياطي", "Ask a judge to extend detention",
        _stages(Stage.prosecution), _roles(Role.prosecutor, Role.chief_prosecutor), Who.owner,
        (F("party_id", K.party, label_ar="المحبوس احتياطياً", label_en="Detained person"),
         F("to_agency", K.agency, label_ar="المحكمة المختصة", label_en="Competent court"),
         F("grounds", K.text, label_ar="أسباب الطلب", label_en="Grounds")),
        guard="detention_before_competent_court",
        effects=(Involve("to_agency"),),
    ),
    ActionRule(
        "extend_detention", "مد الحبس الاحتياطي", "Extend detention",
        _stages(Stage.prosecution, Stage.trial), _roles(Role.judge), Who.competent_court,
        (F("party_id", K.party, label_ar="المتهم", label_en="Accused"),
         F("days", K.integer, label_ar="المدة بالأيام", label_en="Days"),
         F("grounds", K.text, label_ar="الأسباب", label_en="Grounds")),
        guard="person_detained_within_cap",
        effects=(ExtendDetention("judicial_detention", trial_clock="trial_detention"),), article="CCP Art. 122",
    ),
    ActionRule(
        "archive", "حفظ الأوراق", "Archive", _stages(Stage.prosecution), _roles(Role.chief_prosecutor), Who.owner,
        (F("ground", K.text, label_ar="سبب الحفظ", label_en="Ground"), ONE_ACCUSED),
        guard="accused_in_proceedings", effects=(Dispose(Outcome.archived, ground_field="ground"),),
    ),
    ActionRule(
        "reopen", "إعادة فتح", "Reopen", _stages(Stage.closed), _roles(Role.chief_prosecutor), Who.owner,
        (F("reason", K.text, label_ar="السبب", label_en="Reason"),),
        guard="archived", effects=(ClearOutcome(), EnterStage(Stage.prosecution)),
    ),
    ActionRule(
        "refer_to_court", "إحالة إلى المحكمة", "Refer to court",
        _stages(Stage.prosecution), _roles(Role.chief_prosecutor), Who.owner,
        (F("to_agency", K.agency, label_ar="المحكمة", label_en="Court"),
         F("charges", K.texts, label_ar="التهم", label_en="Charges"), REQUALIFIED_CATEGORY),
        guard="has_accused",
        effects=(Requalify(), EnterStage(Stage.trial), RememberReferringProsecution(), RecordCharges("charges"),
                 TO_AGENCY),
    ),
    ActionRule(
        "schedule_hearing", "تحديد جلسة", "Schedule a hearing",
        _stages(Stage.trial, Stage.appeal, Stage.cassation), _roles(Role.court_clerk), Who.owner,
        (F("hearing_at", K.datetime, label_ar="موعد الجلسة", label_en="Hearing at"),
         F("room", K.line, required=False, label_ar="القاعة", label_en="Room")),
        guard="hearing_while_seized", effects=(ScheduleHearing("hearing_at", room_field="room"),),
    ),
    ActionRule(
        "adjourn_hearing", "تأجيل الجلسة", "Adjourn a hearing",
        _stages(Stage.trial, Stage.appeal, Stage.cassation), _roles(Role.judge, Role.court_clerk), Who.owner,
        (F("hearing_at", K.future_datetime, label_ar="الموعد الجديد", label_en="New date"),
         F("reason", K.text, label_ar="سبب التأجيل", label_en="Reason")),
        guard="hearing_scheduled", effects=(ScheduleHearing("hearing_at"),),
    ),
    ActionRule(
        "record_verdict", "تسجيل الحكم", "Record the verdict",
        _stages(Stage.trial, Stage.appeal, Stage.cassation), _roles(Role.judge), Who.owner,
        (F("verdicts", K.verdicts, label_ar="الأحكام", label_en="Verdicts"),
         F("pronounced_at", K.past_datetime, label_ar="تاريخ النطق بالحكم", label_en="Pronounced at",
           required_since=RuleRevision.legal_dates),
         REQUALIFIED_CATEGORY,
         F("charges", K.texts, required=False, label_ar="التهم بعد إعادة الوصف", label_en="Charges as requalified")),
        guard="hearing_held",
        effects=(Requalify(), RecordVerdicts("verdicts", pronounced_field="pronounced_at")),
    ),
    ActionRule(
        "serve_verdict", "إعلان الحكم الغيابي", "Serve an in-absentia verdict",
        _stages(Stage.trial, Stage.appeal), _roles(Role.court_clerk), Who.owner,
        (F("party_id", K.party, label_ar="المحكوم عليه", label_en="Accused"),
         F("served_at", K.past_datetime, label_ar="تاريخ الإعلان", label_en="Served at")),
        guard="verdict_in_absentia_unserved", effects=(ServeVerdict(),),
    ),
    ActionRule(
        "file_objection", "معارضة", "File an objection",
        _stages(Stage.trial, Stage.appeal), _roles(Role.court_clerk), Who.owner,
        (F("party_id", K.party, label_ar="المعارض", label_en="Accused"),),
        guard="objection_window_open", effects=(Retrial(party_field="party_id"),),
    ),
    ActionRule(
        "file_appeal", "استئناف", "File an appeal", _stages(Stage.trial, Stage.appeal), CHALLENGERS,
        Who.owner_or_referring_prosecution,
        (F("party_id", K.party, label_ar="المحكوم عليه", label_en="Accused"),
         F("to_agency", K.agency, label_ar="محكمة الاستئناف", label_en="Appeal court")),
        guard="appeal_window_open", effects=(Challenge(), EnterStage(Stage.appeal), TO_AGENCY),
        article="CCP Art. 369 (the ten days)",
    ),
    ActionRule(
        "file_cassation", "طعن بالنقض", "File for cassation", _stages(Stage.trial, Stage.appeal, Stage.cassation),
        CHALLENGERS,
        Who.owner_or_referring_prosecution,
        (F("party_id", K.party, label_ar="المحكوم عليه", label_en="Accused"),
         F("to_agency", K.agency, label_ar="المحكمة العليا", label_en="Supreme Court")),
        guard="cassation_window_open", effects=(Challenge(), EnterStage(Stage.cassation), TO_AGENCY),
    ),
    ActionRule(
        "remand", "إعادة للمحكمة", "Remand for retrial", _stages(Stage.appeal, Stage.cassation),
        _roles(Role.judge), Who.owner,
        (F("to_agency", K.agency, label_ar="المحكمة", label_en="Court"),
         F("reasons", K.text, label_ar="الأسباب", label_en="Reasons")),
        guard="remand_to_quashed_court",
        effects=(EnterStage(Stage.trial, stage_field="remand_stage"), Retrial(), TO_AGENCY),
    ),
    ActionRule(
        "record_execution", "تسجيل التنفيذ", "Record execution", _stages(Stage.final, Stage.execution),
        _roles(Role.prosecutor, Role.prison_officer), Who.owner,
        (F("party_id", K.party, label_ar="المحكوم عليه", label_en="Convicted person"),
         F("detail", K.text, label_ar="بيان التنفيذ", label_en="Detail")),
        guard="convicted_party", effects=(EnterStage(Stage.execution), RecordExecution()),
    ),
    ActionRule(
        "commit_to_prison", "إيداع المحكوم عليه المؤسسة", "Commit to prison", _stages(Stage.final, Stage.execution),
        _roles(Role.prosecutor, Role.chief_prosecutor), Who.owner,
        (F("party_id", K.party, label_ar="المحكوم عليه", label_en="Convicted person"),
         F("to_agency", K.agency, label_ar="مؤسسة الإصلاح والتأهيل", label_en="Prison")),
        guard="committable_convict",
        effects=(EnterStage(Stage.execution), CommitToPrison(), Involve("to_agency")),
    ),
    ActionRule(
        "admit_to_prison", "استلام المحكوم عليه", "Admit to prison", _stages(Stage.execution),
        _roles(Role.prison_officer), Who.holding_prison,
        (F("party_id", K.party, label_ar="المحكوم عليه", label_en="Convicted person"),),
        guard="committed_here", effects=(AdmitToPrison(),),
    ),
    ActionRule(
        "transfer_prisoner", "نقل نزيل", "Transfer a prisoner", _stages(Stage.execution),
        _roles(Role.prison_officer), Who.holding_prison,
        (F("party_id", K.party, label_ar="النزيل", label_en="Prisoner"),
         F("to_agency", K.agency, label_ar="المؤسسة المنقول إليها", label_en="To prison"),
         F("reason", K.text, label_ar="سبب النقل", label_en="Reason")),
        guard="imprisoned_here", effects=(CommitToPrison(), Involve("to_agency")),
    ),
    ActionRule(
        "release_prisoner", "الإفراج عن نزيل", "Release a prisoner", _stages(Stage.execution),
        _roles(Role.prison_officer), Who.holding_prison,
        (F("party_id", K.party, label_ar="النزيل", label_en="Prisoner"),
         F("ground", K.choice, choices=tuple(SentenceEnd), label_ar="سبب الإفراج", label_en="Ground")),
        guard="imprisoned_here", effects=(EndSentence(),),
    ),
    ActionRule(
        "record_sentence_end", "إثبات انقضاء العقوبة", "Record the end of a sentence",
        _stages(Stage.final, Stage.execution), _roles(Role.prosecutor, Role.chief_prosecutor), Who.owner,
        (F("party_id", K.party, label_ar="المحكوم عليه", label_en="Convicted person"),
         F("ground", K.choice, choices=tuple(SentenceEnd), label_ar="سبب الانقضاء", label_en="Ground"),
         F("ended_at", K.past_datetime, label_ar="تاريخ الانقضاء", label_en="Ended at")),
        guard="sentence_to_end", effects=(EnterStage(Stage.execution), EndSentence(at_field="ended_at")),
    ),
    ActionRule(
        "close_case", "إغلاق القضية", "Close the case", _stages(Stage.final, Stage.execution),
        _roles(Role.chief_prosecutor), Who.owner, guard="nothing_left_to_execute",
        effects=(CloseByVerdicts(),),
    ),
    ActionRule(
        "record_reconciliation", "إثبات الصلح", "Record reconciliation",
        _stages(Stage.prosecution, Stage.trial, Stage.appeal), _roles(Role.chief_prosecutor, Role.judge),
        Who.owner, (F("terms", K.text, label_ar="شروط الصلح", label_en="Terms"), ONE_ACCUSED),
        guard="reconcilable", effects=(Dispose(Outcome.reconciled),),
    ),
    ActionRule(
        "declare_lapsed", "انقضاء الدعوى", "Declare lapsed", OPEN_STAGES,
        _roles(Role.chief_prosecutor, Role.judge), Who.owner,
        (F("ground", K.choice, choices=tuple(LapseGround), label_ar="سبب الانقضاء",
           label_en="Ground"), ONE_ACCUSED),
        guard="accused_in_proceedings", effects=(Dispose(Outcome.lapsed, ground_field="ground"),),
    ),
    ActionRule(
        "merge_into", "ضم إلى قضية", "Merge into another case", _stages(Stage.police_inquiry, Stage.prosecution),
        _roles(Role.chief_prosecutor), Who.owner,
        (F("target_case_id", K.case, label_ar="القضية", label_en="Target case"),),
        guard="merge_target_open", effects=(JoinCase("target_case_id"), Close(Outcome.merged)),
    ),
    ActionRule(
        "sever_accused", "فصل الدعوى بالنسبة لمتهم", "Sever an accused's proceedings",
        _stages(Stage.prosecution, Stage.trial, Stage.appeal), _roles(Role.chief_prosecutor, Role.judge), Who.owner,
        (F("party_id", K.party, label_ar="المتهم", label_en="Accused"),
         F("reason", K.text, label_ar="أسباب الفصل", label_en="Reasons")),
        guard="severable", effects=(Sever(),),
    ),
    ActionRule(
        "reassign", "إعادة إسناد", "Reassign", OPEN_STAGES,
        _roles(Role.supervisor, Role.chief_prosecutor, Role.court_president), Who.scope,
        (F("to_agency", K.agency, label_ar="الجهة", label_en="Agency"),
         F("reason", K.text, label_ar="السبب", label_en="Reason")),
        guard="same_kind_target", effects=(TO_AGENCY,),
    ),
    ActionRule(
        "add_supervision_note", "ملاحظة إشرافية", "Add a supervision note", OPEN_STAGES, SUPERVISORS, Who.scope,
        (F("note", K.text, label_ar="الملاحظة", label_en="Note"),),
        effects=(KeepNote("note"),), activity=False,
    ),
)

ACTIONS_BY_NAME: dict[str, ActionRule] = {a.name: a for a in ACTIONS}
OPEN_CASE: ActionRule = next(a for a in ACTIONS if a.opens_case)


def action(name: str) -> ActionRule | None:
    return ACTIONS_BY_NAME.get(name)
